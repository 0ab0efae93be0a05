"""Cross-document verification: which claims state the same proposition, and do sources agree.

Deterministic, no model. Three steps:

1. **Group.** Two claims are similar when their content words overlap (IDF-weighted Dice
   over five-letter stems, soldier/desertion synonyms folded, so the topic words every
   claim shares count for little), plus a bonus for a shared named entity; two claims that
   state figures for the same counted thing (same head noun, nationality and event) are
   always similar enough. Average-linkage agglomerative clustering (scipy) cut at
   `GROUP_THRESHOLD`; average, not single, linkage so that a corpus in which every sentence
   mentions desertion does not chain into one group. Claims about different nationalities
   ("Russian deserters" vs "Ukrainian deserters") are never linked. A cluster within one
   document is split back into single claims: grouping is about *cross-document* agreement.
2. **Independence.** A claim's upstream source is the relay its attribution names (TASS),
   else a named source also quoted by another document, else its document's `source_key`.
   Two members are the same source when their source names match (one's distinctive words
   contain the other's), so two outlets relaying TASS are one source, not two confirmations.
3. **Compare figures.** A claim's figures are its `quantities` (parsed from its text when
   it has none). Two figures are compared only when they count the same thing: the same
   event (deserted / charged / returned …, from the clause around the number), the same
   head noun, unit, nationality and period, and neither is a speculative estimate.
   Comparable figures agree when their `Quantity.bounds()` overlap and disagree when
   disjoint. Figures that count different things are reported in `notes` as not
   comparable ("deserted vs charged with desertion vs speculative estimate"), never as a
   contradiction. Figures from one upstream source are checked for consistency only.

Labels: `contested` if two independent sources give disjoint comparable figures;
`corroborated` if ≥2 independent sources are in the group (and none disagree);
`single_source` otherwise (one claim, or several documents relaying one source).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import combinations

from verifier.schemas import (
    Certainty,
    Claim,
    ClaimGroup,
    Document,
    GroupLabel,
    GroupMember,
    Qualifier,
    Quantity,
)
from verifier.text.quantities import parse_quantities
from verifier.text.quotes import normalise

#: Average-linkage similarity (0–1) at which claims are one proposition. Two wordings of
#: one statement share most of their distinctive words and score 0.6–1. On the seed
#: corpus (gold claims), cross-document pairs a reader would group ("not released after
#: their contracts end" / "prohibited from leaving despite completing their terms") score
#: 0.43–0.52, while pairs sharing only topic words (desertion, soldiers, Ukraine) stay
#: below 0.38; 0.4 sits in that gap. Erring high: a missed link leaves two single-source
#: groups, a false one can fake a corroboration or a contradiction.
GROUP_THRESHOLD = 0.4
#: Added to the text similarity when two claims share a named entity.
ENTITY_BONUS = 0.1
#: Similarity given to two claims that state figures for the same thing (same head noun,
#: nationality and event topic: "300,000–500,000 Ukrainian personnel deserted" and "over
#: 100,000 Ukrainian soldiers charged with desertion"), however differently worded: above
#: the threshold, so such figures are always set side by side.
COUNTED_LINK = 0.7


def _words(text: str) -> frozenset[str]:
    """A word set written as one string (easier to read and edit than a list literal)."""
    return frozenset(text.split())


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_STOPWORDS = _words(
    "a an the of and or but nor to in on at by for with from as into onto over under about "
    "after before since during until than then that this these those there here it its itself "
    "they them their he him his she her we our you your i is are was were be been being has "
    "have had do does did will would could can may might must shall should not no also only "
    "even very more most less least some any all each every such which who whom whose what "
    "when where while why how according said says say saying reported reports report "
    "reportedly claim claims claimed noted stated states stating per cent percent estimated "
    "estimate approximately around nearly almost least than many much number numbers figure "
    "figures total"
)  # fmt: skip
#: Words folded together before stemming: one concept, several spellings.
_SYNONYMS = {
    **dict.fromkeys(_words(
        "soldier soldiers troop troops personnel servicemen serviceman servicemembers fighters "
        "conscripts reservists recruits men"
    ), "soldi"),
    **dict.fromkeys(_words(
        "abandoned abandon abandoning fled flee fleeing escaped escape defected defection "
        "defections defectors awol"
    ), "deser"),
    # Leaving service: "not released after contracts end" ~ "not permitted to leave
    # despite completing their terms" ~ "will not be rotated out".
    **dict.fromkeys(_words(
        "leave leaving left release released releasing rotate rotated rotation discharge "
        "discharged"
    ), "leave"),
    **dict.fromkeys(_words("contract contracts term terms"), "contr"),
    **dict.fromkeys(_words(
        "expire expired expires end ended ends completed complete completing over"
    ), "end"),
    **dict.fromkeys(_words(
        "permitted permit allowed allow prohibited prohibit forbidden barred"
    ), "permi"),
    **dict.fromkeys(_words("mobilized mobilised mobilization mobilisation drafted"), "mobil"),
}  # fmt: skip
#: Head nouns that count the same kind of thing: a deserter is a soldier who deserted.
_HEAD_CLASS = {"deser": "soldi", "perso": "soldi", "troop": "soldi", "membe": "soldi"}
#: Nationality adjectives that name whose soldiers a figure counts.
_DEMONYMS = {"ukrainian": "ukrainian", "ukrainians": "ukrainian", "ukraine's": "ukrainian",
             "russian": "russian", "russians": "russian", "russia's": "russian",
             "belarusian": "belarusian", "korean": "north korean"}  # fmt: skip

#: What a figure counts, from the clause around it: first match wins, so the legal or
#: outcome step ("charged with desertion", "returned") outranks the act it concerns.
_EVENTS: list[tuple[str, re.Pattern[str]]] = [
    (label, re.compile(rx, re.I))
    for label, rx in [
        ("charged", r"\bcharg\w*(?:\s+with\s+(?:\w+\s+){0,2}?(?:desertion|\w+))?"),
        ("convicted", r"\bconvict\w*|\bsentenced\b"),
        ("prosecuted", r"\bprosecut\w*|\bcriminal\s+(?:cases?|proceedings?)\b|\binvestigat\w*"),
        ("detained", r"\b(?:arrest|detain|apprehend|captur)\w*"),
        ("returned", r"\breturn\w*"),
        ("dismissed", r"\bdismiss\w*|\bfired\b|\bdischarg\w*"),
        ("killed", r"\bkill\w*|\bdied\b|\bdead\b"),
        ("wounded", r"\bwound\w*|\binjur\w*"),
        ("mobilised", r"\bmobili[sz]\w*|\bdrafted\b|\bconscript\w*"),
        ("recruited", r"\brecruit\w*|\benlist\w*"),
        ("requests", r"\brequests?\b|\bappeals?\b|\bcomplain\w*"),
        ("deserted", r"\bdesert\w*|\babandon\w*|\bfled\b|\bflee\w*|\bescap\w*|\bdefect\w*"
                     r"|\bawol\b|\brefus\w*\s+to\s+(?:fight|serve|go)"),
        ("serving", r"\bengaged\b|\bdeployed\b|\bserv(?:e|ed|ing)\b|\bfight(?:ing)?\b"),
    ]
]  # fmt: skip
_SPECULATIVE = re.compile(r"\b(?:could|may|might|would)\b", re.I)
_YEAR = re.compile(r"\b(?:18|19|20)\d\d\b")

#: Words that say what kind of source someone is, not which one: dropped when matching names.
_GENERIC_NAME = _words(
    "the a an of and via by to in on at for from s according reported reports report said "
    "source sources official officials spokesman spokeswoman spokesperson representative "
    "representatives forces force agency news media outlet press service services group "
    "lawyer lawmaker analyst analysts expert experts commander commanders minister chairman "
    "president head chief deputy member members military army government authorities some "
    "several many unnamed anonymous one two people person article author outlet within "
    "familiar matters close citing cited"
)  # fmt: skip
#: Place words: kept in a source name ("Russian security forces" is not the Ukrainian
#: security service) but not enough on their own to name a source ("Russian officials").
_PLACE_NAME = {
    "russia": "russia", "russian": "russia", "russians": "russia", "ukraine": "ukraine",
    "ukrainian": "ukraine", "ukrainians": "ukraine", "western": "west", "west": "west",
    "american": "us", "us": "us", "usa": "us", "uk": "uk", "british": "uk", "britain": "uk",
    "european": "europe", "europe": "europe", "kyiv": "ukraine", "moscow": "russia",
}  # fmt: skip
_PLACES = frozenset(_PLACE_NAME.values())
#: Attributions that mean "the document's own voice": its key is the document's.
_SELF = re.compile(
    r"^(?:the\s+)?(?:article|outlet|author|report|text|writer|editorial|document)\b", re.I
)
#: The reporting frame of a claim ("According to X, …", "X said that …"): not its subject.
_FRAME = re.compile(
    r"^.*?\b(?:according\s+to\b[^,]*,|(?:said|says|say|told|stated|claim(?:s|ed)?|"
    r"speculated|reported(?:ly)?|noted|argued|warned|accused)\b(?:\s+that)?)",
    re.I,
)
#: A nationality next to a military noun names whose soldiers the claim is about.
_MILITARY_SUBJECT = re.compile(
    r"\b(ukrainian|russian|ukraine['’]s|russia['’]s|belarusian|korean)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:soldiers?|troops?|personnel|forces|military|army|deserters?|units?|servicemen|men|"
    r"commanders?|reservists)\b",
    re.I,
)


@dataclass(frozen=True)
class _Measure:
    """What one figure counts: the parts that must match for two figures to be compared."""

    quantity: Quantity
    unit: str
    event: str  # display label: "deserted", "charged with desertion", "speculative estimate"
    event_key: str
    head: str | None
    subject: str | None
    years: frozenset[str]
    speculative: bool

    @property
    def description(self) -> str:
        counted = self.quantity.counted
        if self.unit == "percent":
            counted = f"percent of {counted}" if counted else "percent"
        return f"{self.event}: {counted}" if counted else self.event


@dataclass
class _Info:
    claim: Claim
    tokens: frozenset[str]
    entities: list[frozenset[str]]
    subject: str | None
    measures: list[_Measure]
    topics: frozenset[str]
    key: str = ""
    parts: list[frozenset[str]] = field(default_factory=list)


def _stem(word: str) -> str:
    """Five-letter prefix after folding synonyms: Russia/Russian, desert/deserters compare equal."""
    w = word.lower().replace("’", "'").split("'")[0]
    w = _SYNONYMS.get(w, w)
    return w[:5]


def _content(text: str) -> frozenset[str]:
    return frozenset(
        _stem(w) for w in _WORD.findall(text) if w.lower() not in _STOPWORDS and len(w) > 2
    )


def _name_tokens(name: str) -> frozenset[str]:
    """A source name's distinctive words; empty if it names no one in particular.

    "Russian security forces" → {russia, security}; "Russian officials", "a lawmaker" → {}.
    """
    words = re.findall(r"[^\W_]+", normalise(name).replace("'s", ""))
    kept = frozenset(_PLACE_NAME.get(w, w) for w in words if w not in _GENERIC_NAME)
    return kept if kept - _PLACES else frozenset()


def _same_name(a: frozenset[str], b: frozenset[str]) -> bool:
    """One name's distinctive words contain the other's ("benyash" ⊂ "mikhail benyash")."""
    if not a or not b:
        return False
    return a <= b or b <= a


def _display(name: str) -> str:
    return re.sub(r"\s+", " ", normalise(name)).strip(" .,")


def _subject(text: str, attributed_to: str) -> str | None:
    """The nationality the claim is about, not its source's.

    The reporting frame ("According to Russian security forces, …", "X said that …") and the
    attribution itself are set aside; then a nationality next to a military noun wins
    ("Ukrainian military personnel"), else the first nationality adjective.
    """
    if attributed_to.strip():
        text = re.sub(re.escape(attributed_to.strip()), " ", text, flags=re.I)
    body = _FRAME.sub(" ", text, count=1)
    for candidate in (body, text):
        m = _MILITARY_SUBJECT.search(candidate)
        if m:
            return _DEMONYMS[m.group(1).lower().replace("’", "'")]
        for w in _WORD.findall(candidate):
            w = w.lower().replace("’", "'")
            if w in _DEMONYMS:
                return _DEMONYMS[w]
    return None


def _clause(text: str, phrase: str) -> str:
    """The clause of `text` holding `phrase` (between commas/semicolons), else all of `text`."""
    i = text.lower().find(phrase.lower())
    if i < 0:
        return text
    start = max(text.rfind(c, 0, i) for c in ",;:") + 1
    ends = [j for j in (text.find(c, i + len(phrase)) for c in ",;") if j >= 0]
    return text[start : min(ends, default=len(text))]


def _event(clause: str) -> tuple[str, str] | None:
    """(key, display) of the first event the clause mentions, in `_EVENTS` priority order."""
    for key, rx in _EVENTS:
        m = rx.search(clause)
        if m:
            display = m.group(0).lower() if key == "charged" and " with " in m.group(0) else key
            return key, display
    return None


def _topics(text: str) -> frozenset[str]:
    """Every event the claim mentions ("charged with desertion" → charged and deserted)."""
    return frozenset(key for key, rx in _EVENTS if key != "serving" and rx.search(text))


def _head(counted: str | None) -> str | None:
    if not counted:
        return None
    words = [w for w in _WORD.findall(counted) if w.lower() not in _STOPWORDS]
    if not words:
        return None
    stem = _stem(words[-1])
    return _HEAD_CLASS.get(stem, stem)


def _measures(claim: Claim, subject: str | None) -> list[_Measure]:
    """What each of the claim's figures counts (see `_Measure`)."""
    quantities = claim.quantities or parse_quantities(claim.text)
    years = frozenset(_YEAR.findall(claim.time_ref or ""))
    out = []
    for q in quantities:
        if q.bounds() is None:
            continue
        clause = _clause(claim.text, q.text)
        ev = _event(clause) or _event(claim.text)
        speculative = claim.certainty == Certainty.speculative or (
            q.qualifier == Qualifier.up_to and bool(_SPECULATIVE.search(q.text))
        )
        event_key, event = ev if ev else ("", "count")
        if speculative:
            event = "speculative estimate"
        counted = q.counted
        if not counted:
            m = re.search(r"\bnumber\s+of\s+((?:[^\W\d_]+\s+){0,3}?[^\W\d_]+s)\b", clause, re.I)
            counted = m.group(1).lower() if m else None
        local_subject = _subject(counted or "", claim.attributed_to) or subject
        out.append(_Measure(
            quantity=q.model_copy(update={"counted": counted}), unit=q.unit or "count",
            event=event, event_key=event_key, head=_head(counted), subject=local_subject,
            years=years, speculative=speculative,
        ))  # fmt: skip
    return out


