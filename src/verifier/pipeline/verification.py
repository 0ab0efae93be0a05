"""Verification within a document: each claim judged against its own source.

The deterministic checks (quote, numbers, attribution) always run and need no model, so
any claims file, including one from another tool, can be checked offline (`--no-llm`).
With a model, a typed judge reads the passage around the quote; a failed deterministic
check overrides the judge, because code is right about verbatim text and the judge is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from verifier.errors import InputError, ModelCallError, ModelOutputError
from verifier.models.gateway import Gateway
from verifier.pipeline.checks import sentence_range, sentences, verify_ground
from verifier.prompts import load_prompt
from verifier.schemas import Claim, Document, Verdict, VerdictLabel
from verifier.text.quotes import normalise
from verifier.text.words import readable

PROMPT = "verify_claim"
PASSAGE_SENTENCES = 2  # sentences of context either side of the quote


class JudgeVerdict(BaseModel):
    label: VerdictLabel
    evidence: str = Field(max_length=400)
    rationale: str = Field(max_length=200)


def evidence_sentences(doc: Document, start: int, end: int, around: int = 0) -> list[str]:
    spans = sentences(doc.text)
    hit = sentence_range(doc.text, start, end)  # binary search: N claims stay n log n
    if hit is None:
        return []
    lo, hi = max(0, hit[0] - around), min(len(spans), hit[1] + around + 1)
    return [doc.text[s:e].strip() for s, e in spans[lo:hi]]


_WHAT = {
    "negation_agrees": "negation differs from the quote",
    "dates_agree": "the claim's date differs from the source",
    "range_kept": "the claim collapses the source's range",
    "certainty_agrees": "the claim is firmer than the source",
}


def deterministic_verdict(claim: Claim, doc: Document) -> tuple[Verdict, Claim]:
    grounded = verify_ground(claim, doc)
    g = grounded.grounding
    assert g is not None
    by_name = {c.name: c for c in g.checks}
    evidence = (
        evidence_sentences(doc, grounded.start, grounded.end) if grounded.start is not None else []
    )
    if g.grounded:
        label, why = VerdictLabel.supported, "quote found; numbers and attribution match the source"
    elif not by_name["quote_found"].passed:
        label, why = VerdictLabel.not_in_source, "the quote is not in the document"
    elif not by_name["numbers_in_quote"].passed:
        label = (
            VerdictLabel.contradicted
            if any(ch.isdigit() for ch in grounded.quote)
            else VerdictLabel.not_in_source
        )
        why = f"the claim's numbers differ from its evidence ({by_name['numbers_in_quote'].detail})"
    elif not by_name["not_an_instruction"].passed:
        label, why = VerdictLabel.not_in_source, by_name["not_an_instruction"].detail
    elif not by_name["attribution_supported"].passed:
        label, why = (
            VerdictLabel.not_in_source,
            f"attribution unsupported ({by_name['attribution_supported'].detail})",
        )
    else:  # negation, dates, ranges or certainty: the source says something else
        failed = next(c for c in g.checks if not c.passed)
        label, why = VerdictLabel.contradicted, f"{_WHAT[failed.name]} ({failed.detail})"
    verdict = Verdict(
        claim_id=claim.id,
        doc_id=claim.doc_id,
        label=label,
        evidence=evidence,
        rationale=why,
        method="deterministic",
        checks=g.checks,
    )
    return verdict, grounded


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def judge(gateway: Gateway, claim: Claim, doc: Document, det: Verdict, grounded: Claim) -> Verdict:
    if grounded.start is not None and grounded.end is not None:
        passage = " ".join(evidence_sentences(doc, grounded.start, grounded.end, PASSAGE_SENTENCES))
    else:
        passage = doc.text[:4000]
    try:
        j = gateway.structured(
            JudgeVerdict,
            load_prompt(PROMPT),
            {"passage": passage, "claim": claim.text, "attributed_to": claim.attributed_to},
            label=f"verify {claim.id}",
            max_retries=1,
            max_tokens=512,
        ).value
    except (ModelOutputError, ModelCallError) as e:  # the deterministic verdict still stands
        why = f"{det.rationale}; judge failed: {_short(str(e))}"
        return det.model_copy(update={"rationale": why})
    # The judge's reason is shown to users: kept only when it is a readable sentence, not a
    # small model's echo of its schema ("maxLength: 400,type:") or a bare value ("false").
    why = _short(j.rationale) if readable(j.rationale) else ""
    if det.label != VerdictLabel.supported:  # code is authoritative on verbatim checks
        said = f"judge said {j.label.value}" + (f": {why}" if why else "")
        return det.model_copy(
            update={"method": "llm+deterministic", "rationale": f"{det.rationale}; {said}"}
        )
    return Verdict(
        claim_id=claim.id,
        doc_id=claim.doc_id,
        label=j.label,
        evidence=det.evidence or ([j.evidence] if j.evidence else []),
        rationale=j.rationale if why else f"judge said {j.label.value} (no readable reason)",
        method="llm+deterministic",
        checks=det.checks,
    )


def verbatim(claim: Claim, det: Verdict) -> bool:
    """A supported claim whose text is its own quote: a judge could only add noise.

    Code has found the quote in the document, so the claim says exactly what the source says
    (the `staged` strategy's claims, and any claim that needed no rewording).
    """
    return det.label == VerdictLabel.supported and normalise(claim.text) == normalise(claim.quote)


def check_known_documents(claims: list[Claim], documents: dict[str, Document]) -> None:
    """Every claim's document must be given: checked before any model call is sent."""
    for claim in claims:
        if claim.doc_id not in documents:
            known = ", ".join(sorted(documents)) or "none"
            raise InputError(
                f"claim {claim.id}: document {claim.doc_id!r} not given (documents: {known})"
            )


def verify_claim(
    claim: Claim,
    documents: dict[str, Document],
    gateway: Gateway | None = None,
    on_done: Callable[[Claim], Any] | None = None,
) -> Verdict:
    """One claim's verdict: the deterministic checks, then the judge unless it is verbatim.

    A unit of its own so the brief can judge a document's claims as soon as that document
    is extracted, while other documents are still in flight.
    """
    doc = documents[claim.doc_id]
    det, grounded = deterministic_verdict(claim, doc)
    verdict = det
    if gateway is not None and not verbatim(grounded, det):
        verdict = judge(gateway, claim, doc, det, grounded)
    if on_done:
        on_done(claim)
    return verdict


def verify_claims(
    claims: list[Claim],
    documents: dict[str, Document],
    gateway: Gateway | None = None,
    on_done: Callable[[Claim], Any] | None = None,
) -> list[Verdict]:
    """Verdicts for every claim; `gateway=None` runs the deterministic checks only.

    Judge calls run together through `gateway.map` (up to its concurrency); a judge call
    that fails leaves the deterministic verdict, with the failure in its rationale.
    """
    check_known_documents(claims, documents)

    def one(claim: Claim) -> Verdict:
        return verify_claim(claim, documents, gateway, on_done)

    if gateway is None:
        return [one(c) for c in claims]
    return gateway.map(one, claims)
