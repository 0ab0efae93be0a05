"""The one document loader: a file, several files, or a folder; txt/md; manifest when present."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from verifier.errors import InputError, first_validation_error
from verifier.fileio import load_yaml, read_bytes, regular_file
from verifier.schemas import Brief, Document

log = logging.getLogger("verifier")

DOC_SUFFIXES = {".txt", ".md", ".markdown"}
MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")
MAX_DOC_BYTES = 2 * 1024 * 1024
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


class ManifestEntry(BaseModel):
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    perspective: str | None = None
    relays: list[str] = Field(default_factory=list)


class Manifest(BaseModel):
    documents: dict[str, ManifestEntry]


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes as text, recovering UTF-32/16 (BOM), cp1252 and latin-1; refuse binary."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return raw.decode("utf-32"), "utf-32"
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: has a UTF-32 byte-order mark but is not valid UTF-32") from e
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: has a UTF-16 byte-order mark but is not valid UTF-16") from e
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: binary file (contains NUL bytes), expected text")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = raw.decode("latin-1")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise InputError(f"{path}: binary file (not UTF-8 or latin-1 text)")
    if any(0x80 <= b <= 0x9F for b in raw):
        # Bytes 0x80-0x9f are control codes in latin-1 but curly quotes, dashes and € in
        # Windows-1252, which is what "latin-1" files from Windows almost always are.
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return text, "latin-1"


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    for name in MANIFEST_NAMES:
        path = folder / name
        if not path.exists() and not path.is_symlink():
            continue
        data = load_yaml(path, "manifest", MAX_MANIFEST_BYTES)
        try:
            return Manifest.model_validate(data).documents
        except ValidationError as e:
            raise InputError(f"{path}: invalid manifest at {first_validation_error(e)}") from e
    return {}


def load_document(
    path: Path, entry: ManifestEntry | None = None, doc_id: str | None = None
) -> Document:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a .txt or .md article")
    size = regular_file(path, ".txt or .md article").st_size
    if size > MAX_DOC_BYTES:
        raise InputError(
            f"{path}: too large ({size / 1e6:.1f} MB; the limit is {MAX_DOC_BYTES / 1e6:.0f} MB "
            "per document) — split it into articles"
        )
    raw = read_bytes(path, ".txt or .md article", MAX_DOC_BYTES)
    text, encoding = decode(raw, path)
    if not text.strip():
        raise InputError(f"{path}: empty document")
    if encoding != "utf-8":
        log.warning("%s: not UTF-8; read as %s", path, encoding)
    entry = entry or ManifestEntry()
    return Document(
        id=doc_id or path.stem,
        path=str(path),
        text=text,
        title=entry.title or _first_line(text, markdown=path.suffix.lower() in MARKDOWN),
        outlet=entry.outlet,
        date=entry.date,
        perspective=entry.perspective,
        relays=entry.relays,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


MARKDOWN = {".md", ".markdown"}
_ATX_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?\s*$")


def _first_line(text: str, markdown: bool = False) -> str:
    """The title: the first non-blank line, without Markdown's heading marks (`# Title #`)."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if markdown:
            m = _ATX_HEADING.match(line)
            line = m.group(1).strip() if m else line
        return line[:200]
    return ""


def _not_found(p: Path) -> InputError:
    """A missing path; a URL (which Path turned into `https:/host/…`) is said to be one."""
    text = str(p)
    url = re.sub(r"^(https?):/(?!/)", r"\1://", text, flags=re.I)
    if url != text or re.match(r"^https?://", text, re.I):
        return InputError(f"{url}: URLs are not supported: download the article first")
    return InputError(f"{p}: no such file or folder")


def _expand(paths: Iterable[Path]) -> list[tuple[Path, dict[str, ManifestEntry]]]:
    found: list[tuple[Path, dict[str, ManifestEntry]]] = []
    manifests: dict[Path, dict[str, ManifestEntry]] = {}
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise _not_found(p)
        folder = p if p.is_dir() else p.parent
        if folder not in manifests:
            manifests[folder] = load_manifest(folder)
        if p.is_dir():
            files = sorted(
                f for f in p.iterdir() if f.is_file() and f.suffix.lower() in DOC_SUFFIXES
            )
            if not files:
                raise InputError(f"{p}: no documents (.txt or .md) in this folder")
            found.extend((f, manifests[folder]) for f in files)
        else:
            found.append((p, manifests[folder]))
    return found


def load_documents(paths: Iterable[Path]) -> list[Document]:
    """Load documents with stable ids (file stem; a short content hash is added on a clash)."""
    docs: list[Document] = []
    seen: set[str] = set()
    for path, manifest in _expand(paths):
        doc = load_document(path, manifest.get(path.name))
        if doc.id in seen:
            doc = doc.model_copy(update={"id": f"{doc.id}-{doc.sha256[:8]}"})
        if doc.id in seen:
            continue  # the same file given twice
        seen.add(doc.id)
        docs.append(doc)
    if not docs:
        raise InputError("no documents given")
    return docs


def brief_source_documents(
    brief: Brief, brief_file: Path, given: list[Path]
) -> dict[str, Document]:
    """The source documents a brief may show: those given on the command line, else beside it.

    A brief is data that may come from anyone, so its `sources[].path` is only a hint: a
    relative path is taken from the brief's own folder (never the working directory), and a
    file is read only when it was given on the command line (matched by path or by id) or
    sits beside the brief as a .txt/.md article. Anything else (`/etc/passwd`,
    `../../secret.txt`) is skipped with a warning, never copied into the output.
    """
    docs = load_documents(given) if given else []
    by_path = {Path(d.path).resolve(): d for d in docs}
    by_id = {d.id: d for d in docs}
    home = Path(brief_file).resolve().parent
    found: dict[str, Document] = {}
    skipped: list[str] = []
    for src in brief.sources:
        p = Path(src.path or src.id)
        p = (p if p.is_absolute() else home / p).resolve()
        if p in by_path or src.id in by_id:
            found[src.id] = by_path.get(p) or by_id[src.id]
        elif not given and p.parent == home and p.suffix.lower() in DOC_SUFFIXES and p.is_file():
            found[src.id] = load_document(p, doc_id=src.id)
        elif src.path:
            skipped.append(src.path)
    if skipped:
        where = "not among the documents given" if given else "neither given nor beside the brief"
        log.warning(
            "%s: %d source file(s) %s, not read (give them on the command line): %s",
            brief_file, len(skipped), where, ", ".join(skipped[:5]),
        )
    return found
