"""Errors a user can act on: the CLI prints their message as one line and exits non-zero."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


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
