"""`claim_text_quality`: how good the text of each detected claim is, apart from detection."""

from verifier.evaluation.claim_text import quality
from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="claim_text_quality",
        label="Text quality",
        description="over detected claims (quote spans matched to gold): the weakest of "
        "self-contained, faithful and the share of the gold's added context it carries",
        unit="detected claims",
        family="claim_text",
        order=0,
        item_key="text_quality",
        pairs="spans",
        pair_check=lambda p, d: quality(p.pred, d.text, p.gold),
    )
)
