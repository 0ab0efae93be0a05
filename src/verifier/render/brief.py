"""Rendering a `Brief` for people: Markdown for reading anywhere, one HTML file for analysts.

Citations. A brief cites claim ids, which `verifier extract` makes as ``{doc_id}:c03``. Both
renderings write a citation as ``[S1·c03]``: ``S1`` is the 1-based position of the claim's
source in ``brief.sources`` (the legend is the "Sources" list at the end; documents that
claims come from but that the brief does not list are appended as S(n+1), …) and ``c03`` is
the part of the claim id after its last ``:``. A cited id with no claim in ``brief.claims``
is shown as ``[?·<id>]`` and, in HTML, is not a link.

HTML (`brief_html`) is a single self-contained file: inline CSS, inline SVG, no script, no
network. Each citation links to the claim's quote, highlighted with ``<mark>`` inside the full
source text in the "Sources" appendix (or, when the claim has no usable offsets, to the claim's
entry there, which says "quote not located"); its ``title`` gives the claim text, attribution,
certainty and verdict. Flagged sentences carry the flag kinds and details as text, not only
colour. All text is escaped: templates autoescape, and the one piece built here (source text
with highlights) escapes every segment itself.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from verifier.schemas import (
    Brief,
    BriefSentence,
    Claim,
    Flag,
    GroupLabel,
    SourceRef,
    Verdict,
)

#: A section with more sentences than this is collapsed in HTML (<details>), never cut.
COLLAPSE_OVER = 12
MISSING_LABEL = "?"


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for the HTML templates in `verifier/render/templates` (package
    data, read through importlib.resources; autoescaped)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("verifier", "render/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = pct
    return env


def pct(value: float | None, digits: int = 1) -> str:
    """0.8333 → '83.3%'; None → '—'."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def _share_text(value: float, shares: bool) -> str:
    return pct(value) if shares else f"{value:g}"


def _is_share(values: Iterable[float]) -> bool:
    """True when the numbers look like shares (each in [0, 1]) rather than counts."""
    vals = list(values)
    return all(0.0 <= v <= 1.0 for v in vals)


# --------------------------------------------------------------------------- citations


@dataclass
class _Cite:
    claim_id: str
    label: str  # S1·c03
    claim: Claim | None
    anchor: str | None = None  # id of the element the citation links to
    claim_anchor: str | None = None  # id of the claim's entry in the appendix
    quote_anchor: str | None = None  # id of the quote's <mark> (used when located)
    located: bool = False
    title: str = ""


@dataclass
class _Index:
    """Source labels, claims and anchors of one brief."""

    sources: list[SourceRef]
    labels: dict[str, str]  # doc id -> S1
    claims: dict[str, Claim]
    verdicts: dict[str, Verdict]
    cites: dict[str, _Cite] = field(default_factory=dict)

    def source_label(self, doc_id: str) -> str:
        return self.labels.get(doc_id, MISSING_LABEL)

    def describe_source(self, key: str) -> str:
        """A readable name for a doc id (or anything else used as a key)."""
        src = next((s for s in self.sources if s.id == key), None)
        if src is None:
            return key
        name = src.outlet or src.title or src.id
        return f"{self.labels[src.id]} · {name}"


def _local_id(claim_id: str) -> str:
    return claim_id.rsplit(":", 1)[-1] if ":" in claim_id else claim_id


def _index(brief: Brief) -> _Index:
    sources = list(brief.sources)
    known = {s.id for s in sources}
    for c in brief.claims:
        if c.doc_id not in known:
            sources.append(SourceRef(id=c.doc_id))
            known.add(c.doc_id)
    labels = {s.id: f"S{i}" for i, s in enumerate(sources, 1)}
    claims: dict[str, Claim] = {}
    for c in brief.claims:
        claims.setdefault(c.id, c)
    verdicts = {v.claim_id: v for v in brief.verdicts}
    return _Index(sources=sources, labels=labels, claims=claims, verdicts=verdicts)


