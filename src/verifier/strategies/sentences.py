"""`sentences`: every sentence of the article as one claim, in the outlet's voice. No model.

The trivial floor of the benchmark: it finds most claim spans (detection recall is high)
but copies each sentence as it stands, so its claim texts lean on context and carry none
(claim-text quality is low), every attribution is the outlet and every claim "asserted".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verifier.schemas import Claim, Document, DocumentClaims
from verifier.strategies import STRATEGIES
from verifier.text.sentences import sentence_spans
from verifier.text.words import words

if TYPE_CHECKING:
    from verifier.models.gateway import Gateway

#: Fragments shorter than this many words (photo credits, bylines) are not sentences.
MIN_WORDS = 4
#: What the outlet's own voice is called when the manifest names no outlet.
OWN_VOICE = "the article"


def stripped_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans without the whitespace at their edges, so quote == text[start:end]."""
    out = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        out.append((start + lead, start + len(piece.rstrip())))
    return [(s, e) for s, e in out if e > s]


@dataclass
class Sentences:
    name: str = "sentences"
    needs_model: bool = False
    description: str = "baseline: every sentence as one claim in the outlet's voice"
    min_words: int = MIN_WORDS

    def params(self) -> dict[str, Any]:
        return {"min_words": self.min_words}

    def prompt_versions(self) -> dict[str, str]:
        return {}

    def extract_document(self, gateway: Gateway | None, doc: Document) -> DocumentClaims:
        claims = []
        for start, end in stripped_spans(doc.text):
            text = doc.text[start:end]
            if len(words(text)) < self.min_words:
                continue
            claims.append(
                Claim(
                    id=f"{doc.id}:s{len(claims) + 1:03d}",
                    doc_id=doc.id,
                    text=text,
                    quote=text,
                    start=start,
                    end=end,
                    attributed_to=doc.outlet or OWN_VOICE,
                )
            )
        return DocumentClaims(doc_id=doc.id, model=self.name, claims=claims)


STRATEGIES.register(Sentences())
