"""Words, tokens, the one stemmer and the one stopword list every module compares text with.

Stemming is the Snowball English (Porter 2) stemmer from `snowballstemmer` (maintained, pure
Python). Measured on the seeds' 73 gold claims (tests/bench_text.py), it supports as many gold
attributions as the five-letter prefix it replaced and wrongly supports fewer attributions
taken from other articles. Word lists are data (`verifier/data/words.yaml`), not code.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import TYPE_CHECKING

from verifier.resources import data_yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: A word: letters, with one inner apostrophe ("Russia's", "don’t"); no digits.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: A token: a number with its separators ("300,000", "1.5") or a run of letters.
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


def words(text: str) -> list[str]:
    """The words of `text`, as written (case kept)."""
    return WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Numbers and letter runs of `text`, as written; apostrophes split words."""
    return TOKEN.findall(text)


_local = threading.local()


def _stemmer():  # type: ignore[no-untyped-def]
    """One stemmer per thread: a snowballstemmer instance keeps its word in its own state,
    so two threads stemming with one instance corrupt each other (seen as an IndexError
    when the brief grouped claims while judge calls were being checked)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        from snowballstemmer.english_stemmer import EnglishStemmer

        stemmer = _local.stemmer = EnglishStemmer()
    return stemmer


@cache
def stem(word: str) -> str:
    """Lower-cased Snowball stem, possessive dropped: deserters → desert, Russia's → russia."""
    w = word.lower().replace("’", "'").split("'")[0]
    return _stemmer().stemWord(w) if w else w


def _word_set(key: str) -> frozenset[str]:
    return frozenset(data_yaml("words.yaml")[key].split())


@cache
def word_list(key: str) -> frozenset[str]:
    """A named list from `verifier/data/words.yaml` (stopwords, reporting, quantity, source)."""
    return _word_set(key)


def stopwords() -> frozenset[str]:
    """English function words: articles, pronouns, prepositions, conjunctions, auxiliaries."""
    return word_list("stopwords")


def is_stopword(word: str) -> bool:
    return word.lower() in stopwords()


def content_stems(text: str, extra_stop: Iterable[str] = (), min_len: int = 1) -> frozenset[str]:
    """Stems of the words of `text` that are not stopwords (nor in `extra_stop`)."""
    stop = stopwords() | frozenset(extra_stop)
    return frozenset(
        stem(w) for w in WORD.findall(text) if len(w) >= min_len and w.lower() not in stop
    )


def mentions_word(
    word: str,
    text: str,
    text_stems: frozenset[str] | Callable[[], frozenset[str]] | None = None,
) -> bool:
    """True if `text` has `word`: a word with the same stem, or the word written at a word start.

    The second case finds a name glued to the next word by a typo ("Mediazonadocumented").
    It is also the cheap one, so it is tried first: stemming a whole article (`text_stems`,
    given as a function to defer it) is needed only for a word not written as such.
    """
    if re.search(rf"(?<!\w){re.escape(word)}", text, re.IGNORECASE) is not None:
        return True
    if callable(text_stems):
        text_stems = text_stems()
    stems = text_stems if text_stems is not None else frozenset(stem(w) for w in words(text))
    return stem(word) in stems


#: Marks of machine text, not prose: braces or brackets, a camelCase key ("maxLength"), a
#: key glued to its value ("type:" at the end, "400,type"), a list number at the start.
_NOT_PROSE = re.compile(
    r"[{}\[\]<>]|\b[a-z]+[A-Z]\w*|\w:(?:\s*$|\S)|,[^\W\d_]|^\s*\d+[.)]\s|\w+:\s*$"
)
#: Fewer words than this is not a sentence ("false", "supported").
READABLE_MIN_WORDS = 3


def readable(text: str) -> bool:
    """Is `text` a readable sentence (to show a user), not a fragment of a schema or list?

    A small model's free-text answer can be its schema echoed back ("maxLength: 400,type:")
    or a bare value ("false"); those are not shown as reasons.
    """
    return len(WORD.findall(text)) >= READABLE_MIN_WORDS and not _NOT_PROSE.search(text)