def citation_label(claim_id: str, brief: Brief) -> str:
    """The short form of a cited claim id, e.g. ``S1·c03`` (see the module docstring)."""
    return _label(claim_id, _index(brief))


def _label(claim_id: str, ix: _Index) -> str:
    claim = ix.claims.get(claim_id)
    if claim is None:
        return f"{MISSING_LABEL}·{claim_id}"
    return f"{ix.source_label(claim.doc_id)}·{_local_id(claim_id)}"


def _claim_title(claim: Claim | None, claim_id: str, verdict: Verdict | None) -> str:
    if claim is None:
        return f"{claim_id}: this claim is not in the brief"
    lines = [
        claim.text,
        f"Attributed to: {claim.attributed_to}",
        f"Certainty: {claim.certainty.value}",
    ]
    if verdict is not None:
        lines.append(f"Verdict: {verdict.label.value.replace('_', ' ')}")
    return "\n".join(lines)


def _flag_kind(flag: Flag) -> str:
    return flag.kind.value


# --------------------------------------------------------------------------- markdown


_MD_SPECIAL = re.compile(r"[\\`*\[\]<>&]")
_MD_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _md(text: object) -> str:
    """Data (model or file text) as inert Markdown: no raw HTML, links, images or new blocks."""
    flat = " ".join(str(text).split())  # a newline in data must not start a heading or list
    return _MD_SPECIAL.sub(lambda m: _MD_ENTITY.get(m.group(0)) or "\\" + m.group(0), flat)


def _md_sentence(s: BriefSentence, ix: _Index) -> str:
    cites = " ".join(f"[{_md(_label(c, ix))}]" for c in s.cites)
    return f"{_md(s.text)} {cites}".rstrip()


def _md_flags(flags: list[Flag], indent: str) -> list[str]:
    return [f"{indent}- ⚠ {_flag_kind(f)}: {_md(f.detail)}".rstrip(": ") for f in flags]


#: Columns of the side-by-side table of a dispute (or agreement) sentence's figures.
FIGURE_COLUMNS = ("Figure", "What it counts", "Qualifier", "Certainty", "Source", "Time", "Claim")


