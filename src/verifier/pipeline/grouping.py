"""Cross-document verification: which claims state the same proposition, and do sources agree.

Deterministic, no model, and built on each claim's structure rather than on one story's
words (those come from `verifier/data/vocabulary_*.yaml`, see `vocabulary.py`):

1. **Read each figure.** A figure (`Claim.quantities`, parsed from the text when absent) is
   read as a *measure*: the head noun of what it counts ("Ukrainian military *personnel*
   who have deserted"), the event the words after that noun name (deserted, charged with
   desertion, returned, engaged …, the first one mentioned), the event's *topic* (the
   desertion a charge is about), unit, place (whose soldiers, from a demonym), period
   (years in the claim's time reference) and stance (a speculated ceiling, an estimate).
2. **Group.** Figures for one topic — the same place, head noun, unit and topic event —
   are set side by side in one group whatever their wording, so "300,000–500,000
   deserted", "over 100,000 charged with desertion" and "could reach 200,000" meet; a figure
   for another event ("300,000 soldiers were engaged") never does. Other claims join by
   text: IDF-weighted Dice overlap of content words (synonyms folded) plus a bonus for a
   shared named entity, clustered by average linkage at `GROUP_THRESHOLD`. Claims about
   different places, or figures for different things on one noun, are never linked by
   text. A cluster within one document is split back into single claims.
3. **Independence.** A claim's upstream source is the speaker its attribution names plus
   any relay it passes through ("Russian security forces, via TASS"), or, in an article's
   own voice, the relays its manifest lists. Two members are one source when one name's
   distinctive words contain the other's: two outlets relaying TASS are one source.
4. **Judge.** Figures are compared only when they measure the same thing (same event,
   topic, noun, unit, place and period); comparable figures from independent sources
   agree when their `Quantity.bounds()` overlap and disagree when disjoint. Claims without
   figures agree when their own texts are similar enough (a direct link, not one made
   through a third claim).

Labels: `contested` if independent sources give disjoint figures for one measure, or give
figures for one topic that confirm none of each other (they count different things, or
one thing in different periods: what each counts is in the members' `measures`), or one
states what the other denies; `corroborated` if two independent sources state the same
proposition; `single_source` otherwise (one claim, or several documents relaying one source).

Scale: candidate pairs come from an inverted index (words used by at most `DF_CAP` claims,
figure topics, exact duplicates), never from all pairs; clustering is sparse average
linkage with a heap; notes hold one line per measure, not one per pair.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from verifier.pipeline.vocabulary import Vocabulary, load_vocabulary
from verifier.schemas import (
    Certainty,
    Claim,
    ClaimGroup,
    Document,
    GroupFigure,
    GroupLabel,
    GroupMember,
    Qualifier,
    Quantity,
)
from verifier.text.quantities import parse_quantities
from verifier.text.quotes import normalise
from verifier.text.sentences import sentence_spans
from verifier.text.words import WORD as _WORD
from verifier.text.words import stem

#: Average-linkage similarity (0–1) at which claims are one proposition. Two wordings of
#: one statement share most of their distinctive words and score 0.6–1; on the seed gold
#: claims, cross-document paraphrases a reader would group score 0.42–0.55 and pairs
#: sharing only topic words stay below 0.38. Erring high: a missed link leaves two
#: single-source groups, a false one can fake a corroboration.
GROUP_THRESHOLD = 0.4
#: Added to the text similarity when two claims share a named entity.
ENTITY_BONUS = 0.1
#: A word used by more claims than this proposes no candidate pairs (it is a topic word,
#: with a low IDF weight); it still counts in the similarity of pairs proposed otherwise.
DF_CAP = 64

_YEAR = re.compile(r"\b(?:18|19|20)\d\d\b")
_SPLIT_SOURCE = re.compile(
    r",|;|\(|\)|\bvia\b|\bquoted\s+by\b|\bciting\b|\bthrough\b|\bas\s+reported\s+by\b", re.I
)


@dataclass(frozen=True)
class _Measure:
    """One figure read as what it counts (see the module docstring)."""

    quantity: Quantity
    counted: str
    head: str | None
    event: str  # event key ("" when none found)
    topic: str  # the event the figure is about: a charge's offence, else the event
    label: str  # "deserted", "charged with desertion"
    unit: str
    place: str | None
    years: frozenset[str]
    stance: str  # "speculated ceiling", "speculative estimate", "estimate", "reported" …
    context: str | None = None  # the sentence before the claim that `counted` comes from

    @property
    def what(self) -> str:
        """Short label of what the figure counts: "deserted", "speculated ceiling (deserted)"."""
        base = self.label or "count"
        if self.unit == "percent":
            base = f"share {base}".strip()
        if self.stance.startswith("speculat"):
            return f"{self.stance} ({base})"
        return base

    def comparable_key(self) -> tuple[str, str, str | None, str, str | None]:
        return (self.event, self.topic, self.head, self.unit, self.place)

    def topic_key(self) -> tuple[str | None, str | None, str, str] | None:
        """Figures with one topic key are set side by side (None: too vague to link)."""
        if not self.topic or not self.head:
            return None
        return (self.place, self.head, self.topic, self.unit)


@dataclass
class _Info:
    claim: Claim
    tokens: frozenset[str]
    entities: list[frozenset[str]]
    place: str | None
    measures: list[_Measure]
    negated: bool = False
    key: str = ""
    parts: list[frozenset[str]] = field(default_factory=list)


class _Reader:
    """Reads claims with one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.v = vocab
        frame_verbs = "|".join(sorted(map(re.escape, vocab.reporting_verbs))) or "said"
        self.frame = re.compile(
            rf"^.*?\b(?:according\s+to\b[^,]*,|(?:{frame_verbs})\b(?:\s+that)?)", re.I
        )
        nouns = "|".join(sorted(map(re.escape, vocab.figure_nouns))) or "number"
        self.figure_of = re.compile(rf"\b(?:{nouns})s?\s+of\s+(.+)$", re.I)
        self.figure_of_anywhere = re.compile(rf"\b(?:{nouns})s?\s+of\s+([^,;:.]+)", re.I)

    # ------------------------------------------------------------------ words
    def concept(self, word: str) -> str:
        """A word's concept (synonyms folded) or its stem."""
        w = word.lower().replace("’", "'")
        if w in self.v.synonyms:
            return self.v.synonyms[w]
        return self.v.synonyms.get(w.split("'")[0]) or stem(w)

    def content(self, text: str) -> frozenset[str]:
        return frozenset(
            self.concept(w) for w in _WORD.findall(text)
            if w.lower() not in self.v.stopwords and len(w) > 2
        )  # fmt: skip

    def place_of(self, word: str) -> str | None:
        w = word.lower().replace("’", "'")
        return self.v.places.get(w) or self.v.places.get(w.split("'")[0])

    def name_tokens(self, name: str) -> frozenset[str]:
        """A source name's distinctive words; empty if it names no one in particular.

        "Russian security forces" → {russia, security}; "Russian officials", "a lawmaker" → {}.
        """
        words = re.findall(r"[^\W_]+", normalise(name).replace("'s", ""))
        skip = self.v.generic_source_words | self.v.stopwords
        kept = frozenset(self.place_of(w) or w for w in words if w not in skip)
        places = set(self.v.places.values())
        return kept if kept - places else frozenset()

    # ------------------------------------------------------------------ claims
    def body(self, claim: Claim) -> str:
        """The claim text without its reporting frame and attribution: what it is about."""
        text = claim.text
        for part in _SPLIT_SOURCE.split(claim.attributed_to):
            part = part.strip()
            if len(part) > 2:
                text = re.sub(re.escape(part), " ", text, flags=re.I)
        m = self.frame.match(text)
        # A frame at the end ("…, the port authority said.") would take the whole statement.
        if m and len(text) - m.end() >= 0.4 * len(text):
            text = text[m.end() :]
        return text

    def negated(self, body: str) -> bool:
        words = _WORD.findall(body.replace("n't", " not"))
        return any(w.lower() in self.v.negations for w in words)

    def place(self, text: str) -> str | None:
        """The place a text is about: a place word before a vocabulary noun, else the first."""
        words = _WORD.findall(text)
        first = None
        for i, w in enumerate(words):
            p = self.place_of(w)
            if p is None:
                continue
            first = first or p
            for nxt in words[i + 1 : i + 4]:
                c = self.concept(nxt)
                if c in self.v.head_classes or nxt.lower() in self.v.synonyms:
                    return p
        return first

    def measures(self, claim: Claim, place: str | None,
                 ctx: _Context | None = None) -> list[_Measure]:  # fmt: skip
        """Each figure as a measure. `place` is the claim's own weak guess (its first place
        word); whose thing a figure counts is read, in order, from the words it counts
        ("Ukrainian soldiers"), a place naming a counted noun in the claim, the sentences
        just before the claim, the document's subject, and only then that weak guess."""
        quantities = claim.quantities or parse_quantities(claim.text)
        years = frozenset(_YEAR.findall(claim.time_ref or ""))
        out = []
        for q in quantities:
            if q.bounds() is None:
                continue
            counted = q.counted or self._after(claim.text, q.text)
            context = None
            if ctx is not None and (not counted or self._is_back_reference(counted)) \
                    and self._refers_back(claim.text, q.text):  # fmt: skip
                # "the figure could reach 200,000": what it counts is said before the claim.
                found = ctx.antecedent(claim)
                if found:
                    counted, context = found
            head, rest = self._head(counted)
            found = (
                self._events(rest)
                or self._events(counted)
                or self._events(self._clause(claim.text, q.text))
            )
            event, topic, label = "", "", ""
            if found:
                first = found[0]
                event = topic = first.key
                label = first.label
                if first.takes_object:
                    obj = next((e for e in found[1:] if not e.takes_object), None)
                    if obj is not None:
                        topic, label = obj.key, f"{first.label} {obj.noun}"
            unit = (q.unit or "count").lower()
            if unit in self.v.count_units or self.concept(unit) in self.v.head_classes:
                unit = "count"
            head_words = _WORD.findall(counted)
            local = next((p for w in head_words if (p := self.place_of(w))), None)
            where = local or self.head_place(self.body(claim))
            if where is None and ctx is not None and head is not None:
                where = ctx.place_before(claim) or ctx.subject(claim.doc_id)
            out.append(_Measure(
                quantity=q, counted=counted, head=head, event=event, topic=topic, label=label,
                unit=unit, place=where or place, years=years | frozenset(_YEAR.findall(counted)),
                stance=self._stance(claim, q), context=context,
            ))  # fmt: skip
        return out

    def _after(self, text: str, figure: str) -> str:
        """What a figure counts: the words after it, to the end of its clause, or when
        nothing follows, "the number of X" before it ("the number of deserters could reach")."""
        i = text.lower().find(figure.lower())
        if i < 0:
            return ""
        tail = re.split(r"[,;:.]", text[i + len(figure) :], maxsplit=1)[0].strip()
        if _WORD.search(tail):
            return tail
        before = re.split(r"[,;:]", text[:i])[-1]
        m = self.figure_of.search(before)
        return m.group(1).strip() if m else ""

    def of_figure(self, text: str) -> str:
        """What "the number of X" in `text` counts: X, to its noun phrase's end
        ("the actual number of deserters could be even higher" → "deserters")."""
        m = self.figure_of_anywhere.search(text)
        if not m:
            return ""
        words = m.group(1).split()
        cut = next((i for i, w in enumerate(words) if i and w.lower() in
                    self.v.phrase_boundaries), len(words))  # fmt: skip
        return " ".join(words[:cut])

    def _is_back_reference(self, counted: str) -> bool:
        """'the figure', 'this number': a counted phrase that only points back."""
        words = [w.lower() for w in _WORD.findall(counted)]
        return bool(words) and all(
            w in self.v.back_references or w in self.v.figure_nouns for w in words
        )

    def _refers_back(self, text: str, figure: str) -> bool:
        """Does the figure's clause name it by a back-reference ("the figure could reach")?"""
        i = text.lower().find(figure.lower())
        before = re.split(r"[,;:]", text[:i] if i >= 0 else text)[-1]
        words = [w.lower() for w in _WORD.findall(before)]
        return any(
            a in self.v.back_references and b in self.v.figure_nouns
            for a, b in pairwise(words)
        )

    def head_place(self, text: str) -> str | None:
        """A place naming a counted noun ("Ukrainian soldiers", "Russian military
        personnel"): a place word at most two words before a head noun, else None."""
        words = _WORD.findall(text)
        heads = set(self.v.head_classes) | set(self.v.head_classes.values())
        for i, w in enumerate(words):
            p = self.place_of(w)
            if p is None:
                continue
            for nxt in words[i + 1 : i + 3]:
                if self.place_of(nxt):
                    break
                if self.concept(nxt) in heads:
                    return p
        return None

    def _clause(self, text: str, phrase: str) -> str:
        i = text.lower().find(phrase.lower())
        if i < 0:
            return text
        start = max(text.rfind(c, 0, i) for c in ",;:") + 1
        ends = [j for j in (text.find(c, i + len(phrase)) for c in ",;") if j >= 0]
        return text[start : min(ends, default=len(text))]

    def _head(self, counted: str) -> tuple[str | None, str]:
        """(head noun class, the words after it): "soldiers | charged with desertion …"."""
        words = counted.split()
        cut = len(words)
        for i, raw in enumerate(words):
            w = raw.strip("()[]\"'“”").lower()
            if i > 0 and (w in self.v.phrase_boundaries or raw.startswith("(")
                          or any(e.pattern.fullmatch(w) for e in self.v.events
                                 if not _is_noun_like(w))):  # fmt: skip
                cut = i
                break
        phrase = [w for w in _WORD.findall(" ".join(words[:cut])) if w.lower() not in
                  self.v.stopwords and not self.place_of(w)]  # fmt: skip
        rest = " ".join(words[cut:])
        if not phrase:
            return None, rest
        if phrase[-1].lower() in self.v.fraction_words and rest.lower().startswith("of "):
            return self._head(rest[3:])  # "share of X …": what X is
        word = phrase[-1].lower()
        c = self.concept(word)
        return self.v.head_classes.get(word) or self.v.head_classes.get(c, c), rest

    def _events(self, text: str) -> list:  # type: ignore[type-arg]
        """Events mentioned in `text`, in order of first mention."""
        hits = []
        for e in self.v.events:
            m = e.pattern.search(text)
            if m:
                hits.append((m.start(), e))
        return [e for _, e in sorted(hits, key=lambda h: h[0])]

    def _stance(self, claim: Claim, q: Quantity) -> str:
        said = {w.lower() for w in _WORD.findall(q.text)}
        if claim.certainty == Certainty.speculative or said & self.v.speculative_words:
            if q.qualifier in (Qualifier.up_to, Qualifier.under) or "reach" in said:
                return "speculated ceiling"
            return "speculative estimate"
        if "estimated" in said or "estimate" in said:
            return "estimate"
        return claim.certainty.value


