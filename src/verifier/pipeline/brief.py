"""The brief: extract → verify → group across sources → write → check.

Balance is built in, not requested: every perspective present in the sources gets its own
section (written from its own claims only), agreements and disputes come from the
cross-source groups with each side's figure and attribution side by side, and every
single-source or unverified claim is listed as such. The model writes only the headline,
the overview and the perspective summaries; the checks then test every sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from verifier.errors import ModelCallError, ModelOutputError
from verifier.models.gateway import Gateway
from verifier.pipeline.brief_checks import check_brief
from verifier.pipeline.slots import SentenceBuilder
from verifier.prompts import load_prompt
from verifier.schemas import (
    Brief,
    BriefSection,
    BriefSentence,
    Certainty,
    Claim,
    ClaimGroup,
    Document,
    GroupLabel,
    SectionKind,
    SlotKind,
    SourceRef,
    Verdict,
    VerdictLabel,
)

OVERVIEW_PROMPT = "brief_overview"
PERSPECTIVE_PROMPT = "brief_perspective"
log = logging.getLogger("verifier")


class DraftSentence(BaseModel):
    text: str = Field(min_length=1, max_length=400)
    cites: list[str] = Field(min_length=1, max_length=6)


class _Cited(BaseModel):
    @model_validator(mode="after")
    def _known_ids(self, info: ValidationInfo) -> _Cited:
        allowed: set[str] | None = (info.context or {}).get("claim_ids")
        if allowed is None:
            return self
        bad = {c for s in getattr(self, "sentences", []) for c in s.cites if c not in allowed}
        if bad:
            raise ValueError(f"unknown claim ids {sorted(bad)}; cite only ids from the list")
        return self


class OverviewDraft(_Cited):
    headline: str = Field(min_length=1, max_length=200)
    sentences: list[DraftSentence] = Field(min_length=1, max_length=3)


class PerspectiveDraft(_Cited):
    sentences: list[DraftSentence] = Field(min_length=1, max_length=3)


D = TypeVar("D", bound=BaseModel)


def _claim_lines(claims: list[Claim]) -> list[dict[str, str]]:
    return [
        {
            "id": c.id,
            "attributed_to": c.attributed_to,
            "certainty": c.certainty.value,
            "text": c.text,
        }
        for c in claims
    ]


def _sentences(drafts: list[DraftSentence]) -> list[BriefSentence]:
    return [
        BriefSentence(text=d.text.strip(), cites=list(dict.fromkeys(d.cites)))
        for d in drafts
        if d.text.strip()
    ]


def _figure_list(b: SentenceBuilder, group: ClaimGroup) -> None:
    """Each member's figures with what they count and who gives them, in one line."""
    first = True
    for m in group.members:
        for f in m.measures or [None]:
            if not first:
                b.fixed("; ")
            first = False
            if f is None:
                b.slot(SlotKind.source, m.attributed_to, m.claim_id).fixed(" (")
                b.slot(SlotKind.certainty, m.certainty.value, m.claim_id).fixed(": no figure")
                continue
            b.slot(SlotKind.figure, f.figure, m.claim_id).fixed(" (")
            b.slot(SlotKind.counts, f.counts, m.claim_id).fixed("), per ")
            b.slot(SlotKind.source, m.attributed_to, m.claim_id)


def _topic(b: SentenceBuilder, group: ClaimGroup) -> SentenceBuilder:
    return b.slot(SlotKind.topic, group.proposition)


def agreement_section(groups: list[ClaimGroup]) -> BriefSection:
    """Corroborated groups: the proposition and the independent sources that state it."""
    sentences = []
    for g in groups:
        if g.label != GroupLabel.corroborated:
            continue
        b = _topic(SentenceBuilder(), g).fixed(" — reported independently by ")
        whose: dict[str, str] = {}
        for m in g.members:
            whose.setdefault(m.attributed_to, m.claim_id)
        for k, (who, cid) in enumerate(whose.items()):
            if k:
                b.fixed(" and ")
            b.slot(SlotKind.source, who, cid)
        b.fixed(".")
        if any(m.measures for m in g.members):
            b.fixed(" Figures: ")
            _figure_list(b, g)
            b.fixed(".")
        sentences.append(b.build(g.claim_ids, g.id))
    return BriefSection(kind=SectionKind.agreement, title="Where sources agree",
                        sentences=sentences)  # fmt: skip


