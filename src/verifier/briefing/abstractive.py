"""`abstractive`: the model writes the headline, overview and perspective summaries.

For strong models; the code-built sections and every check are the same as `composed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifier.briefing import BRIEF_STRATEGIES
from verifier.models.gateway import Gateway
from verifier.pipeline import brief as abstractive
from verifier.prompts import load_prompt
from verifier.schemas import Brief, Claim, ClaimGroup, Document, Verdict


@dataclass
class Abstractive:
    name: str = "abstractive"
    description: str = "the model writes overview and perspective sentences (strong models)"

    def prompt_versions(self) -> dict[str, str]:
        prompts = (abstractive.OVERVIEW_PROMPT, abstractive.PERSPECTIVE_PROMPT)
        return {p: load_prompt(p).version for p in prompts}

    def stage_count(self, documents: list[Document]) -> int:
        return abstractive.brief_stage_count(documents)

    def draft(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims_of: Callable[[list[str] | None], list[Claim]],
        on_done: Callable[[], Any] | None = None,
    ) -> abstractive.Drafts:
        """Overview and perspective calls: they read claims only, so they run during judging."""
        return abstractive.draft_brief(gateway, documents, claims_of, on_done)

    def assemble(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims: list[Claim],
        verdicts: list[Verdict],
        groups: list[ClaimGroup],
        drafts: abstractive.Drafts,
    ) -> Brief:
        brief = abstractive.assemble_brief(gateway, documents, claims, verdicts, groups, drafts)
        return brief.model_copy(update={"brief_strategy": self.name})

    def write(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims: list[Claim],
        verdicts: list[Verdict],
        groups: list[ClaimGroup],
        on_done: Callable[[], Any] | None = None,
    ) -> Brief:
        drafts = self.draft(gateway, documents, abstractive.claims_in(claims), on_done)
        return self.assemble(gateway, documents, claims, verdicts, groups, drafts)


BRIEF_STRATEGIES.register(Abstractive())
