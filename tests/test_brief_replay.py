"""The main job, replayed: `verifier brief seeds/` on the embedded model, from the cassette.

The brief's verification numbers are asserted exactly against
tests/baselines/brief-seeds-local.json ({"claims": n, "verification": {...}}); regenerate it
from `verifier --offline --cassette evals/cassettes/seeds-local.yaml brief seeds/ -o b.json`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "evals" / "cassettes" / "seeds-local.yaml"
BASELINE = ROOT / "tests" / "baselines" / "brief-seeds-local.json"

pytestmark = pytest.mark.skipif(not CASSETTE.exists(), reason="seed cassette not recorded")


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("brief")
    env = {**os.environ, "VERIFIER_CACHE_DIR": str(tmp / "cache")}
    out = tmp / "brief.json"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "verifier",
            "--offline",
            "--cassette",
            str(CASSETTE),
            "brief",
            "seeds/",
            "-o",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert "brief:" in r.stderr  # the summary line
    for suffix in (".md", ".html"):
        r2 = subprocess.run(
            [
                sys.executable,
                "-m",
                "verifier",
                "check-brief",
                str(out),
                "seeds/",
                "-o",
                str(out.with_suffix(suffix)),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert r2.returncode == 0, r2.stderr
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "<svg" in html  # the balance chart
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # no external assets
    assert "<link" not in html and "<script src" not in html
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_perspective_in_the_sources_gets_a_section(brief: dict) -> None:
    perspectives = {s["perspective"] for s in brief["sources"]}
    sections = {s["perspective"] for s in brief["sections"] if s["kind"] == "perspective"}
    assert perspectives == sections
    kinds = [s["kind"] for s in brief["sections"]]
    for kind in ("overview", "agreement", "dispute", "single_source", "unknown"):
        assert kind in kinds


def test_a_sentence_citing_an_unknown_id_is_flagged(brief: dict) -> None:
    """A small model may cite names instead of claim ids; the checks must say so."""
    ids = {c["id"] for c in brief["claims"]}
    for section in brief["sections"]:
        for s in section["sentences"]:
            if not set(s["cites"]) <= ids:
                assert any("cites unknown claims" in f["detail"] for f in s["flags"]), s
                assert s["supported"] is False


def test_verification_numbers_equal_the_baseline(brief: dict) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    v = brief["verification"]
    assert {k: v[k] for k in baseline["verification"]} == baseline["verification"]
    assert len(brief["claims"]) == baseline["claims"]
