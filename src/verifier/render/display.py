"""Terminal output: rich tables, progress bars and one-line summaries (to stderr)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from verifier.schemas import ClaimGroup, ExtractionResult, ExtractionSummary, Verdict

err = Console(stderr=True)
out = Console()


@contextlib.contextmanager
def progress(description: str, total: int) -> Iterator[Any]:
    """A progress bar on stderr (hidden when stderr is not a terminal); yields `advance()`."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda *_: bar.advance(task)


def summary_line(s: ExtractionSummary) -> str:
    cost = f", ${s.cost_usd:.4f}" if s.cost_usd else ""
    failed = f", {s.failed_documents} documents failed" if s.failed_documents else ""
    return (
        f"{s.documents} documents, {s.claims} claims: {s.grounded} grounded, {s.reasked} re-asked, "
        f"{s.ungrounded} ungrounded{failed} | {s.calls} calls, {s.cache_hits} cache hits, "
        f"{s.prompt_tokens}+{s.completion_tokens} tokens{cost} | {s.seconds:.1f} s"
    )


def claims_table(result: ExtractionResult) -> Table:
    t = Table(title=f"claims ({result.model})", show_lines=False)
    for col in ("id", "claim", "attributed to", "certainty", "type", "grounded"):
        t.add_column(col, overflow="fold")
    for d in result.documents:
        if d.error:
            t.add_row(d.doc_id, f"[red]failed: {d.error}[/red]", "", "", "", "")
        for c in d.claims:
            g = c.grounding
            status = (
                "[green]yes[/green]"
                if g and g.grounded
                else f"[red]no[/red] {'; '.join(g.reasons) if g else ''}"
            )
            t.add_row(c.id, c.text, c.attributed_to, c.certainty.value, c.claim_type.value, status)
    return t


def verdicts_table(verdicts: list[Verdict]) -> Table:
    t = Table(title="verdicts")
    for col in ("claim", "verdict", "method", "rationale"):
        t.add_column(col, overflow="fold")
    colour = {"supported": "green", "contradicted": "red", "not_in_source": "yellow"}
    for v in verdicts:
        t.add_row(v.claim_id, f"[{colour[v.label.value]}]{v.label.value}[/]", v.method, v.rationale)
    return t


def groups_table(groups: list[ClaimGroup]) -> Table:
    t = Table(title="across sources")
    for col in ("group", "label", "sources", "members (figure — attribution)", "notes"):
        t.add_column(col, overflow="fold")
    for g in groups:
        if len(g.members) < 2 and not g.notes:
            continue
        members = "\n".join(
            f"{m.claim_id}: {', '.join(m.figures) or '—'} — {m.attributed_to}" for m in g.members
        )
        t.add_row(g.id, g.label.value, str(g.independent_sources), members, "\n".join(g.notes))
    return t


def emit_json(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
