"""`certainty_accuracy`: matched claims hedged as the gold is (asserted/reported/…)."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="certainty_accuracy",
        label="Certainty",
        description="share of matched pairs with equal certainty",
        unit="matched pairs",
        family="fields",
        order=1,
        item_key="certainty_ok",
        pair_check=lambda p, d: p.pred.certainty == p.gold.certainty,
    )
)
