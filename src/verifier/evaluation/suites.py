"""Evaluation runs: a suite (documents + gold) × a model → a scored, reproducible run record.

The split follows Inspect AI: the suite is the dataset, extraction is the solver,
`metrics.score` is the scorer. A run record holds everything needed to reproduce and compare
a run: config, model, prompt versions, git revision, metrics with intervals, per-item results.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from verifier import __version__
from verifier.errors import GateFailed, IncompleteRun, InputError, first_validation_error
from verifier.fileio import dump_model, load_model, load_yaml, safe_name, write_atomic
from verifier.resources import installed_copy
from verifier.schemas import Document, DocumentClaims, GoldGroups, RunRecord

MAX_SUITE_BYTES = 1024 * 1024

if TYPE_CHECKING:
    from verifier.evaluation.metrics import Matcher
    from verifier.settings import Settings
    from verifier.strategies import ExtractionStrategy


class SuiteFile(BaseModel):
    name: str
    description: str = ""
    documents: str
    gold: str
    cassette: str | None = None  # per-model recording; {model} is replaced by the model slug
    runs: str = "../runs"
    models: list[str] = ["local"]
    #: story vocabularies grouping reads claims with (verifier/data/vocabulary_<name>.yaml)
    vocabulary: list[str] | None = None


@dataclass
class Suite:
    """A loaded suite: its documents and validated gold, paths resolved."""

    name: str
    path: Path
    documents: list[Document]
    gold: dict[str, DocumentClaims]
    gold_groups: GoldGroups
    cassette: str | None
    runs: Path
    models: list[str]
    vocabulary: tuple[str, ...] | None = None

    def cassette_for(self, model: str) -> Path | None:
        if not self.cassette:
            return None
        return self.path.parent / self.cassette.replace("{model}", model_slug(model))


def model_slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")


def load_suite(path: str | Path | None = None, runs: Path | None = None) -> Suite:
    """Load a suite by registered name or file (default: the seed suite), documents and gold.

    Data paths are relative to the suite file. Run records go to `runs`, else to the suite's
    `runs` folder, except for a suite inside an installed package: then to `./runs`.
    """
    from verifier.evaluation.gold import load_gold
    from verifier.pipeline.documents import load_documents
    from verifier.suites import suite_file

    path = suite_file(path)
    if not path.exists():
        raise InputError(f"{path}: no such suite file")
    raw = load_yaml(path, "suite file", MAX_SUITE_BYTES)
    try:
        spec = SuiteFile.model_validate(raw)
    except ValidationError as e:
        raise InputError(f"{path}: invalid suite: {first_validation_error(e)}") from e
    base = path.parent
    docs = load_documents([base / spec.documents])
    gold, groups = load_gold(base / spec.gold, {d.id: d.text for d in docs})
    return Suite(
        name=spec.name,
        path=path,
        documents=docs,
        gold=gold,
        gold_groups=groups,
        cassette=spec.cassette,
        runs=runs or default_runs_dir(path, spec.runs),
        models=spec.models,
        vocabulary=tuple(spec.vocabulary) if spec.vocabulary is not None else None,
    )


def default_runs_dir(suite_path: Path | None = None, relative: str = "../runs") -> Path:
    """Where a suite's run records go: beside the suite file, or `./runs` for an installed one."""
    from verifier.suites import suite_file

    path = suite_file(suite_path)
    if installed_copy(path):
        return Path("runs")
    return Path(os.path.normpath(path.parent / relative))


def git_revision() -> str | None:
    """The git revision of the verifier source that is running (not of the working directory).

    None for an installed wheel: its `package_version` identifies it instead. "-dirty" marks
    uncommitted changes to tracked files.
    """
    source = Path(__file__).resolve().parents[1]  # src/verifier
    if installed_copy(source):
        return None
    git = ["git", "-C", str(source)]
    try:
        rev = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{rev}-dirty" if dirty else rev


def thresholds() -> dict[str, float]:
    """Every numeric threshold that decides a check, a match or a group: recorded per run."""
    from verifier.evaluation import metrics
    from verifier.pipeline import checks, grouping

    out: dict[str, float] = {}
    for module in (checks, metrics, grouping):
        short = module.__name__.rsplit(".", 1)[-1]
        for name, value in vars(module).items():
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if name.isupper() and not name.startswith("_") and numeric:
                out[f"{short}.{name}"] = value
    return out


