"""Hostile files, odd paths and careless use, through the real CLI (issue 14).

Every refusal must be one stderr line naming the file, exit code 2, no traceback, and the
file that was in the way must be unchanged. Inputs are built here by hand; the expected
outcomes come from what the files are (a FIFO is not a regular file, `c.json` given twice
is the same file), not from running the code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import cli_env, run_cli, stderr_lines

from verifier.errors import InputError
from verifier.evaluation.suites import save_run
from verifier.fileio import dump_json, read_bytes, write_atomic
from verifier.models.cassettes import seal
from verifier.schemas import RunRecord

REPO = Path(__file__).resolve().parents[1]
SEEDS, GOLD = REPO / "seeds", REPO / "evals" / "gold"
RUN = sorted((REPO / "evals" / "runs").glob("seeds-local-*.json"))[0]  # a committed run record
CASSETTE = REPO / "evals" / "cassettes" / "seeds-local.yaml"
ROOT = os.geteuid() == 0

TEXT = "Homes\n\nThe council approved 12 new homes. Work starts in May.\n"


def claim(cid: str, doc: str = "good", text: str = "The council approved 12 new homes.") -> dict:
    return {
        "id": cid,
        "doc_id": doc,
        "text": text,
        "quote": "The council approved 12 new homes.",
        "attributed_to": "the article",
    }


@pytest.fixture(scope="module")
def ws() -> Iterator[Path]:
    """A world-readable workspace (so a run as `nobody` can read what it should)."""
    w = Path(tempfile.mkdtemp(prefix="hardening-"))
    w.chmod(0o777)
    (w / "good").mkdir()
    (w / "good" / "good.txt").write_text(TEXT)
    (w / "claims.json").write_text(json.dumps({"doc_id": "good", "claims": [claim("good:c01")]}))
    (w / "other.json").write_text('{"keep": "me"}\n')
    yield w
    shutil.rmtree(w, ignore_errors=True)


def one_line_error(proc: subprocess.CompletedProcess[str], *words: str, code: int = 2) -> str:
    lines = stderr_lines(proc)
    assert proc.returncode == code, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


VERIFY = ["verify", "--no-llm", "--claims", "claims.json", "good"]


# ------------------------------------------------------------------ writes that destroy data
def test_output_onto_a_fifo_is_refused_without_blocking(ws: Path) -> None:
    fifo = ws / "fifo.json"
    os.mkfifo(fifo)
    try:
        proc = run_cli([*VERIFY, "-o", "fifo.json"], cwd=ws, timeout=30)
        one_line_error(proc, "fifo.json", "not a regular file")
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not replaced
    finally:
        fifo.unlink()


@pytest.mark.skipif(not ROOT, reason="making a device node needs root")
def test_output_onto_a_device_node_is_refused(ws: Path) -> None:
    dev = ws / "null.json"
    os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a second /dev/null
    try:
        for cmd in (VERIFY, ["check-brief", "x.json"], ["report", str(RUN)]):
            out = "null.html" if cmd[0] == "report" else "null.json"
            if cmd[0] == "report":
                os.rename(dev, ws / out)
            proc = run_cli([*cmd, "-o", out], cwd=ws)
            one_line_error(proc, out, "not a regular file")
            assert stat.S_ISCHR(os.lstat(ws / out).st_mode)
            if cmd[0] == "report":
                os.rename(ws / out, dev)
    finally:
        dev.unlink(missing_ok=True)
        (ws / "null.html").unlink(missing_ok=True)


def test_output_onto_a_symlink_is_refused_and_its_target_kept(ws: Path) -> None:
    link = ws / "link.json"
    link.symlink_to(ws / "other.json")
    try:
        proc = run_cli([*VERIFY, "-o", "link.json"], cwd=ws)
        one_line_error(proc, "link.json", "symbolic link")
        assert link.is_symlink() and (ws / "other.json").read_text() == '{"keep": "me"}\n'
        dangling = ws / "dangling.json"
        dangling.symlink_to(ws / "nowhere" / "x.json")
        proc = run_cli([*VERIFY, "-o", "dangling.json"], cwd=ws)
        one_line_error(proc, "dangling.json", "symbolic link")
        dangling.unlink()
    finally:
        link.unlink()


def test_output_that_is_a_folder_is_refused(ws: Path) -> None:
    (ws / "outdir.json").mkdir()
    proc = run_cli([*VERIFY, "-o", "outdir.json"], cwd=ws)
    one_line_error(proc, "outdir.json", "is a folder")
    (ws / "outdir.json").rmdir()


def test_output_in_a_folder_that_cannot_exist(ws: Path) -> None:
    """The parent is a file: no folder can be made there (the same class as an unwritable one)."""
    proc = run_cli([*VERIFY, "-o", "good/good.txt/out.json"], cwd=ws)
    one_line_error(proc, "out.json", "cannot write")
    assert (ws / "good" / "good.txt").read_text() == TEXT


@pytest.mark.parametrize(
    "args,words",
    [
        (["verify", "--no-llm", "--claims", "claims.json", "good", "-o", "claims.json"],
         ["claims.json", "is also an input"]),
        (["verify", "--no-llm", "--claims", "./claims.json", "good", "-o", "../"
          + "{ws}/claims.json"], ["is also an input"]),
        (["verify", "--no-llm", "--claims", "claims.json", "good", "-o", "good/good.txt"],
         ["good.txt", "must end in .json"]),
        (["brief", "good", "--claims", "claims.json", "-o", "claims.json"],
         ["claims.json", "is also an input"]),
        (["check-brief", "brief.json", "-o", "brief.json"], ["brief.json", "is also an input"]),
        (["report", str(RUN), "-o", str(RUN)], [RUN.name, "must end in .html"]),
        (["report", str(RUN), "-o", "report.md"], ["report.md", "must end in .html"]),
        (["extract", "good", "-o", "good/good.txt"], ["good.txt", "must end in .json"]),
        (["extract", "good/good.txt", "-o", "out.txt"], ["out.txt", "must end in .json"]),
    ],
    ids=["verify-claims", "verify-claims-other-spelling", "verify-over-seed", "brief-claims",
         "check-brief-self", "report-over-run", "report-md", "extract-over-seed", "extract-txt"],
)  # fmt: skip
def test_output_over_an_input_or_with_the_wrong_suffix(ws: Path, args: list[str], words) -> None:
    (ws / "brief.json").write_text('{"headline": {"text": "x"}}\n')
    args = [a.replace("{ws}", ws.name) for a in args]
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    proc = run_cli(["--offline", "--cache-dir", "cache", *args], cwd=ws)
    one_line_error(proc, *words)
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before


def test_output_over_a_hard_link_to_an_input(ws: Path) -> None:
    os.link(ws / "claims.json", ws / "alias.json")
    try:
        proc = run_cli([*VERIFY, "-o", "alias.json"], cwd=ws)
        one_line_error(proc, "alias.json", "is also an input")
    finally:
        (ws / "alias.json").unlink()


def test_write_atomic_refuses_any_file_read_in_this_process(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text("{}\n")
    read_bytes(src, "test input")
    with pytest.raises(InputError, match="also an input"):
        write_atomic(src, "overwritten\n")
    assert src.read_text() == "{}\n"
    write_atomic(tmp_path / "new.json", "ok\n")  # any other file is fine
    assert (tmp_path / "new.json").read_text() == "ok\n"


@pytest.mark.parametrize("name", ["../../x", "/etc/cron.d/x", "..", "a/../../b", "\nx"])
def test_a_run_id_never_escapes_the_runs_folder(tmp_path: Path, name: str) -> None:
    run = RunRecord.model_validate_json(RUN.read_text(encoding="utf-8"))
    run.run_id = name
    runs = tmp_path / "deep" / "runs"
    path = save_run(run, runs)
    assert path.parent == runs and path.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]


# ------------------------------------------------------------------- reads that leak or hang
def _brief_citing(paths: list[str]) -> dict:
    return {
        "headline": {"text": "A headline"},
        "sources": [{"id": f"s{i}", "path": p} for i, p in enumerate(paths)],
    }


def test_check_brief_copies_no_arbitrary_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Title\n\nSECRET-MARKER-1 do not copy\n")
    (tmp_path / "b").mkdir()
    beside = tmp_path / "b" / "beside.txt"
    beside.write_text("Beside\n\nBESIDE-MARKER is fine\n")
    brief = tmp_path / "b" / "brief.json"
    paths = ["/etc/passwd", "../secret.txt", str(secret), "beside.txt", "/proc/self/environ"]
    brief.write_text(json.dumps(_brief_citing(paths)))
    proc = run_cli(["check-brief", str(brief), "-o", str(tmp_path / "out.html")], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out.html").read_text()
    assert "root:" not in html and "SECRET-MARKER" not in html and "PATH=" not in html
    assert "BESIDE-MARKER" in html  # a document beside the brief is shown
    warnings = [ln for ln in stderr_lines(proc) if "not read" in ln]
    assert len(warnings) == 1 and "4 source file(s)" in warnings[0]  # all but beside.txt
    # Given on the command line, the same secret file is the user's choice and is shown.
    proc = run_cli(
        ["check-brief", str(brief), str(secret), "-o", str(tmp_path / "out2.html")], cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out2.html").read_text()
    assert "SECRET-MARKER" in html and "root:" not in html and "BESIDE-MARKER" not in html


def test_fifo_or_device_as_manifest_or_suite_is_refused_without_hanging(ws: Path) -> None:
    folder = ws / "fifo_manifest"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    os.mkfifo(folder / "manifest.yaml")
    proc = run_cli(["verify", "--no-llm", "--claims", "claims.json", str(folder)], cwd=ws,
                   timeout=30)  # fmt: skip
    one_line_error(proc, "manifest.yaml", "not a regular file")
    (folder / "manifest.yaml").unlink()
    (folder / "manifest.yaml").symlink_to("/dev/zero")
    proc = run_cli(["extract", str(folder)], cwd=ws, timeout=30)
    one_line_error(proc, "manifest.yaml", "not a regular file")
    os.mkfifo(ws / "suite.yaml")
    for suite in ("suite.yaml", "/dev/zero", "/dev/urandom"):
        proc = run_cli(["eval", "--suite", suite], cwd=ws, timeout=30)
        one_line_error(proc, suite, "not a regular file")
    (ws / "suite.yaml").unlink()


def test_fifo_as_claims_brief_run_or_gold_file(ws: Path) -> None:
    os.mkfifo(ws / "pipe.json")
    try:
        for args in (
            ["verify", "--no-llm", "--claims", "pipe.json", "good"],
            ["check-brief", "pipe.json"],
            ["report", "pipe.json", "-o", "r.html"],
            ["leaderboard", "pipe.json"],
            ["score", "--docs", str(SEEDS), "--gold", str(GOLD), "--pred", "pipe.json"],
        ):
            one_line_error(run_cli(args, cwd=ws, timeout=30), "pipe.json", "not a regular file")
    finally:
        (ws / "pipe.json").unlink()


def _as_nobody(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI without root's power to read anything (so chmod 000 means unreadable)."""
    cmd = [sys.executable, "-m", "verifier", *args]
    if ROOT:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    return subprocess.run(cmd, cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(ROOT and not shutil.which("setpriv"), reason="needs setpriv to drop root")
def test_unreadable_files_and_unwritable_folders_are_one_line(ws: Path) -> None:
    w = ws / "perm"
    (w / "docs").mkdir(parents=True)
    w.chmod(0o777)
    (w / "docs").chmod(0o777)
    (w / "docs" / "a.txt").write_text(TEXT)
    (w / "docs" / "b.txt").write_text(TEXT)
    (w / "docs" / "b.txt").chmod(0o000)
    (w / "claims.json").write_text(json.dumps({"doc_id": "a", "claims": [claim("a:1", "a")]}))
    (w / "claims.json").chmod(0o644)
    (w / "locked.json").write_text("{}")
    (w / "locked.json").chmod(0o000)
    (w / "ro").mkdir()
    (w / "ro").chmod(0o555)
    cases = [
        (["verify", "--no-llm", "--claims", "claims.json", "docs"], "b.txt", "cannot read"),
        (["verify", "--no-llm", "--claims", "locked.json", "docs/a.txt"], "locked.json",
         "cannot read"),
        (["check-brief", "locked.json"], "locked.json", "cannot read"),
        (["verify", "--no-llm", "--claims", "claims.json", "docs/a.txt", "-o", "ro/out.json"],
         "ro/out.json", "cannot write"),
    ]  # fmt: skip
    (w / "docs2").mkdir()
    (w / "docs2").chmod(0o777)
    (w / "docs2" / "a.txt").write_text(TEXT)
    (w / "docs2" / "manifest.yaml").write_text("documents: {}\n")
    (w / "docs2" / "manifest.yaml").chmod(0o000)
    cases.append((["extract", "docs2"], "manifest.yaml", "cannot read"))
    for args, name, words in cases:
        one_line_error(_as_nobody(args, w), name, words)
    assert list((w / "ro").iterdir()) == []


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "--no-llm", "--claims", "deep.json", "good"],
        ["check-brief", "deep.json"],
        ["report", "deep.json", "-o", "r.html"],
        ["leaderboard", "deep.json"],
        ["compare", "deep.json", "deep.json"],
        ["score", "--docs", str(SEEDS), "--gold", str(GOLD), "--pred", "deep.json"],
    ],
    ids=lambda a: a[0],
)
def test_deeply_nested_json_is_one_line(ws: Path, args: list[str]) -> None:
    (ws / "deep.json").write_text(DEEP)
    one_line_error(run_cli(args, cwd=ws), "deep.json", "nested too deeply")


