"""Whether two `attributed_to` strings name the same source: five rules you can read.

Used by `attribution_accuracy` and the matcher. The rules, in order (docs/METRICS.md has
worked examples; tests/test_attribution.py a hand-labelled list of pairs):

1. **Own voice is one class.** "the article", "the outlet", "the author" (data list) and the
   document's outlet name are the same source; own voice never matches a named source.
2. **Primary source.** Each name is cut to its primary source: parentheticals and anything
   after the first comma or "via" are the relay or a description ("Mikhail Benyash, via The
   Wall Street Journal" → "Mikhail Benyash"). Both the full names and the primaries are compared.
3. **Same words.** Equal when each name's words cover the other's (case, punctuation and
   articles folded; "Zelensky"/"Zelenskyy" equal at rapidfuzz ratio ≥ `TOKEN_SIMILARITY`).
4. **Acronym.** "NRC" is the initials of "National Resistance Center (of Ukraine)": the
   initials of all naming words, or of those before the first "of".
5. **Shortened name.** A shorter primary whose words all appear in the longer matches when it
   keeps at least two words and one of them names (not a descriptor or demonym), or when it
   is one naming word that ends the longer's first run of naming words ("Kovalenko" for
   "Alexander Kovalenko", "Reuters" for "Reuters news agency"). So a one-word fragment
   ("russian", "wall", "officials") does not stand for a different, longer source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz

from verifier.resources import data_yaml
from verifier.text.quotes import normalise

LEXICON = "attribution.yaml"
#: rapidfuzz ratio (0–100) at which two name words are the same ("Zelensky"/"Zelenskyy");
#: only for words of 4 letters or more, so "US" ≠ "UK".
TOKEN_SIMILARITY = 85.0

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_PAREN = re.compile(r"\([^)]*\)?")
_CUT = re.compile(r",|;|\bvia\b")


@dataclass(frozen=True)
class _Lexicon:
    own_voice: frozenset[str]
    descriptors: frozenset[str]
    demonyms: frozenset[str]
    connectors: frozenset[str]


@cache
def lexicon() -> _Lexicon:
    data = data_yaml(LEXICON)
    connectors = frozenset(data["connectors"])
    return _Lexicon(
        own_voice=frozenset(
            " ".join(w for w in _words(x) if w not in connectors) for x in data["own_voice"]
        ),
        descriptors=frozenset(data["descriptors"]),
        demonyms=frozenset(data["demonyms"]),
        connectors=connectors,
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


@dataclass(frozen=True)
class Name:
    """A source name as the rules see it: its words and its primary source's words."""

    words: tuple[str, ...]
    primary: tuple[str, ...]

    @classmethod
    @lru_cache(maxsize=4096)
    def of(cls, text: str) -> Name:
        lex = lexicon()
        full = [w for w in _words(text) if w not in lex.connectors]
        cut = _CUT.split(_PAREN.sub(" ", normalise(text)), maxsplit=1)[0]
        primary = [w for w in _WORD.findall(cut) if w not in lex.connectors]
        return cls(tuple(full), tuple(primary or full))

    def naming(self) -> list[str]:
        """Words that name rather than describe or qualify."""
        lex = lexicon()
        return [w for w in self.primary if w not in lex.descriptors and w not in lex.demonyms]


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= TOKEN_SIMILARITY)


def _covers(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Every word of `a` is in `b`."""
    return bool(a) and all(any(_same_word(x, y) for y in b) for x in a)


def _initials(words: list[str]) -> set[str]:
    connectors = lexicon().connectors
    out = set()
    content = [w for w in words if w not in connectors]
    if len(content) >= 2:
        out.add("".join(w[0] for w in content))
    if "of" in words:
        before = [w for w in words[: words.index("of")] if w not in connectors]
        if len(before) >= 2:
            out.add("".join(w[0] for w in before))
    return out


def _acronym(short: Name, long_: Name, raw_long: str) -> bool:
    if len(short.primary) != 1 or not 2 <= len(short.primary[0]) <= 8:
        return False
    cut = _CUT.split(_PAREN.sub(" ", normalise(raw_long)), maxsplit=1)[0]
    return short.primary[0] in _initials(_WORD.findall(cut)) | _initials(_words(raw_long))


def _shortened(short: tuple[str, ...], long_: Name) -> bool:
    if not _covers(short, long_.primary):
        return False
    lex = lexicon()
    naming = [w for w in short if w not in lex.descriptors and w not in lex.demonyms]
    if len(short) >= 2:
        return bool(naming)
    if not naming:
        return False
    # the first run of naming words in the longer name, e.g. ["alexander", "kovalenko"]
    run: list[str] = []
    for w in long_.primary:
        if w in lex.descriptors or w in lex.demonyms:
            if run:
                break
            continue
        run.append(w)
    return bool(run) and _same_word(naming[0], run[-1])


def same_source(a: str, b: str) -> bool:
    """Rules 2–5: whether two names (neither in the own-voice class) name one source."""
    na, nb = Name.of(a), Name.of(b)
    if not na.words or not nb.words:
        return not na.words and not nb.words
    for x, y in ((na.words, nb.words), (na.primary, nb.primary)):
        if _covers(x, y) and _covers(y, x):
            return True
    short, long_, raw_long = (na, nb, b) if len(na.primary) <= len(nb.primary) else (nb, na, a)
    return _acronym(short, long_, raw_long) or _shortened(short.primary, long_)


def own_voice(name: str, outlet: str | None = None) -> bool:
    """Rule 1: the label says the outlet speaks itself ("the article", or the outlet's name)."""
    n = Name.of(name)
    if " ".join(n.primary) in lexicon().own_voice or " ".join(n.words) in lexicon().own_voice:
        return True
    return bool(outlet) and same_source(name, outlet or "")


@lru_cache(maxsize=8192)
def equivalent(pred: str, gold: str, outlet: str | None = None) -> bool:
    """Whether two `attributed_to` strings name the same source (rules 1–5 above)."""
    vp, vg = own_voice(pred, outlet), own_voice(gold, outlet)
    if vp or vg:
        return vp and vg
    return same_source(pred, gold)