def dispute_section(groups: list[ClaimGroup], claims: dict[str, Claim]) -> BriefSection:
    """Contested groups, each figure with what it counts and its source side by side (the
    renderers add the table from `group`); a denial is shown as both statements."""
    sentences = []
    for g in groups:
        if g.label != GroupLabel.contested:
            continue
        if any(m.measures for m in g.members):
            b = _topic(SentenceBuilder(), g).fixed(" — sources give figures that differ: ")
            _figure_list(b, g)
            b.fixed(".")
        else:
            b = SentenceBuilder().fixed("Sources disagree — ")
            for k, m in enumerate(g.members):
                if k:
                    b.fixed("; ")
                b.slot(SlotKind.source, m.attributed_to, m.claim_id).fixed(": ")
                text = claims[m.claim_id].text if m.claim_id in claims else m.claim_id
                b.slot(SlotKind.text, text, m.claim_id)
        sentences.append(b.build(g.claim_ids, g.id))
    return BriefSection(kind=SectionKind.dispute, title="Where sources disagree",
                        sentences=sentences)  # fmt: skip


def _reason(c: Claim, v: Verdict | None) -> str:
    """Why a claim is unverified, in readable words: the verdict's reason (whose model part
    verification keeps only when readable), else the grounding's."""
    if v is not None:
        return v.rationale
    return "; ".join(c.grounding.reasons if c.grounding else [])


def single_source_section(
    claims: list[Claim], groups: list[ClaimGroup], verdicts: dict[str, Verdict]
) -> BriefSection:
    """Every claim no independent source confirms or disputes, and every unverified claim:
    the whole list, never cut (the HTML collapses a long one)."""
    shown = {cid for g in groups if g.label != GroupLabel.single_source for cid in g.claim_ids}
    sentences = []
    for c in claims:
        v = verdicts.get(c.id)
        # The verdict (which re-ran the deterministic checks) decides; grounding is the fallback.
        verified = (
            v.label == VerdictLabel.supported if v else bool(c.grounding and c.grounding.grounded)
        )
        if not verified:
            b = SentenceBuilder().fixed("Unverified — ")
            b.slot(SlotKind.source, c.attributed_to, c.id)
            b.fixed(" (").slot(SlotKind.certainty, c.certainty.value, c.id).fixed("): ")
            b.slot(SlotKind.text, c.text, c.id)
            reason = _reason(c, v)
            if reason:
                b.fixed(" [check: ").slot(SlotKind.check, reason, c.id).fixed("]")
            sentences.append(b.build([c.id]))
        elif c.id not in shown:
            b = SentenceBuilder().fixed("Single source — according to ")
            b.slot(SlotKind.source, c.attributed_to, c.id).fixed(": ")
            sentences.append(b.slot(SlotKind.text, c.text, c.id).build([c.id]))
    title = "Single-source and unverified claims"
    return BriefSection(kind=SectionKind.single_source, title=title, sentences=sentences)


def unknown_section(claims: list[Claim]) -> BriefSection:
    """Speculative and alleged claims: what no source establishes."""
    sentences = []
    for c in claims:
        if c.certainty not in (Certainty.speculative, Certainty.alleged):
            continue
        b = SentenceBuilder().fixed("Not established — ")
        b.slot(SlotKind.certainty, c.certainty.value, c.id).fixed(" by ")
        b.slot(SlotKind.source, c.attributed_to, c.id).fixed(": ")
        sentences.append(b.slot(SlotKind.text, c.text, c.id).build([c.id]))
    return BriefSection(kind=SectionKind.unknown, title="What remains unknown", sentences=sentences)


def structure_sections(
    claims: list[Claim], groups: list[ClaimGroup], verdicts: dict[str, Verdict]
) -> list[BriefSection]:
    """Agreement, dispute, single-source and unknown sections, built from groups by code.

    Shared by every brief strategy: these are the sections that guarantee balance, so no
    model writes them.
    """
    by_id = {c.id: c for c in claims}
    return [
        agreement_section(groups),
        dispute_section(groups, by_id),
        single_source_section(claims, groups, verdicts),
        unknown_section(claims),
    ]


def _draft(
    gateway: Gateway,
    model: type[D],
    prompt: str,
    values: dict[str, Any],
    label: str,
    claim_ids: set[str],
    max_tokens: int,
) -> D | None:
    """One model-written part; a part the model fails to write is left empty and noted."""
    try:
        return gateway.structured(
            model,
            load_prompt(prompt),
            values,
            label=label,
            context={"claim_ids": claim_ids},
            max_retries=2,
            max_tokens=max_tokens,
        ).value
    except (ModelOutputError, ModelCallError) as e:  # the call record keeps the reason
        log.warning("%s", e)
        return None


@dataclass
class Drafts:
    """What the model wrote for the brief: the overview (headline) and one part per
    perspective, in document order; None where the model failed (the call record says why)."""

    overview: OverviewDraft | None
    perspectives: list[tuple[str, PerspectiveDraft | None]]


