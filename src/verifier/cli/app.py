"""The `verifier` command line.

Start-up matters: nothing heavy (litellm, instructor, scipy) is imported at module level,
so `verifier --help` and every command that makes no model call stay fast.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from verifier.errors import InputError, ModelOutputError, VerifierError, raise_if_incomplete

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

# Path parameters skip click's own readable check: our loaders say "cannot read (Permission
# denied)" in one line naming the file, where click would print a three-line usage error.
PathOption = functools.partial(typer.Option, readable=False)
PathArgument = functools.partial(typer.Argument, readable=False)

if TYPE_CHECKING:
    from verifier.settings import Settings


@dataclass
class State:
    overrides: dict[str, Any] = field(default_factory=dict)
    verbose: bool = False
    config_file: Path | None = None
    env_file: Path | None = None
    #: an interrupted run says that running again resumes it (finished calls are cached)
    resumable: bool = True

    def settings(self, **extra: Any) -> Settings:
        """Flags (global options, then `extra`) over VERIFIER_* / --env-file over --config."""
        from verifier.api import load_settings

        extra = {k: v for k, v in extra.items() if v is not None}
        return load_settings({**self.overrides, **extra}, self.config_file, self.env_file)


state = State()


@app.callback()
def _global(
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="litellm model string, or local / local:gemma3-270m"),
    ] = None,
    cache_dir: Annotated[Path | None, PathOption(help="response cache folder")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="answers only from cache or cassette; no network")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="neither read nor write the cache")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="ignore cached answers, store new ones")
    ] = False,
    cassette: Annotated[
        Path | None, PathOption(help="replay model HTTP from this vcrpy cassette")
    ] = None,
    record: Annotated[
        bool,
        typer.Option("--record", help="with --cassette: call the model and re-record the cassette"),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="debug logs and tracebacks")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="YAML file of settings (below env and flags)"),
    ] = None,
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="read VERIFIER_* from this .env file")
    ] = None,
) -> None:
    """Global options may also be given after the command (`verifier eval --offline`)."""
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
            raise InputError("--record needs --cassette PATH")
        overrides["record"] = True
    if verbose:
        overrides["verbose"] = True
    state.overrides = overrides
    state.verbose = verbose
    state.config_file = config
    state.env_file = env_file
    _setup_logging(verbose)
    if offline:
        from verifier.models.netguard import forbid_network

        forbid_network()


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _OneLineFormatter("%(levelname)s: %(message)s" if verbose else "%(message)s")
    )
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.propagate = False


# --------------------------------------------------------------------- foundation
@app.command()
def serve(
    model: Annotated[
        str, typer.Argument(help="local, local:smollm2-135m or local:gemma3-270m")
    ] = "local",
) -> None:
    """Run the embedded llama.cpp server until Ctrl-C; other commands share it meanwhile."""
    from verifier.models.local import resolve_local, running_server

    settings = state.settings()
    lm = resolve_local(model)
    with running_server(lm, settings) as server:
        where = f"log: {server.log}" if server.log else "started outside verifier"
        typer.echo(f"serving {lm.alias} ({lm.description}) on {server.url}; {where}", err=True)
        typer.echo("Ctrl-C to stop (it stays up while other runs use it)", err=True)
        state.resumable = False  # nothing to resume: Ctrl-C or SIGTERM just stops it
        server.wait()


@app.command("strategies")
def strategies_cmd() -> None:
    """List the extraction strategies (built-in and from plugins)."""
    from verifier.render.display import out
    from verifier.render.terminal import strategy_lines

    for line in strategy_lines(state.settings().model):
        out.print(line, highlight=False, markup=False)


@app.command()
def models(
    check: Annotated[
        bool,
        typer.Option(help="run each installed local model once (a one-token completion)"),
    ] = True,
) -> None:
    """What is configured, what is available locally, and which provider keys are set."""
    from verifier.models.info import describe_models

    if not describe_models(state.settings(), check=check):
        raise typer.Exit(4)


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries, size and all-time hit/miss counts of the response cache."""
    from verifier.models.cache import ResponseCache

    settings = state.settings()
    stats = ResponseCache(settings.cache_dir).stats()
    for k, v in stats.items():
        typer.echo(f"{k:16} {v}")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached answer."""
    from verifier.models.cache import ResponseCache

    settings = state.settings()
    n = ResponseCache(settings.cache_dir).clear()
    typer.echo(f"removed {n} entries from {settings.cache_dir}")


# ----------------------------------------------------------------------- pipeline
Paths = Annotated[list[Path], PathArgument(help="files or folders of .txt/.md articles")]
Output = Annotated[Path | None, PathOption("--output", "-o", help="write JSON here (atomically)")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON to stdout instead of a table")]
Concurrency = Annotated[
    int,
    typer.Option(
        min=1, help="model requests in flight at once (chunks, judge calls, brief sections)"
    ),
]
VocabularyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--vocabulary",
        help="story vocabulary for grouping (verifier/data/vocabulary_NAME.yaml); repeatable; "
        "default: all shipped",
    ),
]
StrategyOpt = Annotated[
    str | None,
    typer.Option(
        "--strategy",
        "-s",
        help="extraction strategy (see `verifier strategies`); default: per model",
    ),
]
BriefStrategyOpt = Annotated[
    str | None,
    typer.Option(
        "--brief-strategy",
        help="who writes the prose: abstractive (model) or composed (code); default: per model",
    ),
]


@app.command("extract")
def extract_cmd(
    paths: Paths,
    output: Output = None,
    as_json: AsJson = False,
    concurrency: Concurrency = 1,
    strategy: StrategyOpt = None,
) -> None:
    """Extract typed, grounded claims (quote, offsets, attribution, certainty, quantities)."""
    from verifier import api
    from verifier.render.display import claims_table, err, progress, summary_line
    from verifier.render.terminal import deliver

    _check_output(output, JSON_OUT, paths)
    docs = api.load_documents(paths)
    result = api.run_extract(docs, state.settings(), strategy, concurrency, progress)
    deliver(result, output, as_json, claims_table(result))
    err.print(summary_line(result.summary), highlight=False)
    if result.summary.failed_documents == result.summary.documents:
        raise ModelOutputError(
            f"all {result.summary.documents} documents failed (errors are in the output)"
        )
    raise_if_incomplete(result.calls, result.summary.failed_documents, result.summary.documents)


@app.command("verify")
def verify_cmd(
    paths: Paths,
    claims: Annotated[
        Path | None,
        PathOption(
            "--claims",
            help="claims file (extract output, gold or another tool's); default: extract now",
        ),
    ] = None,
    no_llm: Annotated[
        bool, typer.Option("--no-llm", help="deterministic checks only; no model")
    ] = False,
    output: Output = None,
    as_json: AsJson = False,
    concurrency: Concurrency = 1,
    strategy: StrategyOpt = None,
    vocabulary: VocabularyOpt = None,
) -> None:
    """Judge each claim against its source, then group claims across sources."""
    from verifier import api
    from verifier.render.display import err, groups_table, progress, verdicts_table
    from verifier.render.terminal import deliver, verify_summary

    _check_output(output, JSON_OUT, [*paths, *([claims] if claims else [])])
    if claims is None and no_llm:
        raise InputError("--no-llm needs --claims FILE (extraction needs a model)")
    docs = api.load_documents(paths)
    given = api.load_claims(claims) if claims is not None else None
    settings = None if no_llm else state.settings()  # --no-llm reads no model settings
    result = api.run_verify(docs, settings, given, strategy, concurrency, progress, vocabulary)
    deliver(result, output, as_json, verdicts_table(result.verdicts), groups_table(result.groups))
    for line in verify_summary(result):
        err.print(line, highlight=False)
    raise_if_incomplete(result.calls)


@app.command("brief")
def brief_cmd(
    paths: Paths,
    output: Annotated[
        Path | None,
        PathOption(
            "--output",
            "-o",
            help="brief.md, brief.html or brief.json (default: Markdown to stdout)",
        ),
    ] = None,
    claims: Annotated[
        Path | None, PathOption("--claims", help="use these claims instead of extracting")
    ] = None,
    concurrency: Concurrency = 1,
    strategy: StrategyOpt = None,
    brief_strategy: BriefStrategyOpt = None,
    vocabulary: VocabularyOpt = None,
) -> None:
    """A neutral multi-perspective brief of the articles, every sentence cited and checked."""
    from verifier import api
    from verifier.render.display import progress
    from verifier.render.terminal import emit_brief

    _check_output(output, BRIEF_OUT, [*paths, *([claims] if claims else [])])
    docs = api.load_documents(paths)
    given = api.load_claims(claims) if claims is not None else None
    with api.get_model(state.settings(), concurrency=concurrency) as gw:
        brief = api.run_brief(
            docs, gw, given, strategy, concurrency, progress, vocabulary, brief_strategy
        )
    emit_brief(brief, output, {d.id: d for d in docs})
    raise_if_incomplete(brief.calls)


@app.command("check-brief")
def check_brief_cmd(
    brief_file: Annotated[
        Path, PathArgument(help="a brief JSON (from `brief -o x.json`, possibly edited)")
    ],
    docs: Annotated[
        list[Path] | None,
        PathArgument(help="the source documents (default: those beside the brief)"),
    ] = None,
    output: Annotated[Path | None, PathOption("--output", "-o", help=".md, .html or .json")] = None,
) -> None:
    """Re-run the brief checks on a brief JSON, e.g. after editing it by hand. No model needed."""
    from verifier import api
    from verifier.fileio import load_model
    from verifier.pipeline.documents import brief_source_documents
    from verifier.render.terminal import emit_brief
    from verifier.schemas import Brief

    _check_output(output, BRIEF_OUT, [brief_file, *(docs or [])])
    brief = api.check_brief(load_model(brief_file, Brief, "brief"))
    emit_brief(brief, output, brief_source_documents(brief, brief_file, docs or []))


JSON_OUT = (".json",)
BRIEF_OUT = (".md", ".html", ".htm", ".json")


def _check_output(output: Path | None, suffixes: tuple[str, ...], inputs: list[Path]) -> None:
    """Fail before any work: an output with the wrong suffix, over an input, or not a file."""
    from verifier.fileio import check_output

    if output is not None:
        check_output(output, suffixes, inputs)


# --------------------------------------------------------------------- evaluation
Gates = Annotated[
    list[str] | None, typer.Option("--fail-under", help="METRIC=VALUE; exit 5 when below (CI gate)")
]


@app.command("score")
def score_cmd(
    pred: Annotated[
        Path,
        PathOption("--pred", help="predictions: extract output, claims file(s) or a run record"),
    ],
    gold: Annotated[Path, PathOption("--gold", help="gold folder (evals/gold)")],
    docs: Annotated[
        Path | None,
        PathOption("--docs", help="source documents the claims quote (default: the seeds)"),
    ] = None,
    groups: Annotated[
        Path | None,
        typer.Option(
            "--groups",
            help="predicted groups: a verify or brief JSON (default: --pred's, if a brief)",
        ),
    ] = None,
    as_json: AsJson = False,
    fail_under: Gates = None,
) -> None:
    """Score any prediction file or folder against gold labels (made here or elsewhere)."""
    from verifier import api
    from verifier.evaluation.suites import check_gates, parse_gates
    from verifier.fileio import dump_json
    from verifier.pipeline.claimfiles import groups_for
    from verifier.render.display import out
    from verifier.render.scores import metrics_json, metrics_table

    gates = parse_gates(fail_under or [])
    report = api.score(pred, gold, docs, pred_groups=groups_for(pred, groups))
    if as_json:
        data = metrics_json(report.metrics)
        data["per_document"] = report.per_document
        data["unscored_documents"] = report.unscored_documents
        typer.echo(dump_json(data))
    else:
        out.print(metrics_table(report.metrics, f"{pred} vs {gold}"))
    for w in report.warnings:
        log.warning("%s", w)
    check_gates(report.metrics, gates, str(pred))


@app.command("eval")
def eval_cmd(
    suite_file: Annotated[
        str | None,
        typer.Option(
            "--suite", help="suite name (see `verifier suites`) or YAML file; default: seeds"
        ),
    ] = None,
    models: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="model(s) to evaluate; repeatable")
    ] = None,
    concurrency: Concurrency = 1,
    strategy: StrategyOpt = None,
    record_suite: Annotated[
        bool, typer.Option("--record-suite", help="re-record the suite's cassette for each model")
    ] = False,
    as_json: AsJson = False,
    fail_under: Gates = None,
    save: Annotated[
        bool | None,
        typer.Option(
            help="save the run record in the suite's runs folder "
            "(default: yes for live runs, no for --offline replays; a saved replay is marked)"
        ),
    ] = None,
    runs: Annotated[
        Path | None, typer.Option("--runs", help="folder for run records (default: the suite's)")
    ] = None,
) -> None:
    """Extract the suite with each model, score it against gold and save a run record."""
    from verifier import api
    from verifier.evaluation import suites as ev
    from verifier.fileio import dump_json
    from verifier.render.display import err, out, progress
    from verifier.render.scores import eval_json, metrics_table, run_summary

    gates = ev.parse_gates(fail_under or [])
    suite = api.load_suite(suite_file, runs)
    results = []
    for model in ev.eval_models(suite, state.settings(), models):
        recording = ev.record_overrides(suite, model) if record_suite else {}
        settings = state.settings(model=model, **recording)
        with progress(f"eval {model}", len(suite.documents)) as advance:
            run = api.evaluate(suite, settings, strategy, None, concurrency, advance)
        path = api.save_run(run, suite.runs) if ev.keep_run(run, save) else None
        if run.replay and path is None and save is None and not as_json:
            err.print(
                "replayed, not a live run: run record not saved (--save keeps it, marked)",
                highlight=False,
            )
        results.append((run, path))
        if not as_json:
            out.print(metrics_table(run.metrics, f"{suite.name} · {model}"))
            err.print(run_summary(run, path), highlight=False)
        for failed in run.failed_items:
            log.warning("%s failed: %s", failed["doc_id"], failed["error"])
    if as_json:
        typer.echo(dump_json(eval_json(results)))
    ev.check_complete([r for r, _ in results])
    for run, _ in results:
        ev.check_gates(run.metrics, gates, run.model)


@app.command("suites")
def suites_cmd() -> None:
    """List the evaluation suites (built-in and from plugins) and their files."""
    from verifier.render.display import out
    from verifier.render.terminal import suite_lines

    for line in suite_lines():
        out.print(line, highlight=False, markup=False, soft_wrap=True)


RunPaths = Annotated[
    list[Path] | None,
    PathArgument(help="run records or folders (default: the seed suite's runs)"),
]


@app.command("leaderboard")
def leaderboard_cmd(
    paths: RunPaths = None,
    all_runs: Annotated[
        bool, typer.Option("--all", help="every run, not the latest per suite and model")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Compare models across run records: one row per model and suite."""
    from verifier.evaluation.suites import latest_per_model, load_runs
    from verifier.fileio import dump_json
    from verifier.render.display import out
    from verifier.render.report import leaderboard_rows
    from verifier.render.scores import leaderboard_table

    runs = load_runs(paths)
    rows = leaderboard_rows(runs if all_runs else latest_per_model(runs))
    if as_json:
        typer.echo(dump_json(rows))
        return
    out.print(leaderboard_table(runs, rows))


