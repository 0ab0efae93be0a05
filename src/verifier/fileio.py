"""Reading our JSON/YAML formats with one-line errors, and writing outputs atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from verifier.errors import InputError, first_validation_error

M = TypeVar("M", bound=BaseModel)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temp file in the same folder, then rename: a failure never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_text_file(path: Path, what: str) -> str:
    if not path.exists():
        raise InputError(f"{path}: no such file ({what})")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a {what} file")
    if not path.is_file():  # a device or pipe (/dev/zero) would be read forever
        raise InputError(f"{path}: not a regular file, expected a {what} file")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from e
    if not raw.strip():
        raise InputError(f"{path}: empty {what} file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}); expected a {what} file") from e


def load_json(path: Path, what: str) -> object:
    text = read_text_file(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: malformed JSON at line {e.lineno} col {e.colno}: {e.msg}") from e


def load_model(path: Path, model: type[M], what: str) -> M:
    """Load and validate one of our file formats; errors name the file and the first bad field."""
    data = load_json(path, what)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InputError(f"{path}: not a valid {what}: {first_validation_error(e)}") from e


def dump_model(obj: BaseModel) -> str:
    return obj.model_dump_json(indent=2, exclude_none=False) + "\n"
