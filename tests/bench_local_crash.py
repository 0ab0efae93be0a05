"""Measure how a crash of the embedded server is reported (not collected as a test).

    .venv/bin/python tests/bench_local_crash.py [--real] [--runs 3]

Starts `verifier --no-cache extract` on one seed, waits until the server is answering a
completion request, kills the server with SIGSEGV (what the AMX fault was), and prints the
error line, the seconds from the kill to that line on stderr, and the seconds to exit.
Without --real the server is tests/stallserver.py (no llama.cpp needed); with --real it is
llama.cpp itself (the local extra).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from verifier.models import supervisor as sv  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def once(real: bool) -> tuple[str, float, float, str]:
    tmp = Path(tempfile.mkdtemp(prefix="verifier-crash-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    env |= {
        "VERIFIER_LOCAL_PORT": str(port),
        "VERIFIER_CACHE_DIR": str(tmp / "cache"),
        "XDG_RUNTIME_DIR": str(tmp / "run"),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    if not real:
        stall = ROOT / "tests" / "stallserver.py"
        env["VERIFIER_LOCAL_SERVER"] = f"{{python}} {stall} --port {{port}} --alias {{alias}}"
    marker = "POST /v1/chat/completions" if real else "chat request"
    log = tmp / "cache" / "llama" / f"smollm2-135m-instruct-{port}.log"
    seed = ROOT / "seeds" / "000_547a94a2ab0e37c5.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "verifier", "--no-cache", "extract", str(seed)],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append((time.monotonic(), line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while not (log.exists() and marker in log.read_text(errors="replace")):
        if proc.poll() is not None:
            raise SystemExit(f"the run ended before the server got a request: {lines}")
        time.sleep(0.02)
    state = sv.read_json(
        tmp / "run" / f"verifier-{os.getuid()}" / f"llama-127.0.0.1-{port}" / "server.json"
    )
    assert state is not None
    killed = time.monotonic()
    os.kill(int(state["server_pid"]), signal.SIGSEGV)
    proc.wait(timeout=300)
    exited = time.monotonic()
    reader.join(timeout=5)
    errors = [(t, text) for t, text in lines if text.startswith("error:")]
    if not errors:
        raise SystemExit(f"no error line: {lines}")
    t, text = errors[0]
    return text, t - killed, exited - killed, f"exit {proc.returncode}, {len(lines)} stderr lines"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", action="store_true", help="kill the real llama.cpp server")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    to_line, to_exit = [], []
    for _ in range(args.runs):
        text, line_s, exit_s, how = once(args.real)
        to_line.append(line_s)
        to_exit.append(exit_s)
        print(f"{line_s:.3f} s to the line, {exit_s:.3f} s to exit ({how}): {text}")
    print(
        f"kill → error line: median {statistics.median(to_line):.3f} s, best {min(to_line):.3f} s; "
        f"kill → exit: median {statistics.median(to_exit):.3f} s"
    )


if __name__ == "__main__":
    main()