def _comparable(a: _Measure, b: _Measure) -> str | None:
    """None when two figures count the same thing, else why they do not.

    What is counted is checked before the unit, so a percentage of returnees and a count of
    deserters are reported as different things, the more telling reason.
    """
    if a.speculative != b.speculative or a.event_key != b.event_key:
        return "counts different things"
    if a.head and b.head and a.head != b.head:
        return "counts different things"
    if a.unit != b.unit:
        return "different units"
    if a.subject and b.subject and a.subject != b.subject:
        return "different subjects"
    if a.years and b.years and not a.years & b.years:
        return "different periods"
    return None


def _overlap(a: Quantity, b: Quantity) -> bool:
    ba, bb = a.bounds(), b.bounds()
    if ba is None or bb is None:
        return False
    return ba[0] <= bb[1] and bb[0] <= ba[1]


def _idf(infos: list[_Info]) -> dict[str, float]:
    """Smoothed inverse document frequency of each stem over the claims being grouped.

    In a corpus about desertion, "desert", "soldier" and "Ukraine" are in most claims and say
    little about which proposition a claim states; rarer words say more.
    """
    n = len(infos)
    df: dict[str, int] = {}
    for info in infos:
        for t in info.tokens:
            df[t] = df.get(t, 0) + 1
    return {t: 1.0 + math.log((n + 1) / (d + 1)) for t, d in df.items()}


