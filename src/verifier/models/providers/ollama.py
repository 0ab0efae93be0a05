"""Ollama on its native chat API: JSON mode, no key, endpoint in OLLAMA_API_BASE.

`ollama/NAME` and `ollama_chat/NAME` both go to `/api/chat` (litellm's `ollama/` would use
the older `/api/generate`, which drops the system message's role).
"""

from __future__ import annotations

from verifier.models.providers import PROVIDERS, Provider

PROVIDERS.register(
    Provider(
        name="ollama",
        description="Ollama /api/chat, JSON mode",
        prefixes=("ollama", "ollama_chat"),
        mode="JSON",
        key_env=None,
        base_env=("OLLAMA_API_BASE",),
        default_base="http://localhost:11434",
        litellm_prefix="ollama_chat",
        tested='POST /api/chat: format "json", options.seed/temperature, stream false; '
        "NDJSON-free single answer; re-ask",
    )
)
