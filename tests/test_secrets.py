"""Keys never reach an artefact, and --offline never opens a socket beyond loopback."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FAKE_KEY, FAULT_MODEL, article_of, claim_responder, cli_env, write_docs
from pydantic import BaseModel

from verifier.errors import ModelCallError, OfflineMiss
from verifier.models.cassettes import seal
from verifier.models.gateway import Gateway, use_cassette
from verifier.models.netguard import allow_network, forbid_network
from verifier.prompts import Prompt

LEAKS = (FAKE_KEY, "Bearer sk-", FAKE_KEY[3:])


def _leaks_in(folder: Path) -> list[str]:
    """Every file under `folder` (binary-safe: SQLite pages, value files) that holds a secret."""
    found = []
    for f in folder.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            found += [f"{f.relative_to(folder)}: {s!r}" for s in LEAKS if s.encode() in data]
    return found


def _leaky_rule(body):
    return "401_echo" if "LEAKY" in article_of(body) else None


def test_cli_record_run_leaves_no_key_anywhere(fault_server, tmp_path):
    """A recorded extraction (verbose logs on) whose server also echoes the key in an error."""
    fault_server.respond = claim_responder
    fault_server.rules.append(_leaky_rule)
    docs = tmp_path / "docs"
    write_docs(docs, 3)
    (docs / "leaky.txt").write_text("Leaky\n\nLEAKY proxies echo the key back. More text.\n")
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "verifier",
            "--verbose",
            "--model",
            FAULT_MODEL,
            "--cache-dir",
            str(work / "cache"),
            "--cassette",
            str(work / "cassette.yaml"),
            "--record",
            "extract",
            str(docs),
            "-o",
            str(work / "out.json"),
        ],
        cwd=work,
        env=cli_env(fault_server, key=FAKE_KEY),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # One document's call failed for good: the run says so and exits 4 (-v changes nothing).
    assert proc.returncode == 4, proc.stderr
    assert "error: incomplete run: 1 of 4 documents failed" in proc.stderr
    # The key was really in play: the server saw it, and echoed it back once.
    assert all(h.get("authorization") == f"Bearer {FAKE_KEY}" for h in fault_server.headers_seen)
    assert fault_server.faults_served() == {"ok": 3, "401_echo": 1}
    (work / "stdout.txt").write_text(proc.stdout)
    (work / "stderr.txt").write_text(proc.stderr)
    assert {p.name for p in work.iterdir()} >= {"cassette.yaml", "cache", "out.json"}
    assert _leaks_in(work) == []
    out = json.loads((work / "out.json").read_text())
    leaky = next(d for d in out["documents"] if d["doc_id"] == "leaky")
    assert "Bearer ***" in leaky["error"]  # the failure is still explained, minus the key
    import yaml

    interactions = yaml.safe_load((work / "cassette.yaml").read_text())["interactions"]
    assert len(interactions) == 4
    assert all(
        "authorization" not in {h.lower() for h in i["request"]["headers"]} for i in interactions
    )


def test_use_cassette_record_in_process_and_replay_offline(
    fault_env, make_settings, tmp_path, monkeypatch, caplog
):
    """`use_cassette(path, record=True)` around a Gateway; every log record is captured too."""
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    fault_env.content = {"answer": "recorded"}
    prompt = Prompt(name="secret_probe", version="1", system="JSON.", user="Say {{ w }}.")

    class Answer(BaseModel):
        answer: str

    cassette = tmp_path / "in_process.yaml"
    caplog.set_level(logging.DEBUG)
    fault_env.script("ok", "401_echo")
    with use_cassette(cassette, record=True), Gateway(make_settings()) as gw:
        assert gw.structured(Answer, prompt, {"w": "a"}, label="a").value.answer == "recorded"
        with pytest.raises(ModelCallError) as ei:
            gw.structured(Answer, prompt, {"w": "b"}, label="b")
    assert FAKE_KEY not in str(ei.value) and "Bearer ***" in str(ei.value)
    assert fault_env.headers_seen[0]["authorization"] == f"Bearer {FAKE_KEY}"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [s for s in LEAKS if s in logged]
    assert _leaks_in(tmp_path) == []

    # Replay: no server, no key, offline, network forbidden; same answer from the cassette.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-replay-placeholder")
    fault_env.stop()
    forbid_network()
    try:
        settings = make_settings(cache_dir=tmp_path / "fresh", offline=True, cassette=cassette)
        with Gateway(settings) as gw:
            assert gw.structured(Answer, prompt, {"w": "a"}, label="a").value.answer == "recorded"
            with pytest.raises(OfflineMiss):  # never recorded: refused, not sent
                gw.structured(Answer, prompt, {"w": "never-asked"}, label="c")
    finally:
        allow_network()


# ----------------------------------------------------------------- --offline
AUDIT = textwrap.dedent(
    """
    import json, sys
    attempts = []
    def hook(event, args):
        if event in ("socket.connect", "socket.getaddrinfo"):
            attempts.append([event, repr(args[1] if event == "socket.connect" else args[0])])
    sys.addaudithook(hook)
    out = sys.argv.pop(1)
    import atexit
    atexit.register(lambda: open(out, "w").write(json.dumps(attempts)))
    sys.argv[0] = "verifier"
    from verifier.cli.app import main
    main()
    """
)


def _run_audited(
    args: list[str], cwd: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list]:
    record = cwd / "attempts.json"
    proc = subprocess.run(
        [sys.executable, "-c", AUDIT, str(record), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc, json.loads(record.read_text())


def _non_loopback(attempts: list) -> list:
    ok = ("127.0.0.1", "'localhost'", "::1", "b'localhost'", "'127.0.0.1'")
    return [a for a in attempts if not any(o in a[1] for o in ok)]


def test_offline_cli_miss_opens_no_socket(tmp_path):
    """--offline, a cloud model and an empty cache: the offline error, and no connection at all."""
    write_docs(tmp_path / "docs", 1)
    env = cli_env(None, key=FAKE_KEY)
    proc, attempts = _run_audited(
        [
            "--offline",
            "--model",
            "openai/gpt-4o-mini",
            "--cache-dir",
            str(tmp_path / "empty"),
            "extract",
            str(tmp_path / "docs"),
        ],
        tmp_path,
        env,
    )
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --offline: no cached answer"), (
        proc.stderr
    )
    assert attempts == []


@pytest.mark.slow
def test_offline_cli_with_cassette_miss_reaches_transport_but_no_network(tmp_path):
    """With a cassette, the call goes down to litellm/httpx, and vcrpy answers or refuses."""
    write_docs(tmp_path / "docs", 1)
    cassette = tmp_path / "empty.yaml"
    cassette.write_text(seal("interactions: []\nversion: 1\n"))  # as if recorded, with no calls
    env = cli_env(None, key=FAKE_KEY)
    proc, attempts = _run_audited(
        [
            "--offline",
            "--model",
            "openai/gpt-4o-mini",
            "--cache-dir",
            str(tmp_path / "empty"),
            "--cassette",
            str(cassette),
            "extract",
            str(tmp_path / "docs"),
        ],
        tmp_path,
        env,
    )
    assert proc.returncode == 3, proc.stderr
    assert "not in the cassette" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert _non_loopback(attempts) == [], attempts
    assert FAKE_KEY not in proc.stderr


def test_forbid_network_blocks_non_loopback_and_allows_loopback(fault_server):
    forbid_network()
    try:
        for address in [("10.255.255.1", 80), ("example.com", 443), ("8.8.8.8", 53)]:
            with socket.socket() as s, pytest.raises(OfflineMiss, match=address[0]):
                s.connect(address)
            with socket.socket() as s, pytest.raises(OfflineMiss):
                s.connect_ex(address)
        with pytest.raises(OfflineMiss):
            socket.create_connection(("10.255.255.1", 80), timeout=0.2)
        with socket.create_connection(("127.0.0.1", fault_server.port), timeout=2) as s:
            s.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert s.recv(64).startswith(b"HTTP/1.1 200")
        with socket.socket() as s:
            assert s.connect_ex(("localhost", fault_server.port)) == 0
    finally:
        allow_network()
    with socket.socket() as s:  # and it can be lifted
        s.settimeout(0.01)
        assert s.connect_ex(("127.0.0.1", fault_server.port)) == 0


class Probe(BaseModel):
    answer: str


def test_forbid_network_stops_a_live_call_without_retrying(fault_env, make_settings, monkeypatch):
    """Belt and braces: a gateway pointed past loopback under the guard fails at once, offline."""
    monkeypatch.setenv("VERIFIER_API_BASE", "http://10.255.255.1:80/v1")
    forbid_network()
    try:
        with Gateway(make_settings(transport_retries=3)) as gw, pytest.raises(OfflineMiss) as ei:
            gw.structured(Probe, Prompt("p", "1", "s", "u"), {}, label="guarded")
    finally:
        allow_network()
    assert "10.255.255.1" in str(ei.value)
