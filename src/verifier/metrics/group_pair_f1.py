"""`group_pair_f1`: cross-source grouping (computed by the group scorer)."""

from verifier.metrics import METRICS, Metric

METRICS.register(
    Metric(
        name="group_pair_f1",
        label="Group F1",
        description="F1 over unordered pairs of gold claims put in one group",
        unit="gold + predicted same-group pairs",
        family="groups",
        order=0,
        column=True,
        scope="groups",
    )
)
