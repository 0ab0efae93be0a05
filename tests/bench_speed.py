"""Speed benchmark of the commands users wait on (not collected by pytest: no timing asserts).

    .venv/bin/python tests/bench_speed.py [--repeat 5] [--json out.json]

Each command runs as a real subprocess, offline, from the committed cassettes; the cache is
warmed once first where the case is "cached". Reports best and median wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = "evals/cassettes/seeds-local.yaml"

CASES: list[tuple[str, list[str], bool]] = [
    ("verifier --help", ["--help"], False),
    ("cache stats", ["cache", "stats"], False),
    (
        "verify --no-llm, 73 gold claims",
        ["verify", "seeds/", "--claims", "evals/gold", "--no-llm", "--json"],
        False,
    ),
    (
        "score gold vs gold",
        ["score", "--pred", "evals/gold", "--gold", "evals/gold", "--json"],
        False,
    ),
    ("eval --offline, fully cached", ["--offline", "eval", "--json", "--no-save"], True),
    (
        "brief seeds/, fully cached",
        ["--offline", "--cassette", CASSETTE, "brief", "seeds/", "-o", "{tmp}/brief.json"],
        True,
    ),
    ("check-brief to HTML", ["check-brief", "{tmp}/brief.json", "-o", "{tmp}/brief.html"], False),
]


def run(args: list[str], env: dict[str, str], tmp: str) -> float:
    argv = [sys.executable, "-m", "verifier", *(a.replace("{tmp}", tmp) for a in args)]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()[:300]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    opts = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VERIFIER_CACHE_DIR": str(Path(tmp) / "cache")}
        for name, args, warm in CASES:
            if warm:
                run(args, env, tmp)
            times = [run(args, env, tmp) for _ in range(opts.repeat)]
            results.append(
                {
                    "case": name,
                    "best_s": round(min(times), 3),
                    "median_s": round(statistics.median(times), 3),
                    "runs": len(times),
                }
            )
            print(f"{name:36} best {min(times):6.3f} s   median {statistics.median(times):6.3f} s")
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
