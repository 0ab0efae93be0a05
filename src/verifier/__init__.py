"""verifier: attribution-aware claim extraction, verification, briefs and benchmarks.

The public API (each name is loaded on first use, so `import verifier` stays fast)::

    load_settings, Settings        one configuration: flags/overrides > VERIFIER_* > config file
    load_documents, load_claims    articles; claims files (extract output, gold, run records)
    get_model                      a model gateway (cache, cassettes, retries)
    extract, verify, group         pipeline stages; `verify` without a model = deterministic checks
    run_extract, run_verify        the same with a gateway of their own (as the CLI runs them)
    write_brief, check_brief       the brief and its checks; `run_brief` runs the whole pipeline
    load_suite, evaluate, score    benchmark a model (or strategy) on a suite; score predictions
    save_run                       write a run record
    STRATEGIES, SUITES             registries (extend with one file or an entry point)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "STRATEGIES",
    "SUITES",
    "Settings",
    "VerifierError",
    "__version__",
    "check_brief",
    "evaluate",
    "extract",
    "get_model",
    "group",
    "load_claims",
    "load_documents",
    "load_settings",
    "load_suite",
    "run_brief",
    "run_extract",
    "run_verify",
    "save_run",
    "score",
    "verify",
    "write_brief",
]
_ELSEWHERE = {
    "Settings": "verifier.settings",
    "STRATEGIES": "verifier.strategies",
    "SUITES": "verifier.suites",
    "VerifierError": "verifier.errors",
}

if TYPE_CHECKING:
    from verifier.api import (
        check_brief,
        evaluate,
        extract,
        get_model,
        group,
        load_claims,
        load_documents,
        load_settings,
        load_suite,
        run_brief,
        run_extract,
        run_verify,
        save_run,
        score,
        verify,
        write_brief,
    )
    from verifier.errors import VerifierError
    from verifier.settings import Settings
    from verifier.strategies import STRATEGIES
    from verifier.suites import SUITES


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'verifier' has no attribute {name!r}")
    value = getattr(importlib.import_module(_ELSEWHERE.get(name, "verifier.api")), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
