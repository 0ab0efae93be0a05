"""`group_pair_recall`: cross-source grouping (computed by the group scorer)."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="group_pair_recall",
        label="Group R",
        description="gold same-group pairs that the prediction also groups",
        unit="gold same-group pairs",
        family="groups",
        order=2,
        column=False,
        scope="groups",
    )
)
