"""Cassette files on disk: vcrpy's YAML, sealed with a checksum, read and written safely.

A cassette replays model answers into tests and offline evals, so an edited one would
change results without any sign. Every cassette we record starts with one comment line,
`# verifier-cassette sha256=<hex>`, the SHA-256 of the rest of the file; replay refuses a
cassette whose checksum is missing or does not match (hand-edited, truncated, merged badly).
Reading also refuses devices, FIFOs and oversized files, and a malformed or wrong-shaped
cassette is one `InputError` line, not a YAML or KeyError traceback. Writing is atomic.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from verifier.errors import InputError
from verifier.fileio import MAX_YAML_BYTES, regular_file, write_atomic

HEADER = "# verifier-cassette sha256="
_HEADER_RE = re.compile(r"# verifier-cassette sha256=([0-9a-f]{64})\n")


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def seal(body: str) -> str:
    """The cassette text with its checksum line in front (`body` is the YAML vcrpy wrote)."""
    return f"{HEADER}{_digest(body)}\n{body}"


def unseal(text: str, path: Path) -> str:
    """The YAML body of a sealed cassette; InputError when the seal is missing or broken."""
    m = _HEADER_RE.match(text)
    if m is None:
        raise InputError(
            f"{path}: cassette has no checksum line (not recorded by verifier, or edited); "
            "re-record it with --record"
        )
    body = text[m.end() :]
    if _digest(body) != m.group(1):
        raise InputError(
            f"{path}: cassette checksum does not match its content (edited or truncated "
            "after recording); re-record it with --record"
        )
    return body


class CheckedPersister:
    """vcrpy persister: sealed, bounded, regular-file reads; atomic sealed writes."""

    @staticmethod
    def load_cassette(cassette_path: str | Path, serializer: Any) -> Any:
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.serialize import deserialize

        path = Path(cassette_path)
        if not path.exists():
            raise CassetteNotFoundError()
        regular_file(path, "cassette", MAX_YAML_BYTES)
        try:
            raw = path.read_bytes()  # not noted as an input: a recording rewrites it
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from e
        if not raw.strip():
            raise CassetteNotFoundError()  # as vcrpy: an empty cassette is recorded afresh
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: cassette is not UTF-8 text (byte {e.start})") from e
        body = unseal(text, path)
        try:
            return deserialize(body, serializer)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as e:
            raise InputError(f"{path}: not a valid cassette ({type(e).__name__}: {e})") from e
        except RecursionError as e:
            raise InputError(f"{path}: not a valid cassette (nested too deeply)") from e
        except Exception as e:  # yaml.YAMLError and friends, without importing yaml here
            if type(e).__module__.startswith("yaml"):
                first = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise InputError(f"{path}: malformed cassette YAML ({first})") from e
            raise

    @staticmethod
    def save_cassette(cassette_path: str | Path, cassette_dict: Any, serializer: Any) -> None:
        from vcr.serialize import serialize

        write_atomic(Path(cassette_path), seal(serialize(cassette_dict, serializer)))