def test_deeply_nested_dict_json_and_yaml(ws: Path) -> None:
    (ws / "deep_obj.json").write_text('{"a":' * 50_000 + "1" + "}" * 50_000)
    proc = run_cli(["verify", "--no-llm", "--claims", "deep_obj.json", "good"], cwd=ws)
    one_line_error(proc, "deep_obj.json", "nested too deeply")
    (ws / "deep.yaml").write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    one_line_error(run_cli(["eval", "--suite", "deep.yaml"], cwd=ws), "deep.yaml")


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\udc00y", "\\ud83d"])
def test_lone_surrogate_in_claim_text_is_one_line(ws: Path, escape: str) -> None:
    raw = json.dumps({"doc_id": "good", "claims": [claim("good:c01")]})
    raw = raw.replace("The council approved 12 new homes.", f"Council {escape} approved", 1)
    (ws / "surrogate.json").write_text(raw)
    proc = run_cli(["verify", "--no-llm", "--claims", "surrogate.json", "good"], cwd=ws)
    one_line_error(proc, "surrogate.json", "lone surrogate")


def test_a_paired_surrogate_escape_is_text(ws: Path) -> None:
    """\\ud83d\\ude00 is one emoji (a valid pair), not an error."""
    raw = json.dumps({"doc_id": "good", "claims": [claim("good:c01", text="Homes \\ud83d\\ude00")]})
    (ws / "pair.json").write_text(raw.replace("\\\\", "\\"))
    proc = run_cli(["verify", "--no-llm", "--claims", "pair.json", "good"], cwd=ws)
    assert proc.returncode == 0, proc.stderr


