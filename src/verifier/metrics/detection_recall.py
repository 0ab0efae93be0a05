"""`detection_recall`: the share of gold claims whose quote a predicted quote covers."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="detection_recall",
        label="Detect R",
        description="matched spans / gold claims",
        unit="gold claims",
        family="detection",
        order=2,
        column=False,
        count=lambda d: (len(d.spans), len(d.gold)),
    )
)
