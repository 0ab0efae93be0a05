"""Deterministic checks of a claim against its document: no model, so they run anywhere.

These are what `verify --no-llm` runs and what extraction enforces with re-asks:
the quote is in the document, every number in the claim is in its quote, and the
attribution names someone the document mentions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from verifier.schemas import CheckResult, Claim, Document, Grounding, MatchKind
from verifier.text.dates import dates
from verifier.text.quantities import numbers_in
from verifier.text.quotes import find_quote, normalise
from verifier.text.words import WORD, mentions_word, stem, word_list

#: Attributions that mean "the article itself" and need no support in the text.
SELF_ATTRIBUTIONS = {
    "the article",
    "article",
    "the outlet",
    "outlet",
    "the author",
    "author",
    "the report",
}

#: Words too generic to show that an attribution is grounded in the text (data/words.yaml).
GENERIC_WORDS = word_list("attribution_filler")
#: Share of an attribution's distinctive words that must occur in the document.
ATTRIBUTION_MIN_SHARE = 0.6
#: Words that mark an attribution as deliberately anonymous ("unnamed sources"; gold
#: guidelines §5): there is no name to look up, so such an attribution cannot fail.
_ANONYMOUS = {"unnamed", "anonymous", "unidentified", "unattributed"}
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")


def check_quote(
    claim: Claim, doc: Document
) -> tuple[CheckResult, MatchKind, float, tuple[int, int] | None]:
    m = find_quote(claim.quote, doc.text)
    if m is None:
        return (
            CheckResult(name="quote_found", passed=False, detail="quote not found in the document"),
            MatchKind.none,
            0.0,
            None,
        )
    detail = m.kind.value if m.kind != MatchKind.fuzzy else f"fuzzy {m.score:.0f}"
    return (
        CheckResult(name="quote_found", passed=True, detail=detail),
        m.kind,
        m.score,
        (m.start, m.end),
    )


def _dates_from_document(claim: Claim, doc: Document) -> set[float]:
    """Numbers in the claim's dates that the document itself gives.

    A decontextualised claim says when, from elsewhere in the article ("After the amnesty
    expired on August 30, ..." for a quote that only says "now expired"; gold guidelines §2),
    so a date's numbers may come from the document rather than the quote. Figures may not.
    """
    doc_dates = dates(doc.text)
    allowed: set[float] = set()
    for month, day, year in dates(claim.text):
        if any(
            month == dm and (day is None or day == dd) and (year is None or year == dy)
            for dm, dd, dy in doc_dates
        ):
            allowed.update(float(v) for v in (day, year) if v is not None)
    return allowed


def check_numbers(claim: Claim, doc: Document | None = None) -> CheckResult:
    missing_set = numbers_in(claim.text) - numbers_in(claim.quote)
    if missing_set and doc is not None:
        missing_set -= _dates_from_document(claim, doc)
    missing = sorted(missing_set)
    if missing:
        shown = ", ".join(f"{n:g}" for n in missing)
        return CheckResult(
            name="numbers_in_quote", passed=False, detail=f"not in the quote: {shown}"
        )
    return CheckResult(name="numbers_in_quote", passed=True)


@lru_cache(maxsize=64)
def _stems(text: str) -> frozenset[str]:
    """The stems of a document's words, once per document rather than once per claim."""
    return frozenset(stem(w) for w in WORD.findall(text))


def check_attribution(claim: Claim, doc: Document) -> CheckResult:
    who = normalise(claim.attributed_to).strip(" .")
    if not who:
        return CheckResult(
            name="attribution_supported", passed=False, detail="no attribution given"
        )
    outlet = normalise(doc.outlet or "")
    # "the article (outlet not named)" is the guidelines' own-voice attribution (§5).
    bare = _PARENTHETICAL.sub("", who).strip(" .")
    if bare in SELF_ATTRIBUTIONS or (outlet and (who in outlet or outlet in who)):
        return CheckResult(name="attribution_supported", passed=True, detail="the outlet itself")
    words = [w for w in WORD.findall(who) if w.lower() not in GENERIC_WORDS and len(w) > 2]
    if not words and _ANONYMOUS & {w.lower() for w in WORD.findall(who)}:
        return CheckResult(
            name="attribution_supported", passed=True, detail="unnamed source; nothing to look up"
        )
    if not words:
        return CheckResult(
            name="attribution_supported",
            passed=False,
            detail=f"{claim.attributed_to!r} names no one",
        )
    doc_stems = _stems(doc.text)
    found = [w for w in words if mentions_word(w, doc.text, doc_stems)]
    if len(found) / len(words) >= ATTRIBUTION_MIN_SHARE:
        return CheckResult(name="attribution_supported", passed=True)
    absent = ", ".join(w for w in words if w not in found)
    return CheckResult(
        name="attribution_supported", passed=False, detail=f"the document never mentions: {absent}"
    )


def ground(claim: Claim, doc: Document) -> Claim:
    """The claim with offsets from the code and every deterministic check recorded."""
    quote_check, kind, score, span = check_quote(claim, doc)
    checks = [quote_check, check_numbers(claim, doc), check_attribution(claim, doc)]
    update: dict[str, object] = {
        "grounding": Grounding(
            grounded=all(c.passed for c in checks), match=kind, score=score, checks=checks
        )
    }
    update["start"], update["end"] = span if span else (None, None)
    return claim.model_copy(update=update)
