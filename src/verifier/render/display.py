"""Terminal output: rich tables, progress bars and one-line summaries (to stderr).

Everything printed here may contain data from files or models (ids, claim text, file names),
so the consoles never interpret markup or emoji codes, and `printable` turns control
characters (ANSI escapes, carriage returns, bidi overrides) into visible escapes. Styles
come only from our own code, as `Text` styles.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from verifier.schemas import ClaimGroup, ExtractionResult, ExtractionSummary, Verdict

err = Console(stderr=True, markup=False, emoji=False, highlight=False)
out = Console(markup=False, emoji=False, highlight=False)

# C0/C1 controls, DEL, and the Unicode bidi/format controls that reorder or hide text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]"
)
_CONTROL_ONE_LINE = re.compile(_CONTROL.pattern[:-1] + "\n\t]")
#: cells longer than this are cut in terminal tables (the JSON output keeps everything)
MAX_CELL_LINES = 12
#: rows shown per terminal table: drawing costs about 2 ms a row, and nobody reads 10,000
MAX_TABLE_ROWS = 300


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    return {"\n": "\\n", "\t": "\\t"}.get(ch) or (
        f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    )


def printable(value: object, one_line: bool = True) -> str:
    """`value` as text that cannot move the cursor, recolour the terminal or fake a new line."""
    return (_CONTROL_ONE_LINE if one_line else _CONTROL).sub(_escape, str(value))


def cell(value: object, style: str = "") -> Text:
    """A table cell holding data: plain text (never markup), controls escaped, length capped."""
    text = printable(value, one_line=False)
    lines = text.split("\n")
    if len(lines) > MAX_CELL_LINES:
        text = "\n".join([*lines[:MAX_CELL_LINES], f"… and {len(lines) - MAX_CELL_LINES} more"])
    return Text(text, style=style)


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
    rows = [(d, None) for d in result.documents if d.error]
    rows += [(d, c) for d in result.documents for c in d.claims]
    for d, c in rows[:MAX_TABLE_ROWS]:
        if c is None:
            t.add_row(cell(d.doc_id), cell(f"failed: {d.error}", "red"), "", "", "", "")
        else:
            g = c.grounding
            status = (
                Text("yes", style="green")
                if g and g.grounded
                else Text.assemble(("no", "red"), " ", cell("; ".join(g.reasons) if g else ""))
            )
            t.add_row(
                cell(c.id),
                cell(c.text),
                cell(c.attributed_to),
                c.certainty.value,
                c.claim_type.value,
                status,
            )
    _more(t, len(rows), "claims")
    return t


def _more(t: Table, total: int, what: str) -> None:
    """Say, under a capped table, how many rows were left out (they are all in the JSON)."""
    if total > MAX_TABLE_ROWS:
        t.caption = f"… and {total - MAX_TABLE_ROWS} more {what} (all in the JSON: -o or --json)"


def verdicts_table(verdicts: list[Verdict]) -> Table:
    t = Table(title="verdicts")
    for col in ("claim", "verdict", "method", "rationale"):
        t.add_column(col, overflow="fold")
    colour = {"supported": "green", "contradicted": "red", "not_in_source": "yellow"}
    # when the table is capped, the claims that are not supported come first
    rows = (
        verdicts
        if len(verdicts) <= MAX_TABLE_ROWS
        else sorted(verdicts, key=lambda v: v.label.value == "supported")
    )
    for v in rows[:MAX_TABLE_ROWS]:
        t.add_row(
            cell(v.claim_id),
            Text(v.label.value, style=colour[v.label.value]),
            cell(v.method),
            cell(v.rationale),
        )
    _more(t, len(verdicts), "verdicts")
    return t


def groups_table(groups: list[ClaimGroup]) -> Table:
    t = Table(title="across sources")
    for col in ("group", "label", "sources", "members (figure — attribution)", "notes"):
        t.add_column(col, overflow="fold")
    rows = [g for g in groups if len(g.members) > 1 or g.notes]
    for g in rows[:MAX_TABLE_ROWS]:
        shown = g.members[: MAX_CELL_LINES - 1]  # the cell is cut anyway: never join thousands
        members = "\n".join(
            f"{m.claim_id}: {', '.join(m.figures) or '—'} — {m.attributed_to}" for m in shown
        )
        if len(g.members) > len(shown):
            members += f"\n… and {len(g.members) - len(shown)} more members"
        notes = "\n".join(g.notes[: MAX_CELL_LINES - 1])
        if len(g.notes) > MAX_CELL_LINES - 1:
            notes += f"\n… and {len(g.notes) - MAX_CELL_LINES + 1} more notes"
        t.add_row(cell(g.id), g.label.value, str(g.independent_sources), cell(members), cell(notes))
    _more(t, len(rows), "groups")
    return t


def emit_json(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
