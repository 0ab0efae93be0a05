"""Scoring predicted cross-source groups against gold groups: pairwise co-membership
(precision, recall, F1 over claim pairs) and group-label accuracy.

Its own module because groups are scored on other units than claims (pairs of gold claims,
matched groups), with predicted members first mapped to the gold claims they were aligned to
(metrics.py does the alignment and passes the mapping in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from verifier.evaluation.assignment import linear_sum_assignment
from verifier.evaluation.bootstrap import Ratio
from verifier.schemas import ClaimGroup, GoldGroups


def group_ratios(
    pred_groups: Sequence[ClaimGroup] | None,
    gold_groups: GoldGroups | None,
    pred_to_gold: Mapping[tuple[str, str], str],
    gold_doc: Mapping[str, str],
    index: Mapping[str, int],
    known_docs: set[str],
    threshold: float,
) -> tuple[dict[str, Ratio | None], list[str]]:
    """Pairwise co-membership and group-label metrics, with predicted ids mapped to gold ids.

    Predicted group members that were not aligned to a gold claim are dropped (their error
    is already in claim recall/precision); so are members of documents without gold.
    `threshold` is the Jaccard overlap of gold ids at which two groups match.
    """
    if pred_groups is None or gold_groups is None:
        return dict.fromkeys(_GROUP_METRICS), []
    pred_sets, gold_sets, warnings = _member_sets(
        pred_groups, gold_groups, pred_to_gold, gold_doc, known_docs
    )
    out = _pair_ratios(pred_sets, gold_sets, gold_doc, index)
    out["group_label_accuracy"] = _label_ratio(pred_sets, gold_sets, gold_doc, index, threshold)
    return out, warnings


_GROUP_METRICS = (
    "group_pair_precision",
    "group_pair_recall",
    "group_pair_f1",
    "group_label_accuracy",
)
#: a group as the set of gold claim ids of its members, with the group itself (for its label)
_GroupSet = tuple[frozenset[str], Any]


def _member_sets(
    pred_groups: Sequence[ClaimGroup],
    gold_groups: GoldGroups,
    pred_to_gold: Mapping[tuple[str, str], str],
    gold_doc: Mapping[str, str],
    known_docs: set[str],
) -> tuple[list[_GroupSet], list[_GroupSet], list[str]]:
    """Predicted and gold groups as sets of gold claim ids, in a canonical order (member
    ids, then label), so that matching, ties included, never depends on the order of groups
    in a file or of claims in a group. Gold ids that no gold claim has are warned about."""
    warnings: list[str] = []
    # predicted ids are looked up by (doc, id), or by id alone when that is unambiguous
    by_id: dict[str, set[str]] = {}
    for (_, pid), gid in pred_to_gold.items():
        by_id.setdefault(pid, set()).add(gid)

    def to_gold(doc_id: str, claim_id: str) -> str | None:
        if doc_id in known_docs:
            return pred_to_gold.get((doc_id, claim_id))
        ids = by_id.get(claim_id, set())  # member's doc id unknown: trust a unique claim id
        return next(iter(ids)) if len(ids) == 1 else None

    pred_sets: list[_GroupSet] = []
    for g in pred_groups:
        ids = frozenset(x for m in g.members if (x := to_gold(m.doc_id, m.claim_id)) is not None)
        if ids:
            pred_sets.append((ids, g))
    gold_sets: list[_GroupSet] = []
    for gg in gold_groups.groups:
        unknown = [i for i in gg.claim_ids if i not in gold_doc]
        if unknown:
            warnings.append(f"gold group {gg.id}: unknown claim ids {unknown} ignored")
        ids = frozenset(i for i in gg.claim_ids if i in gold_doc)
        if ids:
            gold_sets.append((ids, gg))
    pred_sets.sort(key=lambda x: (sorted(x[0]), x[1].label.value))
    gold_sets.sort(key=lambda x: (sorted(x[0]), x[1].label.value))
    return pred_sets, gold_sets, warnings


def _pairs_of(sets: Iterable[frozenset[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of claims that share a group (sorted within the pair)."""
    out: set[tuple[str, str]] = set()
    for s in sets:
        members = sorted(s)
        out.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    return out


def _pair_ratios(
    pred_sets: Sequence[_GroupSet],
    gold_sets: Sequence[_GroupSet],
    gold_doc: Mapping[str, str],
    index: Mapping[str, int],
) -> dict[str, Ratio | None]:
    """Pair precision, recall and F1 over claim pairs put in one group by gold or prediction."""
    gold_pairs = _pairs_of(s for s, _ in gold_sets)
    pred_pairs = _pairs_of(s for s, _ in pred_sets)
    units = sorted(gold_pairs | pred_pairs)
    da = np.array([index[gold_doc[a]] for a, _ in units], dtype=int)
    db = np.array([index[gold_doc[b]] for _, b in units], dtype=int)

    def pair_weights(draws: np.ndarray) -> np.ndarray:
        # a pair within one document exists once per draw of it; across two, once per combination
        return np.where(da == db, draws[:, da], draws[:, da] * draws[:, db])

    in_gold = np.array([u in gold_pairs for u in units], dtype=float)
    in_pred = np.array([u in pred_pairs for u in units], dtype=float)
    both = in_gold * in_pred
    return {
        "group_pair_precision": Ratio(both, in_pred, pair_weights, alt=in_gold),
        "group_pair_recall": Ratio(both, in_gold, pair_weights),
        "group_pair_f1": Ratio(2 * both, in_pred + in_gold, pair_weights),
    }


def _label_ratio(
    pred_sets: Sequence[_GroupSet],
    gold_sets: Sequence[_GroupSet],
    gold_doc: Mapping[str, str],
    index: Mapping[str, int],
    threshold: float,
) -> Ratio:
    """Group-label accuracy: predicted groups matched one-to-one to gold groups by Jaccard of
    gold ids (at least `threshold`), each match right when the labels agree."""
    matched: list[tuple[float, list[int]]] = []
    if pred_sets and gold_sets:
        jac = np.array([[len(p & g) / len(p | g) for g, _ in gold_sets] for p, _ in pred_sets])
        gated = np.where(jac >= threshold, jac, 0.0)
        rows, cols = linear_sum_assignment(gated, maximize=True)
        for i, j in zip(rows, cols, strict=True):
            if jac[i, j] >= threshold:
                ok = float(pred_sets[i][1].label == gold_sets[j][1].label)
                matched.append((ok, [index[gold_doc[x]] for x in sorted(gold_sets[j][0])]))
    members = [m for _, m in matched]

    def group_weights(draws: np.ndarray) -> np.ndarray:
        # a group's weight is the mean draw count of its members' documents
        if not members:
            return np.zeros((draws.shape[0], 0))
        return np.stack([draws[:, m].mean(axis=1) for m in members], axis=1)

    return Ratio(np.array([ok for ok, _ in matched]), np.ones(len(matched)), group_weights)
