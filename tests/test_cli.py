"""The command line as a user meets it: fast start, only working commands, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_every_command_and_each_has_help() -> None:
    r = run("--help")
    assert r.returncode == 0
    commands = [
        "serve",
        "models",
        "extract",
        "verify",
        "brief",
        "check-brief",
        "score",
        "eval",
        "leaderboard",
        "compare",
        "report",
        "cache",
    ]
    for c in commands:
        assert f" {c} " in r.stdout, c
        sub = run(c, "--help")
        assert sub.returncode == 0 and "Usage" in sub.stdout, c


def test_help_and_offline_commands_never_import_litellm() -> None:
    for args in (["--help"], ["cache", "stats"], ["check-brief", "--help"]):
        code = (
            f"import sys; from verifier.cli.app import main; sys.argv=['verifier', *{args!r}];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'litellm' not in sys.modules, 'litellm imported'\n"
            "assert 'instructor' not in sys.modules, 'instructor imported'"
        )
        r = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"HOME": str(ROOT / ".pytest-home"), "PATH": "/usr/bin:/bin"},
        )
        assert r.returncode == 0, r.stderr


def test_models_never_prints_a_key(tmp_path: Path) -> None:
    import os

    env = {
        **os.environ,
        # built at run time, so no key-like literal sits in the repo
        "OPENAI_API_KEY": "sk-" + "SECRETSECRETSECRET1234",
        "VERIFIER_CACHE_DIR": str(tmp_path),
    }
    r = subprocess.run(
        [sys.executable, "-m", "verifier", "models"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0
    assert "OPENAI_API_KEY" in r.stdout
    assert "SECRET" not in r.stdout + r.stderr


def test_cache_stats_and_clear(tmp_path: Path) -> None:
    r = run("--cache-dir", str(tmp_path / "c"), "cache", "stats")
    assert r.returncode == 0 and "entries" in r.stdout and "0" in r.stdout
    r = run("--cache-dir", str(tmp_path / "c"), "cache", "clear")
    assert r.returncode == 0 and "removed 0 entries" in r.stdout


def test_unknown_model_is_one_line(tmp_path: Path) -> None:
    r = run(
        "--model",
        "nonsense",
        "--cache-dir",
        str(tmp_path),
        "extract",
        "seeds/002_f8d432a874d9319b.txt",
    )
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "nonsense" in r.stderr
    assert "Traceback" not in r.stderr


def test_offline_miss_names_the_call(tmp_path: Path) -> None:
    r = run("--offline", "--cache-dir", str(tmp_path), "extract", "seeds/002_f8d432a874d9319b.txt")
    assert r.returncode != 0
    assert "--offline" in r.stderr or "offline" in r.stderr
    assert "Traceback" not in r.stderr


def test_leaderboard_compare_and_report_on_committed_runs(tmp_path: Path) -> None:
    import json

    runs = sorted((ROOT / "evals" / "runs").glob("*.json"))
    assert len(runs) >= 2
    records = [json.loads(p.read_text(encoding="utf-8")) for p in runs]
    r = run("leaderboard", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    # One model may have runs under several strategies (single-pass and staged for `local`).
    by_run = {(row["model"], row["strategy"]): row for row in rows}
    latest: dict[tuple[str, str], dict] = {}  # the leaderboard shows each one's latest run
    for rec in sorted(records, key=lambda r: r["started_at"]):
        latest[(rec["model"], rec["strategy"])] = rec
    assert set(by_run) == set(latest)
    for key, rec in latest.items():
        assert by_run[key]["claim_f1"] == rec["metrics"]["claim_f1"]["value"]
    f1s = [row["claim_f1"] for row in rows]
    assert f1s == sorted(f1s, reverse=True)  # best first

    r = run("compare", str(runs[0]), str(runs[1]), "--json")
    assert r.returncode == 0, r.stderr
    diff = json.loads(r.stdout)
    a, b = records[0]["metrics"]["claim_f1"]["value"], records[1]["metrics"]["claim_f1"]["value"]
    assert diff["metrics"]["claim_f1"]["delta"] == round(b - a, 4)
    found = {
        rec["run_id"]: {
            i["gold_id"] for i in rec["items"] if i.get("kind") == "gold" and i.get("found")
        }
        for rec in records
    }
    assert set(diff["gained"]) == found[records[1]["run_id"]] - found[records[0]["run_id"]]

    out = tmp_path / "report.html"
    r = run("report", *map(str, runs), "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert all(rec["model"] in html for rec in records)
    assert "<script src" not in html and "<link" not in html


def test_fail_under_gate_exits_5() -> None:
    gold = ("--gold", "evals/gold")
    r = run("score", "--pred", "evals/gold", *gold, "--fail-under", "claim_f1=1.0")
    assert r.returncode == 0, r.stderr
    run_file = sorted((ROOT / "evals" / "runs").glob("*.json"))[0]
    r = run(
        "score", "--pred", str(run_file), "--gold", "evals/gold", "--fail-under", "claim_f1=0.9"
    )
    assert r.returncode == 5
    assert r.stderr.startswith("error: ") and "claim_f1=" in r.stderr and "< 0.9" in r.stderr
