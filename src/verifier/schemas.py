"""The contract between pipeline stages and the on-disk formats.

Every file `verifier` writes or reads (claims, gold labels, verdicts, groups, briefs,
run records) is one of these models, so a file made by one command (or by another
tool) can be checked, scored or rendered by any other. Gold labels and predictions
share `Claim`.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ClaimType(StrEnum):
    statistic = "statistic"
    event = "event"
    policy_legal = "policy_legal"
    characterisation = "characterisation"
    prediction = "prediction"
    other = "other"


class Certainty(StrEnum):
    """How the article hedges the claim, from firmest to weakest."""

    asserted = "asserted"  # stated as fact in the article's own voice
    reported = "reported"  # "according to", "X said", "reports indicate"
    alleged = "alleged"  # "claim", "accused", "if true", contested by nature
    speculative = "speculative"  # "could reach", "may", "is estimated to possibly"


class Qualifier(StrEnum):
    exact = "exact"
    approximately = "approximately"
    over = "over"
    under = "under"
    up_to = "up_to"
    at_least = "at_least"
    range = "range"
    vague = "vague"  # "tens of thousands", "hundreds"


class Quantity(BaseModel):
    """A number as the source states it: a value or a low–high range, plus what it counts."""

    text: str = Field(description="the number as written in the quote, e.g. '300,000 to 500,000'")
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = Field(default=None, description="e.g. 'percent', 'years', 'people'")
    counted: str | None = Field(default=None, description="what is counted, e.g. 'deserters'")
    qualifier: Qualifier = Qualifier.exact

    def bounds(self) -> tuple[float, float] | None:
        """The closed interval the quantity allows, widening open qualifiers."""
        if self.low is not None and self.high is not None:
            return (self.low, self.high)
        if self.value is None:
            return None
        v = self.value
        match self.qualifier:
            case Qualifier.over | Qualifier.at_least:
                return (v, v * 10)
            case Qualifier.under | Qualifier.up_to:
                return (0.0, v)
            case Qualifier.approximately:
                return (v * 0.9, v * 1.1)
            case _:
                return (v, v)


class MatchKind(StrEnum):
    exact = "exact"
    normalised = "normalised"
    fuzzy = "fuzzy"
    none = "none"


class CheckResult(BaseModel):
    """One deterministic check of a claim against its document."""

    name: str
    passed: bool
    detail: str = ""


class Grounding(BaseModel):
    """Where the claim's quote sits in its document, and every deterministic check run on it."""

    grounded: bool
    match: MatchKind = MatchKind.none
    score: float = 0.0
    checks: list[CheckResult] = Field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [f"{c.name}: {c.detail}" for c in self.checks if not c.passed]


class Claim(BaseModel):
    """One check-worthy statement, with its verbatim evidence and who asserts it."""

    model_config = ConfigDict(use_enum_values=False)

    id: str
    doc_id: str
    text: str = Field(description="one self-contained statement; pronouns resolved")
    quote: str = Field(description="verbatim evidence from the document")
    start: int | None = Field(default=None, description="offset of quote in the document (code)")
    end: int | None = None
    claim_type: ClaimType = ClaimType.other
    attributed_to: str = Field(description="who asserts it; the outlet when in its own voice")
    certainty: Certainty = Certainty.asserted
    quantities: list[Quantity] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    time_ref: str | None = Field(default=None, description="the time the claim refers to")
    grounding: Grounding | None = None
    reasked: int = Field(default=0, description="validation re-asks spent on this claim's batch")


class Document(BaseModel):
    """A source text and what its manifest says about it."""

    id: str
    path: str
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    perspective: str | None = None
    relays: list[str] = Field(
        default_factory=list, description="upstream sources the outlet relays (for independence)"
    )
    encoding: str = "utf-8"
    sha256: str = ""

    def cache_identity(self) -> dict[str, Any]:
        """What about a document can change a model call: not where the file happens to live."""
        return self.model_dump(mode="json", exclude={"path", "text"}) | {
            "text_sha256": _sha(self.text)
        }

    @property
    def source_key(self) -> str:
        """Two documents with the same key are not independent confirmations."""
        if self.relays:
            return "|".join(sorted(r.lower() for r in self.relays))
        return (self.outlet or self.id).lower()


class CallRecord(BaseModel):
    """One typed model call: what it cost and whether the cache answered it."""

    label: str
    model: str
    prompt: str
    prompt_version: str
    cache_key: str
    cache_hit: bool
    attempts: int = 1
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    error: str | None = None
    #: request parameters the provider refuses (e.g. seed for Anthropic), not sent
    dropped_params: list[str] = Field(default_factory=list)


