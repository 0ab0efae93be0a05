"""`detection_precision`: the share of predicted quotes that cover a gold claim's quote."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="detection_precision",
        label="Detect P",
        description="matched spans / predicted claims (0.0 when nothing is predicted but gold "
        "has claims)",
        unit="predicted claims",
        family="detection",
        order=1,
        column=False,
        count=lambda d: (len(d.spans), len(d.pred)),
        zero_when=lambda d: len(d.gold),
    )
)
