"""`group_label_accuracy`: cross-source grouping (computed by the group scorer)."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="group_label_accuracy",
        label="Group label",
        description="share of matched groups (Jaccard ≥ 0.5) with the gold label",
        unit="matched groups",
        family="groups",
        order=3,
        column=True,
        scope="groups",
    )
)
