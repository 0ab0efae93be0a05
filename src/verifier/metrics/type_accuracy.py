"""`type_accuracy`: matched claims of the gold's claim type."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="type_accuracy",
        label="Type",
        description="share of matched pairs with equal claim_type",
        unit="matched pairs",
        family="fields",
        order=2,
        item_key="type_ok",
        pair_check=lambda p, d: p.pred.claim_type == p.gold.claim_type,
    )
)
