"""Configuration from flags, environment (VERIFIER_*) and a .env file, in that order."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "verifier"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VERIFIER_", env_file=".env", extra="ignore")

    model: str = "local"
    cache_dir: Path = default_cache_dir()
    offline: bool = False
    cache: bool = True
    refresh: bool = False
    verbose: bool = False
    temperature: float = 0.0
    seed: int = 1234
    timeout_s: float = 180.0
    transport_retries: int = 4
    #: model requests in flight at once (chunks, judge calls and brief sections share it)
    concurrency: int = 1
    backoff_base_s: float = 1.0
    backoff_max_s: float = 30.0
    # The embedded llama.cpp server.
    local_host: str = "127.0.0.1"
    local_port: int = 8766
    local_ctx: int = 8192
    local_threads: int = 2
    local_start_timeout_s: float = 180.0
    # A command template that serves a local model instead of llama-cpp-python's server, e.g.
    # "llama-server -m {gguf} --alias {alias} --host {host} --port {port}".
    local_server: str | None = None
    # Replay / record HTTP for model calls (vcrpy); None means live calls.
    cassette: Path | None = None
    record: bool = False