def run_eval(
    suite: Suite,
    settings: Settings,
    concurrency: int = 1,
    on_done: Callable[[Document], Any] | None = None,
    strategy: ExtractionStrategy | str | None = None,
    matcher: Matcher | None = None,
) -> RunRecord:
    """Extract every suite document with `settings.model` and score it against gold.

    `strategy` and `matcher` default to the registered defaults; both are recorded.
    """
    from verifier.evaluation.metrics import score
    from verifier.models.gateway import Gateway
    from verifier.pipeline.extraction import extract
    from verifier.pipeline.grouping import group_claims

    started = datetime.now(UTC)
    t0 = time.monotonic()
    from verifier.strategies import get_strategy

    strat = (
        strategy if not isinstance(strategy, str | None) else get_strategy(strategy, settings.model)
    )
    transport: dict[str, Any] = {}
    if strat.needs_model:
        with Gateway(settings, concurrency=concurrency) as gw:
            result = extract(gw, suite.documents, on_done=on_done, strategy=strat)
            transport = {
                "provider": gw.provider.name,
                "endpoint": gw.endpoint,
                "instructor_mode": gw.route.mode,
                "dropped_params": gw.dropped_params,
            }
    else:
        result = extract(
            None, suite.documents, concurrency=concurrency, on_done=on_done, strategy=strat
        )
    documents = {d.id: d for d in suite.documents}
    predictions = {d.doc_id: d for d in result.documents if not d.error}
    groups = group_claims(result.all_claims(), documents, suite.vocabulary)
    report = score(predictions, suite.gold, documents, groups, suite.gold_groups, matcher=matcher)
    wall = time.monotonic() - t0
    s = result.summary
    replay = strat.needs_model and replayed(settings)
    return RunRecord(
        run_id=f"{safe_name(suite.name)}-{model_slug(result.model)}"
        + ("" if strat.name == "single-pass" or not strat.needs_model else f"-{strat.name}")
        + ("-replay" if replay else "")
        + f"-{started.strftime('%Y%m%dT%H%M%S')}",
        suite=suite.name,
        model=result.model,
        strategy=strat.name,
        baseline=not strat.needs_model,
        replay=replay,
        config={
            "suite_file": str(suite.path),
            "strategy": strat.name,
            "strategy_params": result.strategy_params,
            "concurrency": concurrency,
            **settings.public(),
            "matcher": report.settings,
            "thresholds": thresholds(),
            "package_version": __version__,
            **transport,
        },
        prompt_versions=result.prompt_versions,
        git_revision=git_revision(),
        started_at=started.isoformat(timespec="seconds"),
        wall_seconds=round(wall, 3),
        metrics=report.metrics,
        per_document=report.per_document,
        items=report.items,
        failed_items=[
            {"doc_id": d.doc_id, "error": d.error or ""} for d in result.documents if d.error
        ],
        predictions=result.documents,
        prompt_tokens=s.prompt_tokens,
        completion_tokens=s.completion_tokens,
        cost_usd=s.cost_usd,
        cache_hits=s.cache_hits,
        calls=s.calls,
        failed_calls=sum(1 for c in result.calls if c.error),
    )


def save_run(run: RunRecord, folder: Path) -> Path:
    path = folder / f"{safe_name(run.run_id)}.json"  # a suite named ../../x stays in `folder`
    write_atomic(path, dump_model(run))
    return path


def load_runs(paths: Sequence[Path] | None = None) -> list[RunRecord]:
    """Run records from files and folders (*.json); none given: the seed suite's runs folder."""
    paths = list(paths or [default_runs_dir()])
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(p.glob("*.json")))
        elif p.exists():
            files.append(p)
        else:
            raise InputError(f"{p}: no such run record or folder")
    if not files:
        raise InputError(f"{', '.join(map(str, paths))}: no run records (*.json)")
    return [load_model(f, RunRecord, "run record") for f in files]


def eval_models(suite: Suite, settings: Any, models: Sequence[str] | None) -> list[str]:
    """The models `eval` runs: those given to it, else the model a global flag, VERIFIER_MODEL
    or --config chose, else the suite's own list (the default model does not replace it)."""
    if models:
        return list(models)
    return [settings.model] if "model" in settings.model_fields_set else suite.models


