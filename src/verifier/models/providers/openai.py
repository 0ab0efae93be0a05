"""OpenAI: tool calling (instructor TOOLS), key in OPENAI_API_KEY.

`VERIFIER_API_BASE` (or OPENAI_API_BASE) points `openai/...` at another server that speaks
OpenAI's protocol, e.g. a proxy; it is never applied to other providers.
"""

from __future__ import annotations

from verifier.models.providers import PROVIDERS, Provider

PROVIDERS.register(
    Provider(
        name="openai",
        description="OpenAI chat completions, tool calling",
        prefixes=("openai",),
        mode="TOOLS",
        openai_protocol=True,
        key_env="OPENAI_API_KEY",
        base_env=("VERIFIER_API_BASE", "OPENAI_API_BASE", "OPENAI_BASE_URL"),
        default_base="https://api.openai.com/v1",
        tested="POST /v1/chat/completions: bearer key, tools + forced tool_choice, seed; "
        "tool_calls answer; re-ask with the validation error",
    )
)