def _text_similarity(a: _Info, b: _Info, idf: dict[str, float]) -> float:
    """IDF-weighted Dice overlap of the two claims' content stems (0–1)."""
    # fsum: exact whatever the (hash-dependent) set order, so clustering is reproducible.
    shared = math.fsum(idf[t] for t in a.tokens & b.tokens)
    total = math.fsum(idf[t] for t in a.tokens) + math.fsum(idf[t] for t in b.tokens)
    return 2 * shared / total if total else 0.0


def _same_counted(a: _Info, b: _Info) -> bool:
    """Both state a figure for the same thing: head noun, nationality and event topic."""
    for ma in a.measures:
        for mb in b.measures:
            if ma.head and ma.head == mb.head and ma.subject == mb.subject and a.topics & b.topics:
                return True
    return False


def _similarity(a: _Info, b: _Info, idf: dict[str, float]) -> float:
    """0–1: how likely two claims state one proposition (see GROUP_THRESHOLD)."""
    if a.subject and b.subject and a.subject != b.subject:
        return 0.0
    text = _text_similarity(a, b, idf)
    if any(_same_name(x, y) for x in a.entities for y in b.entities):
        text += ENTITY_BONUS
    if _same_counted(a, b):
        text = max(text, COUNTED_LINK)
    return min(1.0, text)


