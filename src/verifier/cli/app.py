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

from verifier.errors import InputError, ModelOutputError, VerifierError

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
    from verifier.briefing import BRIEF_STRATEGIES, default_brief_strategy
    from verifier.render.display import out
    from verifier.strategies import STRATEGIES, default_strategy

    model = state.settings().model
    for name, strat in STRATEGIES.items():
        tags = [
            t
            for t, on in (
                (f"default for {model}", name == default_strategy(model)),
                ("baseline, no model", not strat.needs_model),
            )
            if on
        ]
        out.print(
            f"{name:<14} {strat.description}" + (f" [{', '.join(tags)}]" if tags else ""),
            highlight=False,
            markup=False,
        )
    out.print("brief strategies (--brief-strategy):", highlight=False, markup=False)
    for name, bs in BRIEF_STRATEGIES.items():
        tag = f" [default for {model}]" if name == default_brief_strategy(model) else ""
        out.print(f"{name:<14} {bs.description}{tag}", highlight=False, markup=False)


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


def _vocab(names: list[str] | None) -> tuple[str, ...] | None:
    return tuple(names) if names else None


def _deliver(obj: Any, output: Path | None, as_json: bool, *tables: Any) -> None:
    """JSON to a file (atomically) or stdout; tables to the terminal otherwise."""
    from verifier.fileio import dump_model, write_atomic
    from verifier.render.display import emit_json, out, printable

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


def _extract(
    paths: list[Path], concurrency: int, strategy: str | None = None
) -> tuple[Any, dict[str, Any]]:
    from verifier import api
    from verifier.render.display import progress
    from verifier.strategies import get_strategy

    docs = api.load_documents(paths)
    # The default strategy is per model (staged for `local`), as in `brief` and `eval`.
    strat = get_strategy(strategy, state.settings().model)
    gw = api.get_model(state.settings(), concurrency=concurrency) if strat.needs_model else None
    try:
        with progress("extracting", len(docs)) as advance:
            result = api.extract(docs, gw, strat, concurrency, advance)
    finally:
        if gw is not None:
            gw.close()
    return result, {d.id: d for d in docs}


@app.command("extract")
def extract_cmd(
    paths: Paths,
    output: Output = None,
    as_json: AsJson = False,
    concurrency: Concurrency = 1,
    strategy: StrategyOpt = None,
) -> None:
    """Extract typed, grounded claims (quote, offsets, attribution, certainty, quantities)."""
    from verifier.render.display import claims_table, err, summary_line

    _check_output(output, JSON_OUT, paths)
    result, _ = _extract(paths, concurrency, strategy)
    _deliver(result, output, as_json, claims_table(result))
    err.print(summary_line(result.summary), highlight=False)
    if result.summary.failed_documents == result.summary.documents:
        raise ModelOutputError(
            f"all {result.summary.documents} documents failed (errors are in the output)"
        )
    _fail_if_lost(result.calls, result.summary.failed_documents, result.summary.documents)


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

    _check_output(output, JSON_OUT, [*paths, *([claims] if claims else [])])
    if claims is None:
        if no_llm:
            raise InputError("--no-llm needs --claims FILE (extraction needs a model)")
        extraction, documents = _extract(paths, concurrency, strategy)
        all_claims = extraction.all_claims()
    else:
        documents = {d.id: d for d in api.load_documents(paths)}
        all_claims = [c for d in api.load_claims(claims).values() for c in d.claims]
    gateway = None if no_llm else api.get_model(state.settings(), concurrency=concurrency)
    try:
        with progress("verifying", len(all_claims)) as advance:
            result = api.verify(all_claims, documents, gateway, advance, _vocab(vocabulary))
    finally:
        if gateway:
            gateway.close()
    verdicts = result.verdicts
    _deliver(result, output, as_json, verdicts_table(verdicts), groups_table(result.groups))
    err.print(", ".join(f"{k}: {v}" for k, v in result.counts.items()), highlight=False)
    if any(v.label.value != "supported" for v in verdicts):
        err.print(
            f"{sum(v.label.value != 'supported' for v in verdicts)} of {len(verdicts)} claims "
            "not supported by their source",
            highlight=False,
        )
    _fail_if_lost(result.calls)


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

    _check_output(output, BRIEF_OUT, [*paths, *([claims] if claims else [])])
    vocab = _vocab(vocabulary)
    docs = api.load_documents(paths)
    given = api.load_claims(claims) if claims is not None else None
    with api.get_model(state.settings(), concurrency=concurrency) as gw:
        brief = api.run_brief(
            docs, gw, given, strategy, concurrency, progress, vocab, brief_strategy
        )
    _emit_brief(brief, output, {d.id: d for d in docs})
    _fail_if_lost(brief.calls)