@app.command("compare")
def compare_cmd(
    run_a: Annotated[Path, PathArgument(help="baseline run record")],
    run_b: Annotated[Path, PathArgument(help="candidate run record")],
    as_json: AsJson = False,
) -> None:
    """Per-metric difference between two runs, and the gold claims gained or lost."""
    from verifier.evaluation.suites import compare_runs, load_runs
    from verifier.fileio import dump_json
    from verifier.render.display import out
    from verifier.render.scores import compare_lines, compare_table

    a, b = load_runs([run_a]), load_runs([run_b])
    diff = compare_runs(a[0], b[0])
    if as_json:
        typer.echo(dump_json(diff))
        return
    out.print(compare_table(diff))
    for line in compare_lines(diff):
        out.print(line)


@app.command("report")
def report_cmd(
    paths: RunPaths = None,
    output: Annotated[Path, PathOption("--output", "-o", help="HTML file to write")] = Path(
        "report.html"
    ),
    gold: Annotated[
        Path | None, PathOption("--gold", help="gold folder, to show gold claim text")
    ] = None,
) -> None:
    """A self-contained HTML report: leaderboard, metric bars with CIs, per-document, per-claim."""
    from verifier.evaluation.suites import latest_per_model, load_runs
    from verifier.fileio import write_atomic
    from verifier.render.display import err, printable
    from verifier.render.report import report_html

    _check_output(output, (".html", ".htm"), [*(paths or []), *([gold] if gold else [])])
    runs = load_runs(paths)
    if not paths:
        runs = latest_per_model(runs)
    gold_docs = None
    if gold is not None:
        from verifier.evaluation.gold import load_gold

        gold_docs, _ = load_gold(gold)
    write_atomic(output, report_html(runs, gold_docs))
    err.print(f"wrote {printable(output)} ({len(runs)} runs)")


