"""`claim_recall`: the share of gold claims that a predicted claim matches."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="claim_recall",
        label="Recall",
        description="matched / gold claims",
        unit="gold claims",
        family="claims",
        order=2,
        count=lambda d: (len(d.pairs), len(d.gold)),
    )
)
