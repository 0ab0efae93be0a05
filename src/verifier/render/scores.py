"""Scores for the terminal and for `--json`: metric tables, the leaderboard, a run comparison.

Its own module so the commands that print scores (`score`, `eval`, `leaderboard`, `compare`)
share one rendering, and the CLI holds only argument parsing and dispatch. The HTML report's
renderings are in report.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from verifier.render.display import printable
from verifier.schemas import MetricValue, RunRecord


def metrics_table(rows: Mapping[str, MetricValue], title: str) -> Table:
    """One row per metric: value, 95% CI and n; the caption says how many documents were
    scored and why an interval is missing, so a bare number is never read without its n."""
    t = Table(title=title)
    for col in ("metric", "value", "95% CI", "n"):
        t.add_column(col)
    notes: set[str] = set()
    docs: set[int] = set()
    for name, m in rows.items():
        ci = "" if m.ci_low is None else f"{m.ci_low:.3f}–{m.ci_high:.3f}"
        n = f"{m.n} {m.unit}" if m.unit else str(m.n)
        t.add_row(name, "n/a" if m.value is None else f"{m.value:.3f}", ci, n)
        if m.interval_note:
            notes.add(m.interval_note)
        if m.documents is not None:
            docs.add(m.documents)
    caption = [f"{d} document(s) scored" for d in sorted(docs)] + sorted(notes)
    t.caption = "; ".join(caption) or None
    return t


def metrics_json(metrics: Mapping[str, MetricValue]) -> dict[str, Any]:
    """Metrics flattened for `--json`: each value at the top (easy to read in CI scripts),
    intervals and n under `ci` and `n`."""
    flat: dict[str, Any] = {k: m.value for k, m in metrics.items()}
    flat["ci"] = {k: [m.ci_low, m.ci_high] for k, m in metrics.items()}
    flat["n"] = {k: m.n for k, m in metrics.items()}
    notes = {m.interval_note for m in metrics.values() if m.interval_note}
    docs = {m.documents for m in metrics.values() if m.documents is not None}
    if docs:
        flat["documents"] = max(docs)
    if notes:
        flat["interval_note"] = "; ".join(sorted(notes))
    return flat


def eval_json(results: Sequence[tuple[RunRecord, Path | None]]) -> dict[str, Any]:
    """`eval --json`: one model's metrics at the top level, several under `runs`."""
    payload = [
        {**metrics_json(r.metrics), "model": r.model, "run_record": str(p) if p else None}
        for r, p in results
    ]
    return payload[0] if len(payload) == 1 else {"runs": payload}


def run_summary(run: RunRecord, path: Path | None) -> str:
    """What an eval run cost (calls, cache hits, tokens, time) and where its record went."""
    return (
        f"{run.calls} calls, {run.cache_hits} cache hits, "
        f"{run.prompt_tokens}+{run.completion_tokens} tokens, {run.wall_seconds:.1f} s"
        + (f"; run record {path}" if path else "")
    )


def leaderboard_table(runs: Sequence[RunRecord], rows: Sequence[Mapping[str, Any]]) -> Table:
    """Models as columns, metrics as rows: readable in a narrow terminal, best model first.

    `rows` are `report.leaderboard_rows` of the runs shown; `runs` hold their metrics.
    """
    from verifier.render.report import metric_names  # jinja2 and the registry: only here

    chosen = {r.run_id: r for r in runs}
    t = Table(title="leaderboard (value and 95% CI; best claim_f1 first)")
    t.add_column("metric", no_wrap=True, min_width=12)
    for row in rows:
        mark = " (baseline)" if row.get("baseline") else ""
        when = f"{row['date']} replay" if row["replay"] else row["date"]
        head = f"{row['model']}{mark}\n{row['suite']} · {when}"
        t.add_column(printable(head, one_line=False), no_wrap=True)
    for name in metric_names([chosen[r["run_id"]] for r in rows]):
        cells = []
        for row in rows:
            m = chosen[row["run_id"]].metrics.get(name)
            if m is None or m.value is None:
                cells.append("n/a")
            else:
                ci = f" ({m.ci_low:.2f}–{m.ci_high:.2f})" if m.ci_low is not None else ""
                cells.append(f"{m.value:.3f}{ci}")
        t.add_row(name, *cells)
    t.add_row("tokens", *(str(r["tokens"]) for r in rows))
    t.add_row("calls (cached)", *(f"{r['calls']} ({r['cache_hits']})" for r in rows))
    t.add_row("wall s", *(f"{r['wall_seconds']:.1f}" for r in rows))
    notes = {
        m.interval_note
        for row in rows
        for m in chosen[row["run_id"]].metrics.values()
        if m.interval_note
    }
    caption = ["(baseline): a strategy without a model, the floor to read models against"]
    t.caption = "; ".join(caption + sorted(notes))
    return t


def _f3(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def compare_table(diff: Mapping[str, Any]) -> Table:
    """`evaluation.suites.compare_runs` as A, B and a coloured Δ per metric."""
    t = Table(title=printable(f"{diff['a']} → {diff['b']}"))
    for col in ("metric", "A", "B", "Δ"):
        t.add_column(col)
    for name, m in diff["metrics"].items():
        d = m["delta"]
        colour = "" if not d else "green" if d > 0 else "red"
        t.add_row(
            printable(name), _f3(m["a"]), _f3(m["b"]), Text(f"{d:+.3f}", colour) if d else _f3(d)
        )
    return t


def compare_lines(diff: Mapping[str, Any]) -> list[str]:
    """The gold claims the candidate run found and lost, under the comparison table."""
    return [
        printable(f"gold claims gained: {', '.join(diff['gained']) or 'none'}"),
        printable(f"gold claims lost:   {', '.join(diff['lost']) or 'none'}"),
    ]
