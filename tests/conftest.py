"""Shared fixtures: the fault-injecting model server, settings that point at it, CLI runs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from faultserver import FaultServer, user_text

#: The model string that reaches the fault server (with VERIFIER_API_BASE set).
FAULT_MODEL = "openai/fault-model"
#: A fake key in the shape of a real one; it must never reach an artefact.
FAKE_KEY = "sk-" + "FAKE0123456789abcdefXYZ"  # built, so no key-like literal sits in the repo


def _clean_env() -> dict[str, str]:
    """This process's environment without VERIFIER_* and provider keys, offline-friendly."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VERIFIER_") and not k.endswith(("_API_KEY", "_API_BASE"))
    }
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def fault_env(fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> FaultServer:
    """Point every in-process Gateway at the fault server (JSON mode, fake key)."""
    for k in list(os.environ):
        if k.startswith("VERIFIER_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("VERIFIER_API_BASE", fault_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-FAKEKEY0000000000")
    monkeypatch.setenv("VERIFIER_INSTRUCTOR_MODE", "JSON")
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return fault_server


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Any]:
    """Settings for quick fault tests: short timeout and backoff, a fresh cache folder."""
    from verifier.settings import Settings

    def make(**kw: Any) -> Settings:
        base: dict[str, Any] = {
            "model": FAULT_MODEL,
            "cache_dir": tmp_path / "cache",
            "timeout_s": 1.5,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.05,
            "transport_retries": 3,
        }
        base.update(kw)
        return Settings(_env_file=None, **base)  # type: ignore[call-arg]

    return make


class LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.DEBUG) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@pytest.fixture
def verifier_log() -> Iterator[LogCapture]:
    """Everything logged on the `verifier` logger (whatever the CLI set up before)."""
    logger = logging.getLogger("verifier")
    handler = LogCapture()
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


# ------------------------------------------------------------------ documents
def write_docs(folder: Path, n: int, prefix: str = "doc") -> list[Path]:
    """`n` small articles, each with a distinct first sentence the fake model quotes."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"{prefix}{i:02d}.txt"
        p.write_text(
            f"Report {i} from Town{i}\n\n"
            f"The council of Town{i} approved {10 + i} new homes on Monday. "
            f"Officials said building work would start in spring.\n",
            encoding="utf-8",
        )
        paths.append(p)
    return paths


_ARTICLE = re.compile(r"<article>((?:(?!<article>).)*?)</article>", re.S)


def article_of(body: dict[str, Any]) -> str:
    """The article inside the prompt's data tags (the system message names the tag too)."""
    m = _ARTICLE.search(user_text(body))
    return m.group(1) if m else ""


def claim_responder(body: dict[str, Any]) -> dict[str, Any]:
    """A deterministic fake model: one grounded claim, the article's first body sentence."""
    text = article_of(body)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    body_text = lines[1] if len(lines) > 1 else (lines[0] if lines else "")
    sentence = body_text.split(". ")[0].rstrip(".") + "."
    return {
        "claims": [
            {
                "text": sentence,
                "quote": sentence,
                "claim_type": "event",
                "attributed_to": "the article",
                "certainty": "asserted",
            }
        ]
    }


# ------------------------------------------------------------------------ CLI
def cli_env(
    server: FaultServer | None = None, key: str = "sk-test-FAKEKEY0000000000", **extra: str
):
    env = _clean_env()
    if server is not None:
        env["VERIFIER_API_BASE"] = server.url
    env["OPENAI_API_KEY"] = key
    env["VERIFIER_INSTRUCTOR_MODE"] = "JSON"
    env["VERIFIER_TIMEOUT_S"] = "2"
    env["VERIFIER_BACKOFF_BASE_S"] = "0.01"
    env["VERIFIER_BACKOFF_MAX_S"] = "0.05"
    env["VERIFIER_TRANSPORT_RETRIES"] = "3"
    env.update(extra)
    return env


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m verifier ARGS` in a fresh process; cwd is a tmp folder (no stray .env)."""
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args],
        cwd=cwd,
        env=env if env is not None else cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def stderr_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ln.strip()]


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
