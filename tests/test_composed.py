"""The `composed` brief: sentences built by code from claims, checked by the brief's checks.

Expected sentences are written by hand from the claim fields (evals/gold) and the wording
rules in verifier.briefing.composed; the gold claims are hand-labelled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.briefing import BRIEF_STRATEGIES, default_brief_strategy, get_brief_strategy
from verifier.briefing.composed import code_headline, compose
from verifier.evaluation.gold import load_gold
from verifier.pipeline.brief_checks import check_sentence, names_source
from verifier.pipeline.documents import load_documents
from verifier.schemas import BriefSentence, Certainty, Claim

ROOT = Path(__file__).resolve().parents[1]


def claim(text: str, who: str, certainty: Certainty) -> Claim:
    return Claim(
        id="d:c01", doc_id="d", text=text, quote=text, attributed_to=who, certainty=certainty
    )


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        (
            claim("The figure could reach 200,000.", "an unnamed lawmaker", Certainty.speculative),
            "An unnamed lawmaker speculated that the figure could reach 200,000.",
        ),
        (
            claim(
                "Soldiers are prohibited from leaving.", "relatives of soldiers", Certainty.alleged
            ),
            "Relatives of soldiers alleged that Soldiers are prohibited from leaving.",
        ),
        (
            claim("Some soldiers never return to duty.", "Khaama Press", Certainty.asserted),
            "According to Khaama Press, some soldiers never return to duty.",
        ),
        (
            # Already names its source and hedges: kept as written.
            claim(
                "According to Russian security forces, 300,000 to 500,000 soldiers deserted.",
                "Russian security forces",
                Certainty.reported,
            ),
            "According to Russian security forces, 300,000 to 500,000 soldiers deserted.",
        ),
    ],
)
def test_compose_wraps_a_claim_in_its_attribution_and_hedge(c: Claim, expected: str) -> None:
    assert compose(c) == expected


def test_every_composed_gold_claim_passes_the_brief_checks() -> None:
    """Faithful by construction: no unsupported sentence, no inflation, no loaded words."""
    gold, _ = load_gold(ROOT / "evals" / "gold", ROOT / "seeds")
    claims = {c.id: c for doc in gold.values() for c in doc.claims}
    assert len(claims) == 73  # 10 + 17 + 11 + 23 + 12 gold claims in the five files
    for c in claims.values():
        text = compose(c)
        s = check_sentence(BriefSentence(text=text, cites=[c.id]), claims, set())
        assert s.supported, (c.id, s.text, s.flags)
        assert s.flags == [], (c.id, s.text, s.flags)
        # Every named source is named (an anonymous one has no name to check for).
        if "unnamed" not in c.attributed_to:
            assert names_source(text, c), (c.id, text)


def test_code_headline_counts_sources_and_perspectives() -> None:
    docs = load_documents([ROOT / "seeds"])
    c = claim("Ukraine and Russia.", "x", Certainty.asserted).model_copy(
        update={"entities": ["Ukraine", "Russia"]}
    )
    # Five seed files, five distinct perspectives in seeds/manifest.yaml.
    assert code_headline(docs, [c]) == (
        "What 5 sources from 5 perspectives report on Ukraine and Russia: "
        "claims, sources and figures side by side"
    )
    # "Russian" (a demonym) and "Russia" are one place, written as the place and counted once
    # per claim: Russia 3 (all three claims), Ukraine 1; read apart, "Russian" (2) would lead.
    d = claim("Russian soldiers left Russia.", "x", Certainty.asserted).model_copy(
        update={"entities": ["Russian", "Russia"]}
    )
    r = claim("Russian units.", "x", Certainty.asserted)
    r = r.model_copy(update={"entities": ["Russian"]})
    assert code_headline(docs, [c, d, r]).startswith(
        "What 5 sources from 5 perspectives report on Russia and Ukraine: "
    )


def test_brief_strategies_and_defaults() -> None:
    assert BRIEF_STRATEGIES.names() == ["abstractive", "composed"]
    assert default_brief_strategy("local") == "composed"
    assert default_brief_strategy("openai/gpt-4o-mini") == "abstractive"
    assert get_brief_strategy(None, "local").name == "composed"
