"""The response cache under stress: shared between processes, corrupted, read-only, damaged."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import diskcache
import pytest
from conftest import FAULT_MODEL, claim_responder, cli_env, load_json, write_docs
from pydantic import BaseModel

from verifier.models.cache import ResponseCache
from verifier.models.gateway import Gateway
from verifier.prompts import Prompt

PROMPT = Prompt(name="cache_probe", version="1", system="Answer in JSON.", user="Say {{ word }}.")
SRC = str(Path(__file__).resolve().parents[1] / "src")


class Answer(BaseModel):
    answer: str


def ask(gw: Gateway, word: str = "hello"):
    return gw.structured(Answer, PROMPT, {"word": word}, label=f"probe {word}")


def cache_warnings(log) -> list[str]:
    return [m for m in log.messages(logging.WARNING) if "cache" in m]


# ------------------------------------------------------------ two processes
WORKER = textwrap.dedent(
    """
    import json, os, sys, time
    sys.path.insert(0, {src!r})
    from verifier.models.cache import ResponseCache

    directory, wid, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    while not os.path.exists(go):  # start together
        time.sleep(0.001)
    cache = ResponseCache(directory)
    bad = []
    def expected(i):  # some values are big enough (40 kB) to live in files beside the db
        big = "y" * 40000 if i % 25 == 0 else ""
        return {{"output": {{"i": i, "text": "x" * (i * 97 % 5000) + big}}}}
    for i in range(n):
        cache.set(f"own-{{wid}}-{{i}}", {{"output": {{"w": wid, "i": i}}}})
        if cache.get(f"shared-{{i}}") is None:  # the same call made by both: compute, store
            cache.set(f"shared-{{i}}", expected(i))
        got = cache.get(f"shared-{{i}}")
        if got != expected(i):
            bad.append(i)
        other = cache.get(f"own-{{'b' if wid == 'a' else 'a'}}-{{i}}")
        if other is not None and other != {{"output": {{"w": "b" if wid == "a" else "a", "i": i}}}}:
            bad.append(("other", i))
    print(json.dumps({{"bad": bad, "discarded": cache.discarded}}))
    """
).format(src=SRC)


def test_two_processes_share_one_cache_consistently(tmp_path):
    n = 300
    directory, go = tmp_path / "cache", tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(directory), wid, str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for wid in ("a", "b")
    ]
    time.sleep(0.3)
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert "corrupted" not in err and "unreadable" not in err, err
        results.append(json.loads(out))
    assert results == [{"bad": [], "discarded": 0}] * 2
    with diskcache.Cache(str(directory)) as dc:
        assert len(dc) == 3 * n  # own-a-*, own-b-*, shared-*: nothing lost, nothing doubled
    cache = ResponseCache(directory)
    assert all(
        cache.get(f"own-{w}-{i}") == {"output": {"w": w, "i": i}} for w in "ab" for i in range(n)
    )
    cache.close()


@pytest.mark.slow
def test_two_extractions_share_a_cache(fault_env, tmp_path):
    """Two `verifier extract` processes on the same documents and cache at the same time."""
    fault_server = fault_env
    fault_server.respond = claim_responder
    fault_server.delay_s = 0.05
    write_docs(tmp_path / "docs", 8)
    env = cli_env(fault_server)

    def start(name: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "verifier",
                "--model",
                FAULT_MODEL,
                "--cache-dir",
                str(tmp_path / "cache"),
                "extract",
                str(tmp_path / "docs"),
                "-o",
                str(tmp_path / name),
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    from verifier.pipeline.documents import load_documents
    from verifier.pipeline.extraction import extract
    from verifier.settings import Settings

    docs = load_documents([tmp_path / "docs"])
    # This process extracts in reverse order while the CLI process goes forward.
    proc = start("a.json")
    while fault_server.requests < 1 and proc.poll() is None:
        time.sleep(0.01)
    settings = Settings(_env_file=None, model=FAULT_MODEL, cache_dir=tmp_path / "cache")
    with Gateway(settings) as gw:
        mine = extract(gw, docs[::-1])
        assert gw.cache.discarded == 0
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert len(err.strip().splitlines()) <= 2 and err.startswith("8 documents"), err  # no warnings
    theirs = load_json(tmp_path / "a.json")
    assert [d.model_dump(mode="json") for d in mine.documents[::-1]] == theirs["documents"]
    assert 8 <= fault_server.requests <= 16
    # A third reader, offline, finds every answer in the shared cache, intact.
    before = fault_server.requests
    offline = Settings(
        _env_file=None, model=FAULT_MODEL, cache_dir=tmp_path / "cache", offline=True
    )
    with Gateway(offline) as gw:
        third = extract(gw, docs)
        assert gw.cache.discarded == 0
    assert [d.model_dump(mode="json") for d in third.documents] == theirs["documents"]
    assert fault_server.requests == before


# ------------------------------------------------------------ corrupted entries
def _garbage_variants():
    return {
        "not_json": "{this is not json",
        "bad_checksum": json.dumps(
            {"sha": "0" * 16, "payload": json.dumps({"output": {"answer": "x"}})}
        ),
        "wrong_types": json.dumps({"sha": "abc", "payload": 5}),
        "bytes": b"\x00\xff\x10garbage",
        "pickled_int": 42,
    }


@pytest.mark.parametrize("variant", list(_garbage_variants()))
def test_corrupted_entry_is_discarded_and_recomputed(
    fault_env, make_settings, verifier_log, variant
):
    fault_env.content = {"answer": "fresh"}
    settings = make_settings()
    with Gateway(settings) as gw:
        key = ask(gw).record.cache_key
    assert fault_env.requests == 1
    with diskcache.Cache(str(settings.cache_dir)) as dc:
        dc.set(key, _garbage_variants()[variant])

    with Gateway(settings) as gw:
        again = ask(gw)
        assert not again.record.cache_hit and again.value.answer == "fresh"
        assert gw.cache.discarded == 1
        third = ask(gw)  # recomputed answer was stored again
        assert third.record.cache_hit
    assert fault_env.requests == 2
    warnings = cache_warnings(verifier_log)
    assert len(warnings) == 1 and key[:12] in warnings[0], warnings


def test_corrupted_value_file_is_discarded_and_recomputed(fault_env, make_settings, verifier_log):
    """Big answers live in files beside the database; garbage there is caught too."""
    fault_env.content = {"answer": "z" * 60000}
    settings = make_settings()
    with Gateway(settings) as gw:
        ask(gw)
    files = list((settings.cache_dir).rglob("*.val"))
    assert len(files) == 1
    files[0].write_bytes(b"\xff\xfe\x00 not the value \x00" * 10)

    with Gateway(settings) as gw:
        again = ask(gw)
        assert not again.record.cache_hit and again.value.answer == "z" * 60000
        assert ask(gw).record.cache_hit
    assert fault_env.requests == 2
    assert len(cache_warnings(verifier_log)) == 1


def test_damaged_database_degrades_to_no_cache_with_one_warning(
    fault_env, make_settings, verifier_log
):
    settings = make_settings()
    with Gateway(settings) as gw:
        for w in ("a", "b", "c"):
            ask(gw, w)
    db = settings.cache_dir / "cache.db"
    db.write_bytes(random.Random(1).randbytes(db.stat().st_size))  # the whole file is garbage

    with Gateway(settings) as gw:
        for w in ("a", "b", "c", "a"):
            assert ask(gw, w).value.answer == "ok"
        assert not gw.cache.enabled
    assert fault_env.requests == 3 + 4
    warnings = cache_warnings(verifier_log)
    assert len(warnings) == 1 and "unusable" in warnings[0], warnings


def test_partly_damaged_database_gives_one_warning(fault_env, make_settings, verifier_log):
    """Valid header, garbage pages: SQLite fails on some reads. One warning, then no cache."""
    settings = make_settings()
    with Gateway(settings) as gw:
        for i in range(20):
            ask(gw, f"w{i}")
    db = settings.cache_dir / "cache.db"
    size = db.stat().st_size
    with db.open("r+b") as f:
        f.seek(4096)
        f.write(random.Random(2).randbytes(size - 4096))
    with Gateway(settings) as gw:
        answers = [ask(gw, f"w{i}").value.answer for i in range(20)]
    assert answers == ["ok"] * 20
    warnings = cache_warnings(verifier_log)
    assert len(warnings) == 1 and ("damaged" in warnings[0] or "unusable" in warnings[0]), warnings


# ------------------------------------------------------------ read-only cache
def test_cache_path_is_a_file_degrades_with_one_warning(
    fault_env, make_settings, verifier_log, tmp_path
):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("I am a file where the cache folder should be\n")
    with Gateway(make_settings(cache_dir=blocker)) as gw:
        for w in ("a", "b", "a"):
            ask(gw, w)
        assert not gw.cache.enabled
    assert fault_env.requests == 3  # no cache: the repeat is asked again
    assert blocker.read_text().startswith("I am a file")
    warnings = cache_warnings(verifier_log)
    assert len(warnings) == 1 and "not writable" in warnings[0], warnings


def _can_make_readonly_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind /tmp /tmp"], capture_output=True
    )
    return probe.returncode == 0


RO_SCRIPT = textwrap.dedent(
    """
    import logging, os, sys
    sys.path.insert(0, {src!r})
    from verifier.models.cache import ResponseCache

    directory, size = sys.argv[1], int(sys.argv[2])
    logging.basicConfig(level=logging.WARNING, format="WARN %(message)s", stream=sys.stdout)
    cache = ResponseCache(directory)
    print("writable:", os.access(directory, os.W_OK), "enabled:", cache.enabled)
    computed = 0
    for w in ("a", "b", "c", "d", "e", "f", "a"):  # what the gateway does per call
        if cache.get(w) is None:
            computed += 1
            cache.set(w, {{"output": {{"answer": w * size}}}})
    print("computed:", computed)
    print("stored:", len(cache._cache) if cache.enabled else None)
    cache.close()
    print("done")
    """
).format(src=SRC)


def _run_ro(directory: Path, size: int, mount: str | None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", RO_SCRIPT, str(directory), str(size)]
    if mount is not None:  # in a private mount namespace: it vanishes with the process
        cmd = ["unshare", "-m", "sh", "-c", f'{mount} && exec "$@"', "sh", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def _value(lines: list[str], name: str) -> str:
    return next(ln for ln in lines if ln.startswith(name + ":")).split(":", 1)[1].strip()


def test_read_only_cache_dir_degrades_with_one_warning(tmp_path):
    directory = tmp_path / "ro-cache"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        if os.geteuid() != 0:
            proc = _run_ro(directory, 10, None)
        elif _can_make_readonly_mount():
            # chmod means nothing to root: a read-only bind mount does.
            d = str(directory)
            proc = _run_ro(
                directory, 10, f"mount --bind {d} {d} && mount -o remount,ro,bind {d} {d}"
            )
        else:
            pytest.skip("root without mount namespaces: cannot make a read-only folder")
    finally:
        directory.chmod(0o700)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    warns = [ln for ln in lines if ln.startswith("WARN")]
    assert len(warns) == 1 and "not writable" in warns[0], proc.stdout
    assert "writable: False enabled: False" in lines and lines[-1] == "done", lines
    assert _value(lines, "computed") == "7"  # no cache: the repeated "a" is computed again
    assert not any(directory.iterdir())


def test_disk_full_part_way_warns_once_and_carries_on(tmp_path):
    """The cache folder fills up mid-run (a 400 kB tmpfs): one warning, every call answered."""
    if os.geteuid() != 0 or not _can_make_readonly_mount():
        pytest.skip("needs root and mount namespaces for a tiny tmpfs")
    directory = tmp_path / "small-cache"
    directory.mkdir()
    # ~100 kB per answer (stored as a file beside the database): the disk fills after a few.
    proc = _run_ro(directory, 100_000, f"mount -t tmpfs -o size=400k tmpfs {directory}")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    warns = [ln for ln in lines if ln.startswith("WARN")]
    assert len(warns) == 1 and "cannot write to cache" in warns[0], proc.stdout
    assert "writable: True enabled: True" in lines and lines[-1] == "done", lines
    assert 1 <= int(_value(lines, "stored")) < 6
    assert _value(lines, "computed") in ("6", "7")  # even a read may fail once the disk is full
