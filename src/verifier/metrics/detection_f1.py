"""`detection_f1`: which spans of the article are claims, whatever the claim text says."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="detection_f1",
        label="Detect F1",
        description="2·matched spans / (predicted + gold claims); a span matches a gold quote "
        "at overlap over union ≥ DETECTION_THRESHOLD, one-to-one",
        unit="predicted + gold claims",
        family="detection",
        order=0,
        count=lambda d: (2 * len(d.spans), len(d.pred) + len(d.gold)),
    )
)
