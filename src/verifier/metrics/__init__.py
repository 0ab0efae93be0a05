"""Benchmark metrics: one small file per metric, each defining everything about itself.

A `Metric` says what it counts per document (numerator, denominator), its label and
direction, what its n counts, its order in reports and whether the leaderboard shows it.
`verifier.evaluation.metrics.score` aligns claims once and then asks every registered metric
for its counts; reports, leaderboards and `--fail-under` gates read the same definitions.
Adding a metric is one file that calls `METRICS.register(...)` (listed below, or exposed by
a third-party package through the `verifier.metrics` entry-point group).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from verifier.registry import Registry

if TYPE_CHECKING:
    from verifier.evaluation.metrics import AlignedPair
    from verifier.schemas import Claim

#: Families, in report order: which spans are claims, whether the claims match on the
#: proposition, their fields, how good their text is, grounding, cross-source groups.
FAMILIES = ("detection", "claims", "fields", "claim_text", "grounding", "groups")


@dataclass
class DocumentAlignment:
    """One document's predictions and gold after alignment: what every metric counts from."""

    doc_id: str
    text: str | None
    outlet: str | None
    pred: list[Claim]
    gold: list[Claim]
    #: claim matches (proposition: quote and text), gold order
    pairs: list[AlignedPair]
    #: detection matches (quote spans only), gold order
    spans: list[AlignedPair]
    #: per-metric results on each matched pair / predicted claim, filled by `score`
    pair_checks: dict[str, list[bool | float | None]] = field(default_factory=dict)
    claim_checks: dict[str, list[bool | float | None]] = field(default_factory=dict)


Counts = tuple[float, float]


@dataclass(frozen=True)
class Metric:
    """A benchmark metric: Σ numerator / Σ denominator over documents (micro), plus intervals.

    Give exactly one of `count` (per-document numerator and denominator), `pair_check` (a
    result on each matched claim pair: True/False, a share in [0, 1], or None for "not
    applicable") or `claim_check` (the same on each predicted claim). Group metrics are
    computed over claim pairs across documents by the group scorer (`scope="groups"`).
    """

    name: str
    label: str
    description: str
    #: what n counts ("gold claims", "matched pairs", …)
    unit: str
    family: str
    order: int
    higher_is_better: bool = True
    #: shown as a leaderboard column (all metrics are in the JSON and the report's bars)
    column: bool = True
    count: Callable[[DocumentAlignment], Counts] | None = None
    pair_check: Callable[[AlignedPair, DocumentAlignment], bool | float | None] | None = None
    claim_check: Callable[[Claim, DocumentAlignment], bool | float | None] | None = None
    #: per-document count that, when the denominator is 0 but this is > 0, makes the value
    #: 0.0 instead of undefined (precision with nothing predicted while gold has claims)
    zero_when: Callable[[DocumentAlignment], float] | None = None
    #: key of the per-item result in `ScoreReport.items` (pair_check / claim_check metrics)
    item_key: str | None = None
    scope: Literal["documents", "groups"] = "documents"
    #: which pairs `pair_check` runs on: claim matches, or detection matches (quote spans)
    pairs: Literal["claims", "spans"] = "claims"

    def pairs_of(self, doc: DocumentAlignment) -> list[AlignedPair]:
        return doc.spans if self.pairs == "spans" else doc.pairs

    def passes(self, value: float | None, threshold: float) -> bool:
        """A `--fail-under NAME=X` gate: at least X, or at most X when lower is better."""
        if value is None:
            return False
        return value >= threshold if self.higher_is_better else value <= threshold

    def per_document(self, doc: DocumentAlignment) -> Counts:
        if self.count is not None:
            return self.count(doc)
        results: Sequence[bool | float | None] = ()
        if self.pair_check is not None:
            results = doc.pair_checks.get(self.name, [])
        elif self.claim_check is not None:
            results = doc.claim_checks.get(self.name, [])
        known = [float(r) for r in results if r is not None]
        return sum(known), float(len(known))


METRICS: Registry[Metric] = Registry(
    "metric",
    "verifier.metrics",
    tuple(
        f"verifier.metrics.{m}"
        for m in (
            "detection_f1",
            "detection_precision",
            "detection_recall",
            "claim_f1",
            "claim_precision",
            "claim_recall",
            "attribution_accuracy",
            "certainty_accuracy",
            "type_accuracy",
            "quantity_accuracy",
            "claim_text_quality",
            "text_self_contained",
            "text_decontextualised",
            "text_faithful",
            "grounding_rate",
            "hallucination_rate",
            "group_pair_f1",
            "group_pair_precision",
            "group_pair_recall",
            "group_label_accuracy",
        )
    ),
)


def ordered() -> list[Metric]:
    """Every registered metric in report order (family, then `order`, then name)."""
    fam = {f: i for i, f in enumerate(FAMILIES)}
    return sorted(
        (m for _, m in METRICS.items()),
        key=lambda m: (fam.get(m.family, len(FAMILIES)), m.order, m.name),
    )


def metric_names() -> list[str]:
    return [m.name for m in ordered()]


def get_metric(name: str) -> Metric | None:
    return METRICS.get(name) if name in METRICS else None
