"""Named entities and time references of a claim, read by code from its verbatim quote.

Like quantities, these come from the quote rather than from the model: they are then
always grounded, and a small model's output budget goes to what only it can do.
"""

from __future__ import annotations

import re

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_TIME = re.compile(
    rf"\b(?:(?:by|since|until|before|after|in|on|from|as of|through)\s+)?"
    rf"(?:(?:early|mid|late)[\s-]+)?"
    rf"(?:{_MONTH}(?:\s+\d{{1,2}})?(?:,?\s+(?:19|20)\d\d)?|(?:19|20)\d\d|"
    rf"(?:last|this|next)\s+(?:year|month|week)|the\s+(?:first|second|third|fourth)\s+year)\b"
)
#: Capitalised words that start sentences or clauses rather than name anything.
_NOT_NAMES = frozenset(
    [
        "A",
        "An",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "However",
        "But",
        "And",
        "Or",
        "Yet",
        "So",
        "As",
        "If",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "Under",
        "Over",
        "After",
        "Before",
        "Since",
        "During",
        "Once",
        "While",
        "When",
        "Where",
        "According",
        "Adding",
        "Meanwhile",
        "Also",
        "Some",
        "Many",
        "Several",
        "Others",
        "Recently",
        "Nearly",
        "Only",
        "Officials",
        "Thousands",
        "Hundreds",
        "Tens",
        "Dozens",
        "Instances",
        "Cases",
        "Reports",
        "Relatives",
        "Soldiers",
    ]
) | frozenset(_MONTH.strip("(?:)").split("|"))
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
