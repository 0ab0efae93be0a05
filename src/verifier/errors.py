"""Errors a user can act on: the CLI prints their message as one line and exits non-zero."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

    from verifier.schemas import CallRecord


class VerifierError(Exception):
    """Base for every expected failure; anything else is a bug and gets a traceback."""

    exit_code = 1


class InputError(VerifierError):
    """A file the user gave us cannot be used (missing, empty, binary, malformed)."""

    exit_code = 2


class ConfigError(VerifierError):
    """Settings, model names or the local model installation are wrong."""

    exit_code = 2


class OfflineMiss(VerifierError):
    """--offline was asked for and an answer is neither cached nor recorded."""

    exit_code = 3


class ModelCallError(VerifierError):
    """The model provider failed for good (after transport retries)."""

    exit_code = 4


class LocalServerError(VerifierError):
    """The embedded llama.cpp server died or never came up: fatal for the run, never retried."""

    exit_code = 4


class ModelOutputError(VerifierError):
    """The model answered, but not with something we can parse, even after re-asks."""

    exit_code = 4


class IncompleteRun(VerifierError):
    """Documents or model calls were lost for good: the output says which, this says how many."""

    exit_code = 4


class GateFailed(VerifierError):
    """A --fail-under threshold was not met."""

    exit_code = 5


def first_validation_error(err: ValidationError) -> str:
    """The first problem pydantic found, in one line: `where: what (and N more)`."""
    e = err.errors()[0]
    where = ".".join(str(p) for p in e["loc"]) or "top level"
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{where}: {e['msg']}{more}"


def raise_if_incomplete(calls: Sequence[CallRecord], failed_docs: int = 0, docs: int = 0) -> None:
    """Raise IncompleteRun when documents or model calls were lost, after logging the first
    few lost calls. Called once the output is written: it names every reason, this the count."""
    lost = [c for c in calls if c.error]
    if not lost and not failed_docs:
        return
    parts = [f"{failed_docs} of {docs} documents failed"] if failed_docs else []
    if lost:
        parts.append(f"{len(lost)} of {len(calls)} model calls failed")
    log = logging.getLogger("verifier")
    for c in lost[:5]:
        error = c.error or ""  # set on every lost call
        log.warning("%s", error if error.startswith(c.label) else f"{c.label}: {error}")
    raise IncompleteRun(f"incomplete run: {', '.join(parts)} (every reason is in the output)")
