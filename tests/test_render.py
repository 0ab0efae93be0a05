"""Rendering briefs (Markdown, HTML) and eval reports (HTML)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from verifier.render.brief import brief_html, brief_markdown, citation_label
from verifier.render.report import leaderboard_rows, report_html
from verifier.schemas import (
    Brief,
    BriefSection,
    BriefSentence,
    BriefVerification,
    Certainty,
    Claim,
    ClaimGroup,
    ClaimType,
    DocumentClaims,
    Flag,
    FlagKind,
    GroupLabel,
    GroupMember,
    MetricValue,
    RunRecord,
    SectionKind,
    SourceRef,
    Verdict,
    VerdictLabel,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
D0 = "000_547a94a2ab0e37c5"  # Russian security sources via TASS
D1 = "001_666ac56010d34003"  # Ukrainian officials, AP
D2 = "002_f8d432a874d9319b"  # Ukrainian National Resistance Center

NOT_LOCATED_QUOTE = "this problem will get much bigger next year"


def seed_texts() -> dict[str, str]:
    return {d: (SEEDS / f"{d}.txt").read_text(encoding="utf-8") for d in (D0, D1, D2)}


def _claim(texts: dict[str, str], doc: str, n: int, quote: str, text: str, who: str,
           certainty: Certainty, kind: ClaimType = ClaimType.statistic,
           locate: bool = True) -> Claim:
    start = texts[doc].find(quote) if locate else -1
    if locate:
        assert start >= 0, f"quote not in {doc}: {quote!r}"
    return Claim(
        id=f"{doc}:c{n:02d}", doc_id=doc, text=text, quote=quote,
        start=start if start >= 0 else None, end=start + len(quote) if start >= 0 else None,
        claim_type=kind, attributed_to=who, certainty=certainty,
    )


def make_brief(texts: dict[str, str] | None = None) -> Brief:
    texts = texts or seed_texts()
    manifest = yaml.safe_load((SEEDS / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    sources = [SourceRef(id=d, path=f"seeds/{d}.txt", **{k: manifest[f"{d}.txt"][k]
               for k in ("title", "outlet", "perspective")}) for d in (D0, D1, D2)]
    claims = [
        _claim(texts, D0, 1, "an estimated 300,000 to 500,000 Ukrainian military personnel have "
               "deserted the Armed Forces of Ukraine (AFU)",
               "An estimated 300,000 to 500,000 Ukrainian military personnel have deserted.",
               "Russian security forces", Certainty.reported),
        _claim(texts, D0, 2, "By the August 30 deadline, only approximately 29,000 soldiers had "
               "returned", "About 29,000 deserters returned under the amnesty by August 30.",
               "Russian security sources", Certainty.reported),
        _claim(texts, D0, 3, "Ukrainian commanders have labeled missing soldiers as deserters",
               "Ukrainian commanders have labelled missing soldiers as deserters.",
               "unnamed reports", Certainty.alleged, ClaimType.event),
        _claim(texts, D1, 1, "over 100,000 soldiers have been charged with desertion",
               "Over 100,000 Ukrainian soldiers have been charged with desertion since February "
               "2022.", "Ukrainian Prosecutor General's Office", Certainty.reported),
        _claim(texts, D1, 2, "A lawmaker familiar with military matters has speculated that the "
               "figure could reach 200,000",
               "The number of deserters could reach 200,000.", "a Ukrainian lawmaker",
               Certainty.speculative, ClaimType.prediction),
        _claim(texts, D1, 3, NOT_LOCATED_QUOTE,
               "Kovalenko says desertion will become a bigger problem.",
               "Alexander Kovalenko", Certainty.reported, ClaimType.prediction, locate=False),
        _claim(texts, D2, 1, "Russian military personnel are being forced to desert if they want "
               "to leave the army after their contracts expire",
               "Russian soldiers are forced to desert to leave the army after their contracts "
               "expire.", "National Resistance Center of Ukraine", Certainty.reported,
               ClaimType.characterisation),
    ]
    c = {cl.id: cl.id for cl in claims}
    k = lambda d, n: c[f"{d}:c{n:02d}"]  # noqa: E731
    inflation = Flag(kind=FlagKind.certainty_inflation,
                     detail="the source only reports this figure from Russian security forces")
    sections = [
        BriefSection(kind=SectionKind.overview, title="Overview", sentences=[
            BriefSentence(text="Sources on all sides describe desertion as a growing problem.",
                          cites=[k(D0, 1), k(D1, 1), k(D2, 1)], supported=True),
        ]),
        BriefSection(kind=SectionKind.dispute, title="How many have deserted", sentences=[
            BriefSentence(text="Between 300,000 and 500,000 Ukrainian soldiers have deserted.",
                          cites=[k(D0, 1)], supported=False, flags=[inflation]),
            BriefSentence(text="Ukraine's Prosecutor General's Office reports that over 100,000 "
                          "soldiers have been charged with desertion.",
                          cites=[k(D1, 1)], supported=True),
            BriefSentence(text="A Ukrainian lawmaker speculated the figure could reach 200,000.",
                          cites=[k(D1, 2)], supported=True),
        ]),
        BriefSection(kind=SectionKind.perspective, title="Russian security sources",
                     perspective=sources[0].perspective, sentences=[
            BriefSentence(text="Russian security sources say about 29,000 returned under the "
                          "amnesty.", cites=[k(D0, 2)], supported=True),
            BriefSentence(text="It is alleged that commanders labelled missing soldiers as "
                          "deserters.", cites=[k(D0, 3)], supported=True),
        ]),
        BriefSection(kind=SectionKind.perspective, title="Ukrainian officials",
                     perspective=sources[2].perspective, sentences=[
            BriefSentence(text="Ukraine's National Resistance Center says Russian soldiers must "
                          "desert to leave after their contracts end.",
                          cites=[k(D2, 1)], supported=True),
            BriefSentence(text="A Kyiv analyst expects the problem to grow.",
                          cites=[k(D1, 3)], supported=True),
        ]),
    ]
    groups = [ClaimGroup(
        id="g01", proposition="How many Ukrainian soldiers have deserted",
        label=GroupLabel.contested, independent_sources=2,
        members=[GroupMember(claim_id=k(D0, 1), doc_id=D0, attributed_to="Russian security forces",
                             certainty=Certainty.reported, source_key="tass",
                             figures=["300,000 to 500,000"]),
                 GroupMember(claim_id=k(D1, 1), doc_id=D1,
                             attributed_to="Ukrainian Prosecutor General's Office",
                             certainty=Certainty.reported, source_key="pgo",
                             figures=["over 100,000"])],
        notes=["figures differ: 300,000–500,000 deserted vs over 100,000 charged"],
    )]
    verification = BriefVerification(
        sentences=9, cited=8, supported=7, share_supported=0.875,
        flags={"certainty_inflation": 1, "missing_perspective": 1},
        citations_by_source={D0: 0.4, D1: 0.4, D2: 0.2},
        citations_by_perspective={sources[0].perspective: 0.4, sources[1].perspective: 0.4,
                                  sources[2].perspective: 0.2},
        missing_perspectives=["Western outlet quoting The Wall Street Journal"],
        brief_flags=[Flag(kind=FlagKind.missing_perspective,
                          detail="Western outlet quoting The Wall Street Journal is not cited")],
    )
    return Brief(
        model="test-model",
        headline=BriefSentence(text="Desertion strains armies on both sides, but counts differ "
                               "widely", cites=[k(D0, 1), k(D1, 1)], supported=True),
        sections=sections, sources=sources, claims=claims,
        verdicts=[Verdict(claim_id=k(D0, 1), doc_id=D0, label=VerdictLabel.supported,
                          method="deterministic")],
        groups=groups, verification=verification,
    )


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"] or "")
        if "src" in a:
            self.srcs.append(a["src"] or "")
        if tag == "link":
            self.links.append(a)
        if tag == "script":
            self.scripts += 1


def parse(page: str) -> _Ids:
    p = _Ids()
    p.feed(page)
    return p


def marks(page: str) -> list[str]:
    return re.findall(r"<mark\b[^>]*>(.*?)</mark>", page, flags=re.S)


# --------------------------------------------------------------------------- markdown


def test_markdown_has_headline_citations_flags_and_numbers():
    brief = make_brief()
    md = brief_markdown(brief)
    assert md.startswith("# Desertion strains armies on both sides, but counts differ widely")
    # every citation, in its short form, with the legend
    for s in brief.all_sentences():
        for cid in s.cites:
            assert f"[{citation_label(cid, brief)}]" in md
    assert "[S1·c01]" in md and "[S2·c03]" in md and "[S3·c01]" in md
    assert "- **S1** — Ukraine’s Failed Amnesty Initiative" in md
    assert "perspective: Ukrainian officials (National Resistance Center of Ukraine)" in md
    # the flag sits right under its sentence
    assert ("- Between 300,000 and 500,000 Ukrainian soldiers have deserted. [S1·c01]\n"
            "  - ⚠ certainty_inflation: the source only reports this figure from Russian "
            "security forces") in md
    # verification numbers
    assert "- Sentences: 9 (cited: 8, supported: 7)" in md
    assert "- Share supported: 87.5%" in md
    assert "- Flags: certainty_inflation 1, missing_perspective 1" in md
    assert "S1 · TASS" not in md  # outlet is null in the manifest: fall back to the title
    assert "  - S2 · Khaama Press (via MENAFN): 40.0%" in md
    assert "  - S3 · Russian forces desert" in md and ": 20.0%" in md
    assert "  - Ukrainian officials (National Resistance Center of Ukraine): 20.0%" in md
    assert "- Missing perspectives: Western outlet quoting The Wall Street Journal" in md
    assert ("⚠ missing_perspective: Western outlet quoting The Wall Street Journal is not "
            "cited") in md
    # sections in order
    order = [md.index(f"## {t}") for t in ("How many have deserted", "Russian security sources",
                                           "Ukrainian officials", "Verification", "Sources")]
    assert order == sorted(order)


def test_markdown_unknown_citation_is_visible():
    brief = make_brief()
    brief.sections[0].sentences[0].cites.append("999_missing:c07")
    md = brief_markdown(brief)
    assert "[?·999_missing:c07]" in md


# --------------------------------------------------------------------------- html


def test_html_is_self_contained():
    page = brief_html(make_brief(), seed_texts())
    p = parse(page)
    assert p.scripts == 0
    assert not [s for s in p.srcs if s]  # no external (or any) src
    assert all(h.startswith("#") for h in p.hrefs), [h for h in p.hrefs if not h.startswith("#")]
    assert not p.links
    assert not re.search(r"<link\b[^>]*stylesheet", page, flags=re.I)
    assert not re.search(r"<script\b[^>]*\bsrc", page, flags=re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, flags=re.I)
    assert "@import" not in page and "url(" not in page
    assert "<style>" in page


def test_html_citations_resolve_and_quotes_are_marked():
    brief = make_brief()
    texts = seed_texts()
    page = brief_html(brief, texts)
    p = parse(page)
    cite_links = re.findall(r'<span class="cite">\[<a href="#([^"]+)"[^>]*>([^<]+)</a>\]', page)
    labels = {label for _, label in cite_links}
    expected = {citation_label(c, brief) for s in brief.all_sentences() for c in s.cites}
    assert labels == expected
    for target, _ in cite_links:
        assert target in p.ids, target
    # a located quote links straight to its <mark>, which holds the verbatim quote
    marked = marks(page)
    for claim in brief.claims:
        if claim.start is None:
            continue
        assert texts[claim.doc_id][claim.start:claim.end] == claim.quote
        assert any(html.escape(claim.quote) in m for m in marked), claim.id
    m = re.search(r'<mark id="q-S1-c01"[^>]*>(.*?)</mark>', page, flags=re.S)
    assert m and m.group(1) == html.escape(brief.claims[0].quote)
    assert re.search(r'\[<a href="#q-S1-c01" title="An estimated 300,000 to 500,000[^"]*'
                     r'Attributed to: Russian security forces\nCertainty: reported\n'
                     r'Verdict: supported">S1·c01</a>\]', page)


def test_html_quote_not_located():
    page = brief_html(make_brief(), seed_texts())
    # the citation goes to the claim entry, which says so; nothing is highlighted for it
    assert re.search(r'<a href="#claim-S2-c03"[^>]*>S2·c03</a>', page)
    entry = re.search(r'<li id="claim-S2-c03">(.*?)</li>', page, flags=re.S)
    assert entry and "Quote not located" in entry.group(1)
    assert html.escape(NOT_LOCATED_QUOTE) in entry.group(1)
    assert not any(NOT_LOCATED_QUOTE in m for m in marks(page))


def test_html_flags_are_text_not_only_colour():
    page = brief_html(make_brief(), seed_texts())
    block = re.search(r'<div class="sent flagged">(.*?)</div>', page, flags=re.S)
    assert block is not None
    assert "Between 300,000 and 500,000 Ukrainian soldiers have deserted." in block.group(1)
    assert "⚠ certainty inflation" in block.group(1)
    assert "the source only reports this figure from Russian security forces" in block.group(1)
    assert page.count('class="sent flagged"') == 1
    assert "section-dispute" in page


def test_html_escapes_hostile_text():
    texts = seed_texts()
    texts[D2] = texts[D2] + '\n<script>alert("x")</script> & <b>bold</b>'
    brief = make_brief(texts)
    brief.sources[2].title = 'Title with <i>tags</i> & "quotes"'
    brief.sections[0].sentences[0].text = "Sources <em>all</em> agree & disagree."
    page = brief_html(brief, texts)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "<i>tags</i>" not in page and "<em>all</em>" not in page
    assert "Sources &lt;em&gt;all&lt;/em&gt; agree &amp; disagree." in page


def test_html_overlapping_quotes_and_missing_text():
    texts = seed_texts()
    brief = make_brief(texts)
    # a second claim whose quote overlaps S1·c01
    q = "300,000 to 500,000 Ukrainian military personnel"
    start = texts[D0].find(q)
    brief.claims.append(Claim(id=f"{D0}:c09", doc_id=D0, text="overlap", quote=q, start=start,
                              end=start + len(q), attributed_to="x"))
    brief.sections[0].sentences[0].cites.append(f"{D0}:c09")
    del texts[D2]
    page = brief_html(brief, texts)
    p = parse(page)
    assert "q-S1-c09" in p.ids and "q-S1-c01" in p.ids
    assert '<mark class="multi"' in page or 'class="multi"' in page
    assert "Source text not provided." in page
    # S3's claim has offsets but no text: its citation falls back to the claim entry
    assert re.search(r'<a href="#claim-S3-c01"[^>]*>S3·c01</a>', page)
    for h in p.hrefs:
        assert h[1:] in p.ids, h


def test_html_chart_and_verification():
    page = brief_html(make_brief(), seed_texts())
    svg = re.search(r"<svg\b.*?</svg>", page, flags=re.S)
    assert svg is not None
    assert svg.group(0).count('class="bar"') == 6  # 3 sources + 3 perspectives
    assert 'class="bar missing"' in svg.group(0)  # the missing perspective, at 0
    assert 'width="144.0"' in svg.group(0)  # 40 % of 360 px
    assert "S2 · Khaama Press (via MENAFN)" in svg.group(0)
    v = page[page.index('id="verification"'):page.index('id="sources"')]
    assert '<span class="n">87.5%</span><span class="l">share supported</span>' in v
    assert '<span class="n">9</span><span class="l">sentences</span>' in v
    assert "certainty inflation" in v
    assert "Western outlet quoting The Wall Street Journal" in v
    assert "contested" in v  # the claim group


# --------------------------------------------------------------------------- report


def _gold() -> dict[str, DocumentClaims]:
    texts = seed_texts()
    g1 = _claim(texts, D0, 1, "an estimated 300,000 to 500,000 Ukrainian military personnel",
                "300,000–500,000 Ukrainian personnel have deserted", "Russian security forces",
                Certainty.reported)
    g2 = _claim(texts, D0, 2, "only approximately 29,000 soldiers had returned",
                "About 29,000 soldiers returned by August 30", "Russian security sources",
                Certainty.reported)
    return {D0: DocumentClaims(doc_id=D0, claims=[g1, g2])}


def make_runs() -> list[RunRecord]:
    def mv(v: float | None, lo: float | None = None, hi: float | None = None) -> MetricValue:
        return MetricValue(value=v, ci_low=lo, ci_high=hi, n=10)

    pred = DocumentClaims(doc_id=D0, model="model-a", claims=[Claim(
        id=f"{D0}:c01", doc_id=D0, text="Up to half a million soldiers deserted, per TASS",
        quote="300,000 to 500,000", attributed_to="TASS")])
    a = RunRecord(
        run_id="run-a", suite="seeds-v1", model="model-a", started_at="2024-11-02T10:15:00+00:00",
        wall_seconds=12.5, prompt_tokens=1200, completion_tokens=300, cost_usd=0.0123,
        metrics={"claim_f1": mv(0.62, 0.5, 0.71), "claim_precision": mv(0.7, 0.55, 0.8),
                 "claim_recall": mv(0.55, 0.4, 0.7), "hallucination_rate": mv(0.1, 0.0, 0.2),
                 "group_label_accuracy": mv(None), "novel_metric": mv(0.33, 0.2, 0.4)},
        per_document={D0: {"claim_f1": 0.62, "n_gold": 2.0, "n_pred": 1.0}},
        items=[
            {"kind": "gold", "doc_id": D0, "gold_id": f"{D0}:c01", "found": True,
             "pred_id": f"{D0}:c01", "similarity": 0.81, "attribution_ok": False,
             "certainty_ok": True},
            {"kind": "gold", "doc_id": D0, "gold_id": f"{D0}:c02", "found": False,
             "pred_id": None, "similarity": None},
            {"kind": "pred", "doc_id": D0, "pred_id": f"{D0}:c01", "gold_id": f"{D0}:c01",
             "similarity": 0.81, "grounded": True},
            {"kind": "document", "doc_id": D0, "status": "scored", "error": None},
        ],
        predictions=[pred],
    )
    b = RunRecord(
        run_id="run-b", suite="seeds-v1", model="model-b <beta>", started_at="2024-11-03",
        wall_seconds=40.0, prompt_tokens=5000, completion_tokens=900, cost_usd=None,
        metrics={"claim_f1": mv(0.81, 0.7, 0.9), "claim_recall": mv(0.9, 0.8, 1.0),
                 "certainty_accuracy": mv(0.5, 0.3, 0.7)},
        per_document={D0: {"claim_f1": 0.81}},
        items=[
            {"doc_id": D0, "gold_id": f"{D0}:c01", "gold_text": "gold text from item",
             "pred_id": "p7", "pred_text": "Between 300k and 500k deserted", "similarity": 0.9,
             "found": True},
            {"doc_id": D0, "gold_id": f"{D0}:c02", "found": False},
        ],
    )
    return [a, b]


def test_leaderboard_rows():
    rows = leaderboard_rows(make_runs())
    assert [r["model"] for r in rows] == ["model-b <beta>", "model-a"]  # by claim_f1
    a = rows[1]
    assert a["claim_f1"] == pytest.approx(0.62)
    assert a["novel_metric"] == pytest.approx(0.33)
    assert a["tokens"] == 1500 and a["cost_usd"] == pytest.approx(0.0123)
    assert a["wall_seconds"] == pytest.approx(12.5)
    assert rows[0]["claim_precision"] is None  # a metric the other run lacks
    keys = list(a)
    assert keys.index("claim_f1") < keys.index("claim_precision") < keys.index("novel_metric")


def test_report_html():
    runs = make_runs()
    page = report_html(runs, gold=_gold())
    p = parse(page)
    assert p.scripts == 0 and not p.links and not [s for s in p.srcs if s]
    assert all(h.startswith("#") for h in p.hrefs)
    for h in p.hrefs:
        assert h[1:] in p.ids, h
    assert "model-a" in page and "model-b &lt;beta&gt;" in page and "<beta>" not in page
    board = page[page.index('id="leaderboard"'):page.index('id="metrics"')]
    assert "0.620" in board and "0.810" in board and "novel metric" in board.lower()
    assert "$0.0123" in board and "1,500" in board and "12.5 s" in board
    # CI whiskers in the per-metric SVG bars
    svg = page[page.index('id="metrics"'):page.index('id="documents"')]
    assert "<svg" in svg
    assert svg.count('class="whisker"') >= 5
    assert 'data-ci="0.500–0.710"' in svg
    # per document
    docs = page[page.index('id="documents"'):page.index('id="gold"')]
    assert D0 in docs and "scored" in docs
    # gold claims: found (with the predicted claim) and missed
    gold = page[page.index('id="gold"'):]
    assert "300,000–500,000 Ukrainian personnel have deserted" in gold  # text from `gold`
    assert "About 29,000 soldiers returned by August 30" in gold
    assert "Up to half a million soldiers deserted, per TASS" in gold  # from run.predictions
    assert "Between 300k and 500k deserted" in gold  # from the item itself
    assert gold.count('class="found"') == 2 and gold.count('class="missed"') == 2
    assert "attribution ✗" in gold and "certainty ✓" in gold


def test_report_without_gold_and_empty():
    page = report_html(make_runs())
    assert "gold text from item" in page
    assert report_html([]).count("No runs") == 1


@pytest.mark.parametrize("name", ["brief.html.j2", "report.html.j2"])
def test_templates_exist(name):
    assert (Path(__file__).resolve().parents[1] / "src/verifier/render/templates" / name).is_file()


def test_minimal_brief_renders():
    brief = Brief(headline=BriefSentence(text="Nothing <yet>"))
    md = brief_markdown(brief)
    assert md.startswith("# Nothing &lt;yet&gt;")  # shown as text, never as raw HTML
    assert "- Flags: none" in md and "- Missing perspectives: none" in md
    page = brief_html(brief, {})
    assert "Nothing &lt;yet&gt;" in page and "No citation shares were computed." in page
