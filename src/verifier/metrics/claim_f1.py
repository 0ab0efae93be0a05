"""`claim_f1`: claims found on the proposition (same quote and same statement), F1."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="claim_f1",
        label="Claim F1",
        description="2·matched / (predicted + gold claims); a match quotes the same evidence "
        "and states the same proposition (numbers, dates, negation agree)",
        unit="predicted + gold claims",
        family="claims",
        order=0,
        count=lambda d: (2 * len(d.pairs), len(d.pred) + len(d.gold)),
    )
)
