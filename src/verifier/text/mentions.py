"""Named entities and time references of a claim, read by code from its verbatim quote.

Like quantities, these come from the quote rather than from the model: they are then
always grounded, and a small model's output budget goes to what only it can do.
"""

from __future__ import annotations

import re

from verifier.text.dates import MONTH_FULL
from verifier.text.words import word_list

_MONTH = f"(?:{MONTH_FULL})"
_TIME = re.compile(
    rf"\b(?:(?:by|since|until|before|after|in|on|from|as of|through)\s+)?"
    rf"(?:(?:early|mid|late)[\s-]+)?"
    rf"(?:{_MONTH}(?:\s+\d{{1,2}})?(?:,?\s+(?:19|20)\d\d)?|(?:19|20)\d\d|"
    rf"(?:last|this|next)\s+(?:year|month|week)|the\s+(?:first|second|third|fourth)\s+year)\b"
)
#: Capitalised words that start sentences or clauses rather than name anything (data/words.yaml).
_NOT_NAMES = word_list("not_names") | frozenset(MONTH_FULL.split("|"))
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "al"})
_POSSESSIVE = re.compile(r"[’']s$")
_NAME = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+(?:of|the|for|and|de|al)?\s*[A-Z][\w’'.-]*)*")


def time_ref(quote: str) -> str | None:
    """The first time expression the quote states ("by August 30", "since 2012"), if any."""
    m = _TIME.search(quote)
    return m.group(0) if m else None


def entities(quote: str) -> list[str]:
    """Capitalised names and acronyms in the quote, in order, without sentence-initial words."""
    found: list[str] = []
    for m in _NAME.finditer(quote):
        words = m.group(0).split()
        while words and (words[0] in _NOT_NAMES or words[0] in _CONNECTORS):
            words = words[1:]
        while words and words[-1] in _CONNECTORS:
            words = words[:-1]
        name = _POSSESSIVE.sub("", " ".join(words)).rstrip(".,’'")
        if len(name) > 1 and name not in found and name not in _NOT_NAMES:
            found.append(name)
    return found
