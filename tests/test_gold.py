"""The committed gold set loads and validates. A broken gold file fails with one line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import InputError
from verifier.evaluation.gold import load_gold
from verifier.schemas import GroupLabel, MatchKind
from verifier.text.quotes import find_quote

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evals" / "gold"
SEEDS = ROOT / "seeds"
DOC0 = "000_547a94a2ab0e37c5"


def test_committed_gold_loads_and_covers_every_seed() -> None:
    gold, groups = load_gold(GOLD, SEEDS)
    assert set(gold) == {p.stem for p in SEEDS.glob("*.txt")}
    for doc_id, doc in gold.items():
        assert 8 <= len(doc.claims) <= 25, doc_id
    assert groups.groups
    assert {g.label for g in groups.groups} <= set(GroupLabel)


def test_committed_gold_is_internally_consistent() -> None:
    gold, _ = load_gold(GOLD, SEEDS)
    for doc in gold.values():
        text = (SEEDS / f"{doc.doc_id}.txt").read_text(encoding="utf-8")
        for c in doc.claims:
            match = find_quote(c.quote, text)
            assert match is not None and match.kind is MatchKind.exact, c.id
            assert c.grounding is None and c.reasked == 0, c.id
            for q in c.quantities:
                assert q.text.lower() in c.quote.lower(), (c.id, q.text)
                assert q.bounds() is not None, (c.id, q.text)


def test_documents_can_be_given_as_texts() -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    gold, _ = load_gold(GOLD, texts)
    assert len(gold) == len(texts)


def _copy_gold(tmp_path: Path) -> Path:
    folder = tmp_path / "gold"
    shutil.copytree(GOLD, folder)
    return folder


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _tamper_quote(d: dict[str, Any]) -> None:
    d["claims"][2]["quote"] = d["claims"][2]["quote"].replace("soldiers", "troops")


def _shift_offsets(d: dict[str, Any]) -> None:
    d["claims"][2]["start"] += 3
    d["claims"][2]["end"] += 3


def _duplicate_id(d: dict[str, Any]) -> None:
    d["claims"][1]["id"] = d["claims"][0]["id"]


def _wrong_doc_id(d: dict[str, Any]) -> None:
    d["doc_id"] = "001_666ac56010d34003"


CLAIM_CASES = [
    (_tamper_quote, "quote not found verbatim"),
    (_shift_offsets, "quote not found verbatim"),
    (_duplicate_id, "duplicate claim id"),
    (_wrong_doc_id, "does not match the file name"),
]


@pytest.mark.parametrize(("change", "problem"), CLAIM_CASES)
def test_broken_claim_file_raises_one_line_naming_it(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    folder = _copy_gold(tmp_path)
    path = folder / f"{DOC0}.json"
    _edit(path, change)
    with pytest.raises(InputError) as err:
        load_gold(folder, SEEDS)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(path))
    assert problem in msg


def test_shifted_offsets_message_names_claim_and_true_position(tmp_path: Path) -> None:
    folder = _copy_gold(tmp_path)
    _edit(folder / f"{DOC0}.json", _shift_offsets)
    with pytest.raises(InputError, match=rf"claim {DOC0}:g03 quote .* \(it is at \d+–\d+\)"):
        load_gold(folder, SEEDS)


def _unknown_member(d: dict[str, Any]) -> None:
    d["groups"][0]["claim_ids"].append(f"{DOC0}:g99")


def _one_document(d: dict[str, Any]) -> None:
    d["groups"][0]["claim_ids"] = [f"{DOC0}:g01", f"{DOC0}:g02"]


def _duplicate_group(d: dict[str, Any]) -> None:
    d["groups"][1]["id"] = d["groups"][0]["id"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_unknown_member, f"names unknown claim {DOC0}:g99"),
        (_one_document, "does not span two or more documents"),
        (_duplicate_group, "duplicate group id"),
    ],
)
def test_broken_groups_file_raises_one_line_naming_it(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    folder = _copy_gold(tmp_path)
    path = folder / "groups.json"
    _edit(path, change)
    with pytest.raises(InputError) as err:
        load_gold(folder, SEEDS)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(path))
    assert problem in msg


def test_malformed_json_and_unknown_document_are_one_line(tmp_path: Path) -> None:
    folder = _copy_gold(tmp_path)
    bad = folder / f"{DOC0}.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"malformed JSON") as err:
        load_gold(folder, SEEDS)
    assert "\n" not in str(err.value) and str(bad) in str(err.value)

    folder = _copy_gold(tmp_path / "second")
    stray = folder / "999_unknown.json"
    stray.write_text(json.dumps({"doc_id": "999_unknown", "claims": []}), encoding="utf-8")
    with pytest.raises(InputError, match=r"999_unknown.json: no seed document"):
        load_gold(folder, SEEDS)
