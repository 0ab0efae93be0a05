"""`grounding_rate`: predicted quotes that are really in the document."""

from verifier.metrics import METRICS, Metric


def _check(claim, doc):  # type: ignore[no-untyped-def]
    from verifier.text.quotes import find_quote

    return None if doc.text is None else find_quote(claim.quote, doc.text) is not None


METRICS.register(
    Metric(
        name="grounding_rate",
        label="Grounded",
        description="share of predicted claims whose quote is found in the document (exact, "
        "normalised or fuzzy ≥ 90)",
        unit="predicted claims with a known document",
        family="grounding",
        order=0,
        item_key="grounded",
        claim_check=_check,
    )
)