def _sort_key(claim: Claim) -> tuple[str, int, str]:
    return (claim.doc_id, claim.start if claim.start is not None else 1 << 62, claim.id)


def _assign_sources(infos: list[_Info], documents: dict[str, Document]) -> None:
    """Each claim's upstream source key and its name parts (see module docstring)."""
    named: dict[int, frozenset[str]] = {}
    for i, info in enumerate(infos):
        who = _display(info.claim.attributed_to)
        doc = documents.get(info.claim.doc_id)
        outlet = _display(doc.outlet) if doc and doc.outlet else ""
        if who and not _SELF.match(who) and not (outlet and (who in outlet or outlet in who)):
            named[i] = _name_tokens(who)
    for i, info in enumerate(infos):
        doc = documents.get(info.claim.doc_id)
        relays = doc.relays if doc else []
        mine = named.get(i, frozenset())
        hits = sorted({_display(r) for r in relays if _same_name(mine, _name_tokens(r))})
        if hits:
            info.key = "|".join(hits)
        elif mine and any(
            _same_name(mine, toks) for j, toks in named.items()
            if infos[j].claim.doc_id != info.claim.doc_id
        ):  # fmt: skip
            info.key = _display(info.claim.attributed_to)
        elif doc:
            info.key = doc.source_key
        else:
            info.key = info.claim.doc_id.lower()
        info.parts = [_name_tokens(p) or frozenset({p}) for p in info.key.split("|")]