def figure_rows(s: BriefSentence, brief: Brief, ix: _Index) -> list[dict[str, Any]]:
    """One row per figure of the group a code-built sentence presents, side by side: the
    figure, what it counts, its qualifier, how firmly it is put, who gives it, when, and the
    claim. A member without a figure gets one row with its statement in "What it counts"."""
    if not s.group:
        return []
    group = next((g for g in brief.groups if g.id == s.group), None)
    if group is None or not (
        group.label == GroupLabel.contested or any(m.measures for m in group.members)
    ):
        return []
    rows = []
    for m in group.members:
        claim = ix.claims.get(m.claim_id)
        cite = ix.cites.get(m.claim_id)
        base = {"source": m.attributed_to, "label": _label(m.claim_id, ix),
                "href": f"#{cite.anchor}" if cite and cite.anchor else None,
                "time": (claim.time_ref if claim else None) or "—"}  # fmt: skip
        if not m.measures:
            rows.append({**base, "figure": "—", "counts": claim.text if claim else "",
                         "qualifier": "—", "certainty": m.certainty.value})  # fmt: skip
        for f in m.measures:
            certainty = f.stance if f.stance.startswith("speculat") else m.certainty.value
            rows.append({**base, "figure": f.figure, "counts": f.counts,
                         "qualifier": f.qualifier.replace("_", " "),
                         "certainty": certainty, "time": f.time or base["time"]})  # fmt: skip
    return rows


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(rows: list[dict[str, Any]]) -> list[str]:
    keys = ("figure", "counts", "qualifier", "certainty", "source", "time", "label")
    out = ["| " + " | ".join(FIGURE_COLUMNS) + " |", "|" + "---|" * len(FIGURE_COLUMNS)]
    for r in rows:
        cells = [_md_cell(r[k]) for k in keys]
        cells[-1] = f"[{cells[-1]}]"
        out.append("| " + " | ".join(cells) + " |")
    return out


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown: headline, sections, verification numbers, sources, cited claims."""
    ix = _index(brief)
    out: list[str] = [f"# {_md_sentence(brief.headline, ix)}", ""]
    if brief.headline.flags:
        out += [*_md_flags(brief.headline.flags, ""), ""]
    for sec in brief.sections:
        out.append(f"## {_md(sec.title)}")
        if sec.perspective:
            out.append(f"*Perspective: {_md(sec.perspective)}*")
        out.append("")
        for s in sec.sentences:
            out.append(f"- {_md_sentence(s, ix)}")
            out += _md_flags(s.flags, "  ")
            rows = figure_rows(s, brief, ix)
            if rows:
                out += ["", *_md_table(rows), ""]
        if not sec.sentences:
            out.append("*(no sentences)*")
        out.append("")

    v = brief.verification
    out += ["## Verification", ""]
    out.append(f"- Sentences: {v.sentences} (cited: {v.cited}, supported: {v.supported})")
    out.append(f"- Share supported: {pct(v.share_supported)}")
    flags = ", ".join(f"{k} {n}" for k, n in sorted(v.flags.items()) if n) or "none"
    out.append(f"- Flags: {flags}")
    for title, values in (
        ("source", v.citations_by_source),
        ("perspective", v.citations_by_perspective),
    ):
        shares = _is_share(values.values())
        out.append(f"- Citation {'share' if shares else 'count'} by {title}:")
        if not values:
            out.append("  - (none)")
        for key, val in values.items():
            name = ix.describe_source(key) if title == "source" else key
            out.append(f"  - {_md(name)}: {_share_text(val, shares)}")
    missing = _md("; ".join(v.missing_perspectives) or "none")
    out.append(f"- Missing perspectives: {missing}")
    if v.brief_flags:
        out.append("- Brief-level flags:")
        out += _md_flags(v.brief_flags, "  ")
    out.append("")

    out += ["## Sources", ""]
    for s in ix.sources:
        parts = [f"**{_md(ix.labels[s.id])}**", _md(s.title or "(untitled)")]
        if s.outlet:
            parts.append(_md(s.outlet))
        if s.perspective:
            parts.append(f"perspective: {_md(s.perspective)}")
        out.append(f"- {' — '.join(parts)} ({_md(s.id)})")
    out.append("")

    order = {s.id: i for i, s in enumerate(ix.sources)}

    def by_source(cid: str) -> tuple[int, str]:
        c = ix.claims.get(cid)
        return (order.get(c.doc_id, len(order)) if c else len(order) + 1, cid)

    cited = sorted(_cited_ids(brief), key=by_source)
    if cited:
        out += ["## Cited claims", ""]
        for cid in cited:
            c = ix.claims.get(cid)
            if c is None:
                out.append(f"- [{_md(_label(cid, ix))}] not in the brief's claims")
                continue
            out.append(
                f"- [{_md(_label(cid, ix))}] {_md(c.text)} — {_md(c.attributed_to)}; "
                f"{c.certainty.value}; quote: “{_md(c.quote)}”"
                + (" (quote not located)" if c.start is None else "")
            )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cited_ids(brief: Brief) -> list[str]:
    seen: dict[str, None] = {}
    for s in brief.all_sentences():
        for c in s.cites:
            seen.setdefault(c, None)
    return list(seen)


# --------------------------------------------------------------------------- html


_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _anchor_ids(ix: _Index, cited: list[str]) -> None:
    used: set[str] = set()

    def unique(base: str) -> str:
        base = _ID_SAFE.sub("-", base).strip("-") or "x"
        out, n = base, 2
        while out in used:
            out, n = f"{base}-{n}", n + 1
        used.add(out)
        return out

    for cid in cited:
        claim = ix.claims.get(cid)
        label = _label(cid, ix)
        cite = _Cite(
            claim_id=cid,
            label=label,
            claim=claim,
            title=_claim_title(claim, cid, ix.verdicts.get(cid)),
        )
        if claim is not None:
            slug = f"{ix.source_label(claim.doc_id)}-{_local_id(cid)}"
            cite.claim_anchor = unique(f"claim-{slug}")
            cite.anchor = cite.claim_anchor
            cite.quote_anchor = unique(f"q-{slug}")
        ix.cites[cid] = cite


def _span(claim: Claim, text: str | None) -> tuple[int, int] | None:
    if text is None or claim.start is None or claim.end is None:
        return None
    if 0 <= claim.start < claim.end <= len(text):
        return claim.start, claim.end
    return None


def _marked_text(text: str, cites: list[_Cite]) -> Markup:
    """`text` escaped, with each cite's span in a `<mark>` (overlaps split into segments)."""
    spans = [(c.claim.start, c.claim.end, c) for c in cites if c.located and c.claim]
    bounds = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    esc = html.escape
    parts: list[str] = []
    for a, b in itertools.pairwise(bounds):
        seg = esc(text[a:b])
        covering = [c for s, e, c in spans if s <= a and e >= b]
        if not covering:
            parts.append(seg)
            continue
        starting = [c for s, _, c in spans if s == a]
        for extra in starting[1:]:
            parts.append(f'<span class="anchor" id="{esc(extra.quote_anchor)}"></span>')
        mark_id = f' id="{esc(starting[0].quote_anchor)}"' if starting else ""
        title = esc("\n\n".join(f"{c.label}: {c.title}" for c in covering))
        cls = "multi" if len(covering) > 1 else ""
        parts.append(
            f'<mark{mark_id} class="{cls}" title="{title}">{seg}</mark>'.replace(' class=""', "")
        )
        for _, e, c in spans:
            if e == b:
                parts.append(f'<a class="mlabel" href="#{esc(c.claim_anchor)}">{esc(c.label)}</a>')
    return Markup("".join(parts))


