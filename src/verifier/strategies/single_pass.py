"""`single-pass`: one call per chunk returns every claim in it, free text, quote copied.

For strong models. The model fills a small draft schema; code locates the quote and its
offsets, parses quantities, checks numbers and attributions. A draft that fails a check is
re-asked with the error; a claim that still fails is kept and marked ungrounded, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from verifier.models.gateway import Gateway
from verifier.pipeline.checks import ground
from verifier.pipeline.extraction import CHUNK_CHARS, CHUNK_OVERLAP, chunk_text, merge_claims
from verifier.prompts import load_prompt
from verifier.schemas import Certainty, Claim, ClaimType, Document, DocumentClaims
from verifier.strategies import STRATEGIES
from verifier.text.mentions import entities, time_ref
from verifier.text.quantities import parse_quantities

PROMPT = "extract_claims"
MAX_CLAIMS_PER_CHUNK = 6
#: Re-asks per chunk. Small models rarely fix a quote when told; each re-ask is a full call.
EXTRACT_RETRIES = 1
#: Room for MAX_CLAIMS_PER_CHUNK drafts at their maximum field lengths, so a grammar-bound
#: answer is never cut off by the token budget.
EXTRACT_MAX_TOKENS = 2048


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


@dataclass
class SinglePass:
    """One structured call per chunk; every claim's quote is checked by code."""

    name: str = "single-pass"
    needs_model: bool = True
    description: str = "one call per chunk returns all its claims (for strong models)"
    chunk_chars: int = CHUNK_CHARS
    chunk_overlap: int = CHUNK_OVERLAP
    max_claims_per_chunk: int = MAX_CLAIMS_PER_CHUNK
    reasks: int = EXTRACT_RETRIES
    max_tokens: int = EXTRACT_MAX_TOKENS

    def params(self) -> dict[str, Any]:
        return {
            "chunk_chars": self.chunk_chars,
            "chunk_overlap": self.chunk_overlap,
            "max_claims_per_chunk": self.max_claims_per_chunk,
            "reasks": self.reasks,
            "max_tokens": self.max_tokens,
        }

    def prompt_versions(self) -> dict[str, str]:
        return {PROMPT: load_prompt(PROMPT).version}

    def extract_document(self, gateway: Gateway | None, doc: Document) -> DocumentClaims:
        assert gateway is not None, "single-pass needs a model"
        prompt = load_prompt(PROMPT)
        claims: list[Claim] = []
        for n, (_, chunk) in enumerate(chunk_text(doc.text, self.chunk_chars, self.chunk_overlap)):
            result = gateway.structured(
                ClaimDrafts,
                prompt,
                {"title": doc.title or "", "text": chunk, "max_claims": self.max_claims_per_chunk},
                label=f"extract {doc.id} chunk {n + 1}",
                context={"document": doc},
                max_retries=self.reasks,
                max_tokens=self.max_tokens,
                choose=lambda drafts: _grounded_count(drafts, doc),
            )
            reasked = result.record.attempts - 1 if result.record.attempts else 0
            claims = merge_claims(
                claims, [ground(_to_claim(d, doc, "", reasked), doc) for d in result.value.claims]
            )
        return DocumentClaims(
            doc_id=doc.id,
            model=gateway.model,
            prompt_version=prompt.version,
            claims=number_claims(doc, claims),
        )


def number_claims(doc: Document, claims: list[Claim]) -> list[Claim]:
    return [c.model_copy(update={"id": f"{doc.id}:c{i:02d}"}) for i, c in enumerate(claims, 1)]


STRATEGIES.register(SinglePass())
