"""Every benchmark metric, defined once.

Predicted claims are scored against hand-written gold claims of the same shape. The steps:

1. **Align** predicted to gold claims one-to-one per document (Hungarian assignment over a
   similarity in [0, 1]); pairs below `MATCH_THRESHOLD` are not matches.
2. **Count** per document: matches, field agreement on matched pairs, grounded quotes.
3. **Aggregate** micro over documents (ratios of summed counts, so long documents weigh more),
   with a 95 % percentile-bootstrap interval from resampling documents.

Metric definitions are in `docs/METRICS.md`; the constants below are the thresholds it cites.
Ratios and intervals are in `bootstrap.py`, the scores of predicted groups in `group_scores.py`.
The matcher is pluggable (`Matcher`) so an embedding or LLM-judge matcher can replace the
default, which is deterministic and needs no model.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, Field

from verifier.evaluation.assignment import linear_sum_assignment
from verifier.evaluation.attribution import TOKEN_SIMILARITY, equivalent
from verifier.evaluation.bootstrap import (
    Ratio,
    distinct_resamples,
    metric_value,
    per_doc,
    resample_draws,
)
from verifier.evaluation.group_scores import group_ratios
from verifier.metrics import DocumentAlignment, Metric, ordered
from verifier.schemas import (
    Claim,
    ClaimGroup,
    Document,
    DocumentClaims,
    GoldGroups,
    MetricValue,
    Quantity,
)
from verifier.text.dates import MONTH
from verifier.text.quotes import find_quote, normalise
from verifier.text.words import WORD, stem, stopwords

log = logging.getLogger("verifier")

#: A predicted and a gold claim are a match only at or above this similarity.
MATCH_THRESHOLD = 0.5
#: A predicted quote detects a gold claim at or above this span overlap over union.
DETECTION_THRESHOLD = 0.5
#: How much numeric disagreement can take off: similarity = lexical × (1 − w·(1 − numeric)).
NUMERIC_WEIGHT = 0.4
#: Numeric agreement when only one of the two claims contains numbers.
NUMERIC_ONE_SIDED = 0.5
#: Relative tolerance for two numbers (or quantity bounds) to be equal: float noise only.
NUMBER_REL_TOL = 1e-6
#: How much naming a different source takes off: "X says P" is not "Y says P".
SOURCE_WEIGHT = 0.1
#: Jaccard overlap (of gold claim ids) at which a predicted group matches a gold group.
GROUP_MATCH_THRESHOLD = 0.5
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
CONFIDENCE = 0.95


# --------------------------------------------------------------------------- text features

#: Grammatical negation: a claim and its negation must never match ("n't" included).
_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|none|nobody|neither|nor|cannot|without)\b|n[’']t\b", re.I
)
#: Month names as written (capitalised, so the modal "may" is not May) and weekday names.
_DATE_WORD = re.compile(
    rf"\b(?:{MONTH}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b\.?"
)


#: A number with its separators, or a word with one inner apostrophe ("staff's" → "staff").
_CONTENT = re.compile(rf"\d+(?:[.,]\d+)*|{WORD.pattern}")


def content_tokens(text: str) -> frozenset[str]:
    """Stems of the content words and the numbers (separators dropped) of `text`.

    The toolkit's one stemmer and stopword list (`verifier.text.words`).
    """
    stop = stopwords()
    out: set[str] = set()
    for tok in _CONTENT.findall(normalise(text)):
        if tok[0].isdigit():
            out.add(tok.replace(",", ""))
        elif tok not in stop:
            out.add(stem(tok))
    return frozenset(out)


def numbers_in(text: str) -> list[float]:
    """Every number the text states, digits or words ("two", "1.5 million"), dates and years too."""
    from verifier.text.quantities import numbers_in as read_numbers

    return sorted(read_numbers(text))


def negated(text: str) -> bool:
    """Whether the text contains a grammatical negation ("not", "no", "never", "n't", …)."""
    return _NEGATION.search(text) is not None


def date_words(text: str) -> frozenset[str]:
    """Months and weekdays the text names, by their first three letters ("Aug", "Mon")."""
    return frozenset(m.group(0)[:3] for m in _DATE_WORD.finditer(text))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=NUMBER_REL_TOL, abs_tol=1e-9)


def claim_numbers(claim: Claim) -> list[float]:
    """The numbers a claim's text states (the text is the proposition; quantities are fields)."""
    return numbers_in(claim.text)


