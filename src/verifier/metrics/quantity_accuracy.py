"""`quantity_accuracy`: matched claims whose quantities give the gold's intervals."""

from verifier.metrics import METRICS, Metric


def _check(pair, doc):  # type: ignore[no-untyped-def]
    from verifier.evaluation.metrics import quantities_match

    return quantities_match(pair.pred.quantities, pair.gold.quantities)


METRICS.register(
    Metric(
        name="quantity_accuracy",
        label="Quantity",
        description="share of matched pairs whose gold has quantities where every gold "
        "quantity is matched by a distinct predicted one (equal bounds)",
        unit="matched pairs with gold quantities",
        family="fields",
        order=3,
        item_key="quantity_ok",
        pair_check=_check,
    )
)