class _Context:
    """What a claim's document says around it, read only when the claim alone does not
    say whose thing a figure counts or what "the figure" stands for.

    Per document, computed once and only when asked: its sentence spans and its subject
    (the place most often naming a counted noun in it, when one place leads).
    """

    #: Sentences before the claim that are read for a back-reference or a place.
    BEFORE = 2

    def __init__(self, documents: dict[str, Document], reader: _Reader) -> None:
        self.documents = documents
        self.r = reader
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._subjects: dict[str, str | None] = {}

    def _before(self, claim: Claim) -> list[str]:
        """Up to BEFORE sentences ending before the claim's start, nearest first."""
        doc = self.documents.get(claim.doc_id)
        if doc is None or claim.start is None:
            return []
        spans = self._spans.get(doc.id)
        if spans is None:
            spans = self._spans[doc.id] = sentence_spans(doc.text)
        prior = [doc.text[a:b] for a, b in spans if b <= claim.start]
        return prior[::-1][: self.BEFORE]

    def antecedent(self, claim: Claim) -> tuple[str, str] | None:
        """What "the figure" in a claim counts, and the sentence that says it: "the number
        of X" in a sentence before it, else what the nearest earlier figure counts."""
        for sentence in self._before(claim):
            found = self.r.of_figure(sentence)
            if found:
                return found, sentence.strip()
            for q in parse_quantities(sentence):
                if q.counted and q.bounds() is not None:
                    return q.counted, sentence.strip()
        return None

    def place_before(self, claim: Claim) -> str | None:
        """A place naming a counted noun in the sentences just before the claim."""
        for sentence in self._before(claim):
            p = self.r.head_place(sentence)
            if p:
                return p
        return None

    def subject(self, doc_id: str) -> str | None:
        """The place whose counted nouns the document is about ("Ukrainian soldiers" most
        often), or None when no place leads."""
        if doc_id in self._subjects:
            return self._subjects[doc_id]
        doc = self.documents.get(doc_id)
        counts: Counter[str] = Counter()
        if doc is not None:
            text = doc.text
            if doc.title and doc.title not in text:
                text = f"{doc.title}\n{text}"
            for a, b in sentence_spans(text):
                p = self.r.head_place(text[a:b])
                if p:
                    counts[p] += 1
        top = counts.most_common(2)
        lead = top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None
        self._subjects[doc_id] = lead
        return lead