def _perspective_of(documents: list[Document]) -> dict[str, str]:
    return {d.id: d.perspective or d.outlet or d.id for d in documents}


ClaimsOf = Callable[[list[str] | None], list[Claim]]


def claims_in(claims: list[Claim]) -> ClaimsOf:
    """`claims_of` over claims at hand: the given documents' (None: all), in list order."""

    def claims_of(doc_ids: list[str] | None) -> list[Claim]:
        if doc_ids is None:
            return list(claims)
        wanted = set(doc_ids)
        return [c for c in claims if c.doc_id in wanted]

    return claims_of


def draft_brief(
    gateway: Gateway,
    documents: list[Document],
    claims_of: ClaimsOf,
    on_done: Callable[[], Any] | None = None,
) -> Drafts:
    """The model's parts: headline and overview, and one summary per perspective.

    They need claims only, not verdicts or groups: `claims_of(doc_ids)` gives those of the
    given documents, None: all (the brief pipeline's waits until they are extracted), so a
    perspective is drafted as soon as its documents are, while claims are being judged.
    """
    perspective_of = _perspective_of(documents)
    perspectives = list(dict.fromkeys(perspective_of[d.id] for d in documents))

    def write(part: str | None) -> Any:
        """The overview (part None) or one perspective's section; all run together."""
        if part is None:
            claims = claims_of(None)
            drafted: Any = _draft(
                gateway,
                OverviewDraft,
                OVERVIEW_PROMPT,
                {"claims": _claim_lines(claims), "n_sources": len(documents)},
                "brief overview",
                {c.id for c in claims},
                900,
            )
        else:
            own = claims_of([d.id for d in documents if perspective_of[d.id] == part])
            drafted = None
            if own:
                drafted = _draft(
                    gateway,
                    PerspectiveDraft,
                    PERSPECTIVE_PROMPT,
                    {"perspective": part, "claims": _claim_lines(own)},
                    f"brief perspective {part[:40]}",
                    {c.id for c in own},
                    800,
                )
        if on_done:
            on_done()
        return drafted

    written = gateway.map(write, [None, *perspectives])
    return Drafts(written[0], list(zip(perspectives, written[1:], strict=True)))


def assemble_brief(
    gateway: Gateway,
    documents: list[Document],
    claims: list[Claim],
    verdicts: list[Verdict],
    groups: list[ClaimGroup],
    drafts: Drafts,
) -> Brief:
    """The model's drafts, then the code-built sections, checked sentence by sentence."""
    verdict_of = {v.claim_id: v for v in verdicts}
    perspective_of = _perspective_of(documents)
    overview = drafts.overview or OverviewDraft.model_construct(
        headline="(the model wrote no headline)", sentences=[]
    )
    sections = [
        BriefSection(
            kind=SectionKind.overview, title="Overview", sentences=_sentences(overview.sentences)
        )
    ]
    for perspective, draft in drafts.perspectives:
        sections.append(
            BriefSection(
                kind=SectionKind.perspective,
                title=perspective,
                perspective=perspective,
                sentences=_sentences(draft.sentences) if draft else [],
            )
        )
    sections += structure_sections(claims, groups, verdict_of)
    brief = Brief(
        model=gateway.model,
        prompt_versions={p: load_prompt(p).version for p in (OVERVIEW_PROMPT, PERSPECTIVE_PROMPT)},
        headline=BriefSentence(text=overview.headline.strip(), cites=[]),
        sections=sections,
        sources=source_refs(documents, perspective_of),
        claims=claims,
        verdicts=verdicts,
        groups=groups,
    )
    return check_brief(brief)


def write_brief(
    gateway: Gateway,
    documents: list[Document],
    claims: list[Claim],
    verdicts: list[Verdict],
    groups: list[ClaimGroup],
    on_done: Callable[[], Any] | None = None,
) -> Brief:
    """The model writes headline, overview and one section per perspective; code writes the rest."""
    drafts = draft_brief(gateway, documents, claims_in(claims), on_done)
    return assemble_brief(gateway, documents, claims, verdicts, groups, drafts)


def source_refs(documents: list[Document], perspective_of: dict[str, str]) -> list[SourceRef]:
    """The brief's source list (shared by every brief strategy)."""
    return [
        SourceRef(
            id=d.id, title=d.title, outlet=d.outlet, perspective=perspective_of[d.id], path=d.path
        )
        for d in documents
    ]


def brief_stage_count(documents: list[Document]) -> int:
    return 1 + len({d.perspective or d.outlet or d.id for d in documents})