def _same_source(a: _Info, b: _Info) -> bool:
    return any(_same_name(x, y) or x == y for x in a.parts for y in b.parts)


def _components(members: list[_Info]) -> list[int]:
    """Union-find over "same upstream source": the component index of each member."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(members)), 2):
        if _same_source(members[i], members[j]):
            parent[find(j)] = find(i)
    roots = [find(i) for i in range(len(members))]
    order = {r: k for k, r in enumerate(dict.fromkeys(roots))}
    return [order[r] for r in roots]


def _cluster(infos: list[_Info], idf: dict[str, float]) -> list[list[int]]:
    """Average-linkage clusters of claim indexes at GROUP_THRESHOLD, in first-member order."""
    n = len(infos)
    if n < 2:
        return [[i] for i in range(n)]
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    pairs = combinations(range(n), 2)
    dist = np.array([1.0 - _similarity(infos[i], infos[j], idf) for i, j in pairs])
    tree = linkage(dist, method="average")
    labels = fcluster(tree, t=1.0 - GROUP_THRESHOLD, criterion="distance")
    clusters: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        clusters.setdefault(int(lab), []).append(i)
    out: list[list[int]] = []
    for members in clusters.values():
        if len({infos[i].claim.doc_id for i in members}) > 1:
            out.append(members)
        else:
            out.extend([i] for i in members)
    return sorted(out, key=lambda m: m[0])


def _figure(m: _Measure, info: _Info) -> str:
    return f"{m.quantity.text}, per {info.claim.attributed_to}"


def _judge(members: list[_Info]) -> tuple[GroupLabel, int, list[str]]:
    """Label, independent-source count and notes for one group's members."""
    comp = _components(members)
    sources = len(set(comp))
    notes: list[str] = []
    disagree: list[str] = []
    agree: list[str] = []
    apart: dict[str, list[tuple[_Measure, _Info]]] = {}
    for i, j in combinations(range(len(members)), 2):
        a, b = members[i], members[j]
        for ma in a.measures:
            for mb in b.measures:
                why = _comparable(ma, mb)
                if why:
                    for m, info in ((ma, a), (mb, b)):
                        pair = apart.setdefault(why, [])
                        if not any(m is x for x, _ in pair):
                            pair.append((m, info))
                    continue
                side = f"{_figure(ma, a)} vs {_figure(mb, b)}"
                fits = _overlap(ma.quantity, mb.quantity)
                if comp[i] != comp[j]:
                    (agree if fits else disagree).append(f"{ma.description}: {side}")
                else:  # one upstream source twice: consistency, not confirmation
                    said = "figures agree" if fits else "different figures"
                    notes.append(f"same source, {said} — {ma.description}: {side}")
    for why, items in apart.items():
        labels = list(dict.fromkeys(_why_label(why, m) for m, _ in items))
        if len(labels) < 2:  # same event, different head nouns: say which nouns
            labels = list(dict.fromkeys(m.description for m, _ in items))
        figures = "; ".join(
            f"{m.quantity.text}, per {info.claim.attributed_to}" for m, info in items
        )
        notes.append(f"not comparable: {why} — {' vs '.join(labels)} (figures: {figures})")
    notes.extend(f"figures disagree — {d}" for d in disagree)
    notes.extend(f"figures agree — {a}" for a in agree)
    docs = {m.claim.doc_id for m in members}
    if sources == 1 and len(docs) > 1:
        notes.append(f"not independent: {len(docs)} documents relay one source ({members[0].key})")
    if disagree:
        label = GroupLabel.contested
    elif sources >= 2:
        label = GroupLabel.corroborated
        if not agree and any(m.measures for m in members):
            notes.append("sources agree on the proposition, not on a figure")
    else:
        label = GroupLabel.single_source
    return label, sources, notes


