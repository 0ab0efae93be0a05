"""Google Gemini (AI Studio API): function calling, key in GEMINI_API_KEY."""

from __future__ import annotations

from verifier.models.providers import PROVIDERS, Provider

PROVIDERS.register(
    Provider(
        name="gemini",
        description="Gemini generateContent, function calling",
        prefixes=("gemini",),
        mode="TOOLS",
        key_env="GEMINI_API_KEY",
        base_env=("GEMINI_API_BASE",),
        default_base="https://generativelanguage.googleapis.com/v1beta",
        tested="POST /v1beta/models/M:generateContent: x-goog-api-key, functionDeclarations + "
        "forced functionCallingConfig; functionCall answer; re-ask",
    )
)
