"""Claim extraction: documents → typed, grounded claims, by a chosen strategy.

The strategy (see `verifier.strategies`) decides what the model is asked; this module runs it
over documents, keeps failed documents as recorded errors (never dropped), and sums up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from verifier.errors import ModelCallError, ModelOutputError
from verifier.schemas import Claim, Document, DocumentClaims, ExtractionResult, ExtractionSummary
from verifier.text.quotes import normalise

if TYPE_CHECKING:
    from verifier.models.gateway import Gateway
    from verifier.strategies import ExtractionStrategy

CHUNK_CHARS = 2000
CHUNK_OVERLAP = 200


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


def merge_claims(kept: list[Claim], new: list[Claim]) -> list[Claim]:
    """Append claims not already present (same span or same text): chunks overlap."""
    out = list(kept)
    for claim in new:
        if not any(_duplicate(claim, c) for c in out):
            out.append(claim)
    return out


def extract(
    gateway: Gateway | None,
    docs: list[Document],
    concurrency: int | None = None,
    on_done: Callable[[Document], Any] | None = None,
    strategy: ExtractionStrategy | str | None = None,
    on_result: Callable[[DocumentClaims], Any] | None = None,
) -> ExtractionResult:
    """Extract every document; a document that fails for good is recorded, not dropped.

    Documents, and the calls within each (chunks), run together through `gateway.map`:
    `concurrency` bounds the model requests in flight, not the documents. `on_result` gets
    each document's claims as soon as they are ready, so a caller (the brief) can start the
    next stage on them while other documents are still being extracted.
    """
    from verifier.models.gateway import parallel_map
    from verifier.strategies import get_strategy

    strat = (
        strategy
        if not isinstance(strategy, str | None)
        else get_strategy(strategy, gateway.model if gateway is not None else None)
    )
    if strat.needs_model and gateway is None:
        raise ModelCallError(f"strategy {strat.name!r} needs a model")
    model = gateway.model if gateway is not None and strat.needs_model else strat.name
    t0 = time.monotonic()
    start_records = len(gateway.records) if gateway is not None else 0

    def one(doc: Document) -> DocumentClaims:
        try:
            result = strat.extract_document(gateway if strat.needs_model else None, doc)
        except (ModelCallError, ModelOutputError) as e:
            result = DocumentClaims(doc_id=doc.id, model=model, error=str(e))
        finally:
            if on_done:
                on_done(doc)
        if on_result:
            on_result(result)
        return result

    if gateway is not None and strat.needs_model:
        if concurrency:
            gateway.concurrency = concurrency
        results = gateway.map(one, docs)
    else:
        results = parallel_map(one, docs, concurrency or 1)
    calls = gateway.records[start_records:] if gateway is not None else []
    return ExtractionResult(
        model=model,
        strategy=strat.name,
        strategy_params=strat.params(),
        prompt_versions=strat.prompt_versions(),
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
