"""`staged`: Claimify-style selection → disambiguation → labels, in many tiny calls.

For small models (Metropolitansky & Larson 2025, "Towards Effective Extraction and Evaluation
of Factual Claims"): code splits the document into sentences with offsets and drops those
without content; the model (1) selects check-worthy sentences by number, (2) rewrites a
sentence to stand alone only when it opens with a back-reference, and (3) picks
`attributed_to` from the sources code found in the document and `certainty` from its enum
(`claim_type` too with `ask_type`; measured, code's guess does as well). Every answer is
grammar-constrained (an integer list, an enum value, one short string). Where code has
narrowed a choice to one option, no call is made. Quotes are the sentences themselves, so
grounding is 100% by construction; quantities, entities and time come from code. Claimify's
decomposition of a sentence into several claims is not asked of the model: one selected
sentence is one claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, create_model, field_validator

from verifier.errors import ModelOutputError
from verifier.models.gateway import Gateway
from verifier.pipeline.checks import ground
from verifier.prompts import load_prompt
from verifier.schemas import Certainty, Claim, ClaimType, Document, DocumentClaims
from verifier.strategies import STRATEGIES
from verifier.text.mentions import entities, time_ref
from verifier.text.quantities import numbers_in, parse_quantities
from verifier.text.quotes import normalise
from verifier.text.sentences import Sentence, cues, has_content, scripts, split_sentences
from verifier.text.words import stopwords, word_list

PROMPTS = {
    "select": "staged_select",
    "rewrite": "staged_rewrite",
    "attribution": "staged_attribution",
    "certainty": "staged_certainty",
    "claim_type": "staged_type",
}
#: Sentences shown per selection call: short enough for a 135M model to keep track of.
SELECT_WINDOW = 8
#: The guidelines' own-voice attribution when the outlet is not named (evals/GUIDELINES.md §5).
OWN_VOICE_UNNAMED = "the article (outlet not named)"
UNNAMED_SOURCES = "unnamed sources"
#: Candidate sources offered per sentence, most plausible first.
MAX_CANDIDATES = 5
#: Share of a sentence's content words a rewrite must keep to count as the same claim.
REWRITE_MIN_KEPT = 0.7
#: New words a rewrite may add: the name that replaces the back-reference.
REWRITE_MAX_NEW = 6
_NAME_WORDS = 10  # longest source name taken from a sentence


class Rewrite(BaseModel):
    text: str = Field(min_length=10, max_length=320)

    @field_validator("text")
    @classmethod
    def _faithful(cls, value: str, info: ValidationInfo) -> str:
        """A rewrite keeps the sentence's numbers and most of its words, in its script."""
        sentence: str | None = (info.context or {}).get("sentence")
        if sentence is None:
            return value
        if numbers_in(value) != numbers_in(sentence):
            raise ValueError("keep exactly the numbers of the sentence")
        words, new = set(normalise(sentence).split()), set(normalise(value).split())
        if words and len(words & new) / len(words) < REWRITE_MIN_KEPT:
            raise ValueError("keep the sentence's own words; only replace the opening pronoun")
        if len(new - words) > REWRITE_MAX_NEW:
            raise ValueError("add only the name the opening word refers to")
        if not scripts(value) <= scripts(sentence):
            raise ValueError("write in the language of the sentence")
        return value


@cache
def _choice_model(name: str, options: tuple[str, ...]) -> type[BaseModel]:
    """A one-field schema whose value must be one of `options` (a grammar on llama.cpp)."""
    return create_model(name, choice=(Literal[options], ...))  # type: ignore[valid-type]


@cache
def _selection_model(numbers: tuple[int, ...]) -> type[BaseModel]:
    return create_model(
        "Selection",
        numbers=(list[Literal[numbers]], Field(max_length=len(numbers))),  # type: ignore[valid-type]
    )


@cache
def _patterns() -> dict[str, Any]:
    c = cues()

    def words(items: list[str]) -> str:
        return "|".join(items)

    return {
        "verb": re.compile(
            rf"\b(?:has |have |had |also )*(?:{words(c['reporting_verbs'])})\b", re.I
        ),
        "phrase": re.compile(rf"\b(?:{words(c['source_phrases'])})\s+", re.I),
        "unnamed": re.compile(rf"\b(?:{words(c['unnamed'])})\b", re.I),
        "certainty": {
            level: re.compile(rf"\b(?:{words(items)})\b", re.I)
            for level, items in c["certainty"].items()
        },
        "backref": re.compile(rf"^(?:{words(c['back_references'])})\b", re.I),
    }


