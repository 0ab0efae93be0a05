"""`group_pair_precision`: cross-source grouping (computed by the group scorer)."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="group_pair_precision",
        label="Group P",
        description="predicted same-group pairs that gold also groups",
        unit="predicted same-group pairs",
        family="groups",
        order=1,
        column=False,
        scope="groups",
    )
)
