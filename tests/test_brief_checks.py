"""The brief's deterministic checks: a valid hand-written brief passes clean, and each planted
fault is flagged for the right reason (and, where the fault allows, only that reason).

The brief is built from real gold claims of three seeds with their manifest perspectives:
000 (Russian security sources via TASS), 001 (Ukrainian officials) and 003 (a Western outlet
quoting The Wall Street Journal), with the gold contested group G02 (000:g01 vs 001:g08).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from verifier.pipeline.brief_checks import check_brief, loaded_terms, names_source
from verifier.pipeline.claimfiles import load_predictions
from verifier.pipeline.documents import load_documents
from verifier.pipeline.verification import verify_claims
from verifier.schemas import (
    Brief,
    BriefSection,
    BriefSentence,
    Claim,
    ClaimGroup,
    Document,
    FlagKind,
    GroupLabel,
    GroupMember,
    SectionKind,
    SourceRef,
)

ROOT = Path(__file__).resolve().parents[1]
D0, D1, D3 = "000_547a94a2ab0e37c5", "001_666ac56010d34003", "003_bb3f38e0b0589b5d"
USED = {D0: ["g01", "g04", "g07"], D1: ["g03", "g08"], D3: ["g01", "g16"]}

RU_FIGURE = f"{D0}:g01"  # reported by Russian security forces, via TASS: 300,000 to 500,000
RU_AMNESTY = f"{D0}:g04"  # asserted: 29,000 returned by August 30, less than 10%
RU_CAUSES = f"{D0}:g07"  # alleged by Russian security analysts
UA_CHARGED = f"{D1}:g03"  # reported by the Prosecutor General's Office: over 100,000
UA_LAWMAKER = f"{D1}:g08"  # speculative, an unnamed lawmaker: could reach 200,000
WSJ_HUNDREDS = f"{D3}:g01"  # reported by The Wall Street Journal
RU_COURT = f"{D3}:g16"  # asserted: a court confirmed the dismissal of 115 soldiers


# ------------------------------------------------------------------------- the brief
@cache
def documents() -> dict[str, Document]:
    paths = [ROOT / "seeds" / f"{d}.txt" for d in USED]
    return {d.id: d for d in load_documents(paths)}


@cache
def claims() -> tuple[Claim, ...]:
    gold = load_predictions(ROOT / "evals" / "gold")
    return tuple(c for d, ns in USED.items() for c in gold[d].claims if c.id.split(":")[1] in ns)


def perspective(doc_id: str) -> str:
    p = documents()[doc_id].perspective
    assert p
    return p


def contested_group() -> ClaimGroup:
    """Gold group G02 (evals/gold/groups.json): the total number of Ukrainian deserters."""
    by_id = {c.id: c for c in claims()}
    members = [
        GroupMember(
            claim_id=cid,
            doc_id=by_id[cid].doc_id,
            attributed_to=by_id[cid].attributed_to,
            certainty=by_id[cid].certainty,
            source_key=documents()[by_id[cid].doc_id].source_key,
            figures=[q.text for q in by_id[cid].quantities],
        )
        for cid in (RU_FIGURE, UA_LAWMAKER)
    ]
    return ClaimGroup(
        id="G02",
        proposition="The total number of Ukrainian military deserters.",
        label=GroupLabel.contested,
        members=members,
        independent_sources=2,
    )


def S(text: str, *cites: str) -> BriefSentence:
    return BriefSentence(text=text, cites=list(cites))


def valid_brief() -> Brief:
    sections = [
        BriefSection(
            kind=SectionKind.overview,
            title="Overview",
            sentences=[
                S(
                    "Russian security sources, Ukrainian officials and Western media each "
                    "report desertion, from the Ukrainian military and from Russia's forces.",
                    RU_FIGURE,
                    UA_CHARGED,
                    WSJ_HUNDREDS,
                )
            ],
        ),
        BriefSection(
            kind=SectionKind.perspective,
            title=perspective(D0),
            perspective=perspective(D0),
            sentences=[
                S(
                    "According to Russian security forces, in figures shared with TASS, an "
                    "estimated 300,000 to 500,000 Ukrainian military personnel have deserted.",
                    RU_FIGURE,
                ),
                S(
                    "By the August 30 deadline of Ukraine's amnesty program, only approximately "
                    "29,000 deserters had returned, less than 10% of the estimated total.",
                    RU_AMNESTY,
                ),
                S(
                    "Russian security analysts claim that injustice, poor treatment and "
                    "dismissive commanders have contributed to desertion.",
                    RU_CAUSES,
                ),
            ],
        ),
        BriefSection(
            kind=SectionKind.perspective,
            title=perspective(D1),
            perspective=perspective(D1),
            sentences=[
                S(
                    "According to Ukraine's Prosecutor General's Office, over 100,000 Ukrainian "
                    "soldiers have been charged with desertion since February 2022.",
                    UA_CHARGED,
                ),
                S(
                    "An unnamed lawmaker familiar with military matters speculated that the "
                    "number of deserters could reach 200,000.",
                    UA_LAWMAKER,
                ),
            ],
        ),
        BriefSection(
            kind=SectionKind.perspective,
            title=perspective(D3),
            perspective=perspective(D3),
            sentences=[
                S(
                    "The Wall Street Journal reported that hundreds of Russian soldiers escaped "
                    "from the battlefield in Ukraine or refused to take part in the invasion.",
                    WSJ_HUNDREDS,
                ),
                S(
                    "A Russian military court in the Kabardino-Balkaria region confirmed the "
                    "dismissal of 115 soldiers who refused to take part in Russia's offensive "
                    "in Ukraine.",
                    RU_COURT,
                ),
            ],
        ),
        BriefSection(
            kind=SectionKind.dispute,
            title="Where sources disagree",
            sentences=[
                S(
                    "Sources disagree on the total number of Ukrainian deserters: Russian "
                    "security forces, via TASS, estimate 300,000 to 500,000, while an unnamed "
                    "Ukrainian lawmaker speculated that it could reach 200,000.",
                    RU_FIGURE,
                    UA_LAWMAKER,
                )
            ],
        ),
    ]
    docs = documents()
    return Brief(
        headline=S("Desertion strains the armies on both sides of the war, sources report"),
        sections=sections,
        sources=[
            SourceRef(
                id=d.id, title=d.title, outlet=d.outlet, perspective=d.perspective, path=d.path
            )
            for d in docs.values()
        ],
        claims=list(claims()),
        verdicts=verify_claims(list(claims()), docs),
        groups=[contested_group()],
    )


# --------------------------------------------------------------------------- helpers
def section(brief: Brief, doc_id_or_kind: str) -> BriefSection:
    """The perspective section of a document, or the first section of a kind."""
    doc = documents().get(doc_id_or_kind)
    for sec in brief.sections:
        if sec.kind.value == doc_id_or_kind:
            return sec
        if doc and sec.kind is SectionKind.perspective and sec.perspective == doc.perspective:
            return sec
    raise KeyError(doc_id_or_kind)


def with_sentence(where: str, index: int, sentence: BriefSentence) -> Brief:
    """The valid brief with one sentence replaced (index == len appends)."""
    brief = valid_brief()
    sentences = section(brief, where).sentences
    if index == len(sentences):
        sentences.append(sentence)
    else:
        sentences[index] = sentence
    return brief


def kinds(s: BriefSentence) -> list[str]:
    return [f.kind.value for f in s.flags]


def flagged(brief: Brief) -> list[tuple[str, list[str]]]:
    """(sentence, flag kinds) for every flagged sentence."""
    return [(s.text, kinds(s)) for s in brief.all_sentences() if s.flags]


def assert_shares_sum_to_one(brief: Brief) -> None:
    v = brief.verification
    assert sum(v.citations_by_source.values()) == pytest.approx(1, abs=1e-3)
    assert sum(v.citations_by_perspective.values()) == pytest.approx(1, abs=1e-3)
    assert set(v.citations_by_source) == set(USED)
    assert set(v.citations_by_perspective) == {perspective(d) for d in USED}


# ------------------------------------------------------------------- the valid brief
def test_valid_brief_has_no_flags() -> None:
    checked = check_brief(valid_brief())
    assert flagged(checked) == []
    body = [s for sec in checked.sections for s in sec.sentences]
    assert all(s.supported is True for s in body)
    assert checked.headline.supported is None  # a headline need not cite
    v = checked.verification
    assert (v.sentences, v.cited, v.supported, v.share_supported) == (9, 9, 9, 1.0)
    assert v.flags == {} and v.brief_flags == [] and v.missing_perspectives == []
    # 12 citations: 000 five times, 001 four, 003 three
    assert v.citations_by_source == {D0: 0.4167, D1: 0.3333, D3: 0.25}
    assert v.citations_by_perspective == {
        perspective(D0): 0.4167,
        perspective(D1): 0.3333,
        perspective(D3): 0.25,
    }
    assert_shares_sum_to_one(checked)


def test_every_cited_gold_claim_is_supported_by_its_source() -> None:
    assert {v.label.value for v in valid_brief().verdicts} == {"supported"}


def test_checks_are_deterministic_and_idempotent() -> None:
    brief = with_sentence(D0, 0, S("300,000 to 500,000 soldiers have deserted.", RU_FIGURE))
    once = check_brief(brief)
    assert check_brief(brief) == once
    assert check_brief(once) == once
    assert check_brief(Brief.model_validate_json(brief.model_dump_json())) == once


# ------------------------------------------------- (a) dropped attribution / hedging
@pytest.mark.parametrize(
    "text",
    [
        "300,000 to 500,000 Ukrainian military personnel have deserted.",
        # "Forces" in "Armed Forces of Ukraine" once counted as naming "Russian security forces"
        "300,000 to 500,000 Ukrainian military personnel have deserted the Armed Forces of "
        "Ukraine.",
        # and "Russian" alone once named them too
        "Between 300,000 and 500,000 Ukrainian soldiers have deserted amid Russian attacks.",
    ],
    ids=["plain", "armed-forces", "russian-attacks"],
)
def test_dropped_attribution_of_the_contested_figure(text: str) -> None:
    checked = check_brief(with_sentence(D0, 0, S(text, RU_FIGURE)))
    assert flagged(checked) == [(text, ["certainty_inflation", "unattributed_contested"])]
    flags = {f.kind: f.detail for f in checked.sections[1].sentences[0].flags}
    assert "reported by Russian security forces, via TASS" in flags[FlagKind.certainty_inflation]
    assert RU_FIGURE in flags[FlagKind.unattributed_contested]
    assert checked.verification.flags == {"certainty_inflation": 1, "unattributed_contested": 1}


def test_dropped_attribution_of_an_uncontested_figure_is_certainty_inflation_only() -> None:
    brief = with_sentence(D0, 0, S("300,000 to 500,000 soldiers have deserted.", RU_FIGURE))
    brief.groups = []
    assert flagged(check_brief(brief)) == [
        ("300,000 to 500,000 soldiers have deserted.", ["certainty_inflation"])
    ]


def test_a_hedge_without_the_source_still_leaves_a_contested_claim_unattributed() -> None:
    text = "An estimated 300,000 to 500,000 Ukrainian military personnel have deserted."
    checked = check_brief(with_sentence(D0, 0, S(text, RU_FIGURE)))
    assert flagged(checked) == [(text, ["unattributed_contested"])]


@pytest.mark.parametrize(
    ("where", "index", "text", "cite"),
    [
        # "Ukrainian" alone once counted as naming the Ukrainian Prosecutor General's Office
        (
            D1,
            0,
            "Over 100,000 Ukrainian soldiers have been charged with desertion since February 2022.",
            UA_CHARGED,
        ),
        (
            D3,
            0,
            "Hundreds of Russian soldiers escaped from the battlefield in Ukraine or refused to "
            "take part in the invasion.",
            WSJ_HUNDREDS,
        ),
        (
            D0,
            2,
            "Injustice, poor treatment and dismissive commanders have contributed to desertion "
            "from the Ukrainian military.",
            RU_CAUSES,
        ),
    ],
    ids=["prosecutor", "wsj", "alleged"],
)
def test_reported_or_alleged_stated_as_fact(where: str, index: int, text: str, cite: str) -> None:
    assert flagged(check_brief(with_sentence(where, index, S(text, cite)))) == [
        (text, ["certainty_inflation"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Russian security forces put the figure at 300,000 to 500,000 Ukrainian deserters.",
        "TASS put the number of Ukrainian deserters at 300,000 to 500,000.",
        "Russia's security forces give 300,000 to 500,000 Ukrainian deserters.",
    ],
)
def test_naming_the_source_or_its_relay_is_attribution(text: str) -> None:
    assert flagged(check_brief(with_sentence(D0, 0, S(text, RU_FIGURE)))) == []


def test_names_source_on_gold_attributions() -> None:
    by_id = {c.id: c for c in claims()}
    lawmaker = by_id[UA_LAWMAKER]
    assert names_source("an unnamed Ukrainian lawmaker speculated", lawmaker)
    assert not names_source("Ukrainian military sources speculated", lawmaker)
    prosecutor = by_id[UA_CHARGED]
    assert names_source("the Prosecutor General says", prosecutor)
    assert not names_source("Ukrainian soldiers have been charged", prosecutor)


# --------------------------------------------------------------------- (b) uncited
def test_a_figure_sentence_without_citation_is_uncited() -> None:
    text = (
        "According to Ukraine's Prosecutor General's Office, over 100,000 Ukrainian soldiers "
        "have been charged with desertion since February 2022."
    )
    checked = check_brief(with_sentence(D1, 0, S(text)))
    assert flagged(checked) == [(text, ["uncited"])]
    s = section(checked, D1).sentences[0]
    assert s.supported is False
    v = checked.verification
    assert (v.sentences, v.cited, v.supported) == (9, 8, 8)
    assert v.share_supported == round(8 / 9, 4)
    assert v.flags == {"uncited": 1}
    assert v.missing_perspectives == []  # 001 is still cited by its other sentences
    assert v.citations_by_source[D1] == round(3 / 11, 4)
    assert_shares_sum_to_one(checked)


# -------------------------------------------------------------- (c) loaded language
COURT = "A Russian military court in the Kabardino-Balkaria region confirmed the dismissal of 115"


@pytest.mark.parametrize(
    ("where", "index", "text", "cite", "term"),
    [
        (
            D3,
            1,
            f"{COURT} soldiers who refused to fight for the regime.",
            RU_COURT,
            "regime",
        ),
        (
            D3,
            1,
            "A Russian military court in the Kabardino-Balkaria region confirmed the brutal "
            "dismissal of 115 soldiers who refused to take part in Russia's offensive.",
            RU_COURT,
            "brutal",
        ),
        (
            D0,
            1,
            "By the August 30 deadline, only approximately 29,000 deserters had returned amid "
            "the exodus, less than 10% of all deserters.",
            RU_AMNESTY,
            "exodus",
        ),
    ],
    ids=["regime", "brutal", "exodus"],
)
def test_loaded_word_in_the_briefs_own_voice(
    where: str, index: int, text: str, cite: str, term: str
) -> None:
    checked = check_brief(with_sentence(where, index, S(text, cite)))
    assert flagged(checked) == [(text, ["loaded_language"])]
    (flag,) = next(s for s in checked.all_sentences() if s.flags).flags
    assert f"'{term}'" in flag.detail
    assert checked.verification.flags == {"loaded_language": 1}
    assert checked.verification.share_supported == 1.0  # loaded, but still supported


@pytest.mark.parametrize(
    ("where", "index", "text", "cite"),
    [
        # inside quotation marks, straight or curly: the words are someone else's
        (D3, 1, f'{COURT} soldiers who refused to fight for what they called the "regime".',
         RU_COURT),
        (D3, 1, f"{COURT} soldiers who refused to fight for what they called the “regime”.",
         RU_COURT),
        (D0, 1, "By the August 30 deadline, only approximately 29,000 deserters had returned "
         "from what Russian analysts call an “exodus”, less than 10% of all deserters.",
         RU_AMNESTY),
        # in an attributed clause
        (D0, 2, "Russian security analysts described the desertions as an exodus driven by "
         "injustice and poor treatment of personnel.", RU_CAUSES),
        (D0, 2, "Russian security analysts described the treatment of personnel by dismissive "
         "commanders as brutal and the cause of desertion.", RU_CAUSES),
    ],
    ids=["straight-quotes", "curly-quotes", "curly-exodus", "described-exodus",
         "described-brutal"],
)  # fmt: skip
def test_loaded_word_quoted_or_attributed_is_not_flagged(
    where: str, index: int, text: str, cite: str
) -> None:
    assert flagged(check_brief(with_sentence(where, index, S(text, cite)))) == []


def test_an_attribution_in_one_clause_does_not_excuse_another() -> None:
    text = (
        "Russian security analysts claim that injustice and poor treatment have contributed "
        "to desertion; the exodus continues."
    )
    checked = check_brief(with_sentence(D0, 2, S(text, RU_CAUSES)))
    assert flagged(checked) == [(text, ["loaded_language"])]
    assert loaded_terms("They claim it is brutal; they say the regime is to blame.") == []


# ------------------------------------------------------------ (d) missing perspective
def _without_western(brief: Brief, *, drop_section: bool = True, drop_cites: bool = True) -> Brief:
    west = perspective(D3)
    if drop_section:
        brief.sections = [s for s in brief.sections if s.perspective != west]
    if drop_cites:
        for sec in brief.sections:
            for s in sec.sentences:
                s.cites = [c for c in s.cites if not c.startswith(D3)]
        # the overview spoke for Western sources too; without them its wording is unbacked
        section(brief, "overview").sentences[0].text = (
            "Russian security sources and Ukrainian officials each report desertion from the "
            "Ukrainian military."
        )
    return brief


def _assert_only_western_missing(checked: Brief, omitted: list[str]) -> None:
    """`omitted`: the Western claims (USED[D3]) that no remaining sentence cites."""
    west = perspective(D3)
    v = checked.verification
    assert v.missing_perspectives == [west]
    assert [(f.kind, west in f.detail) for f in v.brief_flags] == [
        (FlagKind.missing_perspective, True),
        (FlagKind.omitted_claim, True),
    ]
    assert v.brief_flags[1].detail.endswith(", ".join(omitted))
    assert v.flags == {"missing_perspective": 1, "omitted_claim": 1}
    assert flagged(checked) == []  # a brief-level fault, not a sentence's


def test_a_perspective_left_out_is_missing() -> None:
    checked = check_brief(_without_western(valid_brief()))
    _assert_only_western_missing(checked, [WSJ_HUNDREDS, RU_COURT])  # cited nowhere now
    v = checked.verification
    assert v.citations_by_source[D3] == 0 and v.citations_by_perspective[perspective(D3)] == 0
    assert v.citations_by_source == {D0: round(5 / 9, 4), D1: round(4 / 9, 4), D3: 0.0}
    assert v.share_supported == 1.0 and v.sentences == 7
    assert_shares_sum_to_one(checked)


def test_a_perspective_cited_elsewhere_but_without_its_own_section_is_missing() -> None:
    checked = check_brief(_without_western(valid_brief(), drop_cites=False))
    # The overview still cites the WSJ figure; the court ruling was only in its own section.
    _assert_only_western_missing(checked, [RU_COURT])
    assert checked.verification.citations_by_source[D3] == pytest.approx(1 / 10, abs=1e-4)


def test_a_perspective_with_an_empty_section_is_missing() -> None:
    brief = valid_brief()
    section(brief, D3).sentences = []
    _assert_only_western_missing(check_brief(brief), [RU_COURT])


# ------------------------------------------------------------- (e) unsupported number
def test_a_number_not_in_the_cited_claims_is_unsupported() -> None:
    text = (
        "According to Russian security forces, via TASS, an estimated 600,000 Ukrainian "
        "military personnel have deserted."
    )
    checked = check_brief(with_sentence(D0, 0, S(text, RU_FIGURE)))
    assert flagged(checked) == [(text, ["unsupported"])]
    s = section(checked, D0).sentences[0]
    assert s.supported is False and "600000" in s.flags[0].detail
    v = checked.verification
    assert v.flags == {"unsupported": 1} and v.supported == 8
    assert v.share_supported == round(8 / 9, 4)


def test_a_number_from_another_claim_is_unsupported() -> None:
    # 29,000 is in the article, but not in the claim this sentence cites
    text = "According to TASS, about 29,000 Ukrainian military personnel have deserted."
    checked = check_brief(with_sentence(D0, 0, S(text, RU_FIGURE)))
    assert flagged(checked) == [(text, ["unsupported"])]


def test_citing_an_unknown_claim_is_unsupported() -> None:
    brief = valid_brief()
    section(brief, D0).sentences[0].cites.append(f"{D0}:g99")
    checked = check_brief(brief)
    (s,) = [s for s in checked.all_sentences() if s.flags]
    assert kinds(s) == ["unsupported"] and "g99" in s.flags[0].detail and s.supported is False


def test_wording_the_cited_claim_does_not_back_is_unsupported() -> None:
    text = "Moscow has announced a new round of mobilisation in the Far East."
    checked = check_brief(with_sentence(D3, 1, S(text, RU_COURT)))
    assert flagged(checked) == [(text, ["unsupported"])]
    assert "wording" in section(checked, D3).sentences[1].flags[0].detail


# ---------------------------------------------------------- the numbers, all faults
def faulty_brief() -> Brief:
    """One of each sentence fault at once, and the Western perspective left out."""
    brief = _without_western(valid_brief())
    ru = section(brief, D0).sentences
    ru[0] = S("300,000 to 500,000 Ukrainian military personnel have deserted.", RU_FIGURE)
    ru[1] = S(
        "By the August 30 deadline, only approximately 29,000 deserters had returned amid the "
        "exodus, less than 10% of all deserters.",
        RU_AMNESTY,
    )
    ua = section(brief, D1).sentences
    ua[0] = S(ua[0].text)  # uncited
    ua[1] = S(
        "An unnamed lawmaker familiar with military matters speculated that the number of "
        "deserters could reach 250,000.",
        UA_LAWMAKER,
    )
    return brief


def test_verification_numbers_of_a_brief_with_every_fault() -> None:
    checked = check_brief(faulty_brief())
    v = checked.verification
    assert v.flags == {
        "certainty_inflation": 1,
        "loaded_language": 1,
        "missing_perspective": 1,
        "omitted_claim": 1,  # the Western claims, cited nowhere
        "uncited": 1,
        "unattributed_contested": 1,
        "unsupported": 1,
    }
    assert sum(len(s.flags) for s in checked.all_sentences()) + len(v.brief_flags) == sum(
        v.flags.values()
    )
    # 7 body sentences: 1 uncited, 1 with a number its claim lacks
    assert (v.sentences, v.cited, v.supported) == (7, 6, 5)
    assert v.share_supported == round(5 / 7, 4)
    assert v.missing_perspectives == [perspective(D3)]
    assert_shares_sum_to_one(checked)


# ------------------------------------------------------------------------ the CLI
def _verifier() -> list[str]:
    exe = Path(sys.executable).with_name("verifier")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "verifier"]


def run_verifier(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VERIFIER_") and not k.endswith(("_API_KEY", "_API_BASE"))
    }
    return subprocess.run(
        [*_verifier(), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


@pytest.fixture
def brief_file(tmp_path: Path) -> Path:
    """A brief with a dropped attribution, written unchecked (no flags yet) as JSON."""
    brief = with_sentence(
        D0, 0, S("300,000 to 500,000 Ukrainian military personnel have deserted.", RU_FIGURE)
    )
    path = tmp_path / "brief.json"
    path.write_text(brief.model_dump_json(indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".html", ".md", ".json"])
def test_check_brief_cli_reports_the_flag(brief_file: Path, suffix: str) -> None:
    out = brief_file.with_name(f"out{suffix}")
    proc = run_verifier("check-brief", brief_file, "-o", out, cwd=brief_file.parent)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    text = out.read_text(encoding="utf-8")
    for kind in ("certainty_inflation", "unattributed_contested"):
        assert kind in text or kind.replace("_", " ") in text, (kind, suffix)
    assert "certainty_inflation 1" in proc.stderr and "unattributed_contested 1" in proc.stderr
    if suffix == ".json":
        written = Brief.model_validate_json(text)
        expected = check_brief(Brief.model_validate_json(brief_file.read_text(encoding="utf-8")))
        assert written.verification == expected.verification
        assert [s.flags for s in written.all_sentences()] == [
            s.flags for s in expected.all_sentences()
        ]
    if suffix == ".html":
        assert "300,000 to 500,000 Ukrainian military personnel" in text
        assert text.lstrip().lower().startswith("<!doctype html")


Bad = Callable[[Path], None]
BAD_BRIEFS: dict[str, Bad] = {
    "malformed": lambda p: p.write_text('{"headline": {"text": "x",', encoding="utf-8"),
    "not-a-brief": lambda p: p.write_text(json.dumps({"sections": []}), encoding="utf-8"),
    "empty": lambda p: p.write_text("", encoding="utf-8"),
}


@pytest.mark.parametrize("case", list(BAD_BRIEFS))
def test_check_brief_cli_bad_file_is_one_line(tmp_path: Path, case: str) -> None:
    path = tmp_path / f"{case}.json"
    BAD_BRIEFS[case](path)
    out = tmp_path / "out.md"
    proc = run_verifier("check-brief", path, "-o", out, cwd=tmp_path)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode != 0
    assert len(lines) == 1, proc.stderr
    assert path.name in lines[0] and "Traceback" not in proc.stderr
    assert not out.exists()