@dataclass
class _Bar:
    label: str
    full: str
    value: float
    text: str
    width: float
    missing: bool = False


def _bars(
    values: Mapping[str, float],
    names: Mapping[str, str],
    extra_zero: Iterable[str] = (),
    width: float = 360.0,
    max_label: int = 34,
) -> list[_Bar]:
    vals = dict(values)
    zero = dict.fromkeys(extra_zero)
    for k in zero:
        vals.setdefault(k, 0.0)
    shares = _is_share(vals.values())
    top = 1.0 if shares else max([*vals.values(), 1e-9])
    out = []
    for key, v in vals.items():
        full = names.get(key, key)
        label = full if len(full) <= max_label else full[: max_label - 1].rstrip() + "…"
        out.append(
            _Bar(
                label=label,
                full=full,
                value=v,
                text=_share_text(v, shares),
                width=max(0.0, min(1.0, v / top)) * width,
                missing=key in zero and v == 0,
            )
        )
    return out


def _chart(brief: Brief, ix: _Index) -> dict[str, Any]:
    v = brief.verification
    src_names = {s.id: ix.describe_source(s.id) for s in ix.sources}
    panels = [
        ("Citations by source", _bars(v.citations_by_source, src_names)),
        (
            "Citations by perspective",
            _bars(v.citations_by_perspective, {}, extra_zero=v.missing_perspectives),
        ),
    ]
    row, head, gap = 22, 26, 14
    y = 0
    out = []
    for title, bars in panels:
        out.append(
            {
                "title": title,
                "y": y + 16,
                "bars": [{"bar": b, "y": y + head + i * row} for i, b in enumerate(bars)],
            }
        )
        y += head + max(1, len(bars)) * row + gap
    return {
        "panels": out,
        "height": y,
        "label_w": 250,
        "bar_w": 360,
        "width": 250 + 360 + 110,
        "empty": not (v.citations_by_source or v.citations_by_perspective),
    }


def _sentence_view(s: BriefSentence, ix: _Index, brief: Brief | None = None) -> dict[str, Any]:
    cites = []
    for cid in s.cites:
        c = ix.cites[cid]
        cites.append(
            {"label": c.label, "href": f"#{c.anchor}" if c.anchor else None, "title": c.title}
        )
    return {
        "text": s.text,
        "cites": cites,
        "supported": s.supported,
        "rows": figure_rows(s, brief, ix) if brief is not None else [],
        "flags": [
            {"kind": f.kind.value, "name": f.kind.value.replace("_", " "), "detail": f.detail}
            for f in s.flags
        ],
    }


