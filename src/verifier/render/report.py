"""The eval report: eval runs (`RunRecord`s) side by side, as one self-contained HTML file.

Sections: a leaderboard (one row per run), per-metric bars with 95 % CI whiskers (inline
SVG), a per-document table, and for every gold claim whether each run found it and with
which predicted claim. Metric names come from the runs themselves; the metric registry
(`verifier.metrics`) gives their order, labels and direction. Baselines (strategies without a
model) are marked, so every model is read against them. Items (`RunRecord.items`) are read
defensively: the scorer writes
``{"kind": "gold" | "pred" | "document", ...}`` but any dict with a ``gold_id`` is treated as
a gold item, texts are taken from the item (``gold_text``/``pred_text``) or looked up in the
gold claims and the run's predictions, and keys nobody expects are shown as they are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from verifier.evaluation.suites import is_replay
from verifier.metrics import get_metric
from verifier.metrics import metric_names as registered_names
from verifier.render.brief import environment
from verifier.schemas import Claim, DocumentClaims, MetricValue, RunRecord

#: The metric the leaderboard is sorted by, when a run has it.
RANK_METRIC = "claim_f1"


def lower_is_better(name: str) -> bool:
    """From the metric's own definition; unknown metrics are read as higher-is-better."""
    m = get_metric(name)
    return m is not None and not m.higher_is_better


def short_label(name: str) -> str:
    """The metric's own short label (column heading), or its name for unknown metrics."""
    m = get_metric(name)
    return m.label if m else _label(name)


#: Per-document keys that are counts, shown after the rates.
_COUNT_PREFIX = "n_"
#: Item keys with a fixed place in the gold table; other keys are shown as they are.
_KNOWN_ITEM_KEYS = frozenset(
    {"kind", "doc_id", "gold_id", "gold_text", "pred_id", "pred_text", "similarity", "found"}
)


def _ordered(names: Iterable[str]) -> list[str]:
    names = set(names)
    first = [n for n in registered_names() if n in names]
    counts = sorted(n for n in names - set(first) if n.startswith(_COUNT_PREFIX))
    rest = sorted(names - set(first) - set(counts))
    return first + rest + counts


def metric_names(runs: Sequence[RunRecord]) -> list[str]:
    """Every metric any run has, in leaderboard order."""
    return _ordered(k for r in runs for k in r.metrics)


def _date(started_at: str) -> str:
    try:
        dt = datetime.fromisoformat(started_at)
    except ValueError:
        return started_at
    if len(started_at) <= 10:
        return dt.strftime("%Y-%m-%d")
    return dt.strftime("%Y-%m-%d %H:%M")


def _value(m: MetricValue | None) -> float | None:
    if m is None or m.value is None or math.isnan(m.value):
        return None
    return m.value


def _rank_key(run: RunRecord, metric: str | None) -> tuple[int, float]:
    v = _value(run.metrics.get(metric)) if metric else None
    if v is None:
        return (1, 0.0)
    return (0, v if lower_is_better(metric) else -v)


def _rank_metric(runs: Sequence[RunRecord]) -> str | None:
    names = metric_names(runs)
    return RANK_METRIC if RANK_METRIC in names else (names[0] if names else None)


def _sorted(runs: Sequence[RunRecord]) -> list[RunRecord]:
    metric = _rank_metric(runs)
    return sorted(runs, key=lambda r: _rank_key(r, metric))


def leaderboard_rows(runs: Sequence[RunRecord]) -> list[dict[str, Any]]:
    """One flat dict per run, best first (by claim_f1 when present), raw values (None = n/a).

    Keys, in order: run_id, model, strategy, baseline, replay, suite, date, started_at, then every
    metric name from `metric_names` (its point value), then prompt_tokens, completion_tokens,
    tokens, cost_usd, wall_seconds, calls, cache_hits.
    """
    names = metric_names(runs)
    rows = []
    for r in _sorted(runs):
        row: dict[str, Any] = {
            "run_id": r.run_id,
            "model": r.model,
            "strategy": r.strategy,
            "baseline": r.baseline,
            "replay": is_replay(r),
            "suite": r.suite,
            "date": _date(r.started_at),
            "started_at": r.started_at,
        }
        for n in names:
            row[n] = _value(r.metrics.get(n))
        row.update(
            prompt_tokens=r.prompt_tokens,
            completion_tokens=r.completion_tokens,
            tokens=r.prompt_tokens + r.completion_tokens,
            cost_usd=r.cost_usd,
            wall_seconds=r.wall_seconds,
            calls=r.calls,
            cache_hits=r.cache_hits,
        )
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- formatting


