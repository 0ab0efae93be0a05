"""Package data (lexicons, word lists, the built-in suite, prompts, templates), read with
`importlib.resources` so it works the same from a checkout, an editable install and a wheel.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from verifier.errors import ConfigError


def data_file(name: str) -> Traversable:
    """A file under `verifier/data/` (word lists, lexicons, local model entries, suites)."""
    return files("verifier").joinpath("data", *name.split("/"))


@cache
def data_yaml(name: str) -> Any:
    """Parsed YAML from `verifier/data/`; a missing or malformed file is a configuration error."""
    path = data_file(name)
    try:
        # libyaml's loader when built (4-5x faster; same safe subset): read on every run
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise ConfigError(f"verifier/data/{name}: package data file missing") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"verifier/data/{name}: malformed YAML ({e})") from e


def bundled(*parts: str) -> Path:
    """A path under `verifier/bundle/`: the repository's prompts/, seeds/ and evals/ as shipped.

    In a checkout (or editable install) `bundle/*` are symlinks to the top-level folders, so
    the repository keeps one copy; a built wheel holds real files at the same relative paths,
    so a suite's relative paths (`../../seeds`) resolve the same way in both.
    """
    return Path(str(files("verifier").joinpath("bundle", *parts)))


def installed_copy(path: Path) -> bool:
    """True when `path` is inside an installed (non-editable) package: not a place to write."""
    return any(p in ("site-packages", "dist-packages") for p in path.resolve().parts)
