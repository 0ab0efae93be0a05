"""Anthropic: tool use (instructor TOOLS through litellm), key in ANTHROPIC_API_KEY.

The Messages API refuses `seed`, so it is dropped and recorded. litellm appends
`/v1/messages` to the base, so a base given with a trailing `/v1` is trimmed: a user who
copies `https://host/v1` must not end up posting to `/v1/v1/messages`.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.models.providers import PROVIDERS, Provider


@dataclass(frozen=True)
class Anthropic(Provider):
    def normalise_base(self, base: str) -> str:
        base = base.rstrip("/")
        return base[: -len("/v1")] if base.endswith("/v1") else base


PROVIDERS.register(
    Anthropic(
        name="anthropic",
        description="Anthropic Messages API, tool use",
        prefixes=("anthropic",),
        mode="TOOLS",
        key_env="ANTHROPIC_API_KEY",
        base_env=("ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"),
        default_base="https://api.anthropic.com",
        rejects=frozenset({"seed"}),
        tested="POST /v1/messages: x-api-key, anthropic-version, tools + tool_choice, "
        "no seed (recorded as dropped); tool_use answer; re-ask",
    )
)