_DETERMINER = re.compile(
    r"^(?:reports? (?:from|by)|a report by|the report by|figures from|lawyer)\s+", re.I
)
_CLAUSE_CUT = re.compile(r"[,;:.“”\"(]|\s(?:that|in (?:19|20)\d\d)\b")
_NAME_START = re.compile(r"^(?:[A-Z]|(?:a|an|the|some)\s)")
_NOT_SUBJECT = re.compile(r"^(?:in|with|as|while|when|after|before|if|since|for|on|at)\b", re.I)
_PASSIVE = re.compile(r"\b(?:was|were|be|been|being|is|are)\s*$", re.I)
_INFINITIVE = re.compile(r"\bto\s*$", re.I)
_CLAUSE_WORD = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|may|might|\w+ing)\b", re.I
)
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


_DATED = re.compile(r"\s+in\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b.*$")


def _noun_phrase(words: list[str]) -> list[str]:
    """The words up to where the name ends and what is said about it begins: a relative
    pronoun or adverb (`name_ends`), or a past-tense verb ("The soldier | defended himself
    and"). A participle stays when a determiner precedes it ("a captured Ukrainian soldier")
    or a preposition follows it ("an analyst based in Kyiv")."""
    c = cues()
    ends = {w.lower() for w in c.get("name_ends", [])}
    dets = {w.lower() for w in c.get("name_determiners", [])}
    links = {w.lower() for w in c.get("name_participle_links", [])}
    for i, raw in enumerate(words):
        w = raw.lower().strip(",.;:")
        if i == 0:
            continue
        if w in ends:
            return words[:i]
        verb = raw[:1].islower() and len(w) > 4 and w.endswith("ed")
        linked = i + 1 < len(words) and words[i + 1].lower() in links
        if verb and words[i - 1].lower() not in dets and not linked:
            return words[:i]
    return words


def _trim_name(text: str) -> str | None:
    """A source's name from the words around a cue: a short noun phrase that starts like a
    name does, cut where what is said about it begins."""
    text = _DETERMINER.sub("", text.strip(" ,.“”\"'"))
    text = _DATED.sub("", text)
    if len(text.split()) > _NAME_WORDS:  # a clause, not a name, even once cut
        return None
    words = _noun_phrase(text.split())
    while words and words[-1].lower() in ("and", "or", "but"):  # "X and | said"
        words = words[:-1]
    while words and words[-1].lower().endswith("ly"):  # "a captured soldier reportedly"
        words = words[:-1]
    if not words:
        return None
    name = " ".join(words).strip(" ,.“”\"'")
    if len(name) < 3 or not _NAME_START.match(name) or _NOT_SUBJECT.match(name):
        return None
    if _patterns()["backref"].match(name) or _CLAUSE_WORD.search(name):
        return None  # "This figure", "The situation is further compounded": not a name
    generic = stopwords() | word_list("source")
    if all(w.lower() in generic for w in words):
        return UNNAMED_SOURCES  # "some sources", "officials": sourced, but no one named
    return name


def _expand_acronym(name: str, document: str) -> str:
    """ "The NRC" → "National Resistance Center" when the document spells the acronym out."""
    m = _ACRONYM.search(name)
    if not m:
        return name
    letters = m.group(0)
    words = r"\s+(?:of\s+|the\s+)?".join(rf"{c}[\w’'-]+" for c in letters)
    full = re.search(rf"\b{words}(?:\s+of\s+[A-Z][\w’'-]+)?", document)
    return full.group(0) if full else name


