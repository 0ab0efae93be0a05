"""Every file we read or write goes through here: one-line errors, bounded reads, safe writes.

Reads check that the path is a regular file of bounded size before reading (a device or FIFO
would be read forever), turn OS errors into `InputError`, and remember the file's identity so
that no later write in the same process can overwrite an input. Writes go to regular files
only, via a temp file and a rename, so a failure never leaves half a file.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from verifier.errors import InputError, first_validation_error

M = TypeVar("M", bound=BaseModel)

MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_YAML_BYTES = 64 * 1024 * 1024  # cassettes are the largest YAML we read (a few MB today)

#: (device, inode) of every file read in this process: outputs may not overwrite them.
_inputs: set[tuple[int, int]] = set()


def _strerror(e: OSError) -> str:
    return e.strerror or type(e).__name__


def note_input(path: Path) -> None:
    """Remember `path` as an input of this run (no-op when it cannot be stat'ed)."""
    try:
        st = os.stat(path)
    except OSError:
        return
    _inputs.add((st.st_dev, st.st_ino))


def regular_file(path: Path, what: str, max_bytes: int | None = None) -> os.stat_result:
    """Stat `path` and refuse anything but an existing, regular file within `max_bytes`."""
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such file ({what})") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read ({_strerror(e)})") from e
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a folder, expected a {what} file")
    if not stat.S_ISREG(st.st_mode):  # a device or pipe (/dev/zero) would be read forever
        raise InputError(f"{path}: not a regular file, expected a {what} file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise InputError(
            f"{path}: too large ({st.st_size / 1e6:.1f} MB; the limit for a {what} file is "
            f"{max_bytes / 1e6:.0f} MB)"
        )
    return st


def read_bytes(path: Path, what: str, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, with every failure as one InputError line."""
    path = Path(path)
    regular_file(path, what, max_bytes)
    try:
        with open(path, "rb") as f:
            raw = f.read(max_bytes + 1 if max_bytes is not None else -1)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({_strerror(e)})") from e
    if max_bytes is not None and len(raw) > max_bytes:  # it grew while we read it
        raise InputError(f"{path}: too large (over {max_bytes / 1e6:.0f} MB)")
    note_input(path)
    return raw


def read_text_file(path: Path, what: str, max_bytes: int | None = MAX_JSON_BYTES) -> str:
    raw = read_bytes(path, what, max_bytes)
    if not raw.strip():
        raise InputError(f"{path}: empty {what} file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}); expected a {what} file") from e


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):  # 1e999 parses as infinity
        raise ValueError(f"{literal[:20]} is out of range for a number")
    return value


def parse_json(text: str, where: object) -> object:
    """Strict JSON: no NaN/Infinity, no lone surrogates, no stack-busting depth."""
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as e:
        at = f"line {e.lineno} col {e.colno}"
        raise InputError(f"{where}: malformed JSON at {at}: {e.msg}") from e
    except ValueError as e:  # from _no_constant
        raise InputError(f"{where}: malformed JSON: {e}") from e
    except RecursionError as e:
        raise InputError(f"{where}: JSON nested too deeply") from e
    if "\\u" in text and _LONE_SURROGATE.search(text):
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as e:
            raise InputError(
                f"{where}: contains a lone surrogate (\\u{ord(e.object[e.start]):04x}), "
                "which is not text"
            ) from e
    return data


_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def load_json(path: Path, what: str) -> object:
    return parse_json(read_text_file(path, what), path)


def load_yaml(path: Path, what: str, max_bytes: int = MAX_YAML_BYTES) -> object:
    """safe_load with the same checks as JSON; errors say where in the file."""
    import yaml

    text = read_text_file(path, what, max_bytes)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        problem, mark = getattr(e, "problem", None), getattr(e, "problem_mark", None)
        if problem and mark is not None:  # where and what, e.g. "line 3 col 1: expected ..."
            first = f"line {mark.line + 1} col {mark.column + 1}: {problem}"
        raise InputError(f"{path}: malformed {what}: {first}") from e
    except RecursionError as e:
        raise InputError(f"{path}: malformed {what}: nested too deeply") from e


def validate(data: object, model: type[M], where: object, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InputError(f"{where}: not a valid {what}: {first_validation_error(e)}") from e
    except RecursionError as e:
        raise InputError(f"{where}: not a valid {what}: nested too deeply") from e


def load_model(path: Path, model: type[M], what: str) -> M:
    """Load and validate one of our file formats; errors name the file and the first bad field."""
    return validate(load_json(path, what), model, path, what)


def dump_model(obj: BaseModel) -> str:
    return obj.model_dump_json(indent=2, exclude_none=False) + "\n"


def _finite_or_none(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite_or_none(v) for v in obj]
    return obj


def dump_json(obj: Any) -> str:
    """Valid JSON always: a NaN or infinity (not JSON) becomes null."""
    return json.dumps(_finite_or_none(obj), indent=2, default=str, allow_nan=False)


# ------------------------------------------------------------------------- writing
def safe_name(name: str) -> str:
    """A name (suite, model, run id) made safe as one file name: no folders, no leading dot."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "_"


def check_output(
    path: Path, suffixes: Iterable[str] = (), inputs: Iterable[Path] = (), what: str = "output"
) -> None:
    """Refuse an output path before any work is done: wrong suffix, not a regular file, an input.

    `write_atomic` checks again at write time (against every file actually read), so this is
    for failing fast; it is not the only guard.
    """
    path = Path(path)
    allowed = tuple(s.lower() for s in suffixes)
    if allowed and path.suffix.lower() not in allowed:
        raise InputError(f"{path}: {what} must end in {' or '.join(allowed)}")
    _check_target(path)
    target = _identity(path)
    if target is None:
        return
    for p in inputs:
        p = Path(p)
        if _identity(p) == target:
            raise InputError(f"{path}: is also an input ({p}); choose another output file")
        if p.is_dir() and path.parent.resolve() == p.resolve():
            continue  # a file in an input folder: write_atomic refuses it if it was read


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _check_target(path: Path) -> None:
    """Only regular files (or nothing) may be replaced; symlinks, devices, FIFOs and folders not."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise InputError(f"{path}: cannot write ({_strerror(e)})") from e
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{path}: is a symbolic link; write to a regular file instead")
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a folder, expected a file name to write")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file (a device or pipe); refusing to replace it")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temp file in the same folder, then rename: a failure never leaves half a file.

    Refuses (InputError) to replace anything but a regular file, and any file this process
    has read as an input.
    """
    path = Path(path)
    _check_target(path)
    if _identity(path) in _inputs:
        raise InputError(f"{path}: is also an input of this command; choose another output file")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise InputError(f"{path}: cannot write in {path.parent} ({_strerror(e)})") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({_strerror(e)})") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
