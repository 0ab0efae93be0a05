"""`verify --no-llm` on a planted set of subtly wrong claims (tests/planted_claims.py).

Each wrong claim was written by hand against a seed sentence (the comment beside it says
what the article says instead), so "not supported" is known from the article, not from
the code. The correct, decontextualised claims must stay supported. One wrong claim is
beyond what code can decide and is marked as such (strict xfail: it fails loudly if the
checks start catching it, so this list stays true).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from planted_claims import CORRECT, PLANTED, run

from verifier.pipeline.checks import check_instruction, check_negation
from verifier.schemas import Claim
from verifier.text.sentences import sentences

REPO = Path(__file__).resolve().parents[1]

#: Beyond what code decides; these need the judge.
NEEDS_JUDGE = {
    "wrong-attribution-06": "the swapped-in source (the AP) is named in the next paragraph",
    "wrong-hedge-30": "speculation without a figure; a modal is often ability, not a hedge",
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return run(tmp_path_factory.mktemp("planted"))


WRONG_IDS = [f"wrong-{cls}-{k:02d}" for k, (cls, *_rest) in enumerate(PLANTED)]


@pytest.mark.parametrize(
    "cid",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=NEEDS_JUDGE[c]))
        if c in NEEDS_JUDGE
        else c
        for c in WRONG_IDS
    ],
)
def test_planted_wrong_claim_is_not_supported(verdicts: dict[str, dict], cid: str) -> None:
    assert verdicts[cid]["label"] != "supported", verdicts[cid]["rationale"]


@pytest.mark.parametrize("k", range(len(CORRECT)))
def test_correct_decontextualised_claim_is_supported(verdicts: dict[str, dict], k: int) -> None:
    v = verdicts[f"correct-{k:02d}"]
    assert v["label"] == "supported", v["rationale"]


def test_injected_instructions_are_named_as_such(verdicts: dict[str, dict]) -> None:
    for cid in (c for c in WRONG_IDS if "injection" in c):
        assert verdicts[cid]["label"] == "not_in_source"
        assert "instruction to the reader or a model" in verdicts[cid]["rationale"]


def test_no_seed_sentence_reads_as_an_instruction() -> None:
    """The seeds are news articles: none of their sentences instructs a reader or a model."""
    for path in sorted((REPO / "seeds").glob("*.txt")):
        for sent in sentences(path.read_text(encoding="utf-8")):
            c = Claim(id="x", doc_id="x", text="x", quote=sent, attributed_to="x")
            assert check_instruction(c).passed, (path.name, sent)


@pytest.mark.parametrize(
    "text,quote,agrees",
    [
        ("The office hasn't extended it.", "The office has not extended it.", True),
        ("The office extended it.", "The office hasn't extended it.", False),
        ("In May, the office extended it.", "In May, the office extended it.", True),
        ("Nobody returned.", "No one returned.", True),
        ("The plan succeeded.", "The plan failed.", False),
        ("Soldiers refused orders.", "soldiers who refused orders", True),
    ],
)
def test_negation_cues(text: str, quote: str, agrees: bool) -> None:
    c = Claim(id="x", doc_id="x", text=text, quote=quote, attributed_to="x")
    assert check_negation(c, quote).passed is agrees