def _fail_if_lost(calls: list[Any], failed_docs: int = 0, docs: int = 0) -> None:
    """After the output is written: a run that lost documents or calls exits non-zero."""
    from verifier.errors import IncompleteRun

    lost = [c for c in calls if c.error]
    if not lost and not failed_docs:
        return
    parts = [f"{failed_docs} of {docs} documents failed"] if failed_docs else []
    if lost:
        parts.append(f"{len(lost)} of {len(calls)} model calls failed")
    for c in lost[:5]:
        log.warning("%s", c.error if c.error.startswith(c.label) else f"{c.label}: {c.error}")
    raise IncompleteRun(f"incomplete run: {', '.join(parts)} (every reason is in the output)")


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
    from verifier.fileio import load_model
    from verifier.pipeline.brief_checks import check_brief
    from verifier.pipeline.documents import brief_source_documents
    from verifier.schemas import Brief

    _check_output(output, BRIEF_OUT, [brief_file, *(docs or [])])
    brief = check_brief(load_model(brief_file, Brief, "brief"))
    _emit_brief(brief, output, brief_source_documents(brief, brief_file, docs or []))


JSON_OUT = (".json",)
BRIEF_OUT = (".md", ".html", ".htm", ".json")


def _check_output(output: Path | None, suffixes: tuple[str, ...], inputs: list[Path]) -> None:
    """Fail before any work: an output with the wrong suffix, over an input, or not a file."""
    from verifier.fileio import check_output

    if output is not None:
        check_output(output, suffixes, inputs)


def _emit_brief(brief: Any, output: Path | None, documents: dict[str, Any]) -> None:
    from verifier.fileio import dump_model, write_atomic
    from verifier.render.brief import brief_html, brief_markdown
    from verifier.render.display import emit_json, err, printable

    suffix = output.suffix.lower() if output else ".md"
    if suffix == ".json":
        text = dump_model(brief)
    elif suffix in (".html", ".htm"):
        text = brief_html(brief, {k: d.text for k, d in documents.items()})
    else:
        text = brief_markdown(brief)
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


# --------------------------------------------------------------------- evaluation
Gates = Annotated[
    list[str] | None, typer.Option("--fail-under", help="METRIC=VALUE; exit 5 when below (CI gate)")
]


def _metrics_table(rows: dict[str, Any], title: str) -> Any:
    from rich.table import Table

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


def _metric_json(metrics: dict[str, Any]) -> dict[str, Any]:
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
    from verifier.pipeline.claimfiles import load_groups
    from verifier.render.display import out

    gates = parse_gates(fail_under or [])
    if groups is None and pred.is_file() and pred.suffix.lower() == ".json":
        try:
            pred_groups = load_groups(pred)  # a brief carries its groups
        except InputError:
            pred_groups = None
    else:
        pred_groups = load_groups(groups) if groups is not None else None
    report = api.score(pred, gold, docs, pred_groups=pred_groups)
    if as_json:
        data = _metric_json(report.metrics)
        data["per_document"] = report.per_document
        data["unscored_documents"] = report.unscored_documents
        typer.echo(dump_json(data))
    else:
        out.print(_metrics_table(report.metrics, f"{pred} vs {gold}"))
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
    from verifier.evaluation.suites import check_gates, parse_gates
    from verifier.fileio import dump_json
    from verifier.render.display import err, out, progress

    gates = parse_gates(fail_under or [])
    suite = api.load_suite(suite_file, runs)
    configured = state.settings()
    # -m on eval, else the model from the global flag, VERIFIER_MODEL or --config, else the
    # suite's own list.
    chosen = models or (
        [configured.model] if "model" in configured.model_fields_set else suite.models
    )
    results = []
    for model in chosen:
        extra: dict[str, Any] = {"model": model}
        if record_suite:
            cassette = suite.cassette_for(model)
            if cassette is None:
                raise InputError(f"{suite.path}: the suite names no cassette to record into")
            extra |= {"cassette": cassette, "record": True, "refresh": True}
        settings = state.settings(**extra)
        with progress(f"eval {model}", len(suite.documents)) as advance:
            run = api.evaluate(suite, settings, strategy, None, concurrency, advance)
        keep = save if save is not None else not run.replay
        path = api.save_run(run, suite.runs) if keep and run.complete else None
        if run.replay and path is None and save is None and not as_json:
            err.print(
                "replayed, not a live run: run record not saved (--save keeps it, marked)",
                highlight=False,
            )
        results.append((run, path))
        if not as_json:
            out.print(_metrics_table(run.metrics, f"{suite.name} · {model}"))
            err.print(
                f"{run.calls} calls, {run.cache_hits} cache hits, "
                f"{run.prompt_tokens}+{run.completion_tokens} tokens, {run.wall_seconds:.1f} s"
                + (f"; run record {path}" if path else ""),
                highlight=False,
            )
        for failed in run.failed_items:
            log.warning("%s failed: %s", failed["doc_id"], failed["error"])
    if as_json:
        payload = [
            {**_metric_json(r.metrics), "model": r.model, "run_record": str(p) if p else None}
            for r, p in results
        ]
        typer.echo(dump_json(payload[0] if len(payload) == 1 else {"runs": payload}))
    incomplete = [r for r, _ in results if not r.complete]
    if incomplete:
        from verifier.errors import IncompleteRun

        raise IncompleteRun(
            "; ".join(
                f"{r.model}: {len(r.failed_items)} of {len(r.predictions)} documents failed, "
                f"{r.failed_calls} of {r.calls} model calls failed"
                for r in incomplete
            )
            + " — run record not saved (an incomplete run is not a valid result)"
        )
    for run, _ in results:
        check_gates(run.metrics, gates, run.model)


