"""`hallucination_rate`: predicted quotes that are not in the document (lower is better)."""

from verifier.metrics import METRICS, Metric


def _check(claim, doc):  # type: ignore[no-untyped-def]
    from verifier.text.quotes import find_quote

    return None if doc.text is None else find_quote(claim.quote, doc.text) is None


METRICS.register(
    Metric(
        name="hallucination_rate",
        label="Hallucinated",
        description="1 − grounding_rate: share of predicted quotes not found in the document",
        unit="predicted claims with a known document",
        family="grounding",
        order=1,
        higher_is_better=False,
        claim_check=_check,
    )
)
