"""`text_self_contained`: predicted claim texts that read without the article's context."""

from verifier.evaluation.claim_text import self_contained
from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="text_self_contained",
        label="Self-contained",
        description="share of predicted claims whose text opens with no pronoun or "
        "demonstrative and names no 'this' thing or relative day",
        unit="predicted claims",
        family="claim_text",
        order=1,
        column=False,
        item_key="self_contained",
        claim_check=lambda c, d: self_contained(c.text),
    )
)