def _why_label(why: str, m: _Measure) -> str:
    if why == "different units":
        return m.unit
    if why == "different subjects":
        return m.subject or "?"
    if why == "different periods":
        return "/".join(sorted(m.years)) or "?"
    return m.event


def _proposition(members: list[_Info], idf: dict[str, float]) -> str:
    """The member text most similar to the others (the medoid); the first on a tie."""
    if len(members) < 3:
        return members[0].claim.text
    scores = [sum(_similarity(a, b, idf) for b in members if b is not a) for a in members]
    return members[scores.index(max(scores))].claim.text


def group_claims(claims: list[Claim], documents: dict[str, Document]) -> list[ClaimGroup]:
    """Group claims across documents by proposition and label each group.

    Every claim lands in exactly one group (single claims as `single_source` groups). Output
    is deterministic for a given set of claims, whatever their input order: claims are
    ordered by (doc_id, start, id), groups by their first member, ids are grp-001, grp-002 ….
    """
    ordered = sorted(claims, key=_sort_key)
    infos: list[_Info] = []
    for c in ordered:
        subject = _subject(c.text, c.attributed_to)
        measures = _measures(c, subject)
        infos.append(_Info(
            claim=c, tokens=_content(c.text) - _content(c.attributed_to),
            entities=[t for t in (_name_tokens(e) for e in c.entities) if t],
            subject=subject, measures=measures,
            topics=_topics(c.text),
        ))  # fmt: skip
    _assign_sources(infos, documents)
    groups: list[ClaimGroup] = []
    idf = _idf(infos)
    for n, idx in enumerate(_cluster(infos, idf), start=1):
        members = [infos[i] for i in idx]
        label, sources, notes = _judge(members)
        groups.append(ClaimGroup(
            id=f"grp-{n:03d}", proposition=_proposition(members, idf), label=label,
            independent_sources=sources, notes=notes,
            members=[GroupMember(
                claim_id=m.claim.id, doc_id=m.claim.doc_id, attributed_to=m.claim.attributed_to,
                certainty=m.claim.certainty, source_key=m.key,
                figures=[x.quantity.text for x in m.measures],
                counted=[x.description for x in m.measures],
            ) for m in members],
        ))  # fmt: skip
    return groups