def numeric_agreement(a: Sequence[float], b: Sequence[float]) -> float:
    """Share of the two claims' numbers that have an equal number on the other side.

    1.0 when neither states a number, `NUMERIC_ONE_SIDED` when only one does, otherwise
    (|a found in b| + |b found in a|) / (|a| + |b|).
    """
    if not a and not b:
        return 1.0
    if not a or not b:
        return NUMERIC_ONE_SIDED
    hits = sum(any(_close(x, y) for y in b) for x in a)
    hits += sum(any(_close(y, x) for x in a) for y in b)
    return hits / (len(a) + len(b))


def _both_add(a: Iterable[Any], b: Iterable[Any], same: Callable[[Any, Any], bool]) -> bool:
    """Each side states something the other lacks: a contradiction, not a vaguer paraphrase."""
    a, b = list(a), list(b)
    return any(not any(same(x, y) for y in b) for x in a) and any(
        not any(same(y, x) for x in a) for y in b
    )


def token_f1(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set F1 (Dice): 2|a∩b| / (|a|+|b|); 1.0 for two empty sets."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def overlap_over_union(
    a: frozenset[str] | tuple[int, int], b: frozenset[str] | tuple[int, int]
) -> float:
    """|a ∩ b| / |a ∪ b| of two [start, end) spans or two token sets (Jaccard / IoU).

    Over the union, not the shorter: a quote of the whole document overlaps every gold quote
    completely, but their union is the whole document, so it scores near 0.
    """
    if isinstance(a, tuple) and isinstance(b, tuple):
        inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
        union = (a[1] - a[0]) + (b[1] - b[0]) - inter
        return inter / union if union > 0 else 0.0
    assert isinstance(a, frozenset) and isinstance(b, frozenset)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# --------------------------------------------------------------------------- matchers


@runtime_checkable
class Matcher(Protocol):
    """Scores every predicted × gold claim pair of one document in [0, 1].

    Batch-shaped so that an embedding or LLM-judge matcher can score a document in one call.
    """

    name: str
    threshold: float

    def similarity_matrix(
        self, pred: Sequence[Claim], gold: Sequence[Claim], document: str | None
    ) -> np.ndarray:
        """Array of shape (len(pred), len(gold)); `document` is the source text when known."""
        ...


@dataclass(frozen=True)
class SimilarityParts:
    text: float
    quote: float
    numeric: float
    similarity: float
    #: why the two texts cannot state one proposition ("numbers", "negation", "dates")
    conflicts: tuple[str, ...] = ()
    source: float = 1.0


def _span(claim: Claim, document: str | None) -> tuple[int, int] | None:
    """Where the quote is in the document: located afresh when the text is known, else stored."""
    if document is not None:
        m = find_quote(claim.quote, document)
        return (m.start, m.end) if m else None
    if claim.start is not None and claim.end is not None and claim.end > claim.start:
        return (claim.start, claim.end)
    return None


