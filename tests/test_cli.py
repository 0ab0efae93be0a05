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
            f"import sys; from verifier.cli import main; sys.argv=['verifier', *{args!r}];\n"
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
