"""Code-built sentences: fixed template words around slots filled from claims.

The brief's code-built sentences (agreement, dispute, single-source, unknown) say nothing of
their own: every figure, label, source and text in them is copied from a claim, and the
words around those copies are a fixed, neutral template. A word-overlap test misjudges
them either way (template words lower the overlap of a faithful sentence; copied words
raise that of a wrong one), so they are checked for what matters instead
(`slot_problems`): each slot is backed by the claim it names, and the rest of the sentence
is template words and no figure.
"""

from __future__ import annotations

import re

from verifier.schemas import BriefSentence, Claim, Slot, SlotKind, Verdict
from verifier.text.quantities import numbers_in, parse_quantities
from verifier.text.quotes import normalise
from verifier.text.words import WORD, stem, stopwords

#: Every fixed piece a code-built sentence may use. Neutral words only: no verb of the
#: brief's own beyond "give", "differ", "disagree", "reported", "established".
PIECES = (
    " — reported independently by ", " and ", ".", " Figures: ", "; ", " (", ")", "), per ",
    ": no figure", " — sources give figures that differ: ", "Sources disagree — ", ": ",
    "Single source — according to ", "Unverified — ", "): ", " [check: ", "]",
    "Not established — ", " by ", "According to ", ", ", " ", " that ",
)  # fmt: skip
#: The verb a composed sentence uses for a claim of each certainty ("X speculated that …"):
#: a slot, so a verb firmer or weaker than the claim's certainty is flagged.
HEDGE_VERBS = {"speculative": "speculated", "alleged": "alleged"}
TEMPLATE_WORDS = frozenset(w.lower() for p in PIECES for w in WORD.findall(p))
#: Words grouping adds to what a figure counts, from the figure's stance and unit (not from
#: the claim's words): "speculated ceiling (deserted)", "share deserted", "count".
LABEL_WORDS = frozenset({"ceiling", "share", "count", "estimate"})
#: A figure topic's fixed opening ("Figures for desertion (Ukrainian soldiers)").
TOPIC_WORDS = frozenset({"figures", "for"})


class SentenceBuilder:
    """Builds one code-built sentence piece by piece, recording its slots."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._slots: list[Slot] = []

    def fixed(self, piece: str) -> SentenceBuilder:
        if piece not in PIECES:
            raise ValueError(f"not a template piece: {piece!r}")
        self._parts.append(piece)
        return self

    def slot(self, kind: SlotKind, value: str, claim: str | None = None) -> SentenceBuilder:
        self._parts.append(value)
        self._slots.append(Slot(kind=kind, value=value, claim=claim))
        return self

    def build(self, cites: list[str], group: str | None = None) -> BriefSentence:
        return BriefSentence(
            text="".join(self._parts), cites=cites, group=group, slots=list(self._slots)
        )


def _stems(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text) if w.lower() not in stopwords()}


def _words_backed(value: str, evidence: str, allowed: frozenset[str]) -> list[str]:
    """The words of `value` that `evidence` does not have (by stem), `allowed` aside."""
    have = _stems(evidence)
    return [
        w for w in WORD.findall(value)
        if w.lower() not in stopwords() and w.lower() not in allowed and stem(w) not in have
    ]  # fmt: skip


def _same_text(a: str, b: str) -> bool:
    """One text, whatever its case, spacing or closing full stop."""
    return normalise(a).rstrip(" .") == normalise(b).rstrip(" .")


def _figure_backed(value: str, claim: Claim) -> bool:
    """The claim gives this figure: one of its quantities as written, or a figure with the
    same bounds written in its text ("500,000" alone is not "300,000 to 500,000")."""
    said = f"{claim.text} {claim.quote}"
    if normalise(value) not in normalise(said) or not numbers_in(value) <= numbers_in(said):
        return False
    quantities = [*claim.quantities, *parse_quantities(claim.text), *parse_quantities(claim.quote)]
    if any(normalise(q.text) == normalise(value) for q in quantities):
        return True
    mine = [q.bounds() for q in parse_quantities(value)]
    theirs = {q.bounds() for q in quantities}
    return bool(mine) and None not in mine and all(b in theirs for b in mine)


def _slot_problem(
    slot: Slot,
    cited: list[Claim],
    verdicts: dict[str, Verdict],
    contexts: dict[str, list[str]],
) -> str | None:
    """Why a slot is not backed by its claim (None when it is)."""
    claims = [c for c in cited if slot.claim in (None, c.id)]
    if not claims:
        return f"{slot.kind.value} '{slot.value}' names a claim the sentence does not cite"
    value = normalise(slot.value)

    def evidence(c: Claim) -> str:
        return " ".join([c.text, c.quote, *contexts.get(c.id, [])])

    if slot.kind == SlotKind.figure:
        ok = any(_figure_backed(slot.value, c) for c in claims)
    elif slot.kind == SlotKind.source:
        ok = any(value == normalise(c.attributed_to) for c in claims)
    elif slot.kind == SlotKind.certainty:
        ok = any(slot.value == c.certainty.value for c in claims)
    elif slot.kind == SlotKind.hedge:
        ok = any(HEDGE_VERBS.get(c.certainty.value) == slot.value for c in claims)
    elif slot.kind == SlotKind.text:
        ok = any(_same_text(slot.value, c.text) or _same_text(slot.value, c.quote) for c in claims)
    elif slot.kind == SlotKind.check:
        ok = any(
            c.id in verdicts and slot.value.strip() in verdicts[c.id].rationale for c in claims
        )
    elif slot.kind == SlotKind.counts:
        ok = any(
            not _words_backed(
                slot.value,
                evidence(c) + (" speculated" if c.certainty.value == "speculative" else ""),
                LABEL_WORDS,
            )
            for c in claims
        )
    else:  # topic: a cited claim's own text, or words every one of which a cited claim has
        ok = any(_same_text(slot.value, c.text) for c in claims) or not _words_backed(
            slot.value, " ".join(evidence(c) for c in claims), TOPIC_WORDS
        )
    if ok:
        return None
    where = slot.claim or ", ".join(c.id for c in claims)
    return f"{slot.kind.value} '{slot.value}' is not what {where} says"


def slot_problems(
    s: BriefSentence,
    claims: dict[str, Claim],
    verdicts: dict[str, Verdict] | None = None,
    contexts: dict[str, list[str]] | None = None,
) -> list[str]:
    """Why a code-built sentence is not faithful: an unbacked slot, or words or figures
    outside the slots that are not template words. Empty when it is faithful.

    `contexts` holds, per claim id, document sentences grouping read what a figure counts
    from ("the number of deserters" for "the figure could reach 200,000").
    """
    problems: list[str] = []
    cited = [claims[c] for c in s.cites if c in claims]
    rest, pos = [], 0
    for slot in s.slots:
        i = s.text.find(slot.value, pos)
        if i < 0:
            problems.append(f"{slot.kind.value} '{slot.value}' is not in the sentence")
            continue
        rest.append(s.text[pos:i])
        pos = i + len(slot.value)
        why = _slot_problem(slot, cited, verdicts or {}, contexts or {})
        if why:
            problems.append(why)
    rest.append(s.text[pos:])
    residue = " ".join(rest)
    if re.search(r"\d", residue):
        problems.append(f"a figure outside the claims' slots: {' '.join(residue.split())!r}")
    extra = sorted({w for w in WORD.findall(residue) if w.lower() not in TEMPLATE_WORDS})
    if extra:
        problems.append(f"words outside the claims' slots and the template: {', '.join(extra)}")
    return problems