@dataclass(frozen=True)
class DefaultMatcher:
    """Deterministic proposition match; needs no model. Two claims match when they quote the
    same evidence AND their texts state the same proposition.

    - quote = span overlap over union of the two located quotes (token Jaccard of the quotes
      when one is not in the document);
    - text = token F1 of the two claim texts;
    - conflicts: the texts' numbers (digits and words), months/weekdays or negation disagree
      (each side states a figure or date the other lacks, or one is negated) → similarity 0;
    - numeric = agreement of the texts' numbers when one is only vaguer (a figure left out);
    - source = 1 when the attributions name the same source, else 1 − `SOURCE_WEIGHT`: "X
      says P" and "Y says P" are different claims;
    - similarity = √(text · quote) · (1 − NUMERIC_WEIGHT·(1 − numeric)) · source.

    The geometric mean needs both: a copied quote with unrelated text scores near 0, and so
    does the right text with a quote of the whole document.
    """

    threshold: float = MATCH_THRESHOLD
    numeric_weight: float = NUMERIC_WEIGHT
    source_weight: float = SOURCE_WEIGHT
    name: str = "proposition"

    def parts(
        self, pred: Claim, gold: Claim, document: str | None = None, outlet: str | None = None
    ) -> SimilarityParts:
        return self._parts(_Features.of(pred, document), _Features.of(gold, document), outlet)

    def similarity(self, pred: Claim, gold: Claim, document: str | None = None) -> float:
        return self.parts(pred, gold, document).similarity

    def similarity_matrix(
        self,
        pred: Sequence[Claim],
        gold: Sequence[Claim],
        document: str | None,
        outlet: str | None = None,
    ) -> np.ndarray:
        pf = [_Features.of(c, document) for c in pred]
        gf = [_Features.of(c, document) for c in gold]
        return self.matrix(pf, gf, outlet)

    def matrix(
        self, pf: Sequence[_Features], gf: Sequence[_Features], outlet: str | None = None
    ) -> np.ndarray:
        out = np.zeros((len(pf), len(gf)))
        for i, p in enumerate(pf):
            for j, g in enumerate(gf):
                out[i, j] = self._parts(p, g, outlet).similarity
        return out

    def _parts(self, p: _Features, g: _Features, outlet: str | None = None) -> SimilarityParts:
        text = token_f1(p.text_tokens, g.text_tokens)
        if p.span is not None and g.span is not None:
            quote = overlap_over_union(p.span, g.span)
        else:
            quote = overlap_over_union(p.quote_tokens, g.quote_tokens)
        numeric = numeric_agreement(p.numbers, g.numbers)
        conflicts = tuple(
            name
            for name, clash in (
                ("numbers", _both_add(p.numbers, g.numbers, _close)),
                ("dates", _both_add(p.dates, g.dates, str.__eq__)),
                ("negation", p.negated != g.negated),
            )
            if clash
        )
        source = 1.0 if attribution_match(p.attributed_to, g.attributed_to, outlet) else 0.0
        if conflicts or text <= 0 or quote <= 0:
            sim = 0.0
        else:
            sim = math.sqrt(text * quote)
            sim *= 1 - self.numeric_weight * (1 - numeric)
            sim *= 1 - self.source_weight * (1 - source)
        return SimilarityParts(text, quote, numeric, min(1.0, max(0.0, sim)), conflicts, source)


@dataclass(frozen=True)
class _Features:
    text_tokens: frozenset[str]
    quote_tokens: frozenset[str]
    numbers: tuple[float, ...]
    dates: frozenset[str]
    negated: bool
    span: tuple[int, int] | None
    attributed_to: str

    @classmethod
    def of(cls, claim: Claim, document: str | None) -> _Features:
        return cls(
            content_tokens(claim.text),
            content_tokens(claim.quote),
            tuple(claim_numbers(claim)),
            date_words(claim.text),
            negated(claim.text),
            _span(claim, document),
            claim.attributed_to,
        )


@dataclass(frozen=True)
class PairwiseMatcher:
    """Adapts a plain `fn(pred, gold, document) -> float` (e.g. embedding cosine) to `Matcher`."""

    fn: Callable[[Claim, Claim, str | None], float]
    threshold: float = MATCH_THRESHOLD
    name: str = "pairwise"

    def similarity_matrix(
        self, pred: Sequence[Claim], gold: Sequence[Claim], document: str | None
    ) -> np.ndarray:
        out = np.zeros((len(pred), len(gold)))
        for i, p in enumerate(pred):
            for j, g in enumerate(gold):
                out[i, j] = self.fn(p, g, document)
        return out


