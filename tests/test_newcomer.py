"""What a newcomer hit (issue 15): URLs, Markdown titles, a brief with no extractions, offline
replays in the leaderboard, progress bars that stop short. Each through the real CLI."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAULT_MODEL, _clean_env, cli_env, run_cli, stderr_lines, write_docs

from verifier.evaluation.suites import latest_per_model
from verifier.pipeline.documents import load_documents
from verifier.schemas import RunRecord

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "evals" / "cassettes" / "seeds-local.yaml"


@pytest.mark.parametrize(
    "url",
    ["https://example.com/news/article.html", "http://example.com/a", "HTTPS://EXAMPLE.COM/x"],
)
def test_a_url_is_said_to_be_unsupported_with_its_slashes(tmp_path: Path, url: str) -> None:
    r = run_cli(["brief", url, "-o", "b.html"], tmp_path)
    assert r.returncode == 2
    # Path("https://x") is "https:/x": the message must show the URL as typed.
    assert stderr_lines(r) == [f"error: {url}: URLs are not supported: download the article first"]
    assert not (tmp_path / "b.html").exists()


def test_a_missing_file_is_still_a_missing_file(tmp_path: Path) -> None:
    r = run_cli(["brief", "https_notes.txt"], tmp_path)
    assert stderr_lines(r) == ["error: https_notes.txt: no such file or folder"]


def test_markdown_titles_lose_their_heading_marks(tmp_path: Path) -> None:
    docs = {
        "a.md": "# Deserters return to the front #\n\nBody text.\n",
        "b.md": "\n\n###   Three hashes and spaces\nBody.\n",
        "c.md": "#hashtag is not a heading\nBody.\n",
        "d.txt": "# A text file keeps its first line\nBody.\n",
        "e.markdown": "## Second level\nBody.\n",
    }
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    titles = {Path(d.path).name: d.title for d in load_documents([tmp_path])}
    assert titles == {
        "a.md": "Deserters return to the front",
        "b.md": "Three hashes and spaces",
        "c.md": "#hashtag is not a heading",  # CommonMark needs a space after the #s
        "d.txt": "# A text file keeps its first line",
        "e.markdown": "Second level",
    }


def test_brief_stops_when_every_extraction_failed(fault_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fault_server.rules.append(lambda body: "500")
    write_docs(tmp_path / "docs", 2)
    env = cli_env(fault_server, VERIFIER_TRANSPORT_RETRIES="1")
    r = run_cli(
        ["-m", FAULT_MODEL, "--no-cache", "brief", "docs", "-o", "b.html"], tmp_path, env=env
    )
    lines = stderr_lines(r)
    assert r.returncode == 4, r.stderr
    assert len(lines) == 1 and lines[0].startswith(
        "error: all 2 documents failed extraction, nothing to brief; first: "
    ), r.stderr
    assert not (tmp_path / "b.html").exists()
    # Two documents × (one try + one retry): nothing was sent for the writing stage.
    assert fault_server.requests == 4


# ------------------------------------------------------------------ offline replays
def _suite(tmp_path: Path) -> Path:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "name: seeds\n"
        f"documents: {ROOT / 'seeds'}\n"
        f"gold: {ROOT / 'evals' / 'gold'}\n"
        f"cassette: {ROOT / 'evals' / 'cassettes'}/seeds-{{model}}.yaml\n"
        "runs: runs\n"
        "models: [local]\n"
        "vocabulary: [desertion]\n",
        encoding="utf-8",
    )
    return suite


@pytest.mark.skipif(not CASSETTE.exists(), reason="seed cassette not recorded")
def test_offline_replays_are_not_saved_unless_asked_and_then_marked(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    env = {**cli_env(), "VERIFIER_CACHE_DIR": str(tmp_path / "cache")}
    r = run_cli(["--offline", "eval", "--suite", str(suite)], tmp_path, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "runs").exists()
    assert "replayed, not a live run: run record not saved" in r.stderr
    r = run_cli(["--offline", "eval", "--suite", str(suite), "--save"], tmp_path, env, 600)
    assert r.returncode == 0, r.stderr
    (saved,) = (tmp_path / "runs").iterdir()
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["replay"] is True and "-replay-" in record["run_id"]


def _run(run_id: str, started: str, replay: bool, offline: bool = False) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        suite="seeds",
        model="local",
        started_at=started,
        wall_seconds=1.0,
        replay=replay,
        config={"offline": offline},
    )


def test_a_replay_never_displaces_the_latest_live_run() -> None:
    live = _run("live", "2026-11-20T10:00:00+00:00", False)
    replay = _run("replay", "2026-11-22T10:00:00+00:00", True)
    old_style = _run("old-offline", "2026-11-23T10:00:00+00:00", False, offline=True)
    assert [r.run_id for r in latest_per_model([live, replay, old_style])] == ["live"]
    # With no live run at all, the latest replay is what there is (and it is marked).
    assert [r.run_id for r in latest_per_model([replay, old_style])] == ["old-offline"]


# ------------------------------------------------------------------------ progress
@pytest.mark.skipif(not CASSETTE.exists(), reason="seed cassette not recorded")
def test_progress_bars_reach_the_last_step(tmp_path: Path) -> None:
    """In a terminal, the brief's last bar is n/n and full (it stopped at 3/4 before)."""
    master, slave = pty.openpty()
    env = {
        **_clean_env(),  # no instructor-mode override: requests must match the cassette
        "VERIFIER_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "160",
        "TERM": "xterm",
    }
    replay = [sys.executable, "-m", "verifier", "--offline", "--cassette", str(CASSETTE)]
    proc = subprocess.Popen(
        [*replay, "brief", "seeds/", "-o", str(tmp_path / "b.json")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=600)
    os.close(master)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert proc.returncode == 0, screen[-2000:]
    steps = re.findall(r"(\d)/(\d) ([a-z ]+?)\s+\S*\s+(\d+)/(\d+)", screen)
    assert steps, screen[-2000:]
    names = list(dict.fromkeys((int(a), int(b), name) for a, b, name, _, _ in steps))
    assert names == [
        (1, 3, "extracting claims"),
        (2, 3, "verifying claims"),
        (3, 3, "writing and checking the brief"),
    ]
    for _, _, name in names:  # every bar was last drawn full
        done, total = next((d, t) for a, _, n, d, t in reversed(steps) if n == name)
        assert done == total, (name, done, total)