@app.command("suites")
def suites_cmd() -> None:
    """List the evaluation suites (built-in and from plugins) and their files."""
    from verifier.render.display import out
    from verifier.suites import DEFAULT_SUITE, SUITES

    for name, src in SUITES.items():
        tag = " [default]" if name == DEFAULT_SUITE else ""
        line = f"{name:<14} {src.description}{tag} ({src.path})"
        out.print(line, highlight=False, markup=False, soft_wrap=True)


RunPaths = Annotated[
    list[Path] | None,
    PathArgument(help="run records or folders (default: the seed suite's runs)"),
]


def _runs(paths: list[Path] | None) -> list[Any]:
    from verifier.evaluation.suites import default_runs_dir, load_runs

    return load_runs(paths or [default_runs_dir()])


@app.command("leaderboard")
def leaderboard_cmd(
    paths: RunPaths = None,
    all_runs: Annotated[
        bool, typer.Option("--all", help="every run, not the latest per suite and model")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Compare models across run records: one row per model and suite."""
    from rich.table import Table

    from verifier.evaluation.suites import latest_per_model
    from verifier.fileio import dump_json
    from verifier.render.display import out, printable
    from verifier.render.report import leaderboard_rows, metric_names

    runs = _runs(paths)
    rows = leaderboard_rows(runs if all_runs else latest_per_model(runs))
    if as_json:
        typer.echo(dump_json(rows))
        return
    # Models as columns, metrics as rows: readable in a narrow terminal, best model first.
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
    out.print(t)


@app.command("compare")
def compare_cmd(
    run_a: Annotated[Path, PathArgument(help="baseline run record")],
    run_b: Annotated[Path, PathArgument(help="candidate run record")],
    as_json: AsJson = False,
) -> None:
    """Per-metric difference between two runs, and the gold claims gained or lost."""
    from rich.table import Table
    from rich.text import Text

    from verifier.evaluation.suites import compare_runs, load_runs
    from verifier.fileio import dump_json
    from verifier.render.display import out, printable

    a, b = load_runs([run_a]), load_runs([run_b])
    diff = compare_runs(a[0], b[0])
    if as_json:
        typer.echo(dump_json(diff))
        return
    t = Table(title=printable(f"{diff['a']} → {diff['b']}"))
    for col in ("metric", "A", "B", "Δ"):
        t.add_column(col)
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    for name, m in diff["metrics"].items():
        d = m["delta"]
        colour = "" if not d else "green" if d > 0 else "red"
        t.add_row(
            printable(name), fmt(m["a"]), fmt(m["b"]), Text(f"{d:+.3f}", colour) if d else fmt(d)
        )
    out.print(t)
    out.print(printable(f"gold claims gained: {', '.join(diff['gained']) or 'none'}"))
    out.print(printable(f"gold claims lost:   {', '.join(diff['lost']) or 'none'}"))


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
    from verifier.evaluation.suites import latest_per_model
    from verifier.fileio import write_atomic
    from verifier.render.display import err, printable
    from verifier.render.report import report_html

    _check_output(output, (".html", ".htm"), [*(paths or []), *([gold] if gold else [])])
    runs = _runs(paths)
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