DEFAULT_MATCHER = DefaultMatcher()


def similarity(pred: Claim, gold: Claim, document: str | None = None) -> float:
    """The default matcher's similarity of one pair (see `DefaultMatcher`)."""
    return DEFAULT_MATCHER.similarity(pred, gold, document)


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True)
class AlignedPair:
    """A match; the indices are positions in the sequences given to `align`."""

    pred_index: int
    gold_index: int
    pred: Claim
    gold: Claim
    similarity: float


def _canonical(claims: Sequence[Claim]) -> list[int]:
    """A content-determined order, so the alignment never depends on the order claims came in."""
    keys = [(c.id, c.model_dump_json()) for c in claims]
    return sorted(range(len(claims)), key=keys.__getitem__)


def _assign(
    sim: np.ndarray,
    threshold: float,
    po: list[int],
    go: list[int],
    ps: Sequence[Claim],
    gs: Sequence[Claim],
) -> list[AlignedPair]:
    """Pairs of an optimal assignment over `sim` (canonical order) at or above `threshold`."""
    sim = np.clip(np.nan_to_num(sim, nan=0.0), 0.0, 1.0)
    gated = np.where(sim >= threshold, sim, 0.0)
    if not gated.any():
        return []
    rows, cols = linear_sum_assignment(gated, maximize=True)
    pairs = [
        AlignedPair(po[i], go[j], ps[i], gs[j], float(sim[i, j]))
        for i, j in zip(rows, cols, strict=True)
        if sim[i, j] >= threshold
    ]
    return sorted(pairs, key=lambda p: p.gold_index)


def _alignments(
    pred: Sequence[Claim],
    gold: Sequence[Claim],
    document: str | None,
    matcher: Matcher,
    outlet: str | None,
) -> tuple[list[AlignedPair], list[AlignedPair]]:
    """Claim pairs (by `matcher`) and detection pairs (quote spans, IoU) of one document."""
    po, go = _canonical(pred), _canonical(gold)
    if not po or not go:
        return [], []
    ps, gs = [pred[i] for i in po], [gold[j] for j in go]
    pf = [_Features.of(c, document) for c in ps]
    gf = [_Features.of(c, document) for c in gs]
    if isinstance(matcher, DefaultMatcher):
        raw = matcher.matrix(pf, gf, outlet)
    else:
        raw = matcher.similarity_matrix(ps, gs, document)
    sim = np.asarray(raw, dtype=float)
    if sim.shape != (len(ps), len(gs)):
        raise ValueError(
            f"matcher {matcher.name} returned shape {sim.shape}, expected {(len(ps), len(gs))}"
        )
    spans = np.array(
        [[overlap_over_union(p.span, g.span) if p.span and g.span else 0.0 for g in gf] for p in pf]
    )
    return (
        _assign(sim, matcher.threshold, po, go, ps, gs),
        _assign(spans, DETECTION_THRESHOLD, po, go, ps, gs),
    )


def align(
    pred: Sequence[Claim],
    gold: Sequence[Claim],
    document: str | None = None,
    matcher: Matcher | None = None,
    outlet: str | None = None,
) -> list[AlignedPair]:
    """Optimal one-to-one alignment of one document's claims.

    Maximises the total similarity over pairs at or above the matcher's threshold
    (pairs below it contribute nothing and are dropped), via linear_sum_assignment.
    Claims are put in a canonical order first, so ties break the same way for any input order.
    `outlet` (the document's outlet) lets "the article" and the outlet's name be one source.
    """
    return _alignments(pred, gold, document, matcher or DEFAULT_MATCHER, outlet)[0]


# --------------------------------------------------------------------------- field checks


