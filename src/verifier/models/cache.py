"""Persistent response cache (diskcache, SQLite-backed: safe across processes and threads).

Values are JSON with a checksum, so a corrupted entry is detected, dropped and recomputed
rather than trusted. A cache folder we cannot write, or a damaged cache database, degrades
to no cache, with one warning; so does a cache that stops accepting writes part-way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

log = logging.getLogger("verifier")


def cache_key(parts: dict[str, Any]) -> str:
    """A stable digest of everything that can change a model's answer."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class ResponseCache:
    def __init__(self, directory: Path | None, enabled: bool = True) -> None:
        self.directory = Path(directory) if directory else None
        self.hits = 0
        self.misses = 0
        self.discarded = 0
        self._cache: Any = None
        self._io_warned = False  # read-only, disk full, locked: said once, not per call
        if not enabled or self.directory is None:
            return
        if not _writable(self.directory):
            log.warning("cache folder %s is not writable; running without a cache", self.directory)
            return
        try:
            import diskcache

            self._cache = diskcache.Cache(str(self.directory), statistics=True)
        except (OSError, sqlite3.Error) as e:
            log.warning("cache folder %s unusable (%s); running without a cache", self.directory, e)
            self._cache = None

    @property
    def enabled(self) -> bool:
        return self._cache is not None

    def get(self, key: str) -> dict[str, Any] | None:
        cache = self._cache  # another thread may drop a damaged cache meanwhile
        if cache is None:
            return None
        try:
            raw = cache.get(key)
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.OperationalError):  # even a read writes its statistics
                self._io_trouble(e)
            else:  # malformed database file
                self._give_up(e)
            return None
        except (sqlite3.Error, OSError, EOFError, ValueError) as e:
            log.warning("cache entry %s unreadable (%s); recomputing", key[:12], e)
            self._drop(key)
            return None
        if raw is None:
            self.misses += 1
            return None
        value = self._decode(raw)
        if value is None:
            log.warning("cache entry %s corrupted; discarded and recomputing", key[:12])
            self._drop(key)
            self.misses += 1
            return None
        self.hits += 1
        return value

    def set(self, key: str, value: dict[str, Any]) -> None:
        cache = self._cache
        if cache is None:
            return
        payload = json.dumps(value, ensure_ascii=False, sort_keys=True)
        try:
            cache.set(key, json.dumps({"sha": _digest(payload), "payload": payload}))
        except (sqlite3.Error, OSError) as e:
            if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.OperationalError):
                self._give_up(e)
            else:
                self._io_trouble(e)

    def _io_trouble(self, e: Exception) -> None:
        if not self._io_warned:
            self._io_warned = True
            log.warning("cannot write to cache %s (%s); not storing answers", self.directory, e)

    @staticmethod
    def _decode(raw: Any) -> dict[str, Any] | None:
        try:
            outer = json.loads(raw)
            payload = outer["payload"]
            if _digest(payload) != outer["sha"]:
                return None
            value = json.loads(payload)
            return value if isinstance(value, dict) else None
        except (TypeError, ValueError, KeyError, AttributeError):
            return None

    def _drop(self, key: str) -> None:
        self.discarded += 1
        with contextlib.suppress(sqlite3.Error, OSError, AttributeError):
            self._cache.delete(key)

    def _give_up(self, e: Exception) -> None:
        """The database itself is damaged: warn once and run without a cache."""
        cache, self._cache = self._cache, None
        if cache is None:
            return  # another thread got here first and warned
        log.warning(
            "cache database in %s is damaged (%s); running without a cache (delete it to reset)",
            self.directory,
            e,
        )
        with contextlib.suppress(sqlite3.Error, OSError):
            cache.close()

    def stats(self) -> dict[str, Any]:
        if self._cache is None:
            return {"enabled": False, "directory": str(self.directory)}
        hits, misses = self._cache.stats()
        return {
            "enabled": True,
            "directory": str(self.directory),
            "entries": len(self._cache),
            "size_bytes": self._cache.volume(),
            "hits_all_time": hits,
            "misses_all_time": misses,
        }

    def clear(self) -> int:
        if self._cache is None:
            return 0
        n = len(self._cache)
        self._cache.clear()
        self._cache.stats(reset=True)
        return n

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK | os.X_OK)
