"""Extension by one file: a plugin module adds a provider, a strategy, a metric and a suite.

The plugin (tests/plugin_example.py) is exposed through entry points of a distribution
made here (a `.dist-info` folder on PYTHONPATH), so the real `importlib.metadata` discovery
runs, in a fresh `verifier` process, as for a package installed from PyPI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
GROUPS = (
    "verifier.providers",
    "verifier.strategies",
    "verifier.metrics",
    "verifier.suites",
    "verifier.local_models",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    site = tmp_path_factory.mktemp("site")
    info = site / "verifier_example_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: verifier-example-plugin\nVersion: 1.0\n"
    )
    weights = site / "example_weights"  # a package carrying a (placeholder) weights file
    weights.mkdir()
    (weights / "__init__.py").write_text("")
    (weights / "example-tiny.Q4.gguf").write_bytes(b"GGUF")
    (info / "entry_points.txt").write_text(
        "".join(f"[{g}]\nexample = plugin_example\n\n" for g in GROUPS)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    env |= {
        "PYTHONPATH": os.pathsep.join([str(site), str(TESTS)]),
        "VERIFIER_CACHE_DIR": str(site / "cache"),
        "COLUMNS": "200",
    }

    def verifier(*args: str, python: bool = False) -> subprocess.CompletedProcess[str]:
        r = subprocess.run(
            [sys.executable, *([] if python else ["-m", "verifier"]), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=site,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        return r

    return verifier


def test_plugin_provider_is_listed_by_models(run) -> None:  # type: ignore[no-untyped-def]
    out = run("--offline", "models").stdout
    assert "example-vendor" in out and "EXAMPLE_VENDOR_API_KEY" in out


def test_plugin_local_model_is_a_data_entry_listed_by_models(run) -> None:  # type: ignore[no-untyped-def]
    out = run("--offline", "models").stdout
    row = next(line for line in out.splitlines() if "local:example-tiny" in line)
    # port = VERIFIER_LOCAL_PORT (8766 by default) + the entry's port_offset 7; weights found
    assert "8773" in row and "yes" in row
    found = run(
        "-c",
        "from verifier.models.local import resolve_local;"
        "print(resolve_local('local:example-tiny').gguf_path().name)",
        python=True,
    ).stdout.strip()
    assert found == "example-tiny.Q4.gguf"


def test_plugin_strategy_and_suite_are_listed(run) -> None:  # type: ignore[no-untyped-def]
    assert "example-first-sentence" in run("strategies").stdout
    assert "example-suite" in run("suites").stdout
    # The commands that list them are in the top-level help.
    top = run("--help").stdout
    assert "strategies" in top and "suites" in top and "models" in top


def test_plugin_suite_strategy_and_metric_in_eval_leaderboard_and_report(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    runs = tmp_path / "runs"
    r = run(
        "eval", "--suite", "example-suite", "--strategy", "example-first-sentence",
        "--runs", str(runs), "--json",
    )  # fmt: skip
    got = json.loads(r.stdout)
    # One claim per article, 5 articles; evals/gold holds 73 gold claims: 5/73.
    assert got["example_claim_yield"] == pytest.approx(5 / 73)
    record = json.loads(next(runs.glob("*.json")).read_text())
    assert record["suite"] == "example-suite" and record["strategy"] == "example-first-sentence"
    board = run("leaderboard", str(runs)).stdout
    assert "example-first-sentence" in board
    assert "example_claim_yield" in board
    report = tmp_path / "report.html"
    run("report", str(runs), "-o", str(report))
    html = report.read_text(encoding="utf-8")
    assert "Claims per gold claim" in html and "example-suite" in html