def attribution_match(pred: str, gold: str, outlet: str | None = None) -> bool:
    """Whether two `attributed_to` strings name the same source (rules in `attribution`)."""
    return equivalent(pred, gold, outlet)


def quantity_match(pred: Quantity, gold: Quantity) -> bool:
    """Two quantities match when `Quantity.bounds()` agree at both ends.

    Comparing the implied intervals makes the qualifier count ("over 300" ≠ "300"; "about
    300" ≠ "300") while treating equivalent qualifiers alike (over ≡ at_least, under ≡
    up_to). Quantities without a numeric value match only on an equal qualifier.
    """
    bp, bg = pred.bounds(), gold.bounds()
    if bp is None or bg is None:
        return bp is None and bg is None and pred.qualifier == gold.qualifier
    return _close(bp[0], bg[0]) and _close(bp[1], bg[1])


def quantities_match(pred: Sequence[Quantity], gold: Sequence[Quantity]) -> bool | None:
    """Every gold quantity matched by a distinct predicted one (extra predicted ones are ignored).

    None when gold has no quantity: such pairs are not part of quantity accuracy.
    """
    if not gold:
        return None
    if not pred:
        return False
    ok = np.array([[quantity_match(p, g) for g in gold] for p in pred], dtype=float)
    rows, cols = linear_sum_assignment(ok, maximize=True)
    return int(ok[rows, cols].sum()) == len(gold)


# --------------------------------------------------------------------------- report


class ScoreReport(BaseModel):
    """Scores of one set of predictions against gold; `metrics` feed a RunRecord directly."""

    metrics: dict[str, MetricValue]
    per_document: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    items: list[dict[str, Any]] = Field(default_factory=list)
    unscored_documents: list[str] = Field(
        default_factory=list, description="predicted documents that have no gold; not scored"
    )
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)


def _doc_text(documents: Mapping[str, str | Document], doc_id: str) -> str | None:
    d = documents.get(doc_id)
    if d is None:
        return None
    return d.text if isinstance(d, Document) else d


def _doc_outlet(documents: Mapping[str, str | Document], doc_id: str) -> str | None:
    d = documents.get(doc_id)
    return d.outlet if isinstance(d, Document) else None


