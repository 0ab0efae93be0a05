"""Suites: a YAML file plus its data (documents, gold, cassettes), by name (one file per suite).

`verifier eval --suite NAME` looks the name up here; `--suite FILE` takes any suite file. A
third-party package adds suites through the `verifier.suites` entry-point group, whose object
is a `SuiteSource` or a module that calls `SUITES.register(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verifier.errors import InputError
from verifier.registry import Registry


@dataclass(frozen=True)
class SuiteSource:
    """Where a named suite's YAML file is; its data paths are relative to that file."""

    name: str
    path: Path
    description: str = ""


SUITES: Registry[SuiteSource] = Registry("suite", "verifier.suites", ("verifier.suites.seeds",))

DEFAULT_SUITE = "seeds"


def suite_file(name_or_path: str | Path | None = None) -> Path:
    """The suite file for a registered name or a path; the default suite when None."""
    if name_or_path is None:
        return SUITES.get(DEFAULT_SUITE).path
    text = str(name_or_path)
    if isinstance(name_or_path, str) and name_or_path in SUITES:
        return SUITES.get(name_or_path).path
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return path
    known = ", ".join(SUITES.names())
    raise InputError(f"{text}: neither a suite file nor a known suite (known: {known})")