def record_overrides(suite: Suite, model: str) -> dict[str, Any]:
    """Settings that re-record the suite's cassette for `model` (every request sent again)."""
    cassette = suite.cassette_for(model)
    if cassette is None:
        raise InputError(f"{suite.path}: the suite names no cassette to record into")
    return {"cassette": cassette, "record": True, "refresh": True}


def keep_run(run: RunRecord, save: bool | None) -> bool:
    """Whether a run record is saved: as asked, else live runs only (a replay repeats a
    recorded run); an incomplete run never (it is not a valid result)."""
    return (save if save is not None else not run.replay) and run.complete


def check_complete(runs: Sequence[RunRecord]) -> None:
    """Raise IncompleteRun naming, per model, the documents and calls an eval lost."""
    incomplete = [r for r in runs if not r.complete]
    if incomplete:
        raise IncompleteRun(
            "; ".join(
                f"{r.model}: {len(r.failed_items)} of {len(r.predictions)} documents failed, "
                f"{r.failed_calls} of {r.calls} model calls failed"
                for r in incomplete
            )
            + " — run record not saved (an incomplete run is not a valid result)"
        )


def replayed(settings: Any) -> bool:
    """True when a run's model answers come from a cache or cassette only, not a model."""
    return bool(settings.offline or (settings.cassette and not settings.record))


def is_replay(run: RunRecord) -> bool:
    """A replayed run; records from before the `replay` field say so in config.offline."""
    return run.replay or bool(run.config.get("offline"))


def latest_per_model(runs: list[RunRecord]) -> list[RunRecord]:
    """The latest run per suite, model and strategy; a replay only where no live run exists."""
    latest: dict[tuple[str, str, str], RunRecord] = {}
    for r in sorted(runs, key=lambda r: (not is_replay(r), r.started_at)):
        latest[(r.suite, r.model, r.strategy)] = r
    return list(latest.values())


def parse_gates(specs: list[str]) -> dict[str, float]:
    gates: dict[str, float] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        try:
            gates[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InputError(f"--fail-under {spec!r}: expected METRIC=VALUE, e.g. claim_f1=0.3")
    return gates


def check_gates(metrics: dict[str, Any], gates: dict[str, float], who: str) -> None:
    """Raise GateFailed naming every metric on the wrong side of its threshold.

    The metric's own definition says which side: at least X, or at most X when lower is
    better (hallucination_rate=0.2 fails above 0.2).
    """
    from verifier.metrics import get_metric

    failures = []
    for name, threshold in gates.items():
        if name not in metrics:
            raise InputError(
                f"--fail-under: unknown metric {name!r}; known: {', '.join(sorted(metrics))}"
            )
        value = metrics[name].value if hasattr(metrics[name], "value") else metrics[name]
        definition = get_metric(name)
        higher = definition is None or definition.higher_is_better
        ok = value is not None and (value >= threshold if higher else value <= threshold)
        if not ok:
            op = "<" if higher else ">"
            failures.append(
                f"{name}={value if value is None else round(value, 4)} {op} {threshold}"
            )
    if failures:
        raise GateFailed(f"{who}: " + "; ".join(failures))


def compare_runs(a: RunRecord, b: RunRecord) -> dict[str, Any]:
    """Per-metric differences, and which gold claims B found that A did not (and vice versa)."""
    metrics = {}
    for name in sorted(set(a.metrics) | set(b.metrics)):
        va = a.metrics[name].value if name in a.metrics else None
        vb = b.metrics[name].value if name in b.metrics else None
        delta = None if va is None or vb is None else round(vb - va, 4)
        metrics[name] = {"a": va, "b": vb, "delta": delta}

    def found(run: RunRecord) -> dict[str, str | None]:
        return {
            it["gold_id"]: it.get("pred_id")
            for it in run.items
            if it.get("kind") == "gold" and it.get("found")
        }

    fa, fb = found(a), found(b)
    return {
        "a": a.run_id,
        "b": b.run_id,
        "metrics": metrics,
        "gained": sorted(set(fb) - set(fa)),
        "lost": sorted(set(fa) - set(fb)),
    }
