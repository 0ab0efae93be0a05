"""Any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, LocalAI, TGI, ...).

`openai-compatible/NAME` with `VERIFIER_API_BASE=http://host:port/v1`. The answer is asked
for with a JSON schema in `response_format` (JSON_SCHEMA mode); for a server without
schema support set VERIFIER_INSTRUCTOR_MODE=JSON (plain JSON mode). A key is optional
(VERIFIER_API_KEY), as most self-hosted servers need none.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.errors import ConfigError
from verifier.models.providers import PROVIDERS, Provider


@dataclass(frozen=True)
class OpenAICompatible(Provider):
    def api_base(self, configured: str | None = None) -> str | None:
        base = super().api_base(configured)
        if base is None:
            raise ConfigError(
                "model provider openai-compatible: set VERIFIER_API_BASE to the server's "
                "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1"
            )
        return base

    def api_key(self, replaying: bool) -> str | None:
        # Always a key of its own: litellm would otherwise send OPENAI_API_KEY to this server.
        return super().api_key(replaying) or "no-key"


PROVIDERS.register(
    OpenAICompatible(
        name="openai-compatible",
        description="any OpenAI-compatible server at VERIFIER_API_BASE, JSON schema",
        prefixes=("openai-compatible",),
        mode="JSON_SCHEMA",
        openai_protocol=True,
        key_env="VERIFIER_API_KEY",
        key_required=False,
        base_env=("VERIFIER_API_BASE",),
        litellm_prefix="openai",
        tested="POST {base}/chat/completions: response_format json_schema (or json_object "
        "with VERIFIER_INSTRUCTOR_MODE=JSON); content answer; re-ask",
    )
)
