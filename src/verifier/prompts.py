"""Prompt templates: YAML files in `prompts/` with a version, rendered with Jinja2.

The version goes into every cache key and every output, so a prompt edit is visible
in review and never answered from a stale cache.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from verifier.errors import ConfigError

_override: Path | None = None


def prompts_dir() -> Path:
    """The folder prompts are read from: `Settings.prompts_dir` if set, else the shipped ones."""
    if _override is not None:
        return _override
    from verifier.resources import bundled

    return bundled("prompts")


def use_prompts_dir(folder: Path | None) -> None:
    """Read prompts from `folder` (None: the shipped prompts); set from `Settings.prompts_dir`."""
    global _override
    if folder != _override:
        _override = Path(folder) if folder is not None else None
        load_prompt.cache_clear()


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user: str

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **values: object) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": _template(self.system).render(**values).strip()},
            {"role": "user", "content": _template(self.user).render(**values).strip()},
        ]


@cache
def _template(source: str) -> Any:
    """A compiled template, once per distinct text: compiling costs ~1 ms, rendering ~20 µs,
    and a staged extraction renders the same few templates hundreds of times per run."""
    return environment().from_string(source)


@cache
def environment() -> Any:
    """The Jinja2 environment prompts render in: strict, no autoescape, with the data filters."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)
    env.filters["data"] = as_data
    env.filters["choice"] = as_choice
    return env


DATA_TAGS = ("article", "title", "sentence", "previous", "passage", "claim", "claims", "source")


def as_data(value: object, tag: str) -> str:
    """Wrap text that comes from a document (or a model) in `<tag>…</tag>` for a prompt.

    Why: document text is data, never instructions. Every prompt says that text inside these
    tags is quoted material; a document line such as "Ignore previous instructions" stays
    inside its tags, and a document cannot close the tag early, because every tag name of
    `DATA_TAGS` written in angle brackets inside the data loses its `<` (replaced by `‹`).
    """
    if tag not in DATA_TAGS:
        raise ValueError(f"unknown data tag {tag!r}")
    return f"<{tag}>{_defused(str(value))}</{tag}>"


def as_choice(value: object) -> str:
    """One answer option as a JSON string: options may be names found in a document, so they
    are quoted (a `"` cannot end the option early) and defused like `as_data`."""
    return json.dumps(_defused(str(value)), ensure_ascii=False)


def _defused(text: str) -> str:
    for name in DATA_TAGS:
        text = re.sub(rf"<(\s*/?\s*{name}\b)", r"‹\1", text, flags=re.IGNORECASE)
    return text


@cache
def load_prompt(name: str) -> Prompt:
    path = prompts_dir() / f"{name}.yaml"
    if not path.exists():
        raise ConfigError(f"{path}: prompt template not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Prompt(
            name=name, version=str(data["version"]), system=data["system"], user=data["user"]
        )
    except (yaml.YAMLError, KeyError, TypeError) as e:
        raise ConfigError(f"{path}: malformed prompt template ({e})") from e
