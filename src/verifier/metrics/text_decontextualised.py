"""`text_decontextualised`: the context the annotator added to a quote, carried by the text."""

from verifier.evaluation.claim_text import decontextualised
from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="text_decontextualised",
        label="Context",
        description="over detected claims whose gold text adds words to its quote: the share "
        "of those words the predicted text has",
        unit="detected claims with added context",
        family="claim_text",
        order=2,
        column=False,
        item_key="context",
        pairs="spans",
        pair_check=lambda p, d: decontextualised(p.pred, p.gold),
    )
)
