"""Fault injection through the real gateway: litellm + instructor over HTTP to a local server.

Nothing of ours or of litellm is mocked; the server on 127.0.0.1 misbehaves on cue.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import (
    FAULT_MODEL,
    article_of,
    claim_responder,
    cli_env,
    write_docs,
)
from pydantic import BaseModel, ValidationInfo, field_validator

from verifier.errors import ModelCallError, ModelOutputError
from verifier.models.gateway import Gateway
from verifier.prompts import Prompt

PROMPT = Prompt(name="fault_probe", version="1", system="Answer in JSON.", user="Say {{ word }}.")
GOOD = {"answer": "hello", "n": 3}


class Answer(BaseModel):
    answer: str
    n: int


class Picky(BaseModel):
    """Valid JSON that fails only with context: exercises last-best-attempt semantics."""

    answer: str
    n: int

    @field_validator("answer")
    @classmethod
    def _wanted(cls, v: str, info: ValidationInfo) -> str:
        want = (info.context or {}).get("want")
        if want is not None and v != want:
            raise ValueError(f"answer must be {want!r}")
        return v


@pytest.fixture(autouse=True)
def _good_content(fault_server):
    fault_server.content = GOOD


def ask(gw: Gateway, model: type[BaseModel] = Answer, word: str = "hello", **kw):
    return gw.structured(model, PROMPT, {"word": word}, label=f"probe {word}", **kw)


def one_line(msg: str) -> bool:
    return "\n" not in msg and "Traceback" not in msg


TRANSIENT = ["429", "500", "503", "slow", "drop", "empty_choices"]


# ------------------------------------------------------------ transport faults
@pytest.mark.parametrize("fault", TRANSIENT)
def test_transient_fault_is_retried(fault_env, make_settings, fault):
    fault_env.content = GOOD
    fault_env.slow_s = 3.0  # > timeout_s 1.5
    fault_env.script(fault, "ok")
    with Gateway(make_settings()) as gw:
        r = ask(gw)
    assert r.value.model_dump() == GOOD
    assert (
        r.valid and r.record.attempts == 1
    )  # one answer parsed; the fault never reached instructor
    assert fault_env.requests == 2
    assert [f for _, f, _ in fault_env.log] == [fault, "ok"]


@pytest.mark.parametrize("fault", TRANSIENT)
def test_persistent_fault_gives_up_with_one_clear_error(fault_env, make_settings, fault):
    retries = 1 if fault == "slow" else 3  # keep the slow case quick
    fault_env.slow_s = 3.0
    fault_env.script(*[fault] * (retries + 1), "ok")  # the "ok" must never be reached
    with (
        Gateway(make_settings(transport_retries=retries)) as gw,
        pytest.raises(ModelCallError) as ei,
    ):
        ask(gw)
    msg = str(ei.value)
    assert one_line(msg)
    assert msg.startswith(f"probe hello: {FAULT_MODEL}: gave up after {retries + 1} attempts")
    assert fault_env.requests == retries + 1  # transport retries only: no re-ask multiplies them
    # A failure is not cached: the next run asks again and succeeds.
    with Gateway(make_settings(transport_retries=retries)) as gw:
        assert ask(gw).value.answer == "hello"
    assert fault_env.requests == retries + 2


def test_429_honours_retry_after(fault_env, make_settings):
    fault_env.retry_after = "0.4"
    fault_env.script("429", "ok")
    with Gateway(make_settings(backoff_max_s=2.0)) as gw:
        ask(gw)
    gap = fault_env.times[1] - fault_env.times[0]
    assert 0.4 <= gap < 1.5, gap  # waited as told (exponential backoff alone would be 0.01 s)


def test_429_retry_after_is_capped_by_backoff_max(fault_env, make_settings):
    fault_env.retry_after = "120"
    fault_env.script("429", "ok")
    with Gateway(make_settings(backoff_max_s=0.05)) as gw:
        ask(gw)
    assert fault_env.times[1] - fault_env.times[0] < 1.0


def test_429_retry_after_http_date(fault_env, make_settings):
    fault_env.retry_after = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    fault_env.script("429", "ok")
    with Gateway(make_settings(backoff_max_s=0.3)) as gw:
        ask(gw)
    gap = fault_env.times[1] - fault_env.times[0]
    assert 0.3 <= gap < 1.3, gap  # the date was understood (then capped at backoff_max_s)


def test_4xx_other_than_429_is_not_retried(fault_env, make_settings):
    fault_env.script("401_echo", "ok")
    with Gateway(make_settings()) as gw, pytest.raises(ModelCallError) as ei:
        ask(gw)
    assert fault_env.requests == 1
    assert one_line(str(ei.value)) and "probe hello" in str(ei.value)


# ------------------------------------------------------------ output faults
@pytest.mark.parametrize("fault", ["truncated", "invalid"])
def test_bad_output_is_reasked_then_succeeds(fault_env, make_settings, fault):
    fault_env.content = GOOD
    fault_env.script(fault, "ok")
    with Gateway(make_settings()) as gw:
        r = ask(gw)
    assert r.value.model_dump() == GOOD and r.valid
    assert r.record.attempts == 2 and fault_env.requests == 2
    first, second = (body["messages"] for _, _, body in fault_env.log)
    assert len(second) > len(first)  # the re-ask carries the error back to the model


@pytest.mark.parametrize("fault", ["truncated", "invalid"])
def test_bad_output_forever_is_a_model_output_error(fault_env, make_settings, fault):
    fault_env.script(*[fault] * 3)
    with Gateway(make_settings()) as gw, pytest.raises(ModelOutputError) as ei:
        ask(gw, max_retries=2)
    msg = str(ei.value)
    assert one_line(msg) and msg.startswith(
        f"probe hello: {FAULT_MODEL} gave no parsable Answer in 3"
    )
    assert fault_env.requests == 3
    # The model's failure is its answer (fixed seed): a re-run fails the same way, no request.
    with Gateway(make_settings()) as gw, pytest.raises(ModelOutputError) as again:
        ask(gw, max_retries=2)
    assert str(again.value) == msg and fault_env.requests == 3
    assert gw.records[-1].cache_hit and gw.records[-1].error == msg
    # --refresh asks again, and a good answer now replaces the failure.
    with Gateway(make_settings(refresh=True)) as gw:
        assert ask(gw, max_retries=2).valid
    assert fault_env.requests == 4


def test_context_failures_keep_last_best_attempt(fault_env, make_settings):
    fault_env.content = {"answer": "nope", "n": 1}
    with Gateway(make_settings()) as gw:
        r = ask(gw, Picky, context={"want": "yes"}, max_retries=2)
    assert not r.valid and len(r.validation_errors) == 3
    assert r.value.answer == "nope" and fault_env.requests == 3
    # The imperfect answer is cached with its errors, not re-bought.
    with Gateway(make_settings()) as gw:
        again = ask(gw, Picky, context={"want": "yes"}, max_retries=2)
    assert again.record.cache_hit and again.validation_errors == r.validation_errors
    assert fault_env.requests == 3


def test_length_cut_output_is_a_model_output_error(fault_env, make_settings):
    fault_env.script("length", "ok")
    with Gateway(make_settings()) as gw, pytest.raises(ModelOutputError) as ei:
        ask(gw, max_tokens=20)
    assert "max_tokens=20" in str(ei.value) and one_line(str(ei.value))


def test_mixed_faults_in_one_call(fault_env, make_settings):
    """Transport faults inside each attempt and a re-ask between attempts compose."""
    fault_env.content = GOOD
    fault_env.script("503", "truncated", "drop", "429", "ok")
    with Gateway(make_settings()) as gw:
        r = ask(gw)
    assert r.valid and r.record.attempts == 2 and fault_env.requests == 5


def test_success_is_cached(fault_env, make_settings):
    with Gateway(make_settings()) as gw:
        a = ask(gw)
        b = ask(gw)
    assert (
        not a.record.cache_hit
        and b.record.cache_hit
        and a.value.model_dump() == b.value.model_dump()
    )
    assert fault_env.requests == 1


# ------------------------------------------------------------------ extraction
def _extract(settings, docs_dir: Path, concurrency: int = 1):
    from verifier.pipeline.documents import load_documents
    from verifier.pipeline.extraction import extract

    docs = load_documents([docs_dir])
    with Gateway(settings) as gw:
        return extract(gw, docs, concurrency=concurrency)


def test_extraction_with_30pct_transient_faults_equals_clean_run(
    fault_env, make_settings, tmp_path
):
    fault_env.respond = claim_responder
    docs = tmp_path / "docs"
    write_docs(docs, 12)

    clean = _extract(make_settings(cache_dir=tmp_path / "clean"), docs)
    clean_requests = fault_env.requests
    assert clean_requests == 12 and clean.summary.failed_documents == 0

    # The server draws faults from an RNG keyed on each request's messages, so which seed
    # gives a 30% realised rate depends on the prompt; take the first seed that does.
    for seed in range(11, 41):
        fault_env.reset()
        fault_env.respond = claim_responder
        fault_env.set_rate(0.3, seed=seed, faults=("429", "500", "503", "drop", "empty_choices"))
        faulty = _extract(make_settings(cache_dir=tmp_path / f"faulty{seed}"), docs, concurrency=4)
        served = fault_env.faults_served()
        n_faults = sum(v for k, v in served.items() if k != "ok")
        if n_faults >= 4:  # at least 4 of the 12 documents' first calls failed
            break
    assert n_faults >= 4 and served["ok"] == 12, served

    assert [d.model_dump() for d in faulty.documents] == [d.model_dump() for d in clean.documents]
    assert faulty.summary.claims == clean.summary.claims == 12
    assert faulty.summary.grounded == 12 and faulty.summary.failed_documents == 0


def test_document_that_fails_for_good_is_recorded_not_dropped(fault_env, make_settings, tmp_path):
    fault_env.respond = claim_responder
    docs = tmp_path / "docs"
    write_docs(docs, 4)
    (docs / "doc90.txt").write_text("Poison\n\nTRANSPORT-POISON stays down. More text.\n")
    (docs / "doc91.txt").write_text("Poison\n\nOUTPUT-POISON stays broken. More text.\n")

    def rule(body):
        text = article_of(body)
        if "TRANSPORT-POISON" in text:
            return "500"
        if "OUTPUT-POISON" in text:
            return "truncated"
        return None

    fault_env.rules.append(rule)
    result = _extract(make_settings(), docs, concurrency=2)
    by_id = {d.doc_id: d for d in result.documents}
    assert list(by_id) == ["doc00", "doc01", "doc02", "doc03", "doc90", "doc91"]  # order kept
    assert result.summary.failed_documents == 2 and result.summary.documents == 6
    assert "gave up after 4 attempts" in (by_id["doc90"].error or "")
    assert "gave no parsable ClaimDrafts" in (by_id["doc91"].error or "")
    assert by_id["doc90"].claims == [] and by_id["doc91"].claims == []
    assert all(
        by_id[f"doc0{i}"].error is None and len(by_id[f"doc0{i}"].claims) == 1 for i in range(4)
    )


@pytest.mark.slow
def test_interrupted_extraction_resumes_without_repeating_calls(fault_env, make_settings, tmp_path):
    """SIGINT part-way through `verifier extract`; run again: finished calls come from the cache."""
    import diskcache

    fault_env.respond = claim_responder
    fault_env.delay_s = 0.25
    docs = tmp_path / "docs"
    write_docs(docs, 12)
    cache = tmp_path / "cache"
    out = tmp_path / "out.json"
    out.write_text('{"previous": true}\n')
    args = [
        sys.executable,
        "-m",
        "verifier",
        "--model",
        FAULT_MODEL,
        "--cache-dir",
        str(cache),
        "extract",
        str(docs),
        "-o",
        str(out),
    ]
    proc = subprocess.Popen(
        args,
        cwd=tmp_path,
        env=cli_env(fault_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a shell starts background jobs (CI scripts run with `&`) with
        # SIGINT ignored, and an ignored signal stays ignored across exec.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while fault_env.requests < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fault_env.requests >= 4, "extraction never started"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    first_requests = fault_env.requests
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "run again to resume" in err
    assert first_requests < 12, f"SIGINT did not stop the run ({first_requests} requests)"
    assert out.read_text() == '{"previous": true}\n'  # the old output is untouched
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    with diskcache.Cache(str(cache)) as dc:
        cached = len(dc)
    assert first_requests - 1 <= cached <= first_requests  # at most the in-flight call is lost

    # Run again with the same cache (in this process: same settings, same cache keys).
    fault_env.reset()
    fault_env.delay_s = 0.0
    result = _extract(make_settings(cache_dir=cache, timeout_s=2.0), docs)
    assert fault_env.requests == 12 - cached  # finished calls were not repeated
    assert result.summary.cache_hits == cached and result.summary.failed_documents == 0
    assert [d.doc_id for d in result.documents] == [f"doc{i:02d}" for i in range(12)]
    assert all(d.error is None and len(d.claims) == 1 for d in result.documents)


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)
def test_signal_mid_run_exits_at_once_with_calls_in_flight(fault_env, tmp_path, sig, code, word):
    """SIGTERM (or Ctrl-C) while 4 worker threads wait on a slow server: the process exits
    without waiting for the calls in flight, says so in one line, and writes no output."""
    fault_env.respond = claim_responder
    fault_env.delay_s = 120.0  # far beyond the wait below: only a prompt exit passes
    docs = tmp_path / "docs"
    write_docs(docs, 8)
    out = tmp_path / "brief.html"
    args = [sys.executable, "-m", "verifier", "--model", FAULT_MODEL,
            "--cache-dir", str(tmp_path / "cache"),
            "brief", str(docs), "-o", str(out), "--concurrency", "4"]  # fmt: skip
    proc = subprocess.Popen(
        args, cwd=tmp_path, env=cli_env(fault_env, VERIFIER_TIMEOUT_S="300"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as from a terminal: a background shell starts its jobs with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while fault_env.requests < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fault_env.requests == 4, "the four workers never all had a call in flight"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)  # only to fail a hang; the calls take 120 s
    finally:
        proc.kill()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert proc.returncode == code, err
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{word};") and "run again to resume" in lines[0]
    assert fault_env.requests == 4  # nothing new was sent after the signal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "docs"]  # no output, no .tmp


def test_cache_key_is_stable_across_processes(tmp_path):
    """A set in the validation context must not make the key depend on PYTHONHASHSEED."""
    import os

    code = (
        "from verifier.models.gateway import _context_digest;"
        "print(_context_digest({'claim_ids': {'a:c01', 'b:c02', 'c:c03', 'd:c04'}}))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