def _cassette_case(tmp: Path, name: str) -> Path:
    body = CASSETTE.read_text(encoding="utf-8").split("\n", 1)[1]
    path = tmp / f"{name}.yaml"
    if name == "truncated":
        path.write_text(seal(body)[: len(body) // 2])
    elif name == "edited":  # one recorded answer changed, the seal kept
        sealed = seal(body)
        i = sealed.index("content")
        path.write_text(sealed[:i] + sealed[i:].replace("a", "b", 1))
    elif name == "unsealed":
        path.write_text(body)
    elif name == "wrong_shape":
        path.write_text(seal("interactions: 5\nversion: 1\n"))
    elif name == "wrong_items":
        path.write_text(seal("interactions:\n- request: 3\n  response: x\nversion: 1\n"))
    elif name == "malformed":
        path.write_text(seal("interactions: [unclosed\n"))
    elif name == "fifo":
        os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "name,words",
    [
        ("truncated", "checksum does not match"),
        ("edited", "checksum does not match"),
        ("unsealed", "no checksum line"),
        ("wrong_shape", "not a valid cassette"),
        ("wrong_items", "not a valid cassette"),
        ("malformed", "malformed cassette YAML"),
        ("fifo", "not a regular file"),
    ],
)
def test_broken_cassette_is_one_line(tmp_path: Path, name: str, words: str) -> None:
    path = _cassette_case(tmp_path, name)
    args = ["--offline", "--cache-dir", str(tmp_path / "c"), "--cassette", str(path)]
    proc = run_cli([*args, "extract", str(SEEDS / "000_547a94a2ab0e37c5.txt")], cwd=tmp_path)
    one_line_error(proc, path.name, words)


# -------------------------------------------------------------- input accepted but wrong
def test_a_bare_list_of_claims_is_read(ws: Path) -> None:
    (ws / "bare.json").write_text(json.dumps([claim("good:c01"), claim("good:c02")]))
    proc = run_cli(["verify", "--no-llm", "--claims", "bare.json", "good", "--json"], cwd=ws)
    assert proc.returncode == 0, proc.stderr
    verdicts = json.loads(proc.stdout)["verdicts"]
    # Two claims, both quoting the article's second sentence word for word: both supported.
    assert [(v["claim_id"], v["label"]) for v in verdicts] == [
        ("good:c01", "supported"),
        ("good:c02", "supported"),
    ]
    (ws / "bare_bad.json").write_text(json.dumps([claim("good:c01"), {"text": "no id"}]))
    proc = run_cli(["verify", "--no-llm", "--claims", "bare_bad.json", "good"], cwd=ws)
    one_line_error(proc, "bare_bad.json", "claim 1")


@pytest.mark.parametrize(
    "files",
    [
        {"d.json": {"doc_id": "good", "claims": [claim("good:c01"), claim("good:c01")]}},
        {"d.json": [claim("x"), claim("x")]},
        {"d/a.json": {"doc_id": "good", "claims": [claim("c1")]},
         "d/b.json": {"doc_id": "good2", "claims": [claim("c1", "good2")]}},
        {"d.json": {"doc_id": "good", "claims": [claim("good:c01", doc="elsewhere")]}},
    ],
    ids=["same-doc", "bare-list", "two-files", "doc-mismatch"],
)  # fmt: skip
def test_duplicate_or_misfiled_claim_ids_are_refused(ws: Path, files: dict) -> None:
    for name, data in files.items():
        (ws / name).parent.mkdir(exist_ok=True)
        (ws / name).write_text(json.dumps(data))
    (ws / "good2.txt").write_text(TEXT)
    target = "d" if "d/a.json" in files else "d.json"
    proc = run_cli(["verify", "--no-llm", "--claims", target, "good", "good2.txt"], cwd=ws)
    line = one_line_error(proc, target)
    assert "twice" in line or "names document" in line


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_in_a_run_record_are_refused(ws: Path, token: str) -> None:
    text = RUN.read_text(encoding="utf-8")
    data = json.loads(text)
    name = next(iter(data["metrics"]))
    data["metrics"][name]["value"] = 12345.678
    (ws / "nan_run.json").write_text(json.dumps(data).replace("12345.678", token, 1))
    for args in (["leaderboard", "nan_run.json", "--json"],
                 ["compare", str(RUN), "nan_run.json", "--json"]):  # fmt: skip
        proc = run_cli(args, cwd=ws)
        one_line_error(proc, "nan_run.json")
        assert proc.stdout == ""


def test_json_output_is_valid_even_with_non_finite_values() -> None:
    text = dump_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": -float("inf")}})
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": {"d": None}}


# ------------------------------------------------------------------- terminal and Markdown
HOSTILE_IDS = ["[/]", "[/quote]", "[bold red]x", "\x1b[31mred\x1b[0m", "a\rb", "id\u202etxt.exe",
               ":smile:", "[link=http://e]x[/link]"]  # fmt: skip


def test_markup_and_control_codes_in_data_print_as_text(ws: Path) -> None:
    claims = [
        {**claim(cid), "attributed_to": f"the article {cid}", "text": f"{cid} approved 12 homes"}
        for cid in HOSTILE_IDS
    ]
    (ws / "hostile.json").write_text(json.dumps({"doc_id": "good", "claims": claims}))
    proc = run_cli(
        ["verify", "--no-llm", "--claims", "hostile.json", "good", "-o", "hostile_out.json"],
        cwd=ws,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "[/quote]" in out and "[bold red]x" in out and ":smile:" in out
    assert "\\x1b[31mred" in out and "\\u202e" in out
    saved = json.loads((ws / "hostile_out.json").read_text())
    assert [v["claim_id"] for v in saved["verdicts"]] == HOSTILE_IDS  # the data is kept as is


@pytest.mark.parametrize(
    "name", ["a\nerror: fake.txt", "b\x1b[2J.txt", "c\r.txt", "[red]x[b].txt", "d\u2028e.txt"]
)
def test_odd_file_names_give_one_line_errors(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")  # an empty document: refused, naming the file
    proc = run_cli(["extract", name], cwd=tmp_path)
    line = one_line_error(proc, "empty document")
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr
    assert line.count("error:") == 1 + ("error:" in name)  # the fake one stays on this line
    missing = run_cli(["extract", "x" + name], cwd=tmp_path)
    one_line_error(missing, "no such file")


def test_markdown_brief_carries_no_raw_html_or_links(tmp_path: Path) -> None:
    payloads = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
                "![pixel](http://evil.example/p.png)", "[click](javascript:alert(1))",
                "line\n# Fake heading", "</details><iframe src=//e>"]  # fmt: skip
    brief = {
        "headline": {"text": payloads[0]},
        "sections": [
            {"kind": "overview", "title": "<b>t</b>",
             "sentences": [{"text": p} for p in payloads]},
        ],
        "sources": [{"id": "s<1>", "title": "<i>x</i>", "outlet": "[o](http://e)"}],
    }  # fmt: skip
    (tmp_path / "brief.json").write_text(json.dumps(brief))
    proc = run_cli(["check-brief", "brief.json", "-o", "out.md"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "out.md").read_text()
    for bad in ("<img", "<script", "<iframe", "<b>", "<i>", "\n# Fake"):
        assert bad not in md, bad
    assert not re.search(r"(?<!\\)\]\(", md)  # every link/image bracket is escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in md  # shown as text


# ------------------------------------------------------------------------------ scale
def test_terminal_tables_are_capped_and_say_what_was_left_out(ws: Path) -> None:
    """310 claims on one document with -o and no --json: the JSON has all 310 verdicts, the
    table shows 300 (unsupported first) and says how many more there are."""
    n = 310
    sents = [f"The council approved {i + 10} new homes in ward {i}." for i in range(n)]
    (ws / "many").mkdir()
    (ws / "many" / "many.txt").write_text("Homes\n\n" + " ".join(sents) + "\n")
    claims = [{**claim(f"many:c{i}", "many", s), "quote": s} for i, s in enumerate(sents)]
    claims[-1]["text"] = "The council approved 999 new homes."  # the one unsupported claim
    (ws / "many.json").write_text(json.dumps(claims))
    proc = run_cli(["verify", "--no-llm", "--claims", "many.json", "many", "-o", "many_out.json"],
                   cwd=ws)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "… and 10 more verdicts" in " ".join(proc.stdout.split())
    assert f"many:c{n - 1}" in proc.stdout  # the unsupported one is shown although it is last
    assert len(json.loads((ws / "many_out.json").read_text())["verdicts"]) == n
