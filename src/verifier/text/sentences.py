"""Sentence spans with character offsets: evidence, passages and chunk boundaries use them."""

from __future__ import annotations

import re

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
