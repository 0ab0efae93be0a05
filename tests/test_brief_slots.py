"""Code-built sentences are checked for what matters: each slot backed by its claim, and
nothing but fixed template words around the slots.

The brief of the seed gold claims (no model), as tests/test_brief_dispute.py builds it. The
wrong values below are written by hand to contradict the seed articles (000 ¶2: "300,000
to 500,000", per Russian security forces; 001 ¶2: "over 100,000 … charged with desertion",
per the Prosecutor General's Office).
"""

from __future__ import annotations

import pytest
from test_brief_dispute import D0, D1, brief

from verifier.pipeline.brief_checks import check_brief
from verifier.pipeline.slots import SentenceBuilder, slot_problems
from verifier.schemas import BriefSentence, Claim, FlagKind, SectionKind, Slot, SlotKind
from verifier.text.words import readable

TASS, CHARGED, CEILING = f"{D0}:g01", f"{D1}:g03", f"{D1}:g08"


def dispute() -> BriefSentence:
    (s,) = [
        s
        for sec in brief().sections
        if sec.kind == SectionKind.dispute
        for s in sec.sentences
        if TASS in s.cites
    ]
    return s


def recheck(s: BriefSentence) -> BriefSentence:
    """The sentence as check_brief sees it, in the brief it came from."""
    b = brief()
    (dispute,) = [sec for sec in b.sections if sec.kind == SectionKind.dispute]
    sections = [dispute.model_copy(update={"sentences": [s]})]
    checked = check_brief(b.model_copy(update={"sections": sections}))
    return checked.sections[0].sentences[0]


def claims() -> dict[str, Claim]:
    return {c.id: c for c in brief().claims}


def test_every_code_built_sentence_of_the_gold_brief_is_backed() -> None:
    checked = check_brief(brief())
    unsupported = [
        (s.text, [f.detail for f in s.flags])
        for sec in checked.sections
        for s in sec.sentences
        if s.slots and not s.supported
    ]
    assert unsupported == []
    assert all(s.slots for sec in checked.sections for s in sec.sentences)


def test_the_dispute_sentence_is_its_slots_and_template_words() -> None:
    s = dispute()
    by_kind = {(x.kind, x.claim): x.value for x in s.slots}
    # What each claim contributes, read off the articles.
    assert by_kind[(SlotKind.figure, TASS)] == "300,000 to 500,000"
    assert by_kind[(SlotKind.figure, CHARGED)] == "over 100,000"
    assert by_kind[(SlotKind.counts, CHARGED)] == "charged with desertion"
    assert by_kind[(SlotKind.figure, CEILING)] == "could reach 200,000"
    assert not slot_problems(s, claims(), {v.claim_id: v for v in brief().verdicts})


def _swap(s: BriefSentence, kind: SlotKind, claim: str, new: str) -> BriefSentence:
    """The sentence with one slot's value replaced, in the text and in the slot alike."""
    slots, text = [], s.text
    for x in s.slots:
        if x.kind == kind and x.claim == claim:
            text = text.replace(x.value, new, 1)
            x = x.model_copy(update={"value": new})
        slots.append(x)
    return s.model_copy(update={"text": text, "slots": slots})


@pytest.mark.parametrize(
    ("kind", "claim", "wrong"),
    [
        (SlotKind.figure, CHARGED, "over 900,000"),  # 001 says over 100,000
        (SlotKind.figure, TASS, "500,000"),  # 000 gives a range, not its top
        (SlotKind.source, CHARGED, "Russian security forces"),  # 001: the Prosecutor General
        (SlotKind.counts, TASS, "charged with desertion"),  # 000: deserted, no charges
    ],
)
def test_a_wrong_slot_in_a_code_built_sentence_is_flagged(
    kind: SlotKind, claim: str, wrong: str
) -> None:
    bad = recheck(_swap(dispute(), kind, claim, wrong))
    assert bad.supported is False
    assert any(f.kind == FlagKind.unsupported and wrong in f.detail for f in bad.flags)
    assert recheck(dispute()).supported is True  # the sentence as built passes


def test_a_figure_or_word_outside_the_slots_is_flagged() -> None:
    s = dispute()
    more = s.model_copy(update={"text": s.text.replace(" — sources", " — 700,000 sources", 1)})
    assert recheck(more).supported is False
    # The text changed but the slot did not: the slot's figure is no longer in the sentence.
    edited = s.model_copy(update={"text": s.text.replace("over 100,000", "over 900,000", 1)})
    flagged = recheck(edited)
    assert flagged.supported is False and any("over 100,000" in f.detail for f in flagged.flags)
    loaded = s.model_copy(update={"text": s.text.replace(" — sources", " — massive sources", 1)})
    assert any("massive" in f.detail for f in recheck(loaded).flags)


def test_a_slot_must_name_a_cited_claim() -> None:
    b = SentenceBuilder().fixed("Single source — according to ")
    s = b.slot(SlotKind.source, "Russian security forces", TASS).fixed(": ")
    s = s.slot(SlotKind.text, claims()[TASS].text, TASS).build([CHARGED])  # cites the wrong one
    assert recheck(s).supported is False


def test_the_builder_takes_only_template_pieces() -> None:
    with pytest.raises(ValueError, match="not a template piece"):
        SentenceBuilder().fixed(" — a catastrophe: ")
    assert Slot(kind=SlotKind.figure, value="1").claim is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        # Seen as judge rationales of SmolLM2 on the seeds (verify calls in the cassette).
        ("maxLength: 400,type:", False),
        ("false", False),
        ("2. The group expressed disappointment, recalling the promises", False),
        ('{"label": "supported"}', False),
        # Readable reasons are kept, numbers and all.
        ("The passage gives 300,000 to 500,000, not 500,000.", True),
        ("The source says: the soldiers were charged.", True),
    ],
)
def test_only_a_readable_model_reason_is_shown(text: str, ok: bool) -> None:
    assert readable(text) is ok


def test_a_composed_sentence_is_checked_slot_by_slot() -> None:
    from verifier.briefing.composed import compose_sentence

    # 001 ¶4: "A lawmaker familiar with military matters has speculated that the figure could
    # reach 200,000.", as a claim whose text leaves source and hedge to the sentence.
    c = claims()[CEILING].model_copy(
        update={"id": "x:c01", "text": "The number of deserters could reach 200,000."}
    )
    s = compose_sentence(c)
    assert [x.kind for x in s.slots] == [SlotKind.source, SlotKind.hedge, SlotKind.text]
    assert s.text.endswith("speculated that the number of deserters could reach 200,000.")
    assert slot_problems(s, {c.id: c}) == []
    firmer = _swap(s, SlotKind.hedge, c.id, "alleged")  # not what its certainty says
    assert slot_problems(firmer, {c.id: c})
    wrong = _swap(s, SlotKind.text, c.id, "the number of deserters could reach 900,000")
    assert slot_problems(wrong, {c.id: c})
