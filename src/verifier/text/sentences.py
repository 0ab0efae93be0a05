"""Sentence spans with character offsets: evidence, passages and chunk boundaries use them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from verifier.resources import data_yaml

#: A sentence ends after . ! ? … or a closing quote followed by space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…\"”])\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence; `text[start:end]` is the sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start and text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped."""
    return [text[s:e].strip() for s, e in sentence_spans(text)]


# ------------------------------------------------------------------ claim-sized sentences
#: Fewer words than this is a heading, a byline or a fragment, not a claim.
MIN_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Claim-sized sentences, stripped, with `text[start:end] == sentence.text`.

    pysbd (rule-based) keeps a quotation and its "X said" together and knows abbreviations,
    where `sentence_spans` cuts after every closing quote (seed 003: 63 regex pieces against
    49 pysbd sentences); a claim is built from one of these, so the unit matters. Line breaks
    still end a sentence: a caption or heading is never glued to the next sentence.
    """
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    out: list[Sentence] = []
    for span in seg.segment(text):
        for m in re.finditer(r"[^\n]+", text[span.start : span.end]):
            piece = m.group(0)
            stripped = piece.strip()
            if stripped:
                start = span.start + m.start() + len(piece) - len(piece.lstrip())
                out.append(Sentence(start, start + len(stripped), stripped))
    return out


def cues() -> dict[str, Any]:
    """Cue lists of `data/staged_cues.yaml`: reporting verbs, hedges, back-references."""
    return data_yaml("staged_cues.yaml")  # type: ignore[no-any-return]


@cache
def _boilerplate() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in cues()["boilerplate"]]


def has_content(sentence: str) -> bool:
    """A sentence worth showing a model: enough words, not page furniture."""
    words = _WORD.findall(sentence)
    if len(words) < MIN_WORDS or not any(w.islower() for w in words):
        return False
    return not any(p.search(sentence.strip()) for p in _boilerplate())


def scripts(text: str) -> set[str]:
    """The writing systems of the letters in `text` (LATIN, CYRILLIC, …), from Unicode names."""
    import unicodedata

    return {unicodedata.name(ch, "?").split(" ")[0] for ch in text if ch.isalpha()}
