"""The `verifier` command line.

Start-up matters: nothing heavy (litellm, instructor, scipy) is imported at module level,
so `verifier --help` and every command that makes no model call stay fast.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from verifier.errors import VerifierError

app = typer.Typer(
    help="Attribution-aware claim extraction, verification, neutral briefs and model benchmarks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
cache_app = typer.Typer(help="Inspect or clear the response cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

log = logging.getLogger("verifier")


@dataclass
class State:
    overrides: dict[str, Any] = field(default_factory=dict)
    verbose: bool = False

    def settings(self, **extra: Any):  # type: ignore[no-untyped-def]
        from verifier.settings import Settings

        return Settings(**{**self.overrides, **{k: v for k, v in extra.items() if v is not None}})


state = State()


@app.callback()
def _global(
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="litellm model string, or local / local:gemma3-270m")
    ] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="response cache folder")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="answers only from cache or cassette; no network")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="neither read nor write the cache")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="ignore cached answers, store new ones")] = False,
    cassette: Annotated[
        Path | None, typer.Option(help="replay model HTTP from this vcrpy cassette")
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="with --cassette: call the model and re-record the cassette")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="debug logs and tracebacks")] = False,
) -> None:
    overrides: dict[str, Any] = {}
    if model:
        overrides["model"] = model
    if cache_dir:
        overrides["cache_dir"] = cache_dir
    if offline:
        overrides["offline"] = True
    if no_cache:
        overrides["cache"] = False
    if refresh or record:
        overrides["refresh"] = True  # a recording must see every request
    if cassette:
        overrides["cassette"] = cassette
    if record:
        if not cassette:
            raise typer.BadParameter("--record needs --cassette PATH")
        overrides["record"] = True
    state.overrides = overrides
    state.verbose = verbose
    _setup_logging(verbose)
    if offline:
        from verifier.netguard import forbid_network

        forbid_network()


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s" if verbose else "%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.propagate = False


# --------------------------------------------------------------------- foundation
@app.command()
def serve(
    model: Annotated[str, typer.Argument(help="local, local:smollm2-135m or local:gemma3-270m")] = "local",
) -> None:
    """Run the embedded llama.cpp server in the foreground, for reuse by many commands."""
    from verifier.local_model import resolve_local, running_server

    settings = state.settings()
    lm = resolve_local(model)
    typer.echo(f"serving {lm.alias} ({lm.description}) on http://{settings.local_host}:{settings.local_port}/v1",
               err=True)  # fmt: skip
    try:
        with running_server(lm, settings, foreground=True):
            pass
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)


@app.command()
def models() -> None:
    """What is configured, what is available locally, and which provider keys are set."""
    from verifier.model_info import describe_models

    describe_models(state.settings())


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries, size and all-time hit/miss counts of the response cache."""
    from verifier.cache import ResponseCache

    settings = state.settings()
    stats = ResponseCache(settings.cache_dir).stats()
    for k, v in stats.items():
        typer.echo(f"{k:16} {v}")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached answer."""
    from verifier.cache import ResponseCache

    settings = state.settings()
    n = ResponseCache(settings.cache_dir).clear()
    typer.echo(f"removed {n} entries from {settings.cache_dir}")


def main() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        app()
    except VerifierError as e:
        if state.verbose:
            raise
        typer.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted; finished calls are cached, run again to resume", err=True)
        sys.exit(130)
    except Exception as e:  # a bug: say so in one line unless asked for the traceback
        if state.verbose:
            raise
        typer.echo(f"internal error: {type(e).__name__}: {e} (run with --verbose for details)", err=True)
        sys.exit(70)
