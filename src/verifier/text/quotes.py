"""Locating a quote in its document: exact, then normalised, then fuzzy.

Offsets always come from here, never from a model. Normalisation folds what models and
copy-paste routinely change (curly vs straight quotes, dash variants, runs of whitespace,
case); the fuzzy step accepts a near-verbatim quote above `FUZZY_THRESHOLD`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from verifier.schemas import MatchKind

#: rapidfuzz partial-ratio (0–100) a quote must reach to count as found. 90 tolerates a
#: dropped or changed short word in a sentence-length quote, not a paraphrase.
FUZZY_THRESHOLD = 90.0
#: Quotes shorter than this (after normalising) are too unspecific to locate fuzzily.
MIN_FUZZY_CHARS = 20

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2026": ".",
    }
)


@dataclass(frozen=True)
class QuoteMatch:
    start: int
    end: int
    kind: MatchKind
    score: float


@lru_cache(maxsize=512)
def normalise_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Folded, whitespace-collapsed, lower-case text, and each of its chars' index in the source.

    Cached: every quote of an article is located in the same article, so the article is
    normalised once, not once per quote.
    """
    out: list[str] = []
    index: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        c = ch.translate(_FOLD)
        if c.isspace():
            if prev_space:
                continue
            out.append(" ")
            index.append(i)
            prev_space = True
            continue
        for piece in c.lower():
            out.append(piece)
            index.append(i)
        prev_space = False
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), tuple(index)


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


@lru_cache(maxsize=4096)
def find_quote(quote: str, text: str) -> QuoteMatch | None:
    """Where `quote` sits in `text`, or None if it is not there (even approximately).

    Cached: extraction checks, grounding and every metric locate the same quotes.
    """
    q = quote.strip()
    if not q:
        return None
    i = text.find(q)
    if i >= 0:
        return QuoteMatch(i, i + len(q), MatchKind.exact, 100.0)
    nq = normalise(q).strip(" \"'")
    nt, index = normalise_with_map(text)
    if not nq:
        return None
    j = nt.find(nq)
    if j >= 0:
        return QuoteMatch(index[j], index[j + len(nq) - 1] + 1, MatchKind.normalised, 100.0)
    if len(nq) < MIN_FUZZY_CHARS:
        return None
    res = fuzz.partial_ratio_alignment(nq, nt, score_cutoff=FUZZY_THRESHOLD)
    if res is None or res.dest_end <= res.dest_start:
        return None
    # partial_ratio slides a window as long as the quote over the text, so a quote padded
    # with invented text ("..., the Pentagon says") still scores high against the real
    # sentence plus whatever follows it. Refuse a quote with words the matched region lacks:
    # a dropped word is tolerated, an added one is not.
    # (At the text's edges the aligned window can be shorter than the quote: widen by that.)
    margin = max(MIN_FUZZY_CHARS, len(nq) // 10) + max(0, len(nq) - (res.dest_end - res.dest_start))
    if _invented_words(nq, nt[max(0, res.dest_start - margin) : res.dest_end + margin]):
        return None
    start, end = _snap_to_words(text, index[res.dest_start], index[res.dest_end - 1] + 1)
    return QuoteMatch(start, end, MatchKind.fuzzy, round(res.score, 1))


_TOKEN = re.compile(r"\w+(?:[.,'’]\w+)*")
#: Unmatched quote words at most this long count as a "changed short word", not an invention.
_SHORT_WORD = 3


def _invented_words(nq: str, region: str) -> list[str]:
    """Words of the (normalised) quote with no counterpart in the (normalised) region.

    A word counts as present when the region has it, contains it (run-together words such as
    "mediazonadocumented"), or has a close variant (inflection, a typo). Figures must be
    exact. One short word may differ ("a" for "the"); anything else is invented.
    """
    region_words = set(_TOKEN.findall(region))
    invented: list[str] = []
    short = 0
    for w in _TOKEN.findall(nq):
        if w in region_words:
            continue
        if any(ch.isdigit() for ch in w):
            invented.append(w)
        elif len(w) <= _SHORT_WORD:
            short += 1
        elif w in region or not region_words:
            continue
        elif max(fuzz.ratio(w, rw) for rw in region_words) < 80:
            invented.append(w)
    if short > 1:
        invented.append(f"{short} short words")
    return invented


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy span to whole words, so evidence never starts or ends mid-word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():  # the window may begin or end on a space
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