def _per_document(doc: DocumentAlignment, definitions: Sequence[Metric]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for m in definitions:
        num, den = m.per_document(doc)
        value = num / den if den else None
        if value is None and m.zero_when is not None and m.zero_when(doc):
            value = 0.0
        out[m.name] = value
    out.update(
        n_gold=float(len(doc.gold)), n_pred=float(len(doc.pred)), n_matched=float(len(doc.pairs))
    )
    return out


def score(
    pred: Mapping[str, DocumentClaims],
    gold: Mapping[str, DocumentClaims],
    documents: Mapping[str, str | Document],
    pred_groups: Sequence[ClaimGroup] | None = None,
    gold_groups: GoldGroups | None = None,
    *,
    matcher: Matcher | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> ScoreReport:
    """Score predictions against gold, per document and overall, with bootstrap intervals.

    Every registered metric (`verifier.metrics`) is computed. Gold documents without a
    prediction count as empty predictions; predicted documents without gold are listed in
    `unscored_documents` and not scored. `documents` (doc id → text or `Document`) is needed
    for grounding and quote spans; a `Document`'s outlet lets "the article" match its name.
    """
    matcher = matcher or DEFAULT_MATCHER
    definitions = ordered()
    doc_metrics = [m for m in definitions if m.scope == "documents"]
    doc_ids = sorted(gold)
    index = {d: k for k, d in enumerate(doc_ids)}
    warnings: list[str] = []
    unscored = sorted(set(pred) - set(gold))
    if unscored:
        warnings.append(
            f"{len(unscored)} predicted document(s) have no gold and were not scored: "
            + ", ".join(unscored)
        )

    aligned: list[DocumentAlignment] = []
    items: list[dict[str, Any]] = []
    per_document: dict[str, dict[str, float | None]] = {}
    pred_to_gold: dict[tuple[str, str], str] = {}  # (doc id, predicted id) -> gold id
    gold_doc: dict[str, str] = {}  # gold claim id -> doc id

    for doc_id in doc_ids:
        g_claims = list(gold[doc_id].claims)
        p_doc = pred.get(doc_id)
        p_claims = list(p_doc.claims) if p_doc else []
        text = _doc_text(documents, doc_id)
        warnings.extend(_input_warnings(doc_id, text, g_claims, p_claims, gold_doc))
        outlet = _doc_outlet(documents, doc_id)
        doc = _align_document(doc_id, text, outlet, p_claims, g_claims, matcher, doc_metrics)
        aligned.append(doc)
        per_document[doc_id] = _per_document(doc, doc_metrics)
        items.extend(_items(doc, doc_metrics))
        for pair in doc.pairs:
            pred_to_gold[(doc_id, pair.pred.id)] = pair.gold.id
        items.append(_document_item(doc_id, p_doc))
    for doc_id in unscored:
        items.append({"kind": "document", "doc_id": doc_id, "status": "not_in_gold", "error": None})

    ratios = _document_ratios(aligned, doc_metrics)
    by_group, group_warnings = group_ratios(
        pred_groups,
        gold_groups,
        pred_to_gold,
        gold_doc,
        index,
        set(gold) | set(pred),
        GROUP_MATCH_THRESHOLD,
    )
    ratios.update(by_group)
    warnings.extend(group_warnings)

    n_docs = len(doc_ids)
    draws = resample_draws(n_docs, resamples, seed)
    metrics = {
        m.name: metric_value(ratios.get(m.name), n_docs, draws, confidence, m, resamples)
        for m in definitions
    }
    return ScoreReport(
        metrics=metrics,
        per_document=per_document,
        items=items,
        unscored_documents=unscored,
        warnings=warnings,
        settings=_score_settings(matcher, resamples, seed, confidence, n_docs),
    )


def _input_warnings(
    doc_id: str,
    text: str | None,
    g_claims: Sequence[Claim],
    p_claims: Sequence[Claim],
    gold_doc: dict[str, str],
) -> list[str]:
    """What in one document's input makes its scores less than they seem: no text (grounding
    not scored), duplicate claim ids, a gold id already used by another document. Records
    each gold id's document in `gold_doc` (the first one wins)."""
    warnings: list[str] = []
    if text is None:
        warnings.append(f"{doc_id}: no document text given; grounding not scored")
    for who, claims in (("gold", g_claims), ("predicted", p_claims)):
        dup = sorted(i for i, k in Counter(c.id for c in claims).items() if k > 1)
        if dup:
            warnings.append(f"{doc_id}: duplicate {who} claim ids {dup}")
    for g in g_claims:
        if g.id in gold_doc and gold_doc[g.id] != doc_id:
            warnings.append(f"gold claim id {g.id} is used in {gold_doc[g.id]} and {doc_id}")
        gold_doc.setdefault(g.id, doc_id)
    return warnings


def _align_document(
    doc_id: str,
    text: str | None,
    outlet: str | None,
    p_claims: list[Claim],
    g_claims: list[Claim],
    matcher: Matcher,
    doc_metrics: Sequence[Metric],
) -> DocumentAlignment:
    """One document's predictions aligned to its gold, with every document metric's checks
    run once on its pairs and claims (per-document values, items and ratios all read them)."""
    pairs, spans = _alignments(p_claims, g_claims, text, matcher, outlet)
    doc = DocumentAlignment(doc_id, text, outlet, p_claims, g_claims, pairs, spans)
    for m in doc_metrics:
        if m.pair_check is not None:
            doc.pair_checks[m.name] = [m.pair_check(p, doc) for p in m.pairs_of(doc)]
        if m.claim_check is not None:
            doc.claim_checks[m.name] = [m.claim_check(c, doc) for c in p_claims]
    return doc


def _document_item(doc_id: str, p_doc: DocumentClaims | None) -> dict[str, Any]:
    """A gold document's row in the report: scored, missing its prediction, or failed."""
    status = "scored"
    if p_doc is None:
        status = "missing_prediction"
    elif p_doc.error:
        status = "extraction_failed"
    return {
        "kind": "document",
        "doc_id": doc_id,
        "status": status,
        "error": p_doc.error if p_doc else None,
    }


def _document_ratios(
    aligned: Sequence[DocumentAlignment], doc_metrics: Sequence[Metric]
) -> dict[str, Ratio | None]:
    """Each document metric as a ratio over documents (counts summed, not values averaged)."""
    ratios: dict[str, Ratio | None] = {}
    for m in doc_metrics:
        counts = np.array([m.per_document(d) for d in aligned], dtype=float).reshape(-1, 2)
        alt = None
        if m.zero_when is not None:
            alt = np.array([m.zero_when(d) for d in aligned], dtype=float)
        ratios[m.name] = Ratio(counts[:, 0], counts[:, 1], per_doc, alt=alt)
    return ratios


def _score_settings(
    matcher: Matcher, resamples: int, seed: int, confidence: float, n_docs: int
) -> dict[str, Any]:
    """Every threshold and bootstrap parameter the scores depend on, for the run record."""
    return {
        "matcher": matcher.name,
        "match_threshold": matcher.threshold,
        "detection_threshold": DETECTION_THRESHOLD,
        "attribution_token_similarity": TOKEN_SIMILARITY,
        "group_match_threshold": GROUP_MATCH_THRESHOLD,
        "bootstrap_resamples": resamples,
        "bootstrap_seed": seed,
        "confidence": confidence,
        "documents": n_docs,
        "distinct_resamples": distinct_resamples(n_docs),
    }


def _items(doc: DocumentAlignment, definitions: Sequence[Metric]) -> list[dict[str, Any]]:
    """One row per gold claim (found? which fields agree) and per predicted claim."""
    rows: list[dict[str, Any]] = []
    by_gold = {p.gold_index: (k, p) for k, p in enumerate(doc.pairs)}
    by_pred = {p.pred_index: p for p in doc.pairs}
    detected = {p.gold_index: p.pred.id for p in doc.spans}
    by_span = {p.gold_index: k for k, p in enumerate(doc.spans)}
    for j, g in enumerate(doc.gold):
        k, pair = by_gold.get(j, (None, None))
        item: dict[str, Any] = {
            "kind": "gold",
            "doc_id": doc.doc_id,
            "gold_id": g.id,
            "found": pair is not None,
            "pred_id": pair.pred.id if pair else None,
            "similarity": round(pair.similarity, 4) if pair else None,
            "detected_by": detected.get(j),
        }
        if pair is not None and k is not None:
            for m in definitions:
                if m.pair_check is not None and m.item_key and m.pairs == "claims":
                    item[m.item_key] = doc.pair_checks[m.name][k]
        if j in by_span:
            for m in definitions:
                if m.pair_check is not None and m.item_key and m.pairs == "spans":
                    v = doc.pair_checks[m.name][by_span[j]]
                    item[m.item_key] = round(v, 4) if isinstance(v, float) else v
        rows.append(item)
    for i, p in enumerate(doc.pred):
        pair = by_pred.get(i)
        item = {
            "kind": "pred",
            "doc_id": doc.doc_id,
            "pred_id": p.id,
            "gold_id": pair.gold.id if pair else None,
            "similarity": round(pair.similarity, 4) if pair else None,
        }
        for m in definitions:
            if m.claim_check is not None and m.item_key:
                v = doc.claim_checks[m.name][i]
                item[m.item_key] = round(v, 4) if isinstance(v, float) else v
        rows.append(item)
    return rows
