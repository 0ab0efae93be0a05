"""Brief strategies: who writes the brief's prose (one file per strategy).

`abstractive` lets the model write the overview and each perspective's summary; `composed`
builds every sentence by code from verified claims and asks the model only for a headline.
Both share the code-built agreement, dispute, single-source and unknown sections, and the
brief's checks run on whatever they produce.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from verifier.registry import Registry

if TYPE_CHECKING:
    from verifier.models.gateway import Gateway
    from verifier.schemas import Brief, Claim, ClaimGroup, Document, Verdict


@runtime_checkable
class BriefStrategy(Protocol):
    name: str
    description: str

    def prompt_versions(self) -> dict[str, str]: ...

    def stage_count(self, documents: list[Document]) -> int:
        """How many steps `write` reports through `on_done` (for a progress bar)."""
        ...

    def write(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims: list[Claim],
        verdicts: list[Verdict],
        groups: list[ClaimGroup],
        on_done: Callable[[], Any] | None = None,
    ) -> Brief: ...


@runtime_checkable
class DraftingStrategy(BriefStrategy, Protocol):
    """A brief strategy whose model calls need claims only (not verdicts or groups).

    The brief pipeline runs `draft` while documents are extracted and claims judged:
    `claims_of(doc_ids)` waits until those documents (None: all) are extracted and gives
    their claims, in order. `assemble` runs once verdicts and groups are in; `write` is
    the two in turn.
    """

    def draft(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims_of: Callable[[list[str] | None], list[Claim]],
        on_done: Callable[[], Any] | None = None,
    ) -> Any: ...

    def assemble(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims: list[Claim],
        verdicts: list[Verdict],
        groups: list[ClaimGroup],
        drafts: Any,
    ) -> Brief: ...


BRIEF_STRATEGIES: Registry[BriefStrategy] = Registry(
    "brief strategy",
    "verifier.brief_strategies",
    ("verifier.briefing.abstractive", "verifier.briefing.composed"),
)

DEFAULT_BRIEF_STRATEGY = "abstractive"


def default_brief_strategy(model: str) -> str:
    """Measured per model, like `default_strategy`: from the embedded model's catalogue entry."""
    from verifier.models.local import is_local, resolve_local

    if model and is_local(model):
        return resolve_local(model).brief_strategy or DEFAULT_BRIEF_STRATEGY
    return DEFAULT_BRIEF_STRATEGY


def get_brief_strategy(name: str | None, model: str = "") -> BriefStrategy:
    return BRIEF_STRATEGIES.get(name or default_brief_strategy(model))
