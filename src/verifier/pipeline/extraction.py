"""Claim extraction: documents → typed, grounded claims.

The model fills a small draft schema; code does everything a model should not be trusted
with: locating the quote and its offsets, parsing quantities, checking numbers and
attributions. A draft that fails a check is re-asked with the error; a claim that still
fails is kept and marked ungrounded with the reason, never dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from verifier.errors import ModelCallError, ModelOutputError
from verifier.models.gateway import Gateway
from verifier.pipeline.checks import ground
from verifier.prompts import load_prompt
from verifier.schemas import (
    Certainty,
    Claim,
    ClaimType,
    Document,
    DocumentClaims,
    ExtractionResult,
    ExtractionSummary,
)
from verifier.text.mentions import entities, time_ref
from verifier.text.quantities import parse_quantities
from verifier.text.quotes import normalise

PROMPT = "extract_claims"
MAX_CLAIMS_PER_CHUNK = 6
CHUNK_CHARS = 2000
#: Re-asks per chunk. Small models rarely fix a quote when told; each re-ask is a full call.
EXTRACT_RETRIES = 1
#: Room for MAX_CLAIMS_PER_CHUNK drafts at their maximum field lengths, so a grammar-bound
#: answer is never cut off by the token budget.
EXTRACT_MAX_TOKENS = 2048
CHUNK_OVERLAP = 200


class ClaimDraft(BaseModel):
    """What the model writes for one claim; the rest of `Claim` is filled by code."""

    text: str = Field(max_length=300)
    quote: str = Field(max_length=400)
    claim_type: ClaimType
    attributed_to: str = Field(max_length=120)
    certainty: Certainty


class ClaimDrafts(BaseModel):
    claims: list[ClaimDraft] = Field(max_length=MAX_CLAIMS_PER_CHUNK)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ClaimDrafts:
        """With a document in the context, every claim must pass the deterministic checks."""
        doc: Document | None = (info.context or {}).get("document")
        if doc is None:
            return self
        problems = []
        for i, draft in enumerate(self.claims, 1):
            claim = ground(_to_claim(draft, doc, f"draft{i}"), doc)
            assert claim.grounding is not None
            for reason in claim.grounding.reasons:
                problems.append(f"claim {i} ({draft.quote[:60]!r}): {reason}")
        if problems:
            raise ValueError(
                "Fix these claims; copy each quote exactly from the article: " + "; ".join(problems)
            )
        return self


def _to_claim(draft: ClaimDraft, doc: Document, claim_id: str, reasked: int = 0) -> Claim:
    return Claim(
        id=claim_id,
        doc_id=doc.id,
        text=draft.text.strip(),
        quote=draft.quote.strip(),
        claim_type=draft.claim_type,
        attributed_to=draft.attributed_to.strip(),
        certainty=draft.certainty,
        quantities=parse_quantities(draft.quote),
        entities=entities(draft.quote),
        time_ref=time_ref(draft.quote),
        reasked=reasked,
    )


def _grounded_count(drafts: ClaimDrafts, doc: Document) -> float:
    """How many drafts pass every check: picks the best attempt when re-asks run out."""
    grounded = [ground(_to_claim(d, doc, ""), doc).grounding for d in drafts.claims]
    return sum(1 for g in grounded if g and g.grounded) + 0.001 * len(grounded)


def chunk_text(
    text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP
) -> list[tuple[int, str]]:
    """Split on paragraph or sentence ends near `size`, overlapping so no claim is cut in two."""
    if len(text) <= size:
        return [(0, text)]
    chunks: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(
                text.rfind("\n", start + size // 2, end), text.rfind(". ", start + size // 2, end)
            )
            end = cut + 1 if cut > 0 else end
        chunks.append((start, text[start:end]))
        if end >= len(text):
            break
        start = max(end - overlap, start + 1)
    return chunks


def _duplicate(a: Claim, b: Claim) -> bool:
    if a.start is not None and b.start is not None and a.end is not None and b.end is not None:
        overlap = min(a.end, b.end) - max(a.start, b.start)
        if overlap > 0.8 * min(a.end - a.start, b.end - b.start):
            return True
    return normalise(a.text) == normalise(b.text)


def extract_document(gateway: Gateway, doc: Document) -> DocumentClaims:
    prompt = load_prompt(PROMPT)
    claims: list[Claim] = []
    for n, (_, chunk) in enumerate(chunk_text(doc.text)):
        result = gateway.structured(
            ClaimDrafts,
            prompt,
            {"title": doc.title or "", "text": chunk, "max_claims": MAX_CLAIMS_PER_CHUNK},
            label=f"extract {doc.id} chunk {n + 1}",
            context={"document": doc},
            max_retries=EXTRACT_RETRIES,
            max_tokens=EXTRACT_MAX_TOKENS,
            choose=lambda drafts: _grounded_count(drafts, doc),
        )
        reasked = result.record.attempts - 1 if result.record.attempts else 0
        for draft in result.value.claims:
            claim = ground(_to_claim(draft, doc, "", reasked), doc)
            if not any(_duplicate(claim, c) for c in claims):
                claims.append(claim)
    claims = [c.model_copy(update={"id": f"{doc.id}:c{i:02d}"}) for i, c in enumerate(claims, 1)]
    return DocumentClaims(
        doc_id=doc.id, model=gateway.model, prompt_version=prompt.version, claims=claims
    )


def extract(
    gateway: Gateway,
    docs: list[Document],
    concurrency: int = 1,
    on_done: Callable[[Document], Any] | None = None,
) -> ExtractionResult:
    """Extract every document; a document that fails for good is recorded, not dropped."""
    t0 = time.monotonic()
    start_records = len(gateway.records)

    def one(doc: Document) -> DocumentClaims:
        try:
            return extract_document(gateway, doc)
        except (ModelCallError, ModelOutputError) as e:
            return DocumentClaims(doc_id=doc.id, model=gateway.model, error=str(e))
        finally:
            if on_done:
                on_done(doc)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(one, docs))
    calls = gateway.records[start_records:]
    return ExtractionResult(
        model=gateway.model,
        prompt_versions={PROMPT: load_prompt(PROMPT).version},
        documents=results,
        summary=summarise(results, calls, time.monotonic() - t0),
        calls=calls,
    )


def summarise(results: list[DocumentClaims], calls: list[Any], seconds: float) -> ExtractionSummary:
    claims = [c for d in results for c in d.claims]
    costs = [c.cost_usd for c in calls if c.cost_usd is not None]
    return ExtractionSummary(
        documents=len(results),
        claims=len(claims),
        grounded=sum(1 for c in claims if c.grounding and c.grounding.grounded),
        reasked=sum(1 for c in claims if c.reasked),
        ungrounded=sum(1 for c in claims if not (c.grounding and c.grounding.grounded)),
        failed_documents=sum(1 for d in results if d.error),
        cache_hits=sum(1 for c in calls if c.cache_hit),
        calls=len(calls),
        prompt_tokens=sum(c.prompt_tokens for c in calls),
        completion_tokens=sum(c.completion_tokens for c in calls),
        cost_usd=sum(costs) if costs else None,
        seconds=round(seconds, 2),
    )