class ExtractionSummary(BaseModel):
    documents: int = 0
    claims: int = 0
    grounded: int = 0
    reasked: int = 0
    ungrounded: int = 0
    failed_documents: int = 0
    cache_hits: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    seconds: float = 0.0


class DocumentClaims(BaseModel):
    """All claims for one document; a gold file and a prediction file have this shape."""

    schema_version: str = SCHEMA_VERSION
    doc_id: str
    model: str | None = None
    prompt_version: str | None = None
    claims: list[Claim] = Field(default_factory=list)
    error: str | None = Field(default=None, description="set when extraction failed for good")


class ExtractionResult(BaseModel):
    """What `verifier extract` writes."""

    schema_version: str = SCHEMA_VERSION
    model: str
    strategy: str = "single-pass"
    strategy_params: dict[str, Any] = Field(default_factory=dict)
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    documents: list[DocumentClaims] = Field(default_factory=list)
    summary: ExtractionSummary = Field(default_factory=ExtractionSummary)
    calls: list[CallRecord] = Field(default_factory=list)

    def all_claims(self) -> list[Claim]:
        return [c for d in self.documents for c in d.claims]


class VerdictLabel(StrEnum):
    supported = "supported"
    contradicted = "contradicted"
    not_in_source = "not_in_source"


class Verdict(BaseModel):
    """A claim judged against its own source document."""

    claim_id: str
    doc_id: str
    label: VerdictLabel
    evidence: list[str] = Field(default_factory=list)
    rationale: str = ""
    method: str = Field(description="deterministic, llm, or llm+deterministic")
    checks: list[CheckResult] = Field(default_factory=list)


class GroupLabel(StrEnum):
    corroborated = "corroborated"
    contested = "contested"
    single_source = "single_source"


class GroupFigure(BaseModel):
    """One figure of a group member, read as what it counts: the dispute table's row."""

    figure: str = Field(description="the figure as written, hedge included")
    counts: str = Field(description="what it counts: 'deserted', 'charged with desertion'")
    counted: str = Field(default="", description="the counted phrase it was read from")
    context: str | None = Field(
        default=None,
        description="the document sentence `counted` was read from when the claim only "
        "points back to it ('the figure could reach 200,000')",
    )
    qualifier: str = "exact"
    stance: str = Field(default="", description="'speculated ceiling', 'estimate', 'reported' …")
    unit: str = "count"
    time: str | None = None


class GroupMember(BaseModel):
    claim_id: str
    doc_id: str
    attributed_to: str
    certainty: Certainty
    source_key: str
    figures: list[str] = Field(default_factory=list)
    counted: list[str] = Field(default_factory=list)
    measures: list[GroupFigure] = Field(default_factory=list)


class ClaimGroup(BaseModel):
    """Claims across documents about one proposition."""

    id: str
    proposition: str
    label: GroupLabel
    members: list[GroupMember]
    independent_sources: int
    notes: list[str] = Field(default_factory=list)

    @property
    def claim_ids(self) -> list[str]:
        return [m.claim_id for m in self.members]


class VerificationResult(BaseModel):
    """What `verifier verify` writes."""

    schema_version: str = SCHEMA_VERSION
    model: str | None = None
    verdicts: list[Verdict] = Field(default_factory=list)
    groups: list[ClaimGroup] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    calls: list[CallRecord] = Field(default_factory=list)


class GoldGroup(BaseModel):
    """A hand-labelled cross-source group: gold claim ids that concern one proposition."""

    id: str
    proposition: str
    claim_ids: list[str]
    label: GroupLabel
    note: str = ""


class GoldGroups(BaseModel):
    schema_version: str = SCHEMA_VERSION
    groups: list[GoldGroup] = Field(default_factory=list)


class MetricValue(BaseModel):
    """A metric's value with its n (what n counts is `unit`) and, where it means something,
    a bootstrap interval over `documents`; `interval_note` says why there is none or why it
    is coarse (one document; 5 documents allow only 126 distinct resamples)."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    unit: str | None = None
    documents: int | None = None
    interval_note: str | None = None


class RunRecord(BaseModel):
    """One model's eval run: enough to reproduce it and to compare it with any other."""

    schema_version: str = SCHEMA_VERSION
    run_id: str
    suite: str
    model: str
    #: the extraction strategy; `baseline` marks strategies that use no model (floors)
    strategy: str = "single-pass"
    baseline: bool = False
    #: answers replayed (--offline, or a cassette without --record): no model ran; never
    #: shown as a model's latest run while a live one exists
    replay: bool = False
    config: dict[str, Any] = Field(default_factory=dict)
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    git_revision: str | None = None
    started_at: str
    wall_seconds: float
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    per_document: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    items: list[dict[str, Any]] = Field(default_factory=list)
    failed_items: list[dict[str, str]] = Field(default_factory=list)
    predictions: list[DocumentClaims] = Field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    cache_hits: int = 0
    calls: int = 0
    #: calls whose answer was lost for good; a run with any is never saved as valid
    failed_calls: int = 0

    @property
    def complete(self) -> bool:
        return not self.failed_items and not self.failed_calls