def _is_noun_like(word: str) -> bool:
    """'deserters', 'desertion', 'arrests' name people or things, not what they did."""
    return word.endswith(("ers", "er", "ion", "ions", "ors", "ees", "ts"))


def _same_name(a: frozenset[str], b: frozenset[str]) -> bool:
    """One name's distinctive words contain the other's ("benyash" ⊂ "mikhail benyash")."""
    if not a or not b:
        return False
    return a <= b or b <= a


def _display(name: str) -> str:
    return re.sub(r"\s+", " ", normalise(name)).strip(" .,")


def _sort_key(claim: Claim) -> tuple[str, int, str]:
    return (claim.doc_id, claim.start if claim.start is not None else 1 << 62, claim.id)


# ---------------------------------------------------------------------- sources


def _assign_sources(infos: list[_Info], documents: dict[str, Document], r: _Reader) -> None:
    """Each claim's upstream source: its speaker and relays, or its document's relays."""
    for info in infos:
        c = info.claim
        doc = documents.get(c.doc_id)
        parts = [p.strip() for p in _SPLIT_SOURCE.split(c.attributed_to) if p.strip()]
        speaker = _display(parts[0]) if parts else ""
        outlet = _display(doc.outlet) if doc and doc.outlet else ""
        own_voice = (
            not speaker
            or speaker.split()[0] in r.v.self_voice
            or (speaker.startswith("the ") and speaker.split()[1:2] and
                speaker.split()[1] in r.v.self_voice)
            or bool(outlet and (speaker in outlet or outlet in speaker))
        )  # fmt: skip
        named = [(_display(p), t) for p in parts if (t := r.name_tokens(p))]
        relays = doc.relays if doc else []
        if own_voice or not named:
            if own_voice and relays:
                names = [(_display(x), r.name_tokens(x) or frozenset({_display(x)}))
                         for x in relays]  # fmt: skip
            else:
                base = doc.source_key if doc else c.doc_id.lower()
                tag = base if own_voice else f"unnamed source in {base}"
                names = [(tag, frozenset({tag}))]
        else:
            # A named speaker that a manifest relay also names takes the relay's spelling.
            names = []
            for disp, toks in named:
                hit = next((x for x in relays if _same_name(toks, r.name_tokens(x))), None)
                names.append((_display(hit), r.name_tokens(hit)) if hit else (disp, toks))
        info.key = "|".join(dict.fromkeys(n for n, _ in names))
        info.parts = [t for _, t in names]