def candidate_sources(
    sentence: str, previous: list[str], own_voice: str, document: str = ""
) -> list[str]:
    """Who may assert this sentence, found by code, most plausible first.

    A sentence with no attribution cue is the outlet's own voice (guidelines §5), so it gets
    one candidate and no model call.
    """
    p = _patterns()
    found: list[str] = []
    for m in p["verb"].finditer(sentence):  # "X said", "X reports that"
        before = sentence[: m.start()]
        if _PASSIVE.search(before) or _INFINITIVE.search(before):
            continue  # "X was reported", "X called on people to report": not X's report
        clause = re.split(r"[;“”\"]", before)[-1]
        parts = [x for x in clause.split(",") if x.strip()]
        for part in (parts[:1] + parts[-1:]) if parts else []:
            name = _trim_name(part)
            if name and not p["verb"].search(name) and not p["phrase"].search(name + " "):
                found.append(name)
        after = re.match(r"\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)", sentence[m.end() :])
        if after:  # "… ,” said Benyash"
            found.append(after.group(1))
    for m in p["phrase"].finditer(sentence):  # "according to X", "quoted by X"
        name = _trim_name(_CLAUSE_CUT.split(sentence[m.end() :], maxsplit=1)[0])
        if name:
            found.append(name)
    backref = bool(p["backref"].match(sentence))
    unnamed = bool(p["unnamed"].search(sentence))
    if not found and not unnamed and not (backref and p["verb"].search(sentence)):
        return [own_voice]
    if unnamed:
        found.append(UNNAMED_SOURCES)
    if backref:
        found.extend(previous)
    found = [_expand_acronym(f, document) if document else f for f in found]
    found.extend(e for e in entities(sentence) if len(e.split()) > 1 or _ACRONYM.fullmatch(e))
    unique = [f for f in dict.fromkeys(found) if f and f != own_voice]
    return [*unique[: MAX_CANDIDATES - 1], own_voice]


def certainty_options(sentence: str) -> list[Certainty]:
    """Certainty levels whose cues the sentence contains, weakest first; none → asserted."""
    levels = [
        Certainty(level) for level, pat in _patterns()["certainty"].items() if pat.search(sentence)
    ]
    return levels or [Certainty.asserted]


def type_options(sentence: str) -> list[str]:
    """Every claim type; `statistic` first for a sentence with a figure, else `event`.

    Measured: SmolLM2-135M nearly always answers the first option (type accuracy 0.20 with
    `statistic` always first), so the order is code's guess. Two orders only, so consecutive
    calls mostly share their prompt prefix.
    """
    first = ClaimType.statistic if parse_quantities(sentence) else ClaimType.event
    return [first.value, *(t.value for t in ClaimType if t != first)]


def own_voice(doc: Document) -> str:
    return doc.outlet or OWN_VOICE_UNNAMED


