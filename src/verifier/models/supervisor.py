"""Keeps one embedded llama.cpp server for every run that uses it, and says how it ended.

`python -m verifier.models.supervisor STATE_DIR LOG_FILE INSTANCE -- COMMAND...` starts the
server with its output in LOG_FILE and writes `server.json` (pids, log, instance) into
STATE_DIR. Runs that use the server hold a lease file each in STATE_DIR/leases; the server
is stopped when the last lease is released (`release_lease`) or its holder has died. If the
server dies by itself, `exit.json` records its exit code or signal, so every run that shares
it — not only the one that started it — can say what happened and where the log is.

A separate process, because the server must outlive the run that started it while other runs
still use it. Standard library only: it starts in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SERVER_FILE = "server.json"
EXIT_FILE = "exit.json"
LOCK_FILE = "lock"
LEASES = "leases"
POLL_S = 0.25
STOP_TIMEOUT_S = 10.0


def pid_alive(pid: int) -> bool:
    """True while `pid` exists (a zombie counts until its parent reaps it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def is_supervisor(pid: int) -> bool:
    """True if `pid` is a live supervisor (not another process that got a recycled pid)."""
    if pid <= 0 or not pid_alive(pid):
        return False
    try:
        return b"verifier.models.supervisor" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid


@contextlib.contextmanager
def locked(folder: Path, blocking: bool = True) -> Iterator[bool]:
    """An exclusive flock on folder/lock; yields False when non-blocking and already held."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def add_lease(folder: Path) -> Path:
    """A lease named after this process: the server stays up while a live holder has one."""
    leases = folder / LEASES
    leases.mkdir(parents=True, exist_ok=True)
    path = leases / f"{os.getpid()}-{os.urandom(4).hex()}"
    path.touch()
    return path


def live_leases(folder: Path) -> list[Path]:
    """Leases whose process is alive; the others (a run killed with SIGKILL) are removed."""
    live = []
    for lease in sorted((folder / LEASES).glob("*")):
        try:
            pid = int(lease.name.split("-", 1)[0])
        except ValueError:
            pid = -1
        if pid > 0 and pid_alive(pid):
            live.append(lease)
        else:
            lease.unlink(missing_ok=True)
    return live


def release_lease(folder: Path, lease: Path) -> None:
    """Drop a lease; the last one out stops the server (and waits until it is gone)."""
    with locked(folder):
        lease.unlink(missing_ok=True)
        if live_leases(folder):
            return
        state = read_json(folder / SERVER_FILE)
        if state is None:
            return
        sup = int(state.get("supervisor_pid", 0))
        if is_supervisor(sup):
            with contextlib.suppress(ProcessLookupError):
                os.kill(sup, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_S + 5
            while pid_alive(sup) and time.monotonic() < deadline:
                time.sleep(0.05)
        (folder / SERVER_FILE).unlink(missing_ok=True)


def describe_exit(returncode: int) -> str:
    """'exited with code 1' or 'killed by signal 11 (SIGSEGV)'."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        return f"killed by signal {-returncode} ({name})"
    return f"exited with code {returncode}"


class _Stop(Exception):
    """SIGTERM: stop the server now, even while blocked waiting for it or for the lock."""


def _stop(*_: object) -> None:
    raise _Stop


def supervise(folder: Path, log_file: Path, instance: str, cmd: list[str]) -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the runs, which release
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    write_json(
        folder / SERVER_FILE,
        {
            "instance": instance,
            "supervisor_pid": os.getpid(),
            "server_pid": proc.pid,
            "log": str(log_file),
            "command": cmd,
            "started_at": time.time(),
        },
    )
    try:
        while True:
            try:
                rc = proc.wait(timeout=POLL_S)
            except subprocess.TimeoutExpired:
                rc = None
            if rc is not None:  # died by itself: say how, for every run that shares it
                write_json(folder / EXIT_FILE, {"instance": instance, "returncode": rc})
                return 0
            with locked(folder, blocking=False) as mine:
                if mine and not live_leases(folder):  # every user is gone (even by SIGKILL)
                    _terminate(proc)
                    (folder / SERVER_FILE).unlink(missing_ok=True)
                    return 0
    except _Stop:
        _terminate(proc)
        return 0


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut this short
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str]) -> int:
    if len(argv) < 5 or argv[3] != "--":
        print("usage: supervisor STATE_DIR LOG_FILE INSTANCE -- COMMAND...", file=sys.stderr)
        return 2
    return supervise(Path(argv[0]), Path(argv[1]), argv[2], argv[4:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
