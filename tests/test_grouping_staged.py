"""Grouping on the embedded default's own claims: `staged` extraction replayed from the cassette.

tests/test_grouping_acceptance.py feeds hand-written gold claims; this feeds what the default
brief really groups (`verifier brief seeds/` on `local`). The extraction replay is
deterministic, so the claims are the same on every run. Every expectation below was written
by reading the seed articles (quoted next to it), not by running the code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import verifier
from verifier.pipeline.grouping import group_claims
from verifier.schemas import Claim, ClaimGroup, GroupLabel

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "evals" / "cassettes" / "seeds-local.yaml"
TASS, KHAAMA, WSJ = "000_547a94a2ab0e37c5", "001_666ac56010d34003", "003_bb3f38e0b0589b5d"

pytestmark = pytest.mark.skipif(not CASSETTE.exists(), reason="seed cassette not recorded")


@cache
def _staged(cache_dir: str) -> tuple[list[Claim], list[ClaimGroup]]:
    settings = verifier.load_settings(
        {"offline": True, "cassette": CASSETTE, "cache_dir": Path(cache_dir)}
    )
    docs = verifier.load_documents([ROOT / "seeds"])
    with verifier.get_model(settings) as gw:
        result = verifier.extract(docs, gw, "staged")
    assert not [d.error for d in result.documents if d.error]  # every document replayed
    claims = result.all_claims()
    return claims, group_claims(claims, {d.id: d for d in docs})  # the brief's default


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Claim], list[ClaimGroup]]:
    return _staged(str(tmp_path_factory.mktemp("staged-cache")))


def _claim(claims: list[Claim], doc: str, *words: str) -> Claim:
    """The one claim of `doc` whose text holds all `words` (found by the article's words)."""
    (c,) = [c for c in claims if c.doc_id == doc and all(w in c.text for w in words)]
    return c


def test_the_three_desertion_figures_share_one_dispute_group(staged) -> None:  # type: ignore[no-untyped-def]
    claims, groups = staged
    # 000 ¶2: "According to reports from Russian security forces, an estimated 300,000 to
    # 500,000 Ukrainian military personnel have deserted the Armed Forces of Ukraine (AFU)."
    tass = _claim(claims, TASS, "300,000 to 500,000")
    # 001 ¶2: "The Ukrainian Prosecutor General's Office reports that since Russia's invasion
    # in February 2022, over 100,000 soldiers have been charged with desertion." — Ukrainian
    # soldiers: the article is about Ukraine's army ("many are deserting the military").
    charged = _claim(claims, KHAAMA, "100,000")
    # 001 ¶4: "The actual number of deserters could be even higher, according to some
    # sources. A lawmaker familiar with military matters has speculated that the figure could
    # reach 200,000." — "the figure" is the number of (Ukrainian) deserters.
    ceiling = _claim(claims, KHAAMA, "200,000")
    (g,) = [g for g in groups if tass.id in g.claim_ids]
    assert {tass.id, charged.id, ceiling.id} <= set(g.claim_ids)
    assert g.label == GroupLabel.contested
    assert "Ukrainian" in g.proposition and "Russian" not in g.proposition
    # Three independent upstream sources: Russian security forces (via TASS), the Prosecutor
    # General's Office, the lawmaker.
    assert g.independent_sources == 3
    members = {m.claim_id: m for m in g.members}
    expected = {
        tass.id: ("Russian security forces", "range", "deserted"),
        charged.id: ("Prosecutor General", "over", "charged with desertion"),
        ceiling.id: ("lawmaker", "up_to", "speculated ceiling (deserted)"),
    }
    for cid, (source, qualifier, counts) in expected.items():
        m = members[cid]
        assert source in m.attributed_to
        assert [(x.qualifier, x.counts) for x in m.measures] == [(qualifier, counts)]
    # What "the figure" counts is read from the sentence before it, and kept as evidence.
    (fig,) = members[ceiling.id].measures
    assert fig.counted == "deserters"
    assert fig.context and "number of deserters" in fig.context
    # Figures for different things (deserted, charged, a speculated ceiling) are never
    # presented as agreeing.
    assert not any(n.startswith("figures agree") for n in g.notes)


def test_russian_deserters_are_not_set_against_ukrainian_figures(staged) -> None:  # type: ignore[no-untyped-def]
    claims, groups = staged
    # 003 ¶2: "A report revealed that hundreds of Russian soldiers escaped from the
    # battlefield"; ¶3: "the hundreds of defections and the insubordination of soldiers
    # aggravate the problem for Moscow" — both count Russian soldiers.
    russian = [c for c in claims if c.doc_id == WSJ and "hundreds" in c.text]
    assert len(russian) == 2
    tass = _claim(claims, TASS, "300,000 to 500,000")
    (g,) = [g for g in groups if tass.id in g.claim_ids]
    assert not {c.id for c in russian} & set(g.claim_ids)
    # 001 ¶3: "around 300,000 Ukrainian soldiers were engaged in the conflict": not desertion.
    engaged = _claim(claims, KHAAMA, "around 300,000")
    assert engaged.id not in g.claim_ids