def _one_line(e: BaseException) -> str:
    """An error message as one line of text: a file name cannot add lines or colours."""
    from verifier.render.display import printable

    return printable(str(e))


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from verifier.render.display import printable

        return printable(super().format(record))


RESUME_HINT = "finished calls are cached, run again to resume"
#: Exit codes of a run stopped by a signal (the shell's 128 + signal number).
INTERRUPTED, TERMINATED = 130, 143


def _on_signal(signum: int, _frame: object) -> None:
    """Ctrl-C or SIGTERM: unwind the main thread now, so `finally` blocks run (the output's
    temp file is removed, the llama.cpp lease released) and nothing more is logged."""
    log.disabled = True  # calls still in flight in worker threads must not add lines
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(TERMINATED)


def _stopped(code: int) -> NoReturn:
    """One line, then exit without joining worker threads: a call in flight would otherwise
    hold the exit for up to its timeout (concurrent.futures joins its workers at exit)."""
    what = "terminated" if code == TERMINATED else "interrupted"
    line = f"{what}; {RESUME_HINT}" if state.resumable else "stopped"
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    os._exit(code)


def main() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    # SIGTERM unwinds like Ctrl-C, so a started llama.cpp server is stopped, not orphaned.
    signal.signal(signal.SIGTERM, _on_signal)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # a background job keeps ignoring
        signal.signal(signal.SIGINT, _on_signal)
    try:
        from verifier.cli.argv import hoist_global_options

        app(args=hoist_global_options(app, sys.argv[1:]), prog_name="verifier")
    except VerifierError as e:
        if state.verbose:  # -v adds the traceback, never changes the exit code
            import traceback

            traceback.print_exc()
        typer.echo(f"error: {_one_line(e)}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        _stopped(INTERRUPTED)
    except SystemExit as e:
        # typer turns Ctrl-C into Exit(130) before we see it; SIGTERM is SystemExit(143)
        if e.code in (INTERRUPTED, TERMINATED):
            _stopped(int(e.code))  # type: ignore[arg-type]
        raise
    except Exception as e:  # a bug: say so in one line unless asked for the traceback
        if state.verbose:
            raise
        typer.echo(
            f"internal error: {type(e).__name__}: {_one_line(e)} (run with --verbose for details)",
            err=True,
        )
        sys.exit(70)
