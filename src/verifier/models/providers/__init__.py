"""Model providers: how to reach each kind of model (one small file per provider).

A provider decides what litellm is asked for (model string, API base, instructor mode),
which request parameters it refuses (dropped here and recorded, never silently), which
environment variable holds its key (checked before the first call), and the endpoint the
cache keys on. Third-party packages add providers through the `verifier.providers`
entry-point group.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from verifier.errors import ConfigError
from verifier.registry import Registry


@dataclass(frozen=True)
class Provider:
    """One way to reach models; instances are registered in `PROVIDERS`."""

    name: str
    description: str
    #: model-string prefixes this provider answers for ("openai" for "openai/gpt-4o-mini")
    prefixes: tuple[str, ...]
    #: instructor mode: TOOLS (tool calling / tool use), JSON_SCHEMA, JSON, ...
    mode: str
    #: the environment variable holding the key; None: no key is used
    key_env: str | None = None
    key_required: bool = True
    #: environment variables that set the endpoint, first set wins
    base_env: tuple[str, ...] = ()
    #: the endpoint used when none is set (what the cache keys on)
    default_base: str | None = None
    #: request parameters the provider refuses: dropped and recorded in every call record
    rejects: frozenset[str] = frozenset()
    #: litellm's prefix when it differs from ours ("openai" for "openai-compatible/x")
    litellm_prefix: str | None = None
    #: longest list the model is asked for in one answer (None: no limit)
    max_list_items: int | None = None
    #: speaks OpenAI's chat-completions protocol: sent with the OpenAI SDK, without litellm
    openai_protocol: bool = False
    #: what the wire tests cover, for `verifier models` and the README matrix
    tested: str = ""
    #: set when `adapt_request` changes what the model reads: part of the cache key, so an
    #: answer to the old request is never served for the new one
    request_format: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ routing
    def handles(self, model: str) -> bool:
        return "/" in model and model.split("/", 1)[0] in self.prefixes

    def litellm_model(self, model: str) -> str:
        name = model.split("/", 1)[1] if "/" in model else model
        return f"{self.litellm_prefix or self.prefixes[0]}/{name}"

    def api_base(self, configured: str | None = None) -> str | None:
        """The endpoint for this provider (normalised), if any: `Settings.api_base` (flag,
        VERIFIER_API_BASE or config file) for providers that take it, else its own variables."""
        if configured and "VERIFIER_API_BASE" in self.base_env:
            return self.normalise_base(configured)
        for var in self.base_env:
            value = os.environ.get(var, "").strip()
            if value:
                return self.normalise_base(value)
        return None

    def normalise_base(self, base: str) -> str:
        return base.rstrip("/")

    def endpoint(self, base: str | None) -> str:
        """The endpoint without credentials: part of the cache key and of every record."""
        return public_url(base or self.default_base or "")

    def api_key(self, replaying: bool) -> str | None:
        """The key, or a ConfigError naming its variable, before anything is sent."""
        if self.key_env is None:
            return None
        value = os.environ.get(self.key_env, "").strip()
        if value:
            return value
        if replaying:  # answers come from a cassette: nothing reaches the provider
            return "replay-no-key"
        if self.key_required:
            raise ConfigError(
                f"model provider {self.name}: set {self.key_env} to your API key (nothing was sent)"
            )
        return None

    def request_params(self, params: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Drop what the provider refuses; return what is sent and the names dropped."""
        dropped = sorted(k for k in params if k in self.rejects)
        return {k: v for k, v in params.items() if k not in self.rejects}, dropped

    def adapt_request(self, kwargs: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        """Last change to a request before litellm sends it (default: none)."""
        return kwargs


def public_url(url: str) -> str:
    """`url` without user:password, query or fragment: safe for keys, logs and records."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


PROVIDERS: Registry[Provider] = Registry(
    "model provider",
    "verifier.providers",
    (
        "verifier.models.providers.openai",
        "verifier.models.providers.anthropic",
        "verifier.models.providers.gemini",
        "verifier.models.providers.ollama",
        "verifier.models.providers.openai_compatible",
        "verifier.models.providers.local",
    ),
)

EXAMPLES = (
    "openai/gpt-4o-mini, anthropic/claude-3-5-haiku-latest, gemini/gemini-2.0-flash, "
    "ollama/llama3.1, openai-compatible/MODEL (with VERIFIER_API_BASE), local, local:gemma3-270m"
)


def provider_for(model: str) -> Provider:
    """The provider that handles a model string, or a ConfigError listing the known ones."""
    local = PROVIDERS.get("local")
    if local.handles(model):
        return local
    found = PROVIDERS.find(lambda p: p.handles(model))
    if found is None:
        known = ", ".join(f"{n}/" for _, p in PROVIDERS.items() for n in p.prefixes)
        raise ConfigError(
            f"model {model!r}: no provider for it (prefixes: {known}); examples: {EXAMPLES}"
        )
    return found
