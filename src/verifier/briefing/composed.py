"""`composed`: every sentence is built by code from verified claims; the model proposes a headline.

A composed sentence is a verified claim's own text inside its attribution and hedge
("According to X, …", "X alleged that …", "X speculated that …"), so it is neutral and
faithful by construction and never leaves the languages of the sources. The model's only
part is a headline, kept when it passes the brief's own checks against the claims it was
shown (supported, no flag, no script the sources do not use); otherwise a code-built
headline stands. The agreement, dispute, single-source and unknown sections are the shared
code-built ones (`pipeline.brief.structure_sections`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from verifier.briefing import BRIEF_STRATEGIES
from verifier.errors import ModelCallError, ModelOutputError
from verifier.models.gateway import Gateway
from verifier.pipeline.brief import source_refs, structure_sections
from verifier.pipeline.brief_checks import HEDGES, check_brief, check_sentence, names_source
from verifier.pipeline.slots import HEDGE_VERBS, SentenceBuilder
from verifier.pipeline.vocabulary import load_vocabulary
from verifier.prompts import load_prompt
from verifier.schemas import (
    Brief,
    BriefSection,
    BriefSentence,
    Certainty,
    Claim,
    ClaimGroup,
    Document,
    GroupLabel,
    SectionKind,
    SlotKind,
    Verdict,
    VerdictLabel,
)
from verifier.text.sentences import scripts
from verifier.text.words import stopwords

HEADLINE_PROMPT = "brief_headline"
#: Claims shown to the model for a headline, and cited by it: the overview's claims.
PER_PERSPECTIVE = 3
log = logging.getLogger("verifier")


class HeadlineDraft(BaseModel):
    headline: str = Field(min_length=10, max_length=140)


def _verified(claim: Claim, verdicts: dict[str, Verdict]) -> bool:
    v = verdicts.get(claim.id)
    if v is not None:
        return v.label == VerdictLabel.supported
    return bool(claim.grounding and claim.grounding.grounded)


def _rank(claim: Claim, grouped: set[str], position: int) -> tuple[int, int]:
    """Claims worth leading with: shared across sources, with a figure, with a named source."""
    score = 3 * (claim.id in grouped) + 2 * bool(claim.quantities)
    score += claim.certainty != Certainty.asserted
    return (-score, position)


def _lower_first(text: str) -> str:
    """Lower-case an opening function word ("The …" → "the …"), never a name."""
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first.lower() in stopwords() else text


def compose_sentence(claim: Claim) -> BriefSentence:
    """The claim's text in its source's voice and hedge; unchanged if it already says both.

    Built from slots (the source, the hedge its certainty calls for, the claim's text) and
    fixed template words, so the checks can test each part against the claim.
    """
    text = claim.text.strip().rstrip(".")
    b = SentenceBuilder()
    # An anonymous source ("unnamed sources") has no name a sentence could show.
    named = names_source(text, claim) or not names_source(claim.attributed_to, claim)
    if named and (claim.certainty == Certainty.asserted or HEDGES.search(text)):
        # says who and how firmly already ("According to X, …")
        return b.slot(SlotKind.text, text, claim.id).fixed(".").build([claim.id])
    who = claim.attributed_to.strip()
    hedge = HEDGE_VERBS.get(claim.certainty.value)
    if hedge:  # "X speculated that …", "X alleged that …"
        b.slot(SlotKind.source, f"{who[0].upper()}{who[1:]}", claim.id).fixed(" ")
        b.slot(SlotKind.hedge, hedge, claim.id).fixed(" that ")
    else:
        b.fixed("According to ").slot(SlotKind.source, who, claim.id).fixed(", ")
    return b.slot(SlotKind.text, _lower_first(text), claim.id).fixed(".").build([claim.id])


def compose(claim: Claim) -> str:
    """The text of `compose_sentence`."""
    return compose_sentence(claim).text


def code_headline(documents: list[Document], claims: list[Claim]) -> str:
    """A plain headline from counts and the names the claims mention most.

    A demonym and its place are one name, written as the place ("Russian soldiers" and
    "Russia's invasion" both count for Russia): the place words are vocabulary data.
    """
    places = load_vocabulary().places  # place word or demonym -> place key
    names = Counter(
        n
        for c in claims
        for n in dict.fromkeys(
            places[e.lower()].title() if e.lower() in places else e for e in c.entities
        )
    )
    top = [n for n, _ in names.most_common(2)]
    about = f" on {' and '.join(top)}" if top else ""
    perspectives = len({d.perspective or d.outlet or d.id for d in documents})
    return (
        f"What {len(documents)} sources from {perspectives} perspectives report{about}: "
        "claims, sources and figures side by side"
    )


@dataclass
class Composed:
    name: str = "composed"
    description: str = "code composes every sentence from verified claims; model: headline only"
    per_perspective: int = PER_PERSPECTIVE

    def prompt_versions(self) -> dict[str, str]:
        return {HEADLINE_PROMPT: load_prompt(HEADLINE_PROMPT).version}

    def stage_count(self, documents: list[Document]) -> int:
        return 1

    def write(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims: list[Claim],
        verdicts: list[Verdict],
        groups: list[ClaimGroup],
        on_done: Callable[[], Any] | None = None,
    ) -> Brief:
        verdict_of = {v.claim_id: v for v in verdicts}
        perspective_of = {d.id: d.perspective or d.outlet or d.id for d in documents}
        grouped = {cid for g in groups if len(g.members) > 1 for cid in g.claim_ids}
        order = {c.id: i for i, c in enumerate(claims)}
        usable = [c for c in claims if _verified(c, verdict_of)]
        overview: list[BriefSentence] = []
        sections: list[BriefSection] = []
        for perspective in dict.fromkeys(perspective_of[d.id] for d in documents):
            own = sorted(
                (c for c in usable if perspective_of.get(c.doc_id) == perspective),
                key=lambda c: _rank(c, grouped, order[c.id]),
            )
            if own:
                overview.append(compose_sentence(own[0]))
            sentences = [
                compose_sentence(c)
                for c in own[1 : 1 + self.per_perspective]
            ]
            sections.append(
                BriefSection(
                    kind=SectionKind.perspective,
                    title=perspective,
                    perspective=perspective,
                    sentences=sentences,
                )
            )
        lead = [s.cites[0] for s in overview]
        headline = self._headline(gateway, documents, claims, groups, lead)
        if on_done:
            on_done()
        brief = Brief(
            model=gateway.model,
            brief_strategy=self.name,
            prompt_versions=self.prompt_versions(),
            headline=headline,
            sections=[
                BriefSection(kind=SectionKind.overview, title="Overview", sentences=overview),
                *sections,
                *structure_sections(claims, groups, verdict_of),
            ],
            sources=source_refs(documents, perspective_of),
            claims=claims,
            verdicts=verdicts,
            groups=groups,
        )
        return check_brief(brief)

    def _headline(
        self,
        gateway: Gateway,
        documents: list[Document],
        claims: list[Claim],
        groups: list[ClaimGroup],
        lead: list[str],
    ) -> BriefSentence:
        """The model's headline if the brief's checks pass it, else a code-built one."""
        by_id = {c.id: c for c in claims}
        shown = [by_id[i] for i in lead]
        fallback = BriefSentence(text=code_headline(documents, claims), cites=[])
        if not shown:
            return fallback
        try:
            draft = gateway.structured(
                HeadlineDraft,
                load_prompt(HEADLINE_PROMPT),
                {"claims": [{"who": c.attributed_to, "text": c.text} for c in shown]},
                label="brief headline",
                max_retries=0,
                max_tokens=80,
            ).value
        except (ModelOutputError, ModelCallError) as e:
            log.warning("%s", e)
            return fallback
        text = re.sub(r"\s+", " ", draft.headline).strip()
        contested = {c for g in groups if g.label == GroupLabel.contested for c in g.claim_ids}
        checked = check_sentence(BriefSentence(text=text, cites=lead), by_id, contested)
        sources = " ".join(c.text for c in claims)
        if checked.supported and not checked.flags and scripts(text) <= scripts(sources):
            return BriefSentence(text=text, cites=lead)
        why = "; ".join(f.detail for f in checked.flags) or "not backed by the claims"
        log.info("model headline %r rejected (%s); using the code-built one", text, why)
        return fallback


BRIEF_STRATEGIES.register(Composed())
