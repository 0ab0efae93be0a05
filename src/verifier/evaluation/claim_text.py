"""How good a claim's text is, apart from whether it found a claim: three checks a reader makes.

- **self-contained**: it can be read alone; it does not open with a pronoun or demonstrative
  ("He said…", "This…") and names no "this/these" thing or relative day ("yesterday") that
  only the article's context resolves (words in `data/claim_text.yaml`);
- **decontextualised** (needs gold): it carries the context the annotator had to add to the
  quote — of the content words in the gold text but not in the gold quote (who, where, when),
  the share the predicted text has;
- **faithful**: it states nothing its source does not: every number and month it names is in
  the document, and at most `MAX_UNSUPPORTED` of its content words appear nowhere in it.
  (Negation is not compared with the quote: honest paraphrases move it — "refused to go"
  for "can't not go".)

A copied sentence is faithful but often leans on context and adds none, so it scores well on
detection and visibly worse here. Text inside quotation marks is the source's words, so the
self-contained check skips it.
"""

from __future__ import annotations

import re
from functools import cache

from verifier.resources import data_yaml
from verifier.schemas import Claim
from verifier.text.quantities import numbers_in
from verifier.text.words import content_stems

#: Share of a claim text's content words that may be absent from its document (the
#: annotators' own words: "unattributed", "speculated").
MAX_UNSUPPORTED = 1 / 3
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_DATE_WORD = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)


@cache
def _lexicon() -> tuple[frozenset[str], re.Pattern[str]]:
    data = data_yaml("claim_text.yaml")
    openers = frozenset(w.lower() for w in data["context_openers"])
    anywhere = re.compile(
        r"\b(?:" + "|".join(re.escape(p) for p in data["context_anywhere"]) + r")\b", re.I
    )
    return openers, anywhere


def self_contained(text: str) -> bool:
    openers, anywhere = _lexicon()
    own = _QUOTED.sub(" ", text)
    first = _FIRST_WORD.search(own)
    if first and first.group(0).lower() in openers:
        return False
    return anywhere.search(own) is None


@cache
def _document_facts(document: str) -> tuple[frozenset[float], frozenset[str], frozenset[str]]:
    return (
        frozenset(numbers_in(document)),
        frozenset(_DATE_WORD.findall(document)),
        content_stems(document),
    )


def faithful(claim: Claim, document: str | None) -> bool | None:
    """Whether the text states only what its document does (None without the document)."""
    if document is None:
        return None
    numbers, months, stems = _document_facts(document)
    if any(
        not any(abs(n - d) <= 1e-9 * max(1.0, abs(n)) for d in numbers)
        for n in numbers_in(claim.text)
    ):
        return False
    if not set(_DATE_WORD.findall(claim.text)) <= months:
        return False
    words = content_stems(claim.text)
    return not words or len(words - stems) <= MAX_UNSUPPORTED * len(words)


def context_words(gold: Claim) -> frozenset[str]:
    """Content words the annotator added to the quote to make the claim stand alone."""
    return content_stems(gold.text) - content_stems(gold.quote)


def decontextualised(pred: Claim, gold: Claim) -> float | None:
    """Share of the gold text's added context that the predicted text carries (None if none)."""
    added = context_words(gold)
    if not added:
        return None
    return len(added & content_stems(pred.text)) / len(added)


def quality(claim: Claim, document: str | None, gold: Claim) -> float:
    """The weakest of the three: a claim text is as good as its worst property.

    0 when it is not self-contained or not faithful, else the share of the gold's added
    context it carries (1.0 when the gold added none).
    """
    if not self_contained(claim.text) or faithful(claim, document) is False:
        return 0.0
    d = decontextualised(claim, gold)
    return 1.0 if d is None else d