def _f3(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _label(name: str) -> str:
    return name.replace("_", " ")


def _cost(v: float | None) -> str:
    return "—" if v is None else f"${v:.4f}"


def _scalar(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if isinstance(v, float):
        return f"{v:.3f}" if not v.is_integer() or abs(v) < 1 else f"{v:,.0f}"
    return str(v)


# --------------------------------------------------------------------------- view models


def _best(runs: Sequence[RunRecord], names: list[str]) -> dict[str, float]:
    best: dict[str, float] = {}
    for n in names:
        vals = [v for r in runs if (v := _value(r.metrics.get(n))) is not None]
        if len(vals) > 1:
            best[n] = min(vals) if lower_is_better(n) else max(vals)
    return best


def _interval_title(m: MetricValue | None) -> str:
    """n with its unit, the interval, and why there is none or why it is coarse."""
    if m is None:
        return "not measured"
    n = f"n={m.n}" + (f" {m.unit}" if m.unit else "")
    if m.documents is not None:
        n += f", {m.documents} document{'s' if m.documents != 1 else ''}"
    parts = [n]
    if m.ci_low is not None and m.ci_high is not None:
        parts.append(f"95% CI {m.ci_low:.3f}–{m.ci_high:.3f}")
    if m.interval_note:
        parts.append(m.interval_note)
    return "; ".join(parts)


def _leaderboard(runs: list[RunRecord], names: list[str]) -> list[dict[str, Any]]:
    best = _best(runs, names)
    out = []
    for rank, (r, row) in enumerate(zip(runs, leaderboard_rows(runs), strict=True), 1):
        cells = []
        for n in names:
            m = r.metrics.get(n)
            v = row[n]
            ci = _interval_title(m)
            cells.append(
                {
                    "text": _f3(v),
                    "title": ci,
                    "best": v is not None and n in best and math.isclose(v, best[n]),
                }
            )
        out.append(
            {
                "rank": rank,
                "anchor": f"run-{rank}",
                "model": r.model,
                "baseline": r.baseline,
                "suite": r.suite,
                "date": row["date"],
                "run_id": r.run_id,
                "cells": cells,
                "tokens": f"{row['tokens']:,}",
                "token_title": f"{r.prompt_tokens:,} prompt + {r.completion_tokens:,} completion",
                "cost": _cost(r.cost_usd),
                "wall": f"{r.wall_seconds:.1f} s",
            }
        )
    return out


def _metric_charts(runs: list[RunRecord], names: list[str]) -> list[dict[str, Any]]:
    label_w, bar_w, row_h, top = 150, 170, 24, 6
    charts = []
    for n in names:
        ms = [r.metrics.get(n) for r in runs]
        seen = [x for m in ms if m for x in (m.value, m.ci_low, m.ci_high) if x is not None]
        scale = max([1.0, *seen])

        def x(v: float, scale: float = scale) -> float:
            return round(label_w + max(0.0, min(v, scale)) / scale * bar_w, 1)

        rows = []
        for i, (r, m) in enumerate(zip(runs, ms, strict=True)):
            y = top + i * row_h
            v = _value(m)
            row: dict[str, Any] = {
                "y": y,
                "model": r.model,
                "value": v,
                "text": _f3(v),
                "bar_w": round(x(v) - label_w, 1) if v is not None else 0,
                "whisker": None,
            }
            label = r.model if len(r.model) <= 20 else r.model[:19] + "…"
            row["label"] = label
            if m and m.ci_low is not None and m.ci_high is not None:
                row["whisker"] = {
                    "x1": x(m.ci_low),
                    "x2": x(m.ci_high),
                    "ci": f"{m.ci_low:.3f}–{m.ci_high:.3f}",
                }
            row["value_x"] = (
                max(x(v), row["whisker"]["x2"] if row["whisker"] else 0) + 6
                if v is not None
                else label_w + 6
            )
            rows.append(row)
        charts.append(
            {
                "name": n,
                "label": _label(n),
                "lower_better": lower_is_better(n),
                "rows": rows,
                "height": top * 2 + len(runs) * row_h,
                "width": label_w + bar_w + 50,
                "label_w": label_w,
                "bar_w": bar_w,
                "scale": scale,
                "scale_text": f"{scale:g}",
            }
        )
    return charts


def _doc_status(run: RunRecord) -> dict[str, str]:
    out = {}
    for it in run.items:
        if it.get("kind") == "document" and it.get("doc_id"):
            status = str(it.get("status") or "")
            if it.get("error"):
                status += f": {it['error']}"
            out[str(it["doc_id"])] = status
    return out


def _documents(runs: list[RunRecord]) -> dict[str, Any]:
    keys = _ordered(k for r in runs for d in r.per_document.values() for k in d)
    statuses = [_doc_status(r) for r in runs]
    doc_ids = sorted({d for r in runs for d in r.per_document} | {d for s in statuses for d in s})
    docs = []
    for d in doc_ids:
        rows = []
        for r, st in zip(runs, statuses, strict=True):
            vals = r.per_document.get(d)
            if vals is None and d not in st:
                continue
            rows.append(
                {
                    "model": r.model,
                    "status": st.get(d, ""),
                    "cells": [_scalar((vals or {}).get(k)) for k in keys],
                }
            )
        docs.append({"doc_id": d, "rows": rows})
    return {"keys": [_label(k) for k in keys], "docs": docs}


def _is_gold_item(it: Mapping[str, Any]) -> bool:
    kind = it.get("kind")
    if kind is not None:
        return kind == "gold"
    return it.get("gold_id") is not None


def _claims_by_id(docs: Iterable[DocumentClaims]) -> dict[tuple[str, str], Claim]:
    return {(d.doc_id, c.id): c for d in docs for c in d.claims}


def _lookup(index: Mapping[tuple[str, str], Claim], doc_id: Any, claim_id: Any) -> Claim | None:
    if claim_id is None:
        return None
    if (str(doc_id), str(claim_id)) in index:
        return index[(str(doc_id), str(claim_id))]
    hits = [c for (_, cid), c in index.items() if cid == claim_id]
    return hits[0] if len(hits) == 1 else None


def _checks(it: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for k, v in it.items():
        if k.endswith("_ok") and isinstance(v, bool):
            out.append({"name": _label(k[:-3]), "ok": v})
    return out


def _extras(it: Mapping[str, Any]) -> list[str]:
    return [
        f"{_label(k)}: {_scalar(v)}"
        for k, v in it.items()
        if k not in _KNOWN_ITEM_KEYS
        and not (k.endswith("_ok") and isinstance(v, bool))
        and v is not None
    ]


def _gold_table(runs: list[RunRecord], gold: Mapping[str, DocumentClaims] | None) -> dict[str, Any]:
    gold_index = _claims_by_id((gold or {}).values())
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for (doc_id, gid), c in gold_index.items():
        rows[(doc_id, gid)] = {
            "doc_id": doc_id,
            "gold_id": gid,
            "text": c.text,
            "sub": f"{c.attributed_to} · {c.certainty.value}",
            "cells": {},
        }
    unmatched: list[dict[str, Any]] = []
    for k, r in enumerate(runs):
        pred_index = _claims_by_id(r.predictions)
        lost = []
        for it in r.items:
            if it.get("kind") == "pred" and it.get("gold_id") is None:
                p = _lookup(pred_index, it.get("doc_id"), it.get("pred_id"))
                lost.append(
                    {
                        "doc_id": it.get("doc_id"),
                        "pred_id": it.get("pred_id"),
                        "text": it.get("pred_text") or (p.text if p else None),
                        "extras": _extras(it),
                    }
                )
            if not _is_gold_item(it):
                continue
            doc_id, gid = str(it.get("doc_id", "")), str(it.get("gold_id"))
            g = _lookup(gold_index, doc_id, gid)
            key = (g.doc_id, g.id) if g else (doc_id, gid)
            row = rows.setdefault(
                key, {"doc_id": doc_id, "gold_id": gid, "text": None, "sub": None, "cells": {}}
            )
            if not row["text"]:
                row["text"] = it.get("gold_text")
            pred_id = it.get("pred_id")
            found = it.get("found")
            if found is None:
                found = pred_id is not None
            p = _lookup(pred_index, doc_id, pred_id)
            sim = it.get("similarity")
            row["cells"][k] = {
                "found": bool(found),
                "pred_id": pred_id,
                "pred_text": it.get("pred_text") or (p.text if p else None),
                "similarity": f"{sim:.2f}" if isinstance(sim, int | float) else None,
                "checks": _checks(it),
                "extras": _extras(it),
            }
        unmatched.append(
            {"model": r.model, "anchor": f"run-{k + 1}", "items": lost, "failed": r.failed_items}
        )
    ordered = sorted(rows.values(), key=lambda x: (x["doc_id"], x["gold_id"]))
    table = [{**row, "cells": [row["cells"].get(k) for k in range(len(runs))]} for row in ordered]
    found = [
        sum(1 for row in table if row["cells"][k] and row["cells"][k]["found"])
        for k in range(len(runs))
    ]
    return {"rows": table, "found": found, "total": len(table), "unmatched": unmatched}


def _details(runs: list[RunRecord]) -> list[dict[str, Any]]:
    return [
        {
            "anchor": f"run-{k}",
            "model": r.model,
            "run_id": r.run_id,
            "suite": r.suite,
            "started_at": r.started_at,
            "git": r.git_revision,
            "calls": r.calls,
            "cache_hits": r.cache_hits,
            "config": sorted((str(a), str(b)) for a, b in r.config.items()),
            "prompts": sorted(r.prompt_versions.items()),
            "schema": r.schema_version,
        }
        for k, r in enumerate(runs, 1)
    ]


def report_html(runs: list[RunRecord], gold: dict[str, DocumentClaims] | None = None) -> str:
    """The eval report as one self-contained HTML page (no script, no external resources)."""
    ordered = _sorted(runs)
    names = metric_names(ordered)
    ctx = {
        "runs": ordered,
        "suites": sorted({r.suite for r in ordered}),
        "names": [
            {
                "name": n,
                "label": _label(n),
                "short": short_label(n),
                "lower_better": lower_is_better(n),
            }
            for n in names
        ],
        "rank_metric": _label(_rank_metric(ordered) or ""),
        "leaderboard": _leaderboard(ordered, names),
        "charts": _metric_charts(ordered, names),
        "documents": _documents(ordered),
        "gold": _gold_table(ordered, gold),
        "models": [r.model for r in ordered],
        "details": _details(ordered),
    }
    return environment().get_template("report.html.j2").render(**ctx)