def _components(members: list[_Info]) -> list[int]:
    """Union-find over "same upstream source" (name containment), via a token index."""
    part_ids: dict[frozenset[str], int] = {}
    for m in members:
        for p in m.parts:
            part_ids.setdefault(p, len(part_ids))
    n_parts = len(part_ids)
    parent = list(range(n_parts + len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    postings: dict[str, list[frozenset[str]]] = defaultdict(list)
    for p in part_ids:
        for t in p:
            postings[t].append(p)
    for p, i in part_ids.items():
        if not p:
            continue
        rarest = min(p, key=lambda t: (len(postings[t]), t))
        for q in postings[rarest]:  # q contains rarest: q ⊇ p is possible, test it
            if p <= q:
                union(i, part_ids[q])
    for k, m in enumerate(members):
        for p in m.parts:
            union(n_parts + k, part_ids[p])
    roots = [find(n_parts + k) for k in range(len(members))]
    order = {r: k for k, r in enumerate(dict.fromkeys(roots))}
    return [order[r] for r in roots]


# ---------------------------------------------------------------------- similarity


def _idf(infos: list[_Info]) -> tuple[dict[str, float], dict[str, list[int]]]:
    """Smoothed IDF of each concept over the claims, and the postings (claim indexes)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, info in enumerate(infos):
        for t in info.tokens:
            postings[t].append(i)
    n = len(infos)
    return {t: 1.0 + math.log((n + 1) / (len(p) + 1)) for t, p in postings.items()}, postings


def _weight(info: _Info, idf: dict[str, float]) -> float:
    return math.fsum(idf[t] for t in info.tokens)


def _conflict(a: _Info, b: _Info) -> bool:
    """Never the same proposition: different places, or figures for different things."""
    if a.place and b.place and a.place != b.place:
        return True
    if a.measures and b.measures:
        ka = {m.topic_key() for m in a.measures} - {None}
        kb = {m.topic_key() for m in b.measures} - {None}
        heads_a = {(k[0], k[1], k[3]) for k in ka if k}
        heads_b = {(k[0], k[1], k[3]) for k in kb if k}
        # Figures on one noun, place and unit but for different events: "engaged" ≠ "deserted".
        if heads_a & heads_b and not ka & kb:
            return True
    return False


def _text_similarity(a: _Info, b: _Info, idf: dict[str, float], wa: float, wb: float) -> float:
    shared = math.fsum(idf[t] for t in a.tokens & b.tokens)
    sim = 2 * shared / (wa + wb) if wa + wb else 0.0
    if any(_same_name(x, y) for x in a.entities for y in b.entities):
        sim += ENTITY_BONUS
    return min(1.0, sim)


def similarity(a: _Info, b: _Info, idf: dict[str, float]) -> float:
    """0–1: how likely two claims state one proposition by their words (0 on a conflict)."""
    if _conflict(a, b):
        return 0.0
    return _text_similarity(a, b, idf, _weight(a, idf), _weight(b, idf))


def _edges(infos: list[_Info], idf: dict[str, float],
           postings: dict[str, list[int]]) -> dict[tuple[int, int], float]:  # fmt: skip
    """Text links at or above GROUP_THRESHOLD (within a document too: average linkage needs
    them to judge a cluster with several claims of one document)."""
    weights = [_weight(x, idf) for x in infos]
    out: dict[tuple[int, int], float] = {}
    for i, info in enumerate(infos):
        seen: set[int] = set()
        for t in info.tokens:
            post = postings[t]
            if len(post) > DF_CAP:
                continue
            for j in post:
                if j <= i or j in seen:
                    continue
                seen.add(j)
                other = infos[j]
                if _conflict(info, other):
                    continue
                s = _text_similarity(info, other, idf, weights[i], weights[j])
                if s >= GROUP_THRESHOLD:
                    out[(i, j)] = s
    return out


def _cluster(n: int, hubs: Iterable[list[int]],
             edges: dict[tuple[int, int], float]) -> list[list[int]]:  # fmt: skip
    """Sparse average-linkage clusters: hubs start merged, then the best pair is merged
    while its average similarity (missing pairs count 0) is at least GROUP_THRESHOLD."""
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for hub in hubs:
        root = min(owner[i] for i in hub)
        for i in hub:
            c = owner[i]
            if c != root:
                for x in members.pop(c):
                    owner[x] = root
                    members[root].append(x)
    sums: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for (i, j), s in edges.items():
        a, b = owner[i], owner[j]
        if a != b:
            sums[a][b] += s
            sums[b][a] += s
    version = defaultdict(int)
    heap: list[tuple[float, int, int, int, int]] = []

    def push(a: int, b: int) -> None:
        a, b = min(a, b), max(a, b)
        avg = sums[a][b] / (len(members[a]) * len(members[b]))
        if avg >= GROUP_THRESHOLD:
            heapq.heappush(heap, (-avg, a, b, version[a], version[b]))

    for a in list(sums):
        for b in list(sums[a]):
            if a < b:
                push(a, b)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        for x in members.pop(b):  # merge b into a
            owner[x] = a
            members[a].append(x)
        for c, s in sums.pop(b, {}).items():
            sums[c].pop(b, None)
            if c != a:
                sums[a][c] += s
                sums[c][a] += s
        sums[a].pop(b, None)
        version[a] += 1
        for c in list(sums[a]):
            push(a, c)
    return [sorted(m) for m in members.values()]


# ---------------------------------------------------------------------- judging


def _figure_text(m: _Measure, info: _Info) -> str:
    return f"{m.quantity.text}, per {info.claim.attributed_to}"


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _compare(items: list[tuple[tuple[float, float], int]]) -> tuple[bool, bool]:
    """(some pair from different sources overlaps, some pair from different sources is
    disjoint), in O(m log m): a sweep by lower bound, keeping the two largest upper bounds
    of distinct sources, and the extreme bounds of distinct sources."""
    agree = False
    best: list[tuple[float, int]] = []  # up to two (high, comp) with distinct comps
    for (lo, hi), comp in sorted(items):
        if any(h >= lo and c != comp for h, c in best):
            agree = True
        best = sorted([*(x for x in best if x[1] != comp),
                       max([(hi, comp), *(x for x in best if x[1] == comp)])],
                      reverse=True)[:2]  # fmt: skip
    lows = sorted(((lo, c) for (lo, _), c in items), reverse=True)
    highs = sorted((hi, c) for (_, hi), c in items)
    top_lows = [x for k, x in enumerate(lows) if k == 0 or x[1] != lows[0][1]][:2]
    top_highs = [x for k, x in enumerate(highs) if k == 0 or x[1] != highs[0][1]][:2]
    disagree = any(lo > hi and cl != ch for lo, cl in top_lows for hi, ch in top_highs)
    return agree, disagree


def _judge(members: list[_Info], linked: set[tuple[int, int]]) -> tuple[GroupLabel, int, list[str]]:
    """Label, independent-source count and notes for one group (see the module docstring)."""
    comp = _components(members)
    sources = len(set(comp))
    notes: list[str] = []
    by_key: dict[tuple, list[tuple[_Measure, int]]] = defaultdict(list)  # type: ignore[type-arg]
    for k, info in enumerate(members):
        for m in info.measures:
            by_key[m.comparable_key()].append((m, k))
    agree_any = disagree_any = False
    agreeing_comps: set[int] = set()
    for entries in by_key.values():
        # Figures from different periods (years both given, none shared) are kept apart.
        periods = {frozenset(m.years) for m, _ in entries if m.years}
        if len(periods) > 1 and not frozenset.intersection(*periods):
            shown = "; ".join(f"{_figure_text(m, members[k])} ({'/'.join(sorted(m.years))})"
                              for m, k in entries)  # fmt: skip
            notes.append(f"not comparable: different periods — {entries[0][0].what}: {shown}")
            continue
        items = [(b, comp[k]) for m, k in entries if (b := m.quantity.bounds())]
        agree, disagree = _compare(items)
        shown = "; ".join(_figure_text(m, members[k]) for m, k in entries)
        what = entries[0][0].label or "count"
        firm = [(b, comp[k]) for m, k in entries
                if not m.stance.startswith("speculat") and (b := m.quantity.bounds())]
        hedge = " (one side is speculation)" if disagree and not _compare(firm)[1] else ""
        if len({comp[k] for _, k in entries}) == 1:
            if len(entries) > 1:
                same = all(_overlap(items[0][0], b) for b, _ in items)
                fits = "figures agree" if same else "different figures"
                notes.append(f"same source, {fits} — {what}: {shown}")
            continue
        if disagree:
            disagree_any = True
            notes.append(f"figures disagree{hedge} — {what}: {shown}")
        elif agree:
            agree_any = True
            agreeing_comps.update(comp[k] for _, k in entries)
            notes.append(f"figures agree — {what}: {shown}")
    whats = list(dict.fromkeys(m.what for info in members for m in info.measures))
    things = {m.comparable_key() for info in members for m in info.measures}
    figure_comps = {comp[k] for k, info in enumerate(members) if info.measures}
    if len(things) > 1:
        shown = "; ".join(f"{_figure_text(m, info)} ({m.what})"
                          for info in members for m in info.measures)  # fmt: skip
        notes.append(f"not comparable: counts different things — {' vs '.join(whats)} "
                     f"(figures: {shown})")  # fmt: skip
    # Text agreement: a direct link between independent claims without figures (figures
    # agree only through their values, above; words cannot confirm a number).
    # A statement and its negation ("used tear gas" / "did not use tear gas") disagree.
    for i, j in sorted(linked):
        a, b = members[i], members[j]
        if comp[i] == comp[j] or a.measures or b.measures:
            continue
        if a.negated != b.negated:
            disagree_any = True
            yes, no = (a, b) if b.negated else (b, a)
            notes.append(f"statements disagree — {yes.claim.attributed_to}: {yes.claim.text} "
                         f"vs {no.claim.attributed_to}: {no.claim.text}")  # fmt: skip
        else:
            agree_any = True
            agreeing_comps.update((comp[i], comp[j]))
    docs = {m.claim.doc_id for m in members}
    if sources == 1 and len(docs) > 1:
        notes.append(f"not independent: {len(docs)} documents relay one source ({members[0].key})")
    if disagree_any or (len(figure_comps) > 1 and not agree_any):
        label = GroupLabel.contested
    elif agree_any and len(agreeing_comps) >= 2:
        label = GroupLabel.corroborated
        if any(m.measures for m in members) and not any(n.startswith("figures agree")
                                                        for n in notes):  # fmt: skip
            notes.append("sources agree on the proposition, not on a figure")
    else:
        label = GroupLabel.single_source
    return label, sources, notes


def _proposition(members: list[_Info], idx: list[int], linked: set[tuple[int, int]],
                 edges: dict[tuple[int, int], float], topic: str | None) -> str:  # fmt: skip
    """A figure topic's name, else the member text most linked to the others (the medoid)."""
    if topic:
        return topic
    if len(members) < 3:
        return members[0].claim.text
    score = [0.0] * len(members)
    for i, j in linked:
        s = edges.get((idx[i], idx[j]), edges.get((idx[j], idx[i]), 0.0))
        score[i] += s
        score[j] += s
    return members[score.index(max(score))].claim.text


def _topic_name(m: _Measure, r: _Reader) -> str:
    noun = next((e.noun for e in r.v.events if e.key == m.topic), m.topic)
    where = r.v.place_names.get(m.place, m.place).title() if m.place else ""
    head = m.head if not m.head or m.head.endswith("s") or m.head == "people" else f"{m.head}s"
    what = " ".join(x for x in (where, head or "") if x)
    return f"Figures for {noun}" + (f" ({what})" if what else "")


def group_claims(
    claims: list[Claim],
    documents: dict[str, Document],
    vocabulary: tuple[str, ...] | None = None,
) -> list[ClaimGroup]:
    """Group claims across documents by proposition and label each group.

    `vocabulary` names the story vocabularies to read claims with (all shipped ones when
    None). Every claim lands in exactly one group (single claims as `single_source` groups).
    Output is deterministic for a given set of claims, whatever their input order: claims
    are ordered by (doc_id, start, id), groups by their first member, ids are grp-001, ….
    """
    r = _Reader(load_vocabulary(vocabulary))
    infos = _read_claims(sorted(claims, key=_sort_key), r, _Context(documents, r))
    _assign_sources(infos, documents, r)
    idf, postings = _idf(infos)
    edges = _edges(infos, idf, postings)
    hubs, topic_of = _hubs(infos, r)
    hub_of: dict[int, set[object]] = defaultdict(set)
    for key, idx in hubs.items():
        for i in idx:
            hub_of[i].add(key)
    adjacent: dict[int, list[int]] = defaultdict(list)
    for i, j in edges:
        adjacent[i].append(j)
        adjacent[j].append(i)
    groups: list[ClaimGroup] = []
    clusters = []
    for members in _cluster(len(infos), hubs.values(), edges):
        # A member related to no other (no shared figure topic, no direct link between two
        # claims without figures) was pulled in by wording alone: it stands on its own.
        inside = set(members)
        related = [
            i for i in members
            if any(hub_of[i] & hub_of[j] for j in inside if j != i)
            or (not infos[i].measures and any(
                j in inside and not infos[j].measures for j in adjacent.get(i, [])))
        ]  # fmt: skip
        if len({infos[i].claim.doc_id for i in related}) > 1:
            clusters.append(related)
            clusters.extend([i] for i in members if i not in set(related))
        else:
            clusters.extend([i] for i in members)
    for n, idx in enumerate(sorted(clusters, key=lambda m: m[0]), start=1):
        members = [infos[i] for i in idx]
        pos = {x: k for k, x in enumerate(idx)}
        linked = {(pos[i], pos[j]) for i in idx for j in adjacent.get(i, []) if j in pos and i < j}
        label, sources, notes = _judge(members, linked)
        topics = {topic_of[i] for i in idx if i in topic_of}
        topic = next(iter(topics)) if len(topics) == 1 else None
        groups.append(ClaimGroup(
            id=f"grp-{n:03d}", proposition=_proposition(members, idx, linked, edges, topic),
            label=label, independent_sources=sources, notes=notes,
            members=[_member(m) for m in members],
        ))  # fmt: skip
    return groups


def _read_claims(ordered: list[Claim], r: _Reader, ctx: _Context | None = None) -> list[_Info]:
    infos = []
    for c in ordered:
        body = r.body(c)
        place = r.place(body)
        infos.append(_Info(
            claim=c, tokens=r.content(body), place=place, measures=r.measures(c, place, ctx),
            negated=r.negated(body),
            entities=[t for t in (r.name_tokens(e) for e in c.entities) if t],
        ))  # fmt: skip
    return infos


def _hubs(infos: list[_Info], r: _Reader) -> tuple[dict[object, list[int]], dict[int, str]]:
    """Claims set side by side whatever their wording: figures for one topic (in two or more
    documents), and exact duplicates (same words, place and figures)."""
    by_topic: dict[object, list[int]] = defaultdict(list)
    names: dict[object, str] = {}
    for i, info in enumerate(infos):
        for m in info.measures:
            key = m.topic_key()
            if key is not None:
                by_topic[("topic", key)].append(i)
                names.setdefault(("topic", key), _topic_name(m, r))
        dup = (info.tokens, info.place, tuple(sorted(str(m.comparable_key()) for m in
                                                     info.measures)))  # fmt: skip
        by_topic[("dup", dup)].append(i)
    hubs = {}
    topic_of: dict[int, str] = {}
    for key, idx in by_topic.items():
        idx = sorted(set(idx))
        if len({infos[i].claim.doc_id for i in idx}) < 2:
            continue
        hubs[key] = idx
        if key in names:
            for i in idx:
                topic_of.setdefault(i, names[key])
    return hubs, topic_of


def _member(m: _Info) -> GroupMember:
    return GroupMember(
        claim_id=m.claim.id, doc_id=m.claim.doc_id, attributed_to=m.claim.attributed_to,
        certainty=m.claim.certainty, source_key=m.key,
        figures=[x.quantity.text for x in m.measures],
        counted=[f"{x.what}: {x.counted}" if x.counted else x.what for x in m.measures],
        measures=[GroupFigure(
            figure=x.quantity.text, counts=x.what, counted=x.counted,
            qualifier=x.quantity.qualifier.value, stance=x.stance, unit=x.unit,
            time=m.claim.time_ref, context=x.context,
        ) for x in m.measures],
    )  # fmt: skip


def agreement_gaps(
    cited: list[Claim], corpus: list[Claim], vocabulary: tuple[str, ...] | None = None
) -> list[str]:
    """Why claims cited as one agreement do not state one proposition (empty when they do).

    Two claims agree when both give a figure for the same measure with overlapping values,
    or neither gives a figure and their words link them (`similarity` ≥ GROUP_THRESHOLD,
    same polarity). Every cited claim must agree with another one; `corpus` (all claims of
    the brief) sets the word weights.
    """
    if len(cited) < 2:
        return []
    r = _Reader(load_vocabulary(vocabulary))
    infos = _read_claims(sorted(corpus, key=_sort_key), r)
    idf, _ = _idf(infos)
    by_id = {i.claim.id: i for i in infos}
    mine = [by_id.get(c.id) or _read_claims([c], r)[0] for c in cited]
    for i in mine:
        for t in i.tokens:
            idf.setdefault(t, 1.0)

    def agree(a: _Info, b: _Info) -> bool:
        if a.measures or b.measures:
            return any(
                x.comparable_key() == y.comparable_key()
                and (bx := x.quantity.bounds()) is not None
                and (by := y.quantity.bounds()) is not None
                and _overlap(bx, by)
                for x in a.measures for y in b.measures
            )  # fmt: skip
        return a.negated == b.negated and similarity(a, b, idf) >= GROUP_THRESHOLD

    gaps = []
    for a in mine:
        if not any(agree(a, b) for b in mine if b is not a):
            what = "; ".join(m.what for m in a.measures) or "no shared wording"
            gaps.append(f"{a.claim.id} states no proposition shared with the others ({what})")
    return gaps
