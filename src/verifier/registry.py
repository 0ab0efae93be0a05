"""Named, pluggable parts: providers, extraction strategies, brief strategies, metrics, suites.

One small file registers one entry (`@STRATEGIES.register`), like simonw/llm's plugins:
built-in entries live in the modules listed per registry and are imported on first use, so
`verifier --help` stays fast; third-party packages add entries through an entry-point group
(`verifier.strategies`, …) whose object is either an entry or a module that registers some.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from functools import cache
from importlib.metadata import EntryPoints, entry_points
from typing import Any, Generic, TypeVar

from verifier.errors import ConfigError

T = TypeVar("T")
log = logging.getLogger("verifier")


class Registry(Generic[T]):
    """Entries by name; loads built-in modules and entry points lazily, once."""

    def __init__(
        self,
        kind: str,
        group: str,
        builtin_modules: tuple[str, ...] = (),
        loaders: tuple[Callable[[], None], ...] = (),
    ) -> None:
        """`loaders` register built-in entries that are data (a YAML catalogue), not modules."""
        self.kind = kind
        self.group = group
        self._builtin = builtin_modules
        self._loaders = loaders
        self._entries: dict[str, T] = {}
        self._loaded = False

    def register(self, entry: T, name: str | None = None) -> T:
        """Add an entry (usable as a decorator on a class or an instance)."""
        key = name or getattr(entry, "name", None)
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{self.kind}: an entry needs a non-empty `name`")
        self._entries[key] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._builtin:
            importlib.import_module(module)
        for loader in self._loaders:
            loader()
        for ep in _installed_entry_points().select(group=self.group):
            try:
                obj = ep.load()
            except Exception as e:  # a broken plugin must not break the tool
                log.warning("%s plugin %s failed to load: %s", self.kind, ep.name, e)
                continue
            if not _is_module(obj):
                self.register(obj, getattr(obj, "name", None) or ep.name)

    def get(self, name: str) -> T:
        self._load()
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        self._load()
        return sorted(self._entries)

    def items(self) -> Iterator[tuple[str, T]]:
        self._load()
        yield from sorted(self._entries.items())

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries

    def find(self, predicate: Callable[[T], bool]) -> T | None:
        self._load()
        return next((e for _, e in sorted(self._entries.items()) if predicate(e)), None)


@cache
def _installed_entry_points() -> EntryPoints:
    """Every installed entry point, read once per process: a scan reads the metadata of every
    installed package (about 5 ms in a venv with litellm), and a run consults four registries."""
    return entry_points()


def _is_module(obj: Any) -> bool:
    return type(obj).__name__ == "module"
