"""The Python API: every pipeline step as a function; the CLI is a thin layer over these.

Typical use (see the README for a session that a test runs as written)::

    import verifier
    docs = verifier.load_documents(["seeds/"])
    gold = verifier.load_claims("evals/gold")
    result = verifier.verify(gold, docs)              # deterministic checks, no model
    run = verifier.evaluate("seeds", verifier.Settings.load({"offline": True}))

Functions that need a model take a `Gateway` (from `get_model`) or `Settings`; none reads
the environment or the working directory behind the caller's back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from verifier.evaluation.metrics import Matcher, ScoreReport
    from verifier.evaluation.suites import Suite
    from verifier.models.gateway import Gateway
    from verifier.schemas import (
        Brief,
        Claim,
        ClaimGroup,
        Document,
        DocumentClaims,
        ExtractionResult,
        RunRecord,
        Verdict,
        VerificationResult,
    )
    from verifier.settings import Settings
    from verifier.strategies import ExtractionStrategy

#: A progress reporter: `progress(label, total)` is a context manager that yields an
#: `advance(item)` callback. The CLI passes rich progress bars; the default reports nothing.
Progress = Callable[[str, int], AbstractContextManager[Callable[..., Any]]]

PathLike = str | os.PathLike[str]


@contextmanager
def _silent(label: str, total: int) -> Iterator[Callable[..., Any]]:
    yield lambda *_: None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    config_file: PathLike | None = None,
    env_file: PathLike | None = None,
) -> Settings:
    """Settings from `overrides` over VERIFIER_* (and `env_file`) over `config_file`.

    Also points prompt loading at `settings.prompts_dir` (None: the shipped prompts).
    """
    from verifier.prompts import use_prompts_dir
    from verifier.settings import Settings

    settings = Settings.load(
        dict(overrides or {}),
        Path(config_file) if config_file else None,
        Path(env_file) if env_file else None,
    )
    use_prompts_dir(settings.prompts_dir)
    return settings


def load_documents(paths: PathLike | Iterable[PathLike]) -> list[Document]:
    """Articles from files or folders (.txt/.md, optional manifest.yaml), with stable ids."""
    from verifier.pipeline.documents import load_documents as _load

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    return _load([Path(p) for p in paths])


def load_claims(path: PathLike) -> dict[str, DocumentClaims]:
    """Claims by document id from any claims file or folder: extract output, gold, run record."""
    from verifier.pipeline.claimfiles import load_predictions

    return load_predictions(Path(path))


def get_model(
    settings: Settings | None = None, model: str | None = None, concurrency: int | None = None
) -> Gateway:
    """A model gateway (cache, cassettes, retries, at most `concurrency` calls in flight).

    Use it as a context manager so a started local server and the cache are closed.
    """
    from verifier.models.gateway import Gateway

    return Gateway(settings or load_settings(), model, concurrency=concurrency)


def _documents_by_id(documents: Sequence[Document] | Mapping[str, Document]) -> dict[str, Document]:
    if isinstance(documents, Mapping):
        return dict(documents)
    return {d.id: d for d in documents}


def _claim_list(claims: Sequence[Claim] | Mapping[str, DocumentClaims]) -> list[Claim]:
    if isinstance(claims, Mapping):
        return [c for d in claims.values() for c in d.claims]
    return list(claims)


def extract(
    documents: Sequence[Document],
    gateway: Gateway | None = None,
    strategy: ExtractionStrategy | str | None = None,
    concurrency: int | None = None,
    on_done: Callable[[Document], Any] | None = None,
    on_result: Callable[[DocumentClaims], Any] | None = None,
) -> ExtractionResult:
    """Typed, grounded claims from each document with an extraction strategy.

    `strategy` is a registered name (`verifier strategies`), an `ExtractionStrategy`, or None
    for the default. A document that fails is recorded in the result, never dropped.
    `on_result` gets each document's claims as soon as they are ready (from a worker thread).
    """
    from verifier.pipeline.extraction import extract as _extract

    return _extract(
        gateway,
        list(documents),
        concurrency=concurrency,
        on_done=on_done,
        strategy=strategy,
        on_result=on_result,
    )


@contextmanager
def _gateway_if(
    needed: bool, settings: Settings | None, concurrency: int
) -> Iterator[Gateway | None]:
    """A gateway when `needed` (closed on exit, even on failure), else None: no model, no
    local server, no cache opened for a step that asks nothing of a model."""
    if not needed or settings is None:
        yield None
        return
    with get_model(settings, concurrency=concurrency) as gateway:
        yield gateway


def run_extract(
    documents: Sequence[Document],
    settings: Settings,
    strategy: ExtractionStrategy | str | None = None,
    concurrency: int = 1,
    progress: Progress | None = None,
) -> ExtractionResult:
    """`extract` with a gateway of its own: opened only when the strategy needs a model (the
    default strategy is per model, `staged` for `local`) and closed after, even on failure."""
    from verifier.strategies import get_strategy

    progress = progress or _silent
    docs = list(documents)
    strat = get_strategy(strategy, settings.model)
    with (
        _gateway_if(strat.needs_model, settings, concurrency) as gateway,
        progress("extracting", len(docs)) as advance,
    ):
        return extract(docs, gateway, strat, concurrency, advance)


def group(
    claims: Sequence[Claim] | Mapping[str, DocumentClaims],
    documents: Sequence[Document] | Mapping[str, Document],
    vocabulary: Sequence[str] | None = None,
) -> list[ClaimGroup]:
    """Cross-source groups: corroborated, contested or single-source, by code.

    `vocabulary` names the story vocabularies (data/vocabulary_NAME.yaml); None: all shipped.
    """
    from verifier.pipeline.grouping import group_claims

    vocab = tuple(vocabulary) if vocabulary else None
    return group_claims(_claim_list(claims), _documents_by_id(documents), vocab)


def verify(
    claims: Sequence[Claim] | Mapping[str, DocumentClaims],
    documents: Sequence[Document] | Mapping[str, Document],
    gateway: Gateway | None = None,
    on_done: Callable[[Claim], Any] | None = None,
    vocabulary: Sequence[str] | None = None,
) -> VerificationResult:
    """A verdict per claim against its source, then the cross-source groups.

    Without a gateway only the deterministic checks run (no model, as `verify --no-llm`).
    """
    from verifier.pipeline.verification import verify_claims
    from verifier.schemas import VerificationResult

    all_claims = _claim_list(claims)
    docs = _documents_by_id(documents)
    start = len(gateway.records) if gateway is not None else 0
    verdicts = verify_claims(all_claims, docs, gateway, on_done=on_done)
    groups = group(all_claims, docs, vocabulary)
    counts: dict[str, int] = {}
    for label in [v.label.value for v in verdicts] + [g.label.value for g in groups]:
        counts[label] = counts.get(label, 0) + 1
    return VerificationResult(
        model=gateway.model if gateway is not None else None,
        verdicts=verdicts,
        groups=groups,
        counts=counts,
        calls=gateway.records[start:] if gateway is not None else [],
    )


def run_verify(
    documents: Sequence[Document],
    settings: Settings | None,
    claims: Sequence[Claim] | Mapping[str, DocumentClaims] | None = None,
    strategy: ExtractionStrategy | str | None = None,
    concurrency: int = 1,
    progress: Progress | None = None,
    vocabulary: Sequence[str] | None = None,
) -> VerificationResult:
    """`verify` with gateways of its own: extract first when `claims` is None, then judge and
    group. `settings` None runs the deterministic checks only (no model, no settings read).

    Extraction and verification each open and close their own gateway, so the result's
    `calls` are the verification's alone.
    """
    progress = progress or _silent
    if claims is None:
        if settings is None:
            from verifier.errors import InputError

            raise InputError("extraction needs a model: give claims, or settings with a model")
        claims = run_extract(documents, settings, strategy, concurrency, progress).all_claims()
    all_claims = _claim_list(claims)
    with (
        _gateway_if(settings is not None, settings, concurrency) as gateway,
        progress("verifying", len(all_claims)) as advance,
    ):
        return verify(all_claims, documents, gateway, advance, vocabulary)


def write_brief(
    gateway: Gateway,
    documents: Sequence[Document],
    claims: Sequence[Claim] | Mapping[str, DocumentClaims],
    verdicts: Sequence[Verdict],
    groups: Sequence[ClaimGroup],
    on_done: Callable[[], Any] | None = None,
    brief_strategy: str | None = None,
) -> Brief:
    """The brief, written by a brief strategy (default per model: `abstractive` lets the model
    draft overview and perspectives, `composed` builds every sentence from claims); checked."""
    from verifier.briefing import get_brief_strategy

    writer = get_brief_strategy(brief_strategy, gateway.model)
    return writer.write(
        gateway, list(documents), _claim_list(claims), list(verdicts), list(groups), on_done
    )


def check_brief(brief: Brief) -> Brief:
    """Re-run the brief's checks (faithfulness, hedging, attribution, loaded words, balance)."""
    from verifier.pipeline.brief_checks import check_brief as _check

    return _check(brief)


