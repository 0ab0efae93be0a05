"""Where a command's result goes: a file (atomically), JSON on stdout, or tables and
one-line summaries on the terminal; and the listings of registered strategies and suites.

Its own module so the CLI holds only argument parsing and dispatch; the tables themselves are
in display.py (pipeline stages) and scores.py (metrics).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from verifier.render.display import emit_json, err, out, printable
from verifier.schemas import Brief, Document, VerificationResult


def deliver(obj: BaseModel, output: Path | None, as_json: bool, *tables: Any) -> None:
    """JSON to a file (atomically) or stdout; tables to the terminal otherwise.

    Piped stdout gets the JSON even without --json: a table is no use to a program.
    """
    from verifier.fileio import dump_model, write_atomic

    text = dump_model(obj)
    if output is not None:
        write_atomic(output, text)
    if as_json or (output is None and not out.is_terminal):
        emit_json(text)
        return
    for t in tables:
        out.print(t)
    if output is not None:
        out.print(f"wrote {printable(output)}")


def emit_brief(brief: Brief, output: Path | None, documents: Mapping[str, Document]) -> None:
    """The brief in the format `output`'s suffix names (Markdown on stdout without one), then
    its check results in one line on stderr, so a reader sees them whatever the format."""
    from verifier.fileio import write_atomic
    from verifier.render.brief import brief_text

    suffix = output.suffix.lower() if output else ".md"
    text = brief_text(brief, suffix, {k: d.text for k, d in documents.items()})
    if output is None:
        emit_json(text)
    else:
        write_atomic(output, text)
        err.print(f"wrote {printable(output)}")
    v = brief.verification
    flags = ", ".join(f"{k} {n}" for k, n in v.flags.items()) or "none"
    err.print(
        f"brief: {v.sentences} sentences, {v.supported} supported ({v.share_supported:.0%}), "
        f"flags: {flags}",
        highlight=False,
    )


def verify_summary(result: VerificationResult) -> list[str]:
    """Counts per verdict and group label, and how many claims their source does not
    support (a line only when there are some), for stderr under the tables."""
    verdicts = result.verdicts
    lines = [", ".join(f"{k}: {v}" for k, v in result.counts.items())]
    unsupported = sum(v.label.value != "supported" for v in verdicts)
    if unsupported:
        lines.append(f"{unsupported} of {len(verdicts)} claims not supported by their source")
    return lines


def strategy_lines(model: str) -> list[str]:
    """`verifier strategies`: every extraction and brief strategy (built-in and plugins),
    marking the defaults for `model` and the baselines that need no model."""
    from verifier.briefing import BRIEF_STRATEGIES, default_brief_strategy
    from verifier.strategies import STRATEGIES, default_strategy

    lines = []
    for name, strat in STRATEGIES.items():
        tags = [
            t
            for t, on in (
                (f"default for {model}", name == default_strategy(model)),
                ("baseline, no model", not strat.needs_model),
            )
            if on
        ]
        lines.append(f"{name:<14} {strat.description}" + (f" [{', '.join(tags)}]" if tags else ""))
    lines.append("brief strategies (--brief-strategy):")
    for name, bs in BRIEF_STRATEGIES.items():
        tag = f" [default for {model}]" if name == default_brief_strategy(model) else ""
        lines.append(f"{name:<14} {bs.description}{tag}")
    return lines


def suite_lines() -> list[str]:
    """`verifier suites`: every registered suite, its description and file; the default marked."""
    from verifier.suites import DEFAULT_SUITE, SUITES

    lines = []
    for name, src in SUITES.items():
        tag = " [default]" if name == DEFAULT_SUITE else ""
        lines.append(f"{name:<14} {src.description}{tag} ({src.path})")
    return lines
