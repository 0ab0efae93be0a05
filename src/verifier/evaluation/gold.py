"""Loading the hand-labelled gold set, and refusing it when it is wrong.

Every metric is scored against these files. So an offset that has drifted from its seed
text, a duplicated id or a group pointing at a missing claim would corrupt every score
without any warning. All of these are checked at load time. Each problem is an
`InputError` with one line that names the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from verifier.errors import InputError
from verifier.fileio import load_model
from verifier.pipeline.documents import load_documents
from verifier.schemas import SCHEMA_VERSION, DocumentClaims, GoldGroups

GROUPS_FILE = "groups.json"

Gold = dict[str, DocumentClaims]


def load_gold(
    folder: Path, documents: Mapping[str, str] | Path | None = None
) -> tuple[Gold, GoldGroups]:
    """Load and validate `folder/*.json` (one `DocumentClaims` per seed) and `groups.json`.

    `documents` maps doc id to seed text. It can also be a seeds folder, loaded with the
    manifest-aware document loader. Left as None, it is the built-in seed articles.
    Returns the gold claims by doc id, and the groups (empty when there is no `groups.json`).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such gold folder")
    texts = _texts(documents)
    paths = sorted(p for p in folder.glob("*.json") if p.name != GROUPS_FILE)
    if not paths:
        raise InputError(f"{folder}: no gold claim files (*.json)")

    gold: Gold = {}
    owner: dict[str, str] = {}  # claim id -> doc id
    for path in paths:
        doc = load_model(path, DocumentClaims, "gold claims file")
        _check_document(path, doc, texts, owner)
        gold[doc.doc_id] = doc

    groups_path = folder / GROUPS_FILE
    groups = GoldGroups()
    if groups_path.exists():
        groups = load_model(groups_path, GoldGroups, "gold groups file")
        _check_groups(groups_path, groups, owner)
    return gold, groups


def _texts(documents: Mapping[str, str] | Path | None) -> Mapping[str, str]:
    if isinstance(documents, Mapping):
        return documents
    if documents is None:
        from verifier.resources import bundled

        documents = bundled("seeds")
    return {d.id: d.text for d in load_documents([Path(documents)])}


def _check_document(
    path: Path, doc: DocumentClaims, texts: Mapping[str, str], owner: dict[str, str]
) -> None:
    def fail(problem: str) -> InputError:
        return InputError(f"{path}: {problem}")

    if doc.schema_version != SCHEMA_VERSION:
        raise fail(f"schema_version {doc.schema_version!r}, expected {SCHEMA_VERSION!r}")
    if doc.doc_id != path.stem:
        raise fail(f"doc_id {doc.doc_id!r} does not match the file name")
    if doc.error is not None:
        raise fail("gold file has an error set")
    text = texts.get(doc.doc_id)
    if text is None:
        raise fail(f"no seed document with id {doc.doc_id!r}")
    if not doc.claims:
        raise fail("no claims")
    for c in doc.claims:
        if c.id in owner:
            raise fail(f"duplicate claim id {c.id}")
        owner[c.id] = doc.doc_id
        if c.doc_id != doc.doc_id or not c.id.startswith(f"{doc.doc_id}:"):
            raise fail(f"claim {c.id} does not belong to doc {doc.doc_id}")
        if c.start is None or c.end is None:
            raise fail(f"claim {c.id} has no start/end offsets")
        if text[c.start : c.end] != c.quote or not c.quote:
            at = text.find(c.quote) if c.quote else -1
            hint = f" (it is at {at}–{at + len(c.quote)})" if at >= 0 else ""
            raise fail(f"claim {c.id} quote not found verbatim at {c.start}–{c.end}{hint}")


def _check_groups(path: Path, groups: GoldGroups, owner: Mapping[str, str]) -> None:
    seen: set[str] = set()
    for grp in groups.groups:
        if grp.id in seen:
            raise InputError(f"{path}: duplicate group id {grp.id}")
        seen.add(grp.id)
        if len(set(grp.claim_ids)) != len(grp.claim_ids):
            raise InputError(f"{path}: group {grp.id} lists a claim twice")
        for cid in grp.claim_ids:
            if cid not in owner:
                raise InputError(f"{path}: group {grp.id} names unknown claim {cid}")
        if len({owner[cid] for cid in grp.claim_ids}) < 2:
            raise InputError(f"{path}: group {grp.id} does not span two or more documents")
