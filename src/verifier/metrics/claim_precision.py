"""`claim_precision`: the share of predicted claims that match a gold claim."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="claim_precision",
        label="Precision",
        description="matched / predicted claims (0.0 when nothing is predicted but gold has "
        "claims)",
        unit="predicted claims",
        family="claims",
        order=1,
        count=lambda d: (len(d.pairs), len(d.pred)),
        zero_when=lambda d: len(d.gold),
    )
)