@dataclass
class Staged:
    """Selection, disambiguation and labels as separate grammar-bound calls."""

    name: str = "staged"
    needs_model: bool = True
    description: str = "many tiny grammar-bound calls over code-split sentences (small models)"
    select: bool = False
    select_window: int = SELECT_WINDOW
    rewrite: bool = True
    max_candidates: int = MAX_CANDIDATES
    #: Measured on the seeds (docs/EMBEDDED.md): SmolLM2's type answers score 0.519 against
    #: 0.500 for code's own first option (28 against 27 of 54 pairs), and Gemma's equal
    #: code's, while the type question was 112 of the brief's 187 calls (60%). So code
    #: answers it by default.
    ask_type: bool = False

    def params(self) -> dict[str, Any]:
        return {
            "select": self.select,
            "select_window": self.select_window,
            "rewrite": self.rewrite,
            "max_candidates": self.max_candidates,
            "ask_type": self.ask_type,
        }

    def prompt_versions(self) -> dict[str, str]:
        return {p: load_prompt(p).version for p in PROMPTS.values()}

    # ------------------------------------------------------------------ stages
    def extract_document(self, gateway: Gateway | None, doc: Document) -> DocumentClaims:
        """Stage by stage over all sentences, so consecutive calls share a prompt prefix.

        llama.cpp reuses the evaluated prefix of the previous prompt: calls of one stage in a
        row re-read only the sentence, not the instructions and schema.
        """
        assert gateway is not None, "staged needs a model"
        sentences = [s for s in split_sentences(doc.text) if has_content(s.text)]
        chosen = self._select(gateway, doc, sentences) if self.select else sentences
        index = {s.start: i for i, s in enumerate(sentences)}
        previous = [sentences[index[s.start] - 1].text if index[s.start] else "" for s in chosen]
        texts = [
            self._rewrite(gateway, doc, s, prev)
            if self.rewrite and prev and _patterns()["backref"].match(s.text)
            else s.text
            for s, prev in zip(chosen, previous, strict=True)
        ]
        voice = own_voice(doc)
        attributions: list[str] = []
        last_source: list[str] = []
        for s, prev in zip(chosen, previous, strict=True):
            options = candidate_sources(s.text, last_source, voice, doc.text)
            who = self._choose(gateway, doc, "attribution", "Source", options, s.text, prev)
            attributions.append(who)
            last_source = [who] if who != voice else last_source
        certainties = [
            self._choose(
                gateway, doc, "certainty", "CertaintyChoice",
                [c.value for c in certainty_options(s.text)], s.text, prev,
            )
            for s, prev in zip(chosen, previous, strict=True)
        ]  # fmt: skip
        types = [
            self._choose(gateway, doc, "claim_type", "TypeChoice", options, s.text, prev)
            if self.ask_type
            else options[0]
            for s, prev in zip(chosen, previous, strict=True)
            for options in [type_options(s.text)]
        ]
        claims = [
            ground(
                Claim(
                    id=f"{doc.id}:c{n:02d}",
                    doc_id=doc.id,
                    text=text,
                    quote=s.text,
                    start=s.start,
                    end=s.end,
                    claim_type=ClaimType(kind),
                    attributed_to=who,
                    certainty=Certainty(certainty),
                    quantities=parse_quantities(s.text),
                    entities=entities(s.text),
                    time_ref=time_ref(s.text),
                ),
                doc,
            )
            for n, (s, text, who, certainty, kind) in enumerate(
                zip(chosen, texts, attributions, certainties, types, strict=True), 1
            )
        ]
        return DocumentClaims(
            doc_id=doc.id,
            model=gateway.model,
            prompt_version=",".join(f"{k}@{v}" for k, v in self.prompt_versions().items()),
            claims=claims,
        )

    def _select(self, gateway: Gateway, doc: Document, sentences: list[Sentence]) -> list[Sentence]:
        """Stage 1: the model names the check-worthy sentences of each window by number."""
        kept: list[Sentence] = []
        for w in range(0, len(sentences), self.select_window):
            window = sentences[w : w + self.select_window]
            numbers = tuple(range(w + 1, w + len(window) + 1))
            shown = [{"n": n, "text": s.text} for n, s in zip(numbers, window, strict=True)]
            try:
                picked = gateway.structured(
                    _selection_model(numbers),
                    load_prompt(PROMPTS["select"]),
                    {"title": doc.title or "", "sentences": shown},
                    label=f"select {doc.id} {numbers[0]}-{numbers[-1]}",
                    max_retries=0,
                    max_tokens=8 + 4 * len(window),
                ).value.numbers  # type: ignore[attr-defined]
            except ModelOutputError:
                picked = list(numbers)  # a failed selection drops nothing
            kept += [s for n, s in zip(numbers, window, strict=True) if n in set(picked)]
        return kept

    def _choose(
        self,
        gateway: Gateway,
        doc: Document,
        stage: str,
        model_name: str,
        options: list[str],
        sentence: str,
        previous: str,
    ) -> str:
        """One enum answer; a single option is code's answer and costs no call."""
        if len(options) == 1:
            return options[0]
        try:
            value = gateway.structured(
                _choice_model(model_name, tuple(options)),
                load_prompt(PROMPTS[stage]),
                {"sentence": sentence, "previous": previous, "options": options},
                label=f"{stage} {doc.id}: {sentence[:40]}",
                max_retries=0,
                max_tokens=64,
            ).value
            return str(value.choice)  # type: ignore[attr-defined]
        except ModelOutputError:
            return options[0]  # code's most plausible option

    def _rewrite(self, gateway: Gateway, doc: Document, s: Sentence, previous: str) -> str:
        """Stage 2: a self-contained version of a sentence that opens with a back-reference."""
        try:
            result = gateway.structured(
                Rewrite,
                load_prompt(PROMPTS["rewrite"]),
                {"sentence": s.text, "previous": previous, "title": doc.title or ""},
                label=f"rewrite {doc.id}@{s.start}",
                context={"sentence": s.text},
                max_retries=1,
                max_tokens=160,
            )
        except ModelOutputError:
            return s.text
        return result.value.text.strip() if result.valid else s.text


STRATEGIES.register(Staged())
