"""`text_faithful`: predicted claim texts that state nothing their document does not."""

from verifier.evaluation.claim_text import faithful
from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="text_faithful",
        label="Faithful",
        description="share of predicted claims whose numbers and months are in the document "
        "and whose content words mostly are",
        unit="predicted claims with a known document",
        family="claim_text",
        order=3,
        column=False,
        item_key="faithful",
        claim_check=lambda c, d: faithful(c, d.text),
    )
)
