"""`single-pass`: one call per chunk returns every claim in it, free text, quote copied.

For strong models. The model fills a small draft schema; code locates the quote and its
offsets, parses quantities, checks numbers and attributions. A draft that fails a check is
re-asked with the error; a claim that still fails is kept and marked ungrounded, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, create_model, model_validator

from verifier.errors import ModelCallError, ModelOutputError
from verifier.models.gateway import Gateway
from verifier.pipeline.checks import ground
from verifier.pipeline.extraction import CHUNK_CHARS, CHUNK_OVERLAP, chunk_text, merge_claims
from verifier.prompts import load_prompt
from verifier.schemas import Certainty, Claim, ClaimType, Document, DocumentClaims
from verifier.strategies import STRATEGIES
from verifier.text.mentions import entities, time_ref
from verifier.text.quantities import parse_quantities

PROMPT = "extract_claims"
#: Re-asks per chunk. Small models rarely fix a quote when told; each re-ask is a full call.
EXTRACT_RETRIES = 1
#: Room for a bounded provider's drafts (6 for the embedded model, see its provider) at their
#: maximum field lengths, so a grammar-bound answer is never cut off by the token budget.
EXTRACT_MAX_TOKENS = 2048
#: Without a bound, a chunk's answer may hold every claim it has: room for ~30 drafts.
UNBOUNDED_MAX_TOKENS = 8192


class ClaimDraft(BaseModel):
    """What the model writes for one claim; the rest of `Claim` is filled by code."""

    text: str = Field(max_length=300)
    quote: str = Field(max_length=400)
    claim_type: ClaimType
    attributed_to: str = Field(max_length=120)
    certainty: Certainty


class ClaimDrafts(BaseModel):
    """Every check-worthy claim in the article text (no cap on how many)."""

    claims: list[ClaimDraft]

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


@cache
def bounded_drafts(limit: int | None) -> type[ClaimDrafts]:
    """`ClaimDrafts`, or one whose list holds at most `limit` (for providers that need it).

    Same name and validator, so the schema sent is the one the cassettes were recorded with.
    """
    if limit is None:
        return ClaimDrafts
    return create_model(  # type: ignore[call-overload,no-any-return]
        "ClaimDrafts",
        __base__=ClaimDrafts,
        __doc__=None,
        claims=(list[ClaimDraft], Field(max_length=limit)),
    )


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


@dataclass
class SinglePass:
    """One structured call per chunk; every claim's quote is checked by code."""

    name: str = "single-pass"
    needs_model: bool = True
    description: str = "one call per chunk returns all its claims (for strong models)"
    chunk_chars: int = CHUNK_CHARS
    chunk_overlap: int = CHUNK_OVERLAP
    #: None: every claim in a chunk (a provider may still bound its answers' lists)
    max_claims_per_chunk: int | None = None
    reasks: int = EXTRACT_RETRIES

    def params(self) -> dict[str, Any]:
        return {
            "chunk_chars": self.chunk_chars,
            "chunk_overlap": self.chunk_overlap,
            "max_claims_per_chunk": self.max_claims_per_chunk,
            "reasks": self.reasks,
        }

    def limit_for(self, gateway: Gateway) -> int | None:
        limits = [n for n in (self.max_claims_per_chunk, gateway.provider.max_list_items) if n]
        return min(limits) if limits else None

    def prompt_versions(self) -> dict[str, str]:
        return {PROMPT: load_prompt(PROMPT).version}

    def extract_document(self, gateway: Gateway | None, doc: Document) -> DocumentClaims:
        assert gateway is not None, "single-pass needs a model"
        prompt = load_prompt(PROMPT)
        limit = self.limit_for(gateway)
        drafts_model = bounded_drafts(limit)
        chunks = chunk_text(doc.text, self.chunk_chars, self.chunk_overlap)

        def one(numbered: tuple[int, str]) -> list[Claim] | str:
            n, chunk = numbered
            label = f"extract {doc.id} chunk {n + 1}/{len(chunks)}"
            try:
                result = gateway.structured(
                    drafts_model,
                    prompt,
                    {"title": doc.title or "", "text": chunk, "max_claims": limit},
                    label=label,
                    context={"document": doc},
                    max_retries=self.reasks,
                    max_tokens=EXTRACT_MAX_TOKENS if limit else UNBOUNDED_MAX_TOKENS,
                    choose=lambda drafts: _grounded_count(drafts, doc),
                )
            except (ModelCallError, ModelOutputError) as e:
                return str(e)  # names the document and the chunk (its label)
            reasked = result.record.attempts - 1 if result.record.attempts else 0
            return [ground(_to_claim(d, doc, "", reasked), doc) for d in result.value.claims]

        claims: list[Claim] = []
        failures: list[str] = []
        for got in gateway.map(one, [(n, c) for n, (_, c) in enumerate(chunks)]):
            if isinstance(got, str):
                failures.append(got)
            else:
                claims = merge_claims(claims, got)
        error = None
        if failures:
            error = f"{len(failures)} of {len(chunks)} chunks failed" + (
                f" (claims from the other {len(chunks) - len(failures)} kept)"
                if len(failures) < len(chunks)
                else ""
            )
            error += ": " + "; ".join(failures)
        return DocumentClaims(
            doc_id=doc.id,
            model=gateway.model,
            prompt_version=prompt.version,
            claims=number_claims(doc, claims),
            error=error,
        )


def number_claims(doc: Document, claims: list[Claim]) -> list[Claim]:
    return [c.model_copy(update={"id": f"{doc.id}:c{i:02d}"}) for i, c in enumerate(claims, 1)]


STRATEGIES.register(SinglePass())
