"""Reading claim-bearing files: extract output, claims files, gold folders, run records.

Its own module so that commands which only read claims (`verify --no-llm`, `brief --claims`)
do not import the scoring stack (numpy, scipy).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel

from verifier.errors import InputError, first_validation_error
from verifier.fileio import load_json, validate
from verifier.schemas import Brief, Claim, ClaimGroup, DocumentClaims, ExtractionResult, RunRecord

log = logging.getLogger("verifier")

_WHAT = "predictions (extraction result, document claims, run record or brief)"


def _kind(data: object) -> type[BaseModel] | str | None:
    """Which of our formats a parsed JSON value looks like."""
    if isinstance(data, list):
        if data and all(isinstance(x, dict) and "claims" not in x for x in data) and any(
            "quote" in x or "text" in x for x in data  # type: ignore[operator]
        ):
            return "claims"  # a bare list of claims, each naming its document
        return "list"
    if not isinstance(data, dict):
        return None
    if "run_id" in data or "predictions" in data:
        return RunRecord
    if "headline" in data and "sections" in data:
        return Brief
    if "documents" in data:
        return ExtractionResult
    if "doc_id" in data or "claims" in data:
        return DocumentClaims
    if "groups" in data:
        return "groups"
    return None


def _load_file(path: Path, in_folder: bool) -> list[DocumentClaims]:
    data = load_json(path, _WHAT)
    kind = _kind(data)
    if kind == "groups" and in_folder:
        log.info("%s: a groups file, not predictions; skipped", path)
        return []
    if kind == "list":
        return [_validate_list_item(path, k, x) for k, x in enumerate(data)]  # type: ignore[arg-type]
    if kind == "claims":
        return _claim_list(path, data)  # type: ignore[arg-type]
    if not isinstance(kind, type):
        raise InputError(f"{path}: not a predictions file (expected an extraction result, "
                         "document claims or a run record JSON)")
    if kind is RunRecord:
        return list(validate(data, RunRecord, path, "run record").predictions)
    if kind is ExtractionResult:
        return list(validate(data, ExtractionResult, path, "extraction result").documents)
    if kind is Brief:  # a brief carries the claims it was written from
        by_doc: dict[str, DocumentClaims] = {}
        for c in validate(data, Brief, path, "brief").claims:
            by_doc.setdefault(c.doc_id, DocumentClaims(doc_id=c.doc_id)).claims.append(c)
        return list(by_doc.values())
    return [validate(data, DocumentClaims, path, "document claims file")]


def _validate_list_item(path: Path, k: int, item: object) -> DocumentClaims:
    from pydantic import ValidationError

    try:
        return DocumentClaims.model_validate(item)
    except ValidationError as e:
        raise InputError(
            f"{path}: item {k} is not valid document claims: {first_validation_error(e)}"
        ) from e


def _claim_list(path: Path, items: list[dict[str, object]]) -> list[DocumentClaims]:
    """A bare JSON list of claims (another tool's output): grouped by their `doc_id`."""
    by_doc: dict[str, list[Claim]] = {}
    for k, item in enumerate(items):
        claim = validate(item, Claim, f"{path}: claim {k}", "claim")
        by_doc.setdefault(claim.doc_id, []).append(claim)
    return [DocumentClaims(doc_id=d, claims=cs) for d, cs in by_doc.items()]


def _refuse_duplicate_ids(where: Path, doc: DocumentClaims, seen: dict[str, str]) -> None:
    for c in doc.claims:
        if c.doc_id != doc.doc_id:
            raise InputError(
                f"{where}: claim {c.id!r} names document {c.doc_id!r} but is listed under "
                f"{doc.doc_id!r}"
            )
        if c.id in seen:
            raise InputError(
                f"{where}: claim id {c.id!r} appears twice (in {seen[c.id]!r} and "
                f"{doc.doc_id!r}); claim ids must be unique"
            )
        seen[c.id] = doc.doc_id


def load_predictions(path: Path) -> dict[str, DocumentClaims]:
    """Predicted (or gold) claims keyed by document id, from any of our claim-bearing files.

    Accepts an ExtractionResult (`verifier extract` output), one DocumentClaims, a JSON list
    of DocumentClaims or of claims (grouped by their `doc_id`), a RunRecord (its
    `predictions`), or a folder of such .json files (a GoldGroups file in the folder is
    skipped). Malformed input, and a claim id used twice, raise InputError with one line
    naming the file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder (predictions)")
    if path.is_dir():
        files = sorted(
            f for f in path.iterdir()
            if f.is_file() and f.suffix.lower() == ".json" and not f.name.startswith(".")
        )
        if not files:
            raise InputError(f"{path}: no .json predictions files in this folder")
    else:
        files = [path]
    out: dict[str, DocumentClaims] = {}
    ids: dict[str, str] = {}
    for f in files:
        for doc in _load_file(f, in_folder=path.is_dir()):
            if doc.doc_id in out:
                raise InputError(
                    f"{f}: document {doc.doc_id!r} appears more than once in the predictions"
                )
            _refuse_duplicate_ids(f, doc, ids)
            out[doc.doc_id] = doc
    if not out and path.is_dir():
        raise InputError(f"{path}: no predictions in this folder (only groups files)")
    return out


class _Grouped(BaseModel):
    """The part of a verify output (`VerificationResult`) or a brief that scoring reads."""

    groups: list[ClaimGroup]


def load_groups(path: Path) -> list[ClaimGroup]:
    """Predicted claim groups from a `verifier verify` output or a brief JSON."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file (groups: a verify or brief JSON output)")
    data = load_json(path, "groups (verify or brief output)")
    if not isinstance(data, dict) or "groups" not in data:
        raise InputError(f"{path}: no 'groups' here; expected a verify or brief JSON output")
    from pydantic import ValidationError

    try:
        return _Grouped.model_validate({"groups": data["groups"]}).groups
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{path}: invalid groups: {where}: {err['msg']}") from e


def groups_for(pred: Path, groups: Path | None) -> list[ClaimGroup] | None:
    """The predicted groups `score` reads: from `groups` when given, else from `pred` when it
    is a JSON that carries groups (a brief does), else none (groups are then not scored)."""
    if groups is not None:
        return load_groups(groups)
    if pred.is_file() and pred.suffix.lower() == ".json":
        try:
            return load_groups(pred)
        except InputError:
            return None
    return None