def brief_html(brief: Brief, source_texts: dict[str, str]) -> str:
    """The brief as one self-contained HTML page (see the module docstring)."""
    ix = _index(brief)
    cited = _cited_ids(brief)
    _anchor_ids(ix, cited)

    by_doc: dict[str, list[_Cite]] = {}
    for cid in cited:
        c = ix.cites[cid]
        if c.claim is None:
            continue
        span = _span(c.claim, source_texts.get(c.claim.doc_id))
        if span is not None:
            c.located = True
            c.anchor = c.quote_anchor
        by_doc.setdefault(c.claim.doc_id, []).append(c)

    sources = []
    for s in ix.sources:
        text = source_texts.get(s.id)
        cites = by_doc.get(s.id, [])
        claims = []
        for c in cites:
            assert c.claim is not None
            verdict = ix.verdicts.get(c.claim_id)
            claims.append(
                {
                    "id": c.claim_anchor,
                    "label": c.label,
                    "text": c.claim.text,
                    "attributed_to": c.claim.attributed_to,
                    "certainty": c.claim.certainty.value,
                    "type": c.claim.claim_type.value,
                    "quote": c.claim.quote,
                    "verdict": verdict.label.value.replace("_", " ") if verdict else None,
                    "quote_href": f"#{c.quote_anchor}" if c.located else None,
                    "located": c.located,
                }
            )
        sources.append(
            {
                "label": ix.labels[s.id],
                "id": f"src-{ix.labels[s.id]}",
                "doc_id": s.id,
                "title": s.title,
                "outlet": s.outlet,
                "perspective": s.perspective,
                "path": s.path,
                "claims": claims,
                "has_text": text is not None,
                "text": _marked_text(text, cites) if text is not None else None,
            }
        )

    v = brief.verification
    groups = []
    for g in brief.groups:
        members = []
        for m in g.members:
            c = ix.cites.get(m.claim_id)
            members.append(
                {
                    "label": c.label if c else _label(m.claim_id, ix),
                    "href": f"#{c.anchor}" if c and c.anchor else None,
                    "attributed_to": m.attributed_to,
                    "certainty": m.certainty.value,
                    "figures": ", ".join(m.figures),
                }
            )
        groups.append(
            {
                "proposition": g.proposition,
                "label": g.label.value.replace("_", " "),
                "independent": g.independent_sources,
                "members": members,
                "notes": g.notes,
            }
        )

    sections = [
        {
            "kind": sec.kind.value,
            "title": sec.title,
            "perspective": sec.perspective,
            "sentences": [_sentence_view(s, ix, brief) for s in sec.sentences],
        }
        for sec in brief.sections
    ]
    ctx = {
        "headline": _sentence_view(brief.headline, ix),
        "sections": sections,
        "sources": sources,
        "groups": groups,
        "model": brief.model,
        "prompt_versions": brief.prompt_versions,
        "v": v,
        "flags": sorted((k, n) for k, n in v.flags.items()),
        "flag_total": sum(v.flags.values()),
        "columns": FIGURE_COLUMNS,
        "collapse_over": COLLAPSE_OVER,
        "brief_flags": [
            {"name": f.kind.value.replace("_", " "), "detail": f.detail} for f in v.brief_flags
        ],
        "chart": _chart(brief, ix),
    }
    return environment().get_template("brief.html.j2").render(**ctx)


def brief_text(brief: Brief, suffix: str, source_texts: dict[str, str]) -> str:
    """The brief in the format a file suffix names: .json (the data, to check again after
    editing), .html/.htm (one self-contained file) or anything else as Markdown."""
    if suffix == ".json":
        from verifier.fileio import dump_model

        return dump_model(brief)
    if suffix in (".html", ".htm"):
        return brief_html(brief, source_texts)
    return brief_markdown(brief)
