"""Group metrics: order-invariant matching, and `verifier score` reading predicted groups."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.evaluation.metrics import score
from verifier.pipeline.claimfiles import load_predictions
from verifier.schemas import (
    Certainty,
    ClaimGroup,
    GoldGroup,
    GoldGroups,
    GroupLabel,
    GroupMember,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = load_predictions(ROOT / "evals" / "gold")
TEXTS = {k: (ROOT / "seeds" / f"{k}.txt").read_text(encoding="utf-8") for k in GOLD}
IDS = sorted(c.id for d in GOLD.values() for c in d.claims)
A, B, C, D = (
    "000_547a94a2ab0e37c5:g01",
    "001_666ac56010d34003:g03",
    "001_666ac56010d34003:g08",
    "002_f8d432a874d9319b:g01",
)


def pred(gid: str, label: GroupLabel, ids: list[str]) -> ClaimGroup:
    members = [
        GroupMember(claim_id=i, doc_id=i.split(":")[0], attributed_to="x",
                    certainty=Certainty.reported, source_key="x")
        for i in ids
    ]  # fmt: skip
    return ClaimGroup(id=gid, proposition="p", label=label, members=members, independent_sources=2)


# Two overlapping gold groups (as evals/gold/groups.json had before issue 11) and one
# predicted group whose Jaccard overlap with each is 2/3: a tie. By hand: {A,B,C} vs {A,B}
# is 2/3 and vs {A,C} is 2/3; the predicted label equals the first gold group's only.
GOLD_GROUPS = [
    GoldGroup(id="G1", proposition="p", claim_ids=[A, B], label=GroupLabel.corroborated),
    GoldGroup(id="G2", proposition="q", claim_ids=[A, C], label=GroupLabel.contested),
]
PRED = [pred("grp-001", GroupLabel.corroborated, [A, B, C]),
        pred("grp-002", GroupLabel.single_source, [D])]  # fmt: skip


def metrics(pred_groups: list[ClaimGroup], gold_groups: list[GoldGroup]) -> dict:
    r = score(GOLD, GOLD, TEXTS, pred_groups, GoldGroups(groups=gold_groups), resamples=5)
    return {k: v.value for k, v in r.metrics.items() if k.startswith("group_")}


def _shuffled(rnd: random.Random) -> tuple[list[ClaimGroup], list[GoldGroup]]:
    p = [g.model_copy(update={"members": rnd.sample(g.members, len(g.members))}) for g in PRED]
    g = [x.model_copy(update={"claim_ids": rnd.sample(x.claim_ids, len(x.claim_ids))})
         for x in GOLD_GROUPS]  # fmt: skip
    return rnd.sample(p, len(p)), rnd.sample(g, len(g))


def test_pair_metrics_by_hand() -> None:
    m = metrics(PRED, GOLD_GROUPS)
    # Gold pairs {AB, AC}; predicted pairs {AB, AC, BC}: precision 2/3, recall 1, F1 0.8.
    assert m["group_pair_precision"] == 2 / 3
    assert m["group_pair_recall"] == 1.0
    assert abs(m["group_pair_f1"] - 0.8) < 1e-9


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False))
def test_group_metrics_do_not_depend_on_order(rnd: random.Random) -> None:
    expected = metrics(PRED, GOLD_GROUPS)
    p, g = _shuffled(rnd)
    assert metrics(p, g) == expected


def test_score_cli_reads_groups_from_a_verify_output(tmp_path: Path) -> None:
    out = tmp_path / "v.json"
    run = [sys.executable, "-m", "verifier"]
    r = subprocess.run([*run, "verify", "--no-llm", "seeds", "--claims", "evals/gold",
                        "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*run, "score", "--pred", "evals/gold", "--gold", "evals/gold",
                        "--docs", "seeds", "--groups", str(out), "--json"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    # With groups, the group metrics are numbers, not n/a.
    for name in ("group_pair_f1", "group_pair_precision", "group_pair_recall",
                 "group_label_accuracy"):
        assert isinstance(data[name], float), name
    # Without --groups they stay undefined (claims alone carry no grouping).
    r = subprocess.run([*run, "score", "--pred", "evals/gold", "--gold", "evals/gold",
                        "--docs", "seeds", "--json"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert json.loads(r.stdout)["group_pair_f1"] is None


def test_score_cli_refuses_a_file_without_groups(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"verdicts": []}', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "verifier", "score", "--pred", "evals/gold",
                        "--gold", "evals/gold", "--docs", "seeds", "--groups", str(bad)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode != 0
    assert "x.json" in r.stderr and "groups" in r.stderr
    assert "Traceback" not in r.stderr
