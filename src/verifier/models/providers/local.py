"""The embedded llama.cpp models (`local`, `local:gemma3-270m`): JSON mode plus a schema.

llama-cpp-python turns `response_format={"type": "json_object", "schema": ...}` into a
grammar, so a small model can only write JSON of the right shape; it rejects the
`json_schema` type that instructor's JSON_SCHEMA mode sends. A 135M model fills whatever
list length it is allowed, so an answer's list is bounded to fit its token budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier.models.providers import PROVIDERS, Provider


@dataclass(frozen=True)
class Local(Provider):
    def handles(self, model: str) -> bool:
        return model == "local" or model.startswith("local:")

    def litellm_model(self, model: str) -> str:
        from verifier.models.local import resolve_local

        return f"openai/{resolve_local(model).served_name}"

    def endpoint(self, base: str | None) -> str:
        return "embedded"  # whatever port the server has today

    def adapt_request(self, kwargs: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        if kwargs.get("response_format") == {"type": "json_object"}:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        return kwargs


PROVIDERS.register(
    Local(
        name="local",
        description="embedded llama.cpp server on loopback, JSON mode + schema grammar",
        prefixes=(),
        mode="JSON",
        openai_protocol=True,
        key_env=None,
        max_list_items=6,
        tested="replayed from evals/cassettes (recorded against the real llama.cpp server)",
    )
)
