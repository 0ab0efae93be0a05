"""`rules`: claims by rules alone, no model — the floor a model has to beat on every field.

Each sentence that states something checkable (a figure, a named source, a hedge or a name)
is a claim. Its fields come from word lists in `data/rules.yaml`: the source from cue phrases
("according to X", "X said", '"…," X said'), the certainty from a hedging lexicon (weakest
first: speculative, alleged, reported), the type from cue words (a quantity makes it a
statistic), and quantities, entities and the time reference by the same code the model
pipeline uses. The claim text is the sentence without a leading connective ("However, …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from verifier.resources import data_yaml
from verifier.schemas import Certainty, Claim, ClaimType, Document, DocumentClaims
from verifier.strategies import STRATEGIES
from verifier.strategies.sentences import MIN_WORDS, OWN_VOICE, stripped_spans
from verifier.text.mentions import entities, time_ref
from verifier.text.quantities import numbers_in, parse_quantities
from verifier.text.words import words

if TYPE_CHECKING:
    from verifier.models.gateway import Gateway

LEXICON = "rules.yaml"
#: A source named by a cue has at most this many words (longer is a clause, not a name).
MAX_SOURCE_WORDS = 10


@dataclass(frozen=True)
class _Rules:
    according: re.Pattern[str]
    subject_verb: re.Pattern[str]
    quote_then_verb: re.Pattern[str]
    opener: re.Pattern[str]
    certainty: tuple[tuple[Certainty, frozenset[str]], ...]
    types: tuple[tuple[ClaimType, frozenset[str]], ...]
    reporting: frozenset[str]


@cache
def rules() -> _Rules:
    data = data_yaml(LEXICON)
    verbs = data["reporting_verbs"].split()
    verb = r"(?:has |have |had )?(?:" + "|".join(map(re.escape, verbs)) + r")\b"
    phrases = "|".join(re.escape(p) for p in data["source_phrases"])
    openers = "|".join(re.escape(o) for o in data["openers"])
    return _Rules(
        according=re.compile(rf"\b(?:{phrases})\s+(?P<src>[^,.;:“”\"]+)", re.I),
        subject_verb=re.compile(rf"^(?P<src>[^,“”\"]{{2,120}}?)\s+{verb}", re.I),
        quote_then_verb=re.compile(rf"[”\"],?\s+(?P<src>[^,.“”\"]{{2,80}}?)\s+{verb}", re.I),
        opener=re.compile(rf"^(?:{openers})\b,?\s*", re.I),
        certainty=tuple(
            (c, frozenset(data[c.value].split()))
            for c in (Certainty.speculative, Certainty.alleged, Certainty.reported)
        ),
        types=tuple(
            (t, frozenset(data[t.value].split()))
            for t in (ClaimType.prediction, ClaimType.policy_legal, ClaimType.characterisation)
        ),
        reporting=frozenset(verbs),
    )


def _source(sentence: str) -> str | None:
    """Who the sentence says is speaking, from its cue phrases; None in the outlet's voice."""
    r = rules()
    for pattern in (r.according, r.quote_then_verb, r.subject_verb):
        m = pattern.search(sentence)
        if not m:
            continue
        src = r.opener.sub("", m.group("src").strip()).strip(" ,")
        src = re.split(r"\s+(?:that|who|which|in a|on|in)\s+", src, maxsplit=1)[0]
        n = len(words(src))
        if 0 < n <= MAX_SOURCE_WORDS and src[:1].isalpha():
            return src
    return None


def certainty_of(sentence: str, attributed: bool) -> Certainty:
    """The weakest hedge the sentence uses; "reported" when a source speaks; else asserted."""
    lowered = {w.lower() for w in words(sentence)}
    for certainty, cues in rules().certainty:
        if lowered & cues:
            return certainty
    return Certainty.reported if attributed else Certainty.asserted


def type_of(sentence: str, has_quantity: bool) -> ClaimType:
    if has_quantity:
        return ClaimType.statistic
    lowered = {w.lower() for w in words(sentence)}
    for claim_type, cues in rules().types:
        if lowered & cues:
            return claim_type
    return ClaimType.event


def _checkable(sentence: str, source: str | None) -> bool:
    """A figure, a named source, a hedge or a name: something a reader could check."""
    if source or numbers_in(sentence) or entities(sentence):
        return True
    lowered = {w.lower() for w in words(sentence)}
    return any(lowered & cues for _, cues in rules().certainty)


@dataclass
class Rules:
    name: str = "rules"
    needs_model: bool = False
    description: str = "baseline: cue phrases, hedging lexicon and quantity parser, no model"
    min_words: int = MIN_WORDS

    def params(self) -> dict[str, Any]:
        return {"min_words": self.min_words, "lexicon": data_yaml(LEXICON).get("version")}

    def prompt_versions(self) -> dict[str, str]:
        return {}

    def extract_document(self, gateway: Gateway | None, doc: Document) -> DocumentClaims:
        claims = []
        for start, end in stripped_spans(doc.text):
            sentence = doc.text[start:end]
            if len(words(sentence)) < self.min_words:
                continue
            source = _source(sentence)
            if not _checkable(sentence, source):
                continue
            text = rules().opener.sub("", sentence)
            quantities = parse_quantities(sentence)
            claims.append(
                Claim(
                    id=f"{doc.id}:r{len(claims) + 1:03d}",
                    doc_id=doc.id,
                    text=text[:1].upper() + text[1:],
                    quote=sentence,
                    start=start,
                    end=end,
                    claim_type=type_of(sentence, bool(quantities)),
                    attributed_to=source or doc.outlet or OWN_VOICE,
                    certainty=certainty_of(sentence, source is not None),
                    quantities=quantities,
                    entities=entities(sentence),
                    time_ref=time_ref(sentence),
                )
            )
        return DocumentClaims(doc_id=doc.id, model=self.name, claims=claims)


STRATEGIES.register(Rules())
