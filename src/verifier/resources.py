"""Package data (lexicons, word lists, the built-in suite, prompts, templates), read with
`importlib.resources` so it works the same from a checkout, an editable install and a wheel.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
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
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"verifier/data/{name}: package data file missing") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"verifier/data/{name}: malformed YAML ({e})") from e