def run_brief(
    documents: Sequence[Document],
    gateway: Gateway,
    claims: Sequence[Claim] | Mapping[str, DocumentClaims] | None = None,
    strategy: ExtractionStrategy | str | None = None,
    concurrency: int | None = None,
    progress: Progress | None = None,
    vocabulary: Sequence[str] | None = None,
    brief_strategy: str | None = None,
) -> Brief:
    """The brief pipeline: extract (unless `claims` are given), verify, group, write, check.

    The stages overlap wherever the data allows, so up to `concurrency` requests stay in
    flight from the first call to the last (`pipeline/handover.py`): a document's claims
    are judged as soon as it is extracted, and a strategy's drafts that need claims only
    (`abstractive`'s perspectives and overview) start as soon as their documents are
    extracted. The brief, and every request, are those of the stages run one by one.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from verifier.briefing import DraftingStrategy, get_brief_strategy
    from verifier.pipeline.brief import claims_in
    from verifier.pipeline.handover import Handover, StageBar
    from verifier.pipeline.verification import PROMPT as JUDGE_PROMPT
    from verifier.pipeline.verification import check_known_documents, verify_claim

    progress = progress or _silent
    docs = list(documents)
    writer = get_brief_strategy(brief_strategy, gateway.model)
    if concurrency:
        gateway.concurrency = concurrency  # before any call: it replaces the throttle
    extraction_strategy = None
    # Numbered from the stages that run, so the last bar shown is the last step (n/n).
    stages = ["extracting claims"] if claims is None else []
    stages += ["verifying claims", "writing and checking the brief"]
    step = {name: f"{i}/{len(stages)} {name}" for i, name in enumerate(stages, 1)}
    by_id = _documents_by_id(docs)
    judged, written = StageBar(), StageBar()
    # Judge calls wait on the gateway's throttle, which bounds the requests in flight; the
    # drafts have a thread of their own, so they never queue behind the judge calls.
    pool = ThreadPoolExecutor(max_workers=gateway.concurrency, thread_name_prefix="judge")
    drafter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draft")
    pending: dict[str, list[Future[Verdict]]] = {}

    def judge_all(result: DocumentClaims) -> None:
        pending[result.doc_id] = [
            pool.submit(verify_claim, c, by_id, gateway, judged) for c in result.claims
        ]

    handover = Handover([d.id for d in docs], judge_all)
    drafting = isinstance(writer, DraftingStrategy)
    drafts: Future[Any] | None = None
    try:
        if claims is None:
            if drafting:
                drafts = drafter.submit(writer.draft, gateway, docs, handover.claims_of, written)
            with progress(step["extracting claims"], len(docs)) as advance:
                extraction = extract(docs, gateway, strategy, None, advance, handover.put)
            s = extraction.summary
            if s.documents and s.failed_documents == s.documents:  # nothing left to brief
                from verifier.errors import ModelCallError

                first = next(d.error for d in extraction.documents if d.error)
                raise ModelCallError(
                    f"all {s.documents} documents failed extraction, nothing to brief; "
                    f"first: {first}"
                )
            handover.open()
            all_claims, extraction_strategy = extraction.all_claims(), extraction.strategy
            verdicts_due = [f for d in extraction.documents for f in pending[d.doc_id]]
        else:
            all_claims = _claim_list(claims)
            check_known_documents(all_claims, by_id)  # one clear line before any call
            if drafting:
                drafts = drafter.submit(writer.draft, gateway, docs, claims_in(all_claims), written)
            verdicts_due = [
                pool.submit(verify_claim, c, by_id, gateway, judged) for c in all_claims
            ]
        groups = group(all_claims, by_id, vocabulary)  # by code, while the calls are out
        with judged.shown(progress, step["verifying claims"], len(all_claims)):
            verdicts = [f.result() for f in verdicts_due]
        label = step["writing and checking the brief"]
        with written.shown(progress, label, writer.stage_count(docs)):
            if drafts is not None:
                assert isinstance(writer, DraftingStrategy)
                brief = writer.assemble(
                    gateway, docs, all_claims, verdicts, groups, drafts.result()
                )
            else:
                brief = writer.write(gateway, docs, all_claims, verdicts, groups, written)
    except (KeyboardInterrupt, SystemExit):
        # Ctrl-C or SIGTERM: unwind now, as `parallel_map` does; nothing new is sent.
        handover.stop()
        for executor in (pool, drafter):
            executor.shutdown(wait=False, cancel_futures=True)
        raise
    except BaseException:
        handover.stop()  # drafts waiting for claims end; calls already sent finish (cached)
        for executor in (pool, drafter):
            executor.shutdown(wait=True)
        raise
    for executor in (pool, drafter):
        executor.shutdown(wait=True)
    # Call records in stage order (extraction, judge, writing), each stage's in the order its
    # calls finished: with one request at a time, the order of the stages run one by one.
    stage_of = {JUDGE_PROMPT: 1} | {p: 2 for p in writer.prompt_versions()}
    brief.calls = sorted(gateway.records, key=lambda r: stage_of.get(r.prompt, 0))
    brief.extraction_strategy = extraction_strategy
    return brief


def load_suite(suite: PathLike | None = None, runs: PathLike | None = None) -> Suite:
    """A suite by registered name (`seeds`) or YAML file, with its documents and gold loaded."""
    from verifier.evaluation.suites import load_suite as _load

    return _load(
        suite if suite is None or isinstance(suite, str) else Path(suite),
        Path(runs) if runs else None,
    )


def evaluate(
    suite: Suite | PathLike | None = None,
    settings: Settings | None = None,
    strategy: ExtractionStrategy | str | None = None,
    matcher: Matcher | None = None,
    concurrency: int = 1,
    on_done: Callable[[Document], Any] | None = None,
) -> RunRecord:
    """Extract a suite with `settings.model` (or a strategy without a model) and score it.

    With `settings.offline` and no cassette of its own, the suite's recorded cassette for the
    model is replayed. The run record is returned, not saved (see `save_run`).
    """
    from verifier.evaluation.suites import Suite, run_eval

    loaded = suite if isinstance(suite, Suite) else load_suite(suite)
    settings = settings or load_settings()
    cassette = loaded.cassette_for(settings.model)
    if settings.offline and settings.cassette is None and cassette and cassette.exists():
        settings = settings.model_copy(update={"cassette": cassette})
    return run_eval(
        loaded,
        settings,
        concurrency=concurrency,
        on_done=on_done,
        strategy=strategy,
        matcher=matcher,
    )


def score(
    predictions: Mapping[str, DocumentClaims] | PathLike,
    gold: Mapping[str, DocumentClaims] | PathLike,
    documents: Sequence[Document] | Mapping[str, Document] | PathLike | None = None,
    matcher: Matcher | None = None,
    pred_groups: Sequence[ClaimGroup] | None = None,
) -> ScoreReport:
    """Score predictions (mapping or claims file/folder) against gold (mapping or gold folder).

    `documents` default to the built-in seed articles. `pred_groups` are scored against the
    gold folder's `groups.json`.
    """
    from verifier.evaluation.gold import load_gold
    from verifier.evaluation.metrics import score as _score
    from verifier.schemas import GoldGroups

    if documents is None:
        from verifier.resources import bundled

        documents = bundled("seeds")
    if isinstance(documents, str | os.PathLike):
        documents = load_documents(documents)
    docs = _documents_by_id(documents)
    gold_groups = GoldGroups()
    if not isinstance(gold, Mapping):
        gold, gold_groups = load_gold(Path(gold), {k: d.text for k, d in docs.items()})
    if not isinstance(predictions, Mapping):
        predictions = load_claims(predictions)
    return _score(predictions, gold, docs, pred_groups, gold_groups, matcher=matcher)


def save_run(run: RunRecord, folder: PathLike) -> Path:
    """Write a run record as `folder/RUN_ID.json` (atomically); returns the path."""
    from verifier.evaluation.suites import save_run as _save

    return _save(run, Path(folder))
