"""Second-layer regression gate: the seed suite, replayed offline from the committed cassette.

The metric's primary tests have expected values from outside the code (test_metrics_by_hand,
test_attribution, test_metric_probes). This layer only notices that something moved: every
metric is compared with tests/baselines/seeds-local.json, so a change to a prompt, a check,
the parser or a metric that moves a score fails here until the baseline is re-generated in
the same diff (and the change is explained there). Regenerate with:

    verifier --offline eval --json --no-save > tests/baselines/seeds-local.json
    verifier --offline eval -m local:gemma3-270m --json --no-save \
        > tests/baselines/seeds-local_gemma3-270m.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "evals" / "cassettes" / "seeds-local.yaml"
BASELINE = ROOT / "tests" / "baselines" / "seeds-local.json"
GEMMA = "local:gemma3-270m"

pytestmark = pytest.mark.skipif(not CASSETTE.exists(), reason="seed cassette not recorded")


def verifier(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VERIFIER_CACHE_DIR": str(cache)}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    cache = tmp_path_factory.mktemp("cache")
    r = verifier("--offline", "eval", "--json", "--no-save", cache=cache)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), cache


def test_seed_suite_metrics_equal_the_baseline(first_run: tuple[dict, Path]) -> None:
    result, _ = first_run
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert result == baseline


@pytest.mark.skipif(
    not (ROOT / "evals" / "cassettes" / "seeds-local_gemma3-270m.yaml").exists(),
    reason="gemma cassette not recorded",
)
def test_second_embedded_model_metrics_equal_its_baseline(tmp_path: Path) -> None:
    r = verifier("--offline", "eval", "-m", GEMMA, "--json", "--no-save", cache=tmp_path)
    assert r.returncode == 0, r.stderr
    baseline = ROOT / "tests" / "baselines" / "seeds-local_gemma3-270m.json"
    assert json.loads(r.stdout) == json.loads(baseline.read_text(encoding="utf-8"))


def test_cached_rerun_is_identical_and_imports_no_litellm(first_run: tuple[dict, Path]) -> None:
    result, cache = first_run
    code = (
        "import sys, json, io, contextlib\n"
        "from verifier.cli.app import main\n"
        "sys.argv = ['verifier', '--offline', 'eval', '--json', '--no-save']\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n        main()\n    except SystemExit as e:\n        assert not e.code, e.code\n"
        "heavy = {m: m in sys.modules for m in ('litellm', 'instructor')}\n"
        "print(json.dumps({**heavy, 'result': json.loads(buf.getvalue())}))\n"
    )
    env = {**os.environ, "VERIFIER_CACHE_DIR": str(cache)}
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout.strip().splitlines()[-1])
    assert data["litellm"] is False and data["instructor"] is False
    rerun = data["result"]
    assert rerun == result  # run_record is None in both: --no-save
