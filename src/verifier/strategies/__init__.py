"""Extraction strategies: how claims are drawn from a document (one file per strategy).

A strategy turns one `Document` into `DocumentClaims`. Strategies that need no model
(`needs_model = False`) are the floors every model is read against.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from verifier.registry import Registry

if TYPE_CHECKING:
    from verifier.models.gateway import Gateway
    from verifier.schemas import Document, DocumentClaims


@runtime_checkable
class ExtractionStrategy(Protocol):
    name: str
    #: False for baselines: they run without a gateway and are marked as baselines.
    needs_model: bool
    description: str

    def params(self) -> dict[str, Any]:
        """Every setting that changes the output: recorded in run records and cache keys."""
        ...

    def prompt_versions(self) -> dict[str, str]: ...

    def extract_document(self, gateway: Gateway | None, doc: Document) -> DocumentClaims: ...


STRATEGIES: Registry[ExtractionStrategy] = Registry(
    "extraction strategy",
    "verifier.strategies",
    (
        "verifier.strategies.single_pass",
        "verifier.strategies.staged",
        "verifier.strategies.sentences",
        "verifier.strategies.rules",
    ),
)

DEFAULT_STRATEGY = "single-pass"


def default_strategy(model: str | None) -> str:
    """Measured per model (README "Strategies"): an embedded model's entry in
    data/local_models.yaml names its default (the tiny models score better when asked only
    tiny grammar-bound questions); hosted models keep `single-pass`."""
    from verifier.models.local import is_local, resolve_local

    if model and is_local(model):
        return resolve_local(model).strategy or DEFAULT_STRATEGY
    return DEFAULT_STRATEGY


def get_strategy(name: str | None, model: str | None = None) -> ExtractionStrategy:
    """The named strategy, or the default for `model` when no name is given."""
    return STRATEGIES.get(name or default_strategy(model))
