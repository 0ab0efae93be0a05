"""Grouping is right on right claims: acceptance tests on each suite's hand-written gold claims.

Every expectation below was written by reading the suite's articles (the comment next to it
says where), not by running the code. The same four properties are checked on two suites on
unrelated topics: the seed articles on desertion (evals/suites/seeds.yaml) and the synthetic
harbour-strike articles (evals/suites/harbour.yaml), each with its own vocabulary file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from verifier.evaluation.suites import load_suite
from verifier.pipeline.grouping import group_claims
from verifier.schemas import Claim, ClaimGroup, Document, GroupLabel

SUITES = Path(__file__).resolve().parents[1] / "evals" / "suites"


@dataclass(frozen=True)
class Figure:
    claim_id: str
    figure: str  # as written in the claim's quantity
    counts: str  # what it counts, as a reader would label it
    qualifier: str
    source: str  # the claim's attributed_to


@dataclass(frozen=True)
class Expected:
    suite: str
    vocabulary: tuple[str, ...]
    dispute: tuple[Figure, ...]  # the figures one dispute group sets side by side
    dispute_sources: int  # independent upstream sources among them
    false_friend: str  # a figure that must never join a dispute figure
    different_things: bool  # the dispute holds figures that count different things
    relays: tuple[str, ...] = ()  # claims relaying one upstream source (≥2 documents)


SEEDS = Expected(
    suite="seeds",
    vocabulary=("desertion",),
    dispute=(
        # 000 ¶2: "According to reports from Russian security forces, an estimated 300,000 to
        # 500,000 Ukrainian military personnel have deserted"; ¶3: "shared with TASS".
        Figure("000_547a94a2ab0e37c5:g01", "300,000 to 500,000", "deserted", "range",
               "Russian security forces, via TASS"),
        # 001 ¶2: "The Ukrainian Prosecutor General's Office reports that … over 100,000
        # soldiers have been charged with desertion."
        Figure("001_666ac56010d34003:g03", "over 100,000", "charged with desertion", "over",
               "Ukrainian Prosecutor General's Office"),
        # 001 ¶4: "A lawmaker familiar with military matters has speculated that the figure
        # could reach 200,000."
        Figure("001_666ac56010d34003:g08", "could reach 200,000",
               "speculated ceiling (deserted)", "up_to",
               "an unnamed lawmaker familiar with military matters"),
    ),
    # Russian security forces (via TASS), the Prosecutor General's Office, the lawmaker.
    dispute_sources=3,
    # 001 ¶3: "around 300,000 Ukrainian soldiers were engaged in the conflict before the
    # mobilization efforts began": same number, not a desertion figure.
    false_friend="001_666ac56010d34003:g06",
    different_things=True,
)  # fmt: skip

HARBOUR = Expected(
    suite="harbour",
    vocabulary=("protest",),
    dispute=(
        # h01: "About 40,000 people marched through Velmora on Tuesday …, the Velmora
        # Dockworkers' Union said."
        Figure("h01_union_bulletin:g01", "About 40,000", "marched", "approximately",
               "Velmora Dockworkers' Union"),
        # h02: "Some 12,000 people took part in Tuesday's march in Velmora, according to
        # Velmora police, as reported by the Coastline Press Agency."
        Figure("h02_harbour_daily:g01", "Some 12,000", "marched", "approximately",
               "Velmora police, via the Coastline Press Agency"),
        # h03: "Velmora police estimated that 12,000 people joined the march, the Coastline
        # Press Agency reported." (the same police figure, relayed again)
        Figure("h03_bay_herald:g01", "12,000", "marched", "approximately",
               "Velmora police, via the Coastline Press Agency"),
        # h04: "Opposition councillor Ivo Brandt speculated that turnout could have reached
        # 60,000."
        Figure("h04_council_report:g01", "could have reached 60,000",
               "speculated ceiling (marched)", "up_to", "Ivo Brandt, opposition councillor"),
    ),
    # The union; the police (one source, two relays); the councillor.
    dispute_sources=3,
    # h01: "The union, which has around 40,000 members": a membership, not a turnout.
    false_friend="h01_union_bulletin:g02",
    different_things=False,
    # h02 and h03 both relay the police figure through the Coastline Press Agency.
    relays=("h02_harbour_daily:g01", "h03_bay_herald:g01"),
)  # fmt: skip


@cache
def _suite(name: str) -> tuple[list[Claim], dict[str, Document], list[ClaimGroup], dict]:
    suite = load_suite(SUITES / f"{name}.yaml")
    claims = [c for d in suite.gold.values() for c in d.claims]
    docs = {d.id: d for d in suite.documents}
    gold_of = {cid: g for g in suite.gold_groups.groups for cid in g.claim_ids}
    return claims, docs, group_claims(claims, docs, suite.vocabulary), gold_of


def _group_of(groups: list[ClaimGroup], claim_id: str) -> ClaimGroup:
    (g,) = [g for g in groups if claim_id in g.claim_ids]
    return g


CASES = [SEEDS, HARBOUR]


@pytest.mark.parametrize("exp", CASES, ids=lambda e: e.suite)
def test_the_dispute_figures_are_one_group_side_by_side(exp: Expected) -> None:
    _, _, groups, _ = _suite(exp.suite)
    g = _group_of(groups, exp.dispute[0].claim_id)
    assert sorted(g.claim_ids) == sorted(f.claim_id for f in exp.dispute)
    assert g.label == GroupLabel.contested
    assert g.independent_sources == exp.dispute_sources
    members = {m.claim_id: m for m in g.members}
    for f in exp.dispute:
        m = members[f.claim_id]
        assert m.attributed_to == f.source
        assert [(x.figure, x.counts, x.qualifier) for x in m.measures] == [
            (f.figure, f.counts, f.qualifier)
        ]
    # Figures for different things are labelled as such, never as agreeing.
    different = any(n.startswith("not comparable: counts different things") for n in g.notes)
    assert different == exp.different_things
    assert not any(n.startswith("figures agree") for n in g.notes)


@pytest.mark.parametrize("exp", CASES, ids=lambda e: e.suite)
def test_the_false_friend_figure_never_joins_a_dispute_figure(exp: Expected) -> None:
    _, _, groups, _ = _suite(exp.suite)
    g = _group_of(groups, exp.false_friend)
    dispute = {f.claim_id for f in exp.dispute}
    assert not dispute & set(g.claim_ids)


@pytest.mark.parametrize("exp", CASES, ids=lambda e: e.suite)
def test_no_agreement_between_claims_of_different_propositions(exp: Expected) -> None:
    """Every corroborated group lies inside one hand-labelled gold proposition."""
    _, _, groups, gold_of = _suite(exp.suite)
    for g in groups:
        if g.label != GroupLabel.corroborated:
            continue
        owners = {gold_of[c].id if c in gold_of else None for c in g.claim_ids}
        assert len(owners) == 1 and None not in owners, (g.proposition, g.claim_ids)


@pytest.mark.parametrize("exp", [c for c in CASES if c.relays], ids=lambda e: e.suite)
def test_relays_of_one_upstream_source_are_not_independent(exp: Expected) -> None:
    _, _, groups, _ = _suite(exp.suite)
    g = _group_of(groups, exp.relays[0])
    assert set(exp.relays) <= set(g.claim_ids)
    assert g.label != GroupLabel.corroborated
    keys = {m.source_key for m in g.members if m.claim_id in exp.relays}
    assert len(keys) == 1  # one upstream source
    # The relays add no independent source: without them the count is the same.
    others = {m.source_key for m in g.members if m.claim_id not in exp.relays}
    assert g.independent_sources == len(others) + 1


def test_the_same_relays_alone_are_single_source() -> None:
    """h02 and h03 pass on one police figure via one agency: no confirmation of each other."""
    claims, docs, _, _ = _suite("harbour")
    pair = [c for c in claims if c.id in HARBOUR.relays]
    (g,) = group_claims(pair, docs, HARBOUR.vocabulary)
    assert g.label == GroupLabel.single_source
    assert g.independent_sources == 1
    assert any(n.startswith("not independent: 2 documents relay one source") for n in g.notes)
    assert any(n.startswith("same source, figures agree") for n in g.notes)


def test_a_denial_is_a_dispute_and_a_shared_statement_an_agreement() -> None:
    _, _, groups, _ = _suite("harbour")
    # h01: "police used tear gas against peaceful marchers" (union spokesperson) vs h02:
    # "Police said officers did not use tear gas at any point during the march."
    g = _group_of(groups, "h01_union_bulletin:g04")
    assert sorted(g.claim_ids) == ["h01_union_bulletin:g04", "h02_harbour_daily:g02"]
    assert g.label == GroupLabel.contested
    # h01: "Velmora port was shut for the whole day on Tuesday, the union said." and h02:
    # "The port of Velmora was shut all day Tuesday, the Velmora Port Authority said."
    g = _group_of(groups, "h01_union_bulletin:g05")
    assert sorted(g.claim_ids) == ["h01_union_bulletin:g05", "h02_harbour_daily:g03"]
    assert g.label == GroupLabel.corroborated
    assert g.independent_sources == 2
