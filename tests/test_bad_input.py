"""Bad input through the real CLI (`python -m verifier` in a subprocess).

Each bad file must give exactly one line on stderr naming the file and the problem, a
non-zero exit and no traceback. Commands that would call a model run with --offline and an
empty cache, so the input error has to come before any model use (else it would be an
offline miss, exit 3).
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import run_cli, stderr_lines

from verifier.errors import InputError
from verifier.fileio import write_atomic

CLAIMS_OK = {
    "doc_id": "good",
    "claims": [
        {
            "id": "good:c01",
            "doc_id": "good",
            "text": "The council approved 12 new homes.",
            "quote": "The council approved 12 new homes.",
            "attributed_to": "the article",
        }
    ],
}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of bad (and a few good) inputs, built once."""
    w = tmp_path_factory.mktemp("inputs")
    (w / "cache").mkdir()
    (w / "good").mkdir()
    (w / "good" / "good.txt").write_text(
        "Homes\n\nThe council approved 12 new homes. Work starts soon.\n"
    )
    (w / "empty_dir").mkdir()
    (w / "empty_dir" / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    (w / "empty.txt").write_bytes(b"")
    (w / "blank.txt").write_text("   \n\n\t\n")
    (w / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (w / "bad_utf16.txt").write_bytes(b"\xff\xfe" + b"\x00\xd8" + b"a\x00")  # lone surrogate
    (w / "huge.txt").write_bytes((b"word " * 20 + b"\n") * 200_000)  # 20 MB
    (w / "one_line.txt").write_text("Long line\n\n" + "word " * 200_000 + "\n")  # 1 MB line
    for name, manifest in {
        "manifest_syntax": "documents:\n  a.txt: [unclosed\n",
        "manifest_shape": "documents:\n  - a.txt\n",
        "manifest_field": "documents:\n  a.txt:\n    relays: 5\n",
    }.items():
        (w / name).mkdir()
        (w / name / "a.txt").write_text("Title\n\nSome text here.\n")
        (w / name / "manifest.yaml").write_text(manifest)
    (w / "claims_malformed.json").write_text('{"doc_id": "good", "claims": [\n')
    (w / "claims_shape.json").write_text('{"foo": 1}\n')
    (w / "claims_list_shape.json").write_text("[1, 2, 3]\n")
    (w / "claims_field.json").write_text(
        json.dumps({"doc_id": "good", "claims": [{"id": "x", "doc_id": "good", "text": 5}]})
    )
    (w / "claims_empty.json").write_bytes(b"")
    (w / "claims_binary.json").write_bytes(b"\x00\x01\x02\xff\xfe")
    (w / "claims_other_doc.json").write_text(
        json.dumps(
            {**CLAIMS_OK, "doc_id": "zzz", "claims": [{**CLAIMS_OK["claims"][0], "doc_id": "zzz"}]}
        )
    )
    (w / "claims_ok.json").write_text(json.dumps(CLAIMS_OK))
    (w / "brief_malformed.json").write_text("{'single': 'quotes'}")
    (w / "brief_shape.json").write_text('{"headline": 3}')
    (w / "suite_malformed.yaml").write_text("name: [unclosed\n")
    (w / "suite_shape.yaml").write_text("just: a mapping\n")
    return w


OFF = ["--offline", "--cache-dir", "cache"]
REPO = Path(__file__).resolve().parents[1]
SEEDS, GOLD = str(REPO / "seeds"), str(REPO / "evals" / "gold")
SCORE = ["score", "--docs", SEEDS, "--gold", GOLD]

# id: (argv after `verifier`, file named in the message, problem words, exit code)
CASES: dict[str, tuple[list[str], str, str, int]] = {
    "extract_missing_path": (["extract", "nope.txt"], "nope.txt", "no such file", 2),
    "extract_missing_in_list": (
        ["extract", "good/good.txt", "nope.md"],
        "nope.md",
        "no such file",
        2,
    ),
    "extract_folder_without_documents": (["extract", "empty_dir"], "empty_dir", "no documents", 2),
    "extract_empty_file": (["extract", "empty.txt"], "empty.txt", "empty document", 2),
    "extract_whitespace_only": (["extract", "blank.txt"], "blank.txt", "empty document", 2),
    "extract_binary_file": (["extract", "binary.txt"], "binary.txt", "binary file", 2),
    "extract_bad_utf16": (["extract", "bad_utf16.txt"], "bad_utf16.txt", "not valid UTF-16", 2),
    "extract_device_file": (["extract", "/dev/zero"], "/dev/zero", "not a regular file", 2),
    "extract_20mb_file": (["extract", "huge.txt"], "huge.txt", "too large (20.2 MB", 2),
    "extract_manifest_syntax": (
        ["extract", "manifest_syntax"],
        "manifest.yaml",
        "malformed manifest: line 3",
        2,
    ),
    "extract_manifest_shape": (
        ["extract", "manifest_shape"],
        "manifest.yaml",
        "invalid manifest at documents",
        2,
    ),
    "extract_manifest_field": (["extract", "manifest_field/a.txt"], "manifest.yaml", "relays", 2),
    "brief_missing_path": (["brief", "nope.txt"], "nope.txt", "no such file", 2),
    "brief_bad_claims": (
        ["brief", "good", "--claims", "claims_malformed.json"],
        "claims_malformed.json",
        "malformed JSON at line 2",
        2,
    ),
    "verify_claims_missing": (
        ["verify", "--no-llm", "--claims", "nope.json", "good"],
        "nope.json",
        "no such file",
        2,
    ),
    "verify_claims_malformed": (
        ["verify", "--no-llm", "--claims", "claims_malformed.json", "good"],
        "claims_malformed.json",
        "malformed JSON at line 2",
        2,
    ),
    "verify_claims_wrong_shape": (
        ["verify", "--no-llm", "--claims", "claims_shape.json", "good"],
        "claims_shape.json",
        "not a predictions file",
        2,
    ),
    "verify_claims_list_of_numbers": (
        ["verify", "--no-llm", "--claims", "claims_list_shape.json", "good"],
        "claims_list_shape.json",
        "not valid document claims",
        2,
    ),
    "verify_claims_unknown_document": (
        ["verify", "--no-llm", "--claims", "claims_other_doc.json", "good"],
        "zzz",
        "not given",
        2,
    ),
    "check_brief_empty": (["check-brief", "claims_empty.json"], "claims_empty.json", "empty", 2),
    "check_brief_binary": (
        ["check-brief", "claims_binary.json"],
        "claims_binary.json",
        "not UTF-8",
        2,
    ),
    "check_brief_device": (["check-brief", "/dev/zero"], "/dev/zero", "not a regular file", 2),
    "check_brief_malformed": (
        ["check-brief", "brief_malformed.json"],
        "brief_malformed.json",
        "malformed JSON",
        2,
    ),
    "check_brief_wrong_shape": (
        ["check-brief", "brief_shape.json"],
        "brief_shape.json",
        "not a valid brief",
        2,
    ),
    "score_pred_malformed": (
        [*SCORE, "--pred", "claims_malformed.json"],
        "claims_malformed.json",
        "malformed JSON at line 2",
        2,
    ),
    "score_gold_missing": (
        ["score", "--docs", SEEDS, "--gold", "nope", "--pred", "claims_ok.json"],
        "nope",
        "no such gold folder",
        2,
    ),
    "eval_suite_malformed": (
        ["eval", "--suite", "suite_malformed.yaml"],
        "suite_malformed.yaml",
        "malformed suite",
        2,
    ),
    "eval_suite_wrong_shape": (
        ["eval", "--suite", "suite_shape.yaml"],
        "suite_shape.yaml",
        "invalid suite",
        2,
    ),
    "eval_suite_binary": (["eval", "--suite", "binary.txt"], "binary.txt", "suite", 2),
    "leaderboard_wrong_shape": (
        ["leaderboard", "claims_shape.json"],
        "claims_shape.json",
        "not a valid run record",
        2,
    ),
    "leaderboard_empty_folder": (["leaderboard", "empty_dir"], "empty_dir", "no run records", 2),
    "report_malformed": (
        ["report", "claims_malformed.json", "-o", "r.html"],
        "claims_malformed.json",
        "malformed JSON",
        2,
    ),
    "compare_empty": (
        ["compare", "claims_empty.json", "claims_shape.json"],
        "claims_empty.json",
        "empty",
        2,
    ),
}


@pytest.fixture(scope="module")
def case_results(ws) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every case, run in parallel (each is a separate `python -m verifier` process)."""
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) * 2)) as pool:
        futures = {
            case: pool.submit(run_cli, [*OFF, *args], ws) for case, (args, *_) in CASES.items()
        }
        return {case: f.result() for case, f in futures.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_clear_line(case_results, case):
    _, names, problem, code = CASES[case]
    proc = case_results[case]
    lines = stderr_lines(proc)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and names in lines[0] and problem in lines[0], lines[0]
    assert proc.stdout == ""


def test_every_file_reading_command_is_covered():
    """A new command that reads files should get bad-input cases here too."""
    proc = run_cli(["--help"], cwd=Path.cwd())
    commands = {
        ln.split()[0] for ln in proc.stdout.split("Commands:")[1].splitlines() if ln.strip()
    }
    covered = {args[0] for args, *_ in CASES.values()}
    reads_no_files = {"serve", "models", "cache", "strategies", "suites"}
    assert commands - reads_no_files <= covered, commands - reads_no_files - covered


def test_one_megabyte_line_is_accepted_and_chunked(ws):
    """Within the 2 MB limit: loaded, then split into ~2,000-character chunks for the model."""
    # single-pass is the strategy that chunks (`staged` reads sentences)
    proc = run_cli([*OFF, "extract", "--strategy", "single-pass", "one_line.txt"], cwd=ws)
    assert proc.returncode == 3, proc.stderr  # past loading: the offline miss is for chunk 1
    assert stderr_lines(proc) == [stderr_lines(proc)[0]] and "chunk 1" in proc.stderr
    assert "Traceback" not in proc.stderr

    from verifier.pipeline.documents import load_document
    from verifier.pipeline.extraction import chunk_text

    text = load_document(ws / "one_line.txt").text
    chunks = chunk_text(text)
    assert all(len(c) <= 2000 for _, c in chunks)
    covered = set()
    for start, c in chunks:
        assert text[start : start + len(c)] == c
        covered.update(range(start, start + len(c)))
    assert len(covered) == len(text)  # nothing skipped
    assert 500 <= len(chunks) <= 700  # so ~560 model calls: allowed, and priced by the user


def test_other_encodings_are_decoded_and_reported(tmp_path):
    """latin-1, Windows-1252 and UTF-16/32 with a BOM: read correctly, one notice per file.

    "Correctly" is checked by the deterministic verifier: each claim quotes the non-ASCII
    sentence exactly, and is only `supported` when the decoded text contains it verbatim.
    """
    docs = tmp_path / "docs"
    docs.mkdir()
    sentences = {
        "latin1": ("The café in Zürich sold crème brûlée on Monday.", "latin-1"),
        "cp1252": ("The mayor said “no new taxes” – and €5 fees.", "cp1252"),
        "utf16": ("The café in Zürich opened on Monday.", "utf-16"),
        "utf32": ("The naïve plan was dropped on Monday.", "utf-32"),
        "utf8bom": ("The café reopened on Monday.", "utf-8-sig"),
    }
    claims = []
    for name, (sentence, enc) in sentences.items():
        (docs / f"{name}.txt").write_bytes(
            f"Title {name}\n\n{sentence} More follows.\n".encode(enc)
        )
        claim = {
            "id": f"{name}:c01",
            "doc_id": name,
            "text": sentence,
            "quote": sentence,
            "attributed_to": "the article",
        }
        claims.append({"doc_id": name, "claims": [claim]})
    (tmp_path / "claims.json").write_text(json.dumps(claims, ensure_ascii=False), encoding="utf-8")
    proc = run_cli(
        ["verify", "--no-llm", "--claims", "claims.json", "docs", "--json"], cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    notices = [ln for ln in stderr_lines(proc) if "not UTF-8" in ln]
    expected = {"latin1": "latin-1", "cp1252": "cp1252", "utf16": "utf-16", "utf32": "utf-32"}
    assert sorted(notices) == sorted(
        f"{Path('docs') / (n + '.txt')}: not UTF-8; read as {e}" for n, e in expected.items()
    ), proc.stderr
    verdicts = {v["claim_id"]: v["label"] for v in json.loads(proc.stdout)["verdicts"]}
    assert verdicts == {f"{n}:c01": "supported" for n in sentences}, verdicts


# ------------------------------------------------------------ atomic output
def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    "args",
    [
        # fails at the model stage (offline miss); single-pass always asks the model, while
        # `staged` may answer a short document's every question by code and need no call
        [*OFF, "extract", "good", "--strategy", "single-pass", "-o", "existing.json"],
        [
            *OFF,
            "verify",
            "--no-llm",
            "--claims",
            "claims_other_doc.json",
            "good",
            "-o",
            "existing.json",
        ],
    ],
    ids=["extract_offline_miss", "verify_unknown_doc"],
)
def test_failed_command_leaves_existing_output_untouched(ws, args):
    existing = ws / "existing.json"
    existing.write_text('{"keep": "me"}\n')
    proc = run_cli(args, cwd=ws)
    assert proc.returncode != 0 and len(stderr_lines(proc)) == 1, proc.stderr
    assert existing.read_text() == '{"keep": "me"}\n'
    assert _leftovers(ws) == []


def test_write_atomic_failure_mid_write_keeps_old_file(tmp_path):
    target = tmp_path / "existing.json"
    target.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "new text with a lone surrogate \ud800")  # fails while writing
    assert target.read_text() == "old\n" and _leftovers(tmp_path) == []
    folder_target = tmp_path / "a_folder.json"
    folder_target.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_atomic(folder_target, "{}")  # refused before anything is written
    assert folder_target.is_dir() and _leftovers(tmp_path) == []
