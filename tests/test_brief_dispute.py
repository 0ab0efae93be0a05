"""The brief shows the dispute: figures side by side, complete lists, false agreements flagged.

Built from the seed gold claims with the code-built sections (`structure_sections`, shared
by every brief strategy), checked and rendered as the `brief` command does; no model.
Expected values come from the seed articles (comments say where).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from verifier.pipeline.brief import structure_sections
from verifier.pipeline.brief_checks import check_brief
from verifier.pipeline.claimfiles import load_predictions
from verifier.pipeline.documents import load_documents
from verifier.pipeline.grouping import group_claims
from verifier.pipeline.verification import verify_claims
from verifier.render.brief import brief_html, brief_markdown
from verifier.schemas import (
    Brief,
    BriefSection,
    BriefSentence,
    FlagKind,
    SectionKind,
    SourceRef,
)

ROOT = Path(__file__).resolve().parents[1]
D0, D1 = "000_547a94a2ab0e37c5", "001_666ac56010d34003"


@cache
def brief() -> Brief:
    docs = load_documents([ROOT / "seeds"])
    documents = {d.id: d for d in docs}
    claims = [c for d in load_predictions(ROOT / "evals" / "gold").values() for c in d.claims]
    verdicts = verify_claims(claims, documents, None)
    groups = group_claims(claims, documents, ("desertion",))
    sections = structure_sections(claims, groups, {v.claim_id: v for v in verdicts})
    sources = [SourceRef(id=d.id, title=d.title, outlet=d.outlet, perspective=d.perspective,
                         path=d.path) for d in docs]  # fmt: skip
    draft = Brief(headline=BriefSentence(text="Desertion"), sections=sections, sources=sources,
                  claims=claims, verdicts=verdicts, groups=groups)  # fmt: skip
    return check_brief(draft)


def section(b: Brief, kind: SectionKind) -> BriefSection:
    return next(s for s in b.sections if s.kind == kind)


def test_the_dispute_sets_the_three_figures_side_by_side_in_a_table() -> None:
    b = brief()
    (s,) = [s for s in section(b, SectionKind.dispute).sentences if f"{D0}:g01" in s.cites]
    assert sorted(s.cites) == [f"{D0}:g01", f"{D1}:g03", f"{D1}:g08"]
    md = brief_markdown(b)
    # Rows written from the articles: 000 ¶2 (TASS), 001 ¶2 (prosecutor), 001 ¶4 (lawmaker).
    for row in (
        "| 300,000 to 500,000 | deserted | range | reported | Russian security forces, via "
        "TASS | — | [S1·g01] |",
        "| over 100,000 | charged with desertion | over | reported | Ukrainian Prosecutor "
        "General's Office | since February 2022 | [S2·g03] |",
        "| could reach 200,000 | speculated ceiling (deserted) | up to | speculated ceiling | an "
        "unnamed lawmaker familiar with military matters | — | [S2·g08] |",
    ):
        assert row in md
    html = brief_html(b, {})
    assert html.count('<table class="figures">') == len(section(b, SectionKind.dispute).sentences)
    for cell in ("<td>deserted</td>", "<td>charged with desertion</td>",
                 "<td>speculated ceiling (deserted)</td>"):  # fmt: skip
        assert cell in html


def test_the_engaged_figure_is_not_in_the_dispute() -> None:
    # 001 ¶3: "around 300,000 Ukrainian soldiers were engaged" is not a desertion figure.
    for s in section(brief(), SectionKind.dispute).sentences + section(
        brief(), SectionKind.agreement
    ).sentences:
        assert f"{D1}:g06" not in s.cites


def test_lists_are_complete_and_collapsed_not_cut() -> None:
    b = brief()
    single = section(b, SectionKind.single_source).sentences
    assert len(single) > 40  # more than the old cut, all of them kept
    cited = {c for sec in b.sections for s in sec.sentences for c in s.cites}
    assert cited == {c.id for c in b.claims}  # every claim appears somewhere
    assert "omitted_claim" not in b.verification.flags
    html = brief_html(b, {})
    assert f"<summary>Show all {len(single)} entries</summary>" in html
    for s in single:
        assert s.cites[0].rsplit(":", 1)[1] in html


def test_a_claimed_agreement_between_different_propositions_is_flagged() -> None:
    b = brief()
    wrong = BriefSentence(  # deserted (TASS) vs charged (prosecutor): not one proposition
        text="Ukrainian desertion is reported independently by Russian security forces and "
        "the Ukrainian Prosecutor General's Office.",
        cites=[f"{D0}:g01", f"{D1}:g03"],
    )
    right = BriefSentence(  # 000: "persistent personnel shortages"; 001: "severe shortage"
        text="Ukraine's military faces a shortage of personnel, reported independently by the "
        "article and unnamed officials and commanders.",
        cites=[f"{D0}:g10", f"{D1}:g02"],
    )
    sections = [BriefSection(kind=SectionKind.agreement, title="Where sources agree",
                             sentences=[wrong, right])]  # fmt: skip
    checked = check_brief(b.model_copy(update={"sections": sections}))
    got = checked.sections[0].sentences
    assert [f.kind for f in got[0].flags if f.kind == FlagKind.false_agreement]
    assert not [f for f in got[1].flags if f.kind == FlagKind.false_agreement]
    # Dropping every other section leaves claims cited nowhere: flagged per perspective.
    assert checked.verification.flags["omitted_claim"] == len(b.sources)