class FlagKind(StrEnum):
    unsupported = "unsupported"  # the cited claims do not back the sentence
    uncited = "uncited"  # no citation at all
    certainty_inflation = "certainty_inflation"  # states as fact what the source only reported
    unattributed_contested = "unattributed_contested"  # a contested claim without its source
    loaded_language = "loaded_language"  # emotive wording in the brief's own voice
    missing_perspective = (
        "missing_perspective"  # a perspective in the sources, absent from the brief
    )
    false_agreement = "false_agreement"  # an agreement between claims of different propositions
    omitted_claim = "omitted_claim"  # a perspective's claim that appears nowhere in the brief


class Flag(BaseModel):
    kind: FlagKind
    detail: str


class SlotKind(StrEnum):
    topic = "topic"  # what a group is about ("Figures for desertion (Ukrainian soldiers)")
    figure = "figure"  # a figure as the claim writes it
    counts = "counts"  # what the figure counts ("charged with desertion")
    source = "source"  # the claim's attribution
    certainty = "certainty"  # the claim's certainty label
    hedge = "hedge"  # the verb its certainty calls for ("speculated", "alleged")
    text = "text"  # the claim's text (or quote)
    check = "check"  # why the claim is unverified: its verdict's reason


class Slot(BaseModel):
    """A part of a code-built sentence filled from a claim; the rest is fixed template words.

    The checks test each slot against the claim it came from (a wrong figure is flagged),
    and that nothing but template words surrounds the slots.
    """

    kind: SlotKind
    value: str
    claim: str | None = Field(
        default=None, description="the claim id it is filled from; None: any cited claim"
    )


class BriefSentence(BaseModel):
    """One sentence of a brief and the claim ids it rests on (and through them, documents)."""

    text: str
    cites: list[str] = Field(default_factory=list)
    group: str | None = Field(default=None, description="the claim group it presents (code-built)")
    slots: list[Slot] = Field(
        default_factory=list, description="code-built: the parts filled from claims, in order"
    )
    supported: bool | None = None  # set by the checks
    flags: list[Flag] = Field(default_factory=list)


class SectionKind(StrEnum):
    overview = "overview"
    perspective = "perspective"
    agreement = "agreement"
    dispute = "dispute"
    single_source = "single_source"
    unknown = "unknown"


class BriefSection(BaseModel):
    kind: SectionKind
    title: str
    perspective: str | None = None
    sentences: list[BriefSentence] = Field(default_factory=list)


class SourceRef(BaseModel):
    """What a brief says about each source document."""

    id: str
    title: str | None = None
    outlet: str | None = None
    perspective: str | None = None
    path: str | None = None


class BriefVerification(BaseModel):
    """The brief's own checks, as numbers."""

    sentences: int = 0
    cited: int = 0
    supported: int = 0
    share_supported: float = 0.0
    flags: dict[str, int] = Field(default_factory=dict)
    citations_by_source: dict[str, float] = Field(default_factory=dict)
    citations_by_perspective: dict[str, float] = Field(default_factory=dict)
    missing_perspectives: list[str] = Field(default_factory=list)
    brief_flags: list[Flag] = Field(default_factory=list)


class Brief(BaseModel):
    """A neutral multi-perspective brief, self-contained: its claims, groups, sources ride along."""

    schema_version: str = SCHEMA_VERSION
    model: str | None = None
    #: who wrote the prose: `abstractive` (the model) or `composed` (code from claims)
    brief_strategy: str = "abstractive"
    extraction_strategy: str | None = None
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    headline: BriefSentence
    sections: list[BriefSection] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    verdicts: list[Verdict] = Field(default_factory=list)
    groups: list[ClaimGroup] = Field(default_factory=list)
    verification: BriefVerification = Field(default_factory=BriefVerification)
    calls: list[CallRecord] = Field(default_factory=list)

    def all_sentences(self) -> list[BriefSentence]:
        return [self.headline] + [s for sec in self.sections for s in sec.sentences]
