"""The words grouping needs, read from data files: plain English plus a story's vocabulary.

Grouping decides from a claim's structure (what a figure counts, its unit, time, place and
source), but reading that structure needs words: which nouns are one concept ("troops",
"personnel", "soldiers"), which verbs say what happened ("deserted", "charged with"), which
adjectives name a place ("Ukrainian"). Those are story-specific, so they live in
`verifier/data/vocabulary_<name>.yaml`; `vocabulary_base.yaml` (function words, reporting
verbs) is always loaded and the story files named by a suite or the settings are added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from verifier.errors import InputError
from verifier.resources import data_file, data_yaml
from verifier.text.words import word_list

BASE = "base"


@dataclass(frozen=True)
class Event:
    """Something a figure can count: "deserted", "charged with (desertion)"."""

    key: str
    label: str
    noun: str
    pattern: re.Pattern[str]
    takes_object: bool = False


@dataclass(frozen=True)
class Vocabulary:
    names: tuple[str, ...]
    stopwords: frozenset[str]
    generic_source_words: frozenset[str]
    self_voice: frozenset[str]
    phrase_boundaries: frozenset[str]
    speculative_words: frozenset[str]
    reporting_verbs: frozenset[str]
    count_units: frozenset[str]
    fraction_words: frozenset[str]
    negations: frozenset[str]
    figure_nouns: frozenset[str]
    back_references: frozenset[str]
    synonyms: dict[str, str]  # word -> concept
    head_classes: dict[str, str]  # concept -> class
    events: tuple[Event, ...]
    places: dict[str, str]  # word -> place key
    place_names: dict[str, str]  # place key -> its adjective, for labels ("Ukrainian")


def available() -> list[str]:
    """Story vocabularies shipped in `verifier/data` (without the base)."""
    names = sorted(
        p.name.removeprefix("vocabulary_").removesuffix(".yaml")
        for p in data_file("").iterdir()
        if p.name.startswith("vocabulary_") and p.name.endswith(".yaml")
    )
    return [n for n in names if n != BASE]


def _words(value: object) -> list[str]:
    return str(value or "").lower().split()


def _pattern(words: list[str]) -> re.Pattern[str]:
    alts = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words]
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)


def _read(name: str) -> dict[str, object]:
    if name != BASE and name not in available():
        raise InputError(
            f"vocabulary {name!r}: no such vocabulary "
            f"(available: {', '.join(available()) or 'none'})"
        )
    data = data_yaml(f"vocabulary_{name}.yaml") or {}
    if not isinstance(data, dict):
        raise InputError(f"verifier/data/vocabulary_{name}.yaml: must be a mapping")
    return data


WORD_SETS = ("stopwords", "generic_source_words", "self_voice", "phrase_boundaries",
             "speculative_words", "reporting_verbs", "count_units", "fraction_words",
             "negations", "figure_nouns", "back_references")  # fmt: skip


@cache
def load_vocabulary(names: tuple[str, ...] | None = None) -> Vocabulary:
    """The base vocabulary plus the named story vocabularies (all shipped ones when None)."""
    chosen = tuple(available() if names is None else names)
    sets: dict[str, set[str]] = {}
    synonyms: dict[str, str] = {}
    heads: dict[str, str] = {}
    places: dict[str, str] = {}
    place_names: dict[str, str] = {}
    events: list[Event] = []
    seen_events: set[str] = set()
    for name in (BASE, *chosen):
        data = _read(name)
        for key in WORD_SETS:
            sets.setdefault(key, set()).update(_words(data.get(key)))
        for concept, words in (data.get("synonyms") or {}).items():  # type: ignore[union-attr]
            for w in _words(words):
                synonyms.setdefault(w, str(concept))
        for concept, cls in (data.get("head_classes") or {}).items():  # type: ignore[union-attr]
            heads.setdefault(str(concept), str(cls))
        for place, words in (data.get("places") or {}).items():  # type: ignore[union-attr]
            listed = _words(words)
            place_names.setdefault(str(place), listed[0] if listed else str(place))
            for w in listed:
                places.setdefault(w, str(place))
        for ev in data.get("events") or []:  # type: ignore[union-attr]
            if ev["key"] in seen_events:
                continue
            seen_events.add(ev["key"])
            events.append(Event(
                key=ev["key"], label=ev.get("label", ev["key"]), noun=ev.get("noun", ev["key"]),
                pattern=_pattern(_words(ev["words"])), takes_object=bool(ev.get("takes_object")),
            ))  # fmt: skip
    # The shared word lists (verifier/data/words.yaml) are part of every vocabulary.
    sets["stopwords"] |= word_list("stopwords") | word_list("reporting") | word_list("quantity")
    sets["reporting_verbs"] |= word_list("reporting")
    sets["generic_source_words"] |= word_list("source")
    return Vocabulary(
        names=chosen,
        **{k: frozenset(v) for k, v in sets.items()},  # type: ignore[arg-type]
        synonyms=synonyms,
        head_classes=heads,
        events=tuple(events),
        places=places,
        place_names=place_names,
    )
