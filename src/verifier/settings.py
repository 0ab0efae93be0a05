"""Every option in one place: flags, then environment (VERIFIER_*), then a config file.

`Settings.load` applies that order. A `.env` file is read only when asked for (`--env-file`,
or `env_file=` here), never implicitly from the working directory: library use must not
depend on where the caller stands.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from verifier.errors import ConfigError, first_validation_error

#: Values from the config file being loaded; the lowest-priority source (see `Settings.load`).
_CONFIG_FILE_VALUES: ContextVar[dict[str, Any]] = ContextVar("verifier_config", default={})  # noqa: B039


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "verifier"


class Settings(BaseSettings):
    """Configuration of every command and API call. Build with `Settings.load(...)`."""

    model_config = SettingsConfigDict(env_prefix="VERIFIER_", env_file=None, extra="ignore")

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
    # Hosted providers: an OpenAI-compatible server for openai/... models, a forced
    # instructor mode (TOOLS, JSON, MD_JSON, JSON_SCHEMA); None means the provider's default.
    api_base: str | None = None
    instructor_mode: str | None = None
    # Prompt templates folder; None means the prompts shipped with the package.
    prompts_dir: Path | None = None
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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = InitSettingsSource(settings_cls, init_kwargs=_CONFIG_FILE_VALUES.get())
        return (init_settings, env_settings, dotenv_settings, config_file)

    @classmethod
    def load(
        cls,
        overrides: dict[str, Any] | None = None,
        config_file: Path | None = None,
        env_file: Path | None = None,
    ) -> Settings:
        """Flags (`overrides`) over VERIFIER_* (and `env_file` if given) over `config_file`.

        `config_file` is YAML with Settings field names as keys. Bad values are a
        `ConfigError` naming the file or variable.
        """
        file_values = _read_config(config_file) if config_file else {}
        if env_file is not None and not Path(env_file).is_file():
            raise ConfigError(f"{env_file}: no such .env file")
        token = _CONFIG_FILE_VALUES.set(file_values)
        try:
            return cls(_env_file=env_file, **(overrides or {}))  # type: ignore[call-arg]
        except ValidationError as e:
            where = f"{config_file} / environment" if config_file else "settings"
            raise ConfigError(f"{where}: {first_validation_error(e)}") from e
        finally:
            _CONFIG_FILE_VALUES.reset(token)

    def public(self) -> dict[str, Any]:
        """The settings that change results, for run records (no paths to private folders)."""
        keep = ("model", "temperature", "seed", "api_base", "instructor_mode", "offline")
        data = {k: getattr(self, k) for k in keep}
        data["prompts_dir"] = str(self.prompts_dir) if self.prompts_dir else None
        data["cassette"] = str(self.cassette) if self.cassette else None
        return data


def _read_config(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: unreadable config file: {str(e).splitlines()[0]}") from e
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: config file must be a mapping of setting: value")
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return data
