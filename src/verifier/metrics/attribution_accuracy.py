"""`attribution_accuracy`: matched claims whose `attributed_to` names the gold's source."""

from verifier.evaluation.attribution import equivalent
from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="attribution_accuracy",
        label="Attribution",
        description="share of matched pairs whose attributions name the same source (own "
        "voice one class; acronyms; no one-word fragments)",
        unit="matched pairs",
        family="fields",
        order=0,
        item_key="attribution_ok",
        pair_check=lambda p, d: equivalent(p.pred.attributed_to, p.gold.attributed_to, d.outlet),
    )
)
