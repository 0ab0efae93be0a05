"""Sentences with their offsets in the document, and whether a sentence has content.

Offsets come from code, so a claim built from a sentence quotes its document verbatim:
grounded by construction. Splitting uses pysbd (rule-based, handles abbreviations and
quotations) rather than a hand-written regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CUES = Path(__file__).parents[1] / "data" / "cues.yaml"
#: Fewer words than this is a heading, a byline or a fragment, not a claim.
MIN_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@cache
def cues() -> dict:
    """The cue lists in `data/cues.yaml` (reporting verbs, hedges, boilerplate …)."""
    return yaml.safe_load(CUES.read_text(encoding="utf-8"))


@cache
def _boilerplate() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in cues()["boilerplate"]]


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence, stripped, with `text[start:end] == sentence.text`."""
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    out: list[Sentence] = []
    for span in seg.segment(text):
        raw = text[span.start : span.end]
        for piece in _lines(raw, span.start):
            out.append(piece)
    return out


def _lines(raw: str, offset: int) -> list[Sentence]:
    """A span split at line breaks (a caption or heading glued to a sentence), stripped."""
    out = []
    for m in re.finditer(r"[^\n]+", raw):
        piece = m.group(0)
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            start = offset + m.start() + lead
            out.append(Sentence(start, start + len(stripped), stripped))
    return out


def has_content(sentence: str) -> bool:
    """A sentence worth showing a model: enough words, not page furniture."""
    words = _WORD.findall(sentence)
    if len(words) < MIN_WORDS or not any(w.islower() for w in words):
        return False
    return not any(p.search(sentence.strip()) for p in _boilerplate())
