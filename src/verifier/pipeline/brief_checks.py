"""The brief's own checks: faithfulness, certainty inflation, attribution, loaded language, balance.

All deterministic, so they run on any brief JSON (including a hand-written one) without a
model, and the same brief always gets the same flags.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from rapidfuzz import fuzz

from verifier.pipeline.checks import GENERIC_WORDS
from verifier.pipeline.slots import slot_problems
from verifier.resources import data_yaml
from verifier.schemas import (
    Brief,
    BriefSection,
    BriefSentence,
    BriefVerification,
    Certainty,
    Claim,
    Flag,
    FlagKind,
    GroupLabel,
    SectionKind,
    Verdict,
)
from verifier.text.quantities import numbers_in
from verifier.text.quotes import normalise

LEXICON = "loaded_language.yaml"  # in verifier/data/
#: rapidfuzz token_set_ratio (0–100) between a sentence and its cited claims' text+quote.
SUPPORT_THRESHOLD = 55.0
#: Words that show a sentence keeps its source's hedging or attribution.
HEDGES = re.compile(
    r"\b(according to|reported(ly)?|reports?|claim(s|ed)?|alleg(e|es|ed|edly)|said|says|say|stated|"
    r"state[sd]?|told|estimate[sd]?|if true|could|may|might|possibly|suggest(s|ed)?|accus(e|es|ed)|"
    r"assert(s|ed)?|argue[sd]?|speculat\w*|described|cited|quoted)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|‘[^’]*’")
_WORD = re.compile(r"[^\W\d_]+")
_STOP = GENERIC_WORDS  # the same list the attribution check ignores


@cache
def lexicon() -> list[tuple[str, re.Pattern[str]]]:
    data = data_yaml(LEXICON)
    terms = [t for group in data["categories"].values() for t in group]
    out = []
    for term in terms:
        stem = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
        tail = r"\w*" if term.endswith("*") else ""
        out.append((term, re.compile(rf"\b{stem}{tail}\b", re.IGNORECASE)))
    return out


def loaded_terms(sentence: str) -> list[str]:
    """Loaded words in the brief's own voice: outside quotes, in clauses attributing nothing.

    Clauses are split at semicolons, so "X claim ...; the regime is collapsing" does not let
    the attribution in the first clause excuse the wording of the second.
    """
    found: list[str] = []
    for clause in _QUOTED.sub(" ", sentence).split(";"):
        if HEDGES.search(clause):
            continue
        found += [m.group(0) for _, pat in lexicon() if (m := pat.search(clause))]
    return found


#: Where a source's name ends and its description begins ("a lawmaker familiar with ...").
_MODIFIER = re.compile(r"\b(?:with|of|from|in|within|at|on|for|who|which|that)\b", re.IGNORECASE)


def _source_names(attributed_to: str) -> list[list[str]]:
    """The names a sentence may use for a source, each as its distinctive words.

    "Russian security forces, via TASS" gives the source and its relay, either of which names
    it; "an unnamed lawmaker familiar with military matters" gives "unnamed lawmaker familiar".
    """
    names = []
    for part in re.split(r",|\(|\)|\bvia\b", attributed_to):
        head = _MODIFIER.split(part, maxsplit=1)[0]
        for phrase in (head, part):
            words = [w.lower() for w in _WORD.findall(phrase) if len(w) > 2]
            words = [w for w in words if w not in _STOP and not _MODIFIER.fullmatch(w)]
            if words:
                names.append(words)
                break
    return names


def names_source(sentence: str, claim: Claim) -> bool:
    """Does the sentence name who asserts the claim?

    It must use at least half the distinctive words of one of the source's names, each as
    the start of a word (a 5-letter prefix, so Russia/Russian match). One shared word is not
    enough for a longer name: "the Armed Forces of Ukraine" does not name "Russian security
    forces", nor "Ukrainian soldiers" the "Ukrainian Prosecutor General's Office".
    """
    text = sentence.lower()
    for words in _source_names(claim.attributed_to):
        hits = sum(1 for w in words if re.search(rf"\b{re.escape(w[:5])}", text))
        if hits * 2 >= len(words):
            return True
    return False


def check_sentence(
    s: BriefSentence,
    claims: dict[str, Claim],
    contested: set[str],
    *,
    headline: bool = False,
    verdicts: dict[str, Verdict] | None = None,
    contexts: dict[str, list[str]] | None = None,
) -> BriefSentence:
    """Flags for one sentence. A code-built sentence (one with slots) is faithful when each
    slot is backed by its claim and only template words surround them (`slot_problems`);
    any other sentence when its numbers are in its claims and its wording overlaps theirs."""
    flags: list[Flag] = []
    cited = [claims[c] for c in s.cites if c in claims]
    unknown = [c for c in s.cites if c not in claims]
    if not s.cites:
        flags.append(Flag(kind=FlagKind.uncited, detail="no citation"))
    elif unknown:
        flags.append(
            Flag(kind=FlagKind.unsupported, detail=f"cites unknown claims: {', '.join(unknown)}")
        )
    supported = False
    if cited and s.slots:
        problems = slot_problems(s, claims, verdicts, contexts)
        supported = not problems and not unknown
        flags += [Flag(kind=FlagKind.unsupported, detail=p) for p in problems]
    elif cited:
        evidence = " ".join(f"{c.text} {c.quote}" for c in cited)
        extra = numbers_in(s.text) - numbers_in(evidence)
        overlap = fuzz.token_set_ratio(normalise(s.text), normalise(evidence))
        supported = not extra and overlap >= SUPPORT_THRESHOLD and not unknown
        if extra:
            shown = ", ".join(f"{n:g}" for n in sorted(extra))
            flags.append(
                Flag(kind=FlagKind.unsupported, detail=f"numbers not in the cited claims: {shown}")
            )
        elif not supported and not unknown:
            flags.append(
                Flag(
                    kind=FlagKind.unsupported,
                    detail=f"wording not backed by the cited claims (overlap {overlap:.0f})",
                )
            )
    if cited:
        hedged = bool(HEDGES.search(s.text))
        for c in cited:
            if c.certainty != Certainty.asserted and not hedged and not names_source(s.text, c):
                flags.append(
                    Flag(
                        kind=FlagKind.certainty_inflation,
                        detail=f"{c.id} is {c.certainty.value} by {c.attributed_to}; "
                        "the sentence states it as fact",
                    )
                )
            if c.id in contested and not names_source(s.text, c):
                flags.append(
                    Flag(
                        kind=FlagKind.unattributed_contested,
                        detail=f"{c.id} is contested; name its source ({c.attributed_to})",
                    )
                )
    for term in loaded_terms(s.text):
        flags.append(
            Flag(kind=FlagKind.loaded_language, detail=f"'{term}' in the brief's own voice")
        )
    if headline and not s.cites:  # a headline summarises the whole brief; it need not cite
        return s.model_copy(
            update={"flags": [f for f in flags if f.kind != FlagKind.uncited], "supported": None}
        )
    return s.model_copy(update={"flags": flags, "supported": supported})


def _check_agreements(section: BriefSection, corpus: list[Claim]) -> BriefSection:
    """Flag an agreement whose cited claims do not state one proposition (a false agreement).

    Code-written agreement sentences copy their claims' words, so the faithfulness check
    always passes them; this asks whether the claims agree at all.
    """
    if section.kind != SectionKind.agreement:
        return section
    from verifier.pipeline.grouping import agreement_gaps

    by_id = {c.id: c for c in corpus}
    out = []
    for s in section.sentences:
        cited = [by_id[c] for c in s.cites if c in by_id]
        gaps = agreement_gaps(cited, corpus) if len(cited) > 1 else []
        if len(cited) > 1 and len({c.doc_id for c in cited}) < 2:
            gaps.append("all cited claims come from one document")
        flags = [Flag(kind=FlagKind.false_agreement, detail=g) for g in gaps]
        if flags:
            s = s.model_copy(update={"flags": [*s.flags, *flags], "supported": False})
        out.append(s)
    return section.model_copy(update={"sentences": out})


def _omitted(
    brief: Brief, sections: list[BriefSection], perspective_of: dict[str, str]
) -> list[Flag]:
    """One flag per perspective whose claims appear nowhere in the brief (no sentence cites
    them): a claim may be single-source or unverified, but it may not vanish."""
    cited = {c for sec in sections for s in sec.sentences for c in s.cites}
    cited |= set(brief.headline.cites)
    missing: dict[str, list[str]] = {}
    for c in brief.claims:
        if c.id not in cited:
            p = perspective_of.get(c.doc_id, c.doc_id)
            missing.setdefault(p, []).append(c.id)
    return [
        Flag(kind=FlagKind.omitted_claim,
             detail=f"{p}: {len(ids)} claim(s) appear nowhere: {', '.join(ids)}")
        for p, ids in missing.items()
    ]  # fmt: skip


def check_brief(brief: Brief) -> Brief:
    """Run every check; flags go on sentences and the numbers into `brief.verification`."""
    claims = {c.id: c for c in brief.claims}
    contested = {
        cid for g in brief.groups if g.label == GroupLabel.contested for cid in g.claim_ids
    }
    headline = check_sentence(brief.headline, claims, contested, headline=True)
    verdicts = {v.claim_id: v for v in brief.verdicts}
    contexts: dict[str, list[str]] = {}
    for g in brief.groups:
        for m in g.members:
            contexts.setdefault(m.claim_id, []).extend(f.context for f in m.measures if f.context)
    sections = [
        sec.model_copy(
            update={
                "sentences": [
                    check_sentence(s, claims, contested, verdicts=verdicts, contexts=contexts)
                    for s in sec.sentences
                ]
            }
        )
        for sec in brief.sections
    ]
    sections = [_check_agreements(sec, brief.claims) for sec in sections]
    checked = brief.model_copy(update={"headline": headline, "sections": sections})
    body = [s for sec in sections for s in sec.sentences]
    counts = Counter(f.kind.value for s in [headline, *body] for f in s.flags)

    by_source: Counter[str] = Counter()
    by_perspective: Counter[str] = Counter()
    perspective_of = {src.id: src.perspective or src.id for src in brief.sources}
    for s in body:
        for cid in s.cites:
            if cid in claims:
                doc = claims[cid].doc_id
                by_source[doc] += 1
                by_perspective[perspective_of.get(doc, doc)] += 1
    total = sum(by_source.values()) or 1
    present = sorted({perspective_of[d.id] for d in brief.sources})
    voiced = {
        sec.perspective for sec in sections if sec.kind == SectionKind.perspective and sec.sentences
    }
    # A perspective is missing when no sentence cites it, or its own section says nothing.
    missing = [p for p in present if by_perspective[p] == 0 or p not in voiced]
    brief_flags = [
        Flag(kind=FlagKind.missing_perspective, detail=f"no sentence cites: {p}") for p in missing
    ]
    if missing:
        counts[FlagKind.missing_perspective.value] += len(missing)
    omitted = _omitted(brief, sections, perspective_of)
    brief_flags += omitted
    if omitted:
        counts[FlagKind.omitted_claim.value] += len(omitted)
    supported = sum(1 for s in body if s.supported)
    checked.verification = BriefVerification(
        sentences=len(body),
        cited=sum(1 for s in body if s.cites),
        supported=supported,
        share_supported=round(supported / len(body), 4) if body else 0.0,
        flags=dict(sorted(counts.items())),
        citations_by_source={d.id: round(by_source[d.id] / total, 4) for d in brief.sources},
        citations_by_perspective={p: round(by_perspective[p] / total, 4) for p in present},
        missing_perspectives=missing,
        brief_flags=brief_flags,
    )
    return checked
