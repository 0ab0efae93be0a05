"""The code half of the `staged` strategy: sentences, content filter, candidate sources, cues.

Expected values come from reading the seed articles and evals/GUIDELINES.md §5–6, not from
running the code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.schemas import Certainty
from verifier.strategies import STRATEGIES, default_strategy, get_strategy
from verifier.strategies.staged import (
    OWN_VOICE_UNNAMED,
    UNNAMED_SOURCES,
    Rewrite,
    candidate_sources,
    certainty_options,
    type_options,
)
from verifier.text.sentences import has_content, split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_sentences_keep_offsets_and_quotations_whole() -> None:
    text = seed("003")
    found = split_sentences(text)
    assert all(text[s.start : s.end] == s.text for s in found)
    # The quotation and its speaker are one sentence (read in seed 003, paragraph 5).
    assert any(
        s.text.startswith("“A lot of people don’t want to fight,” Mikhail said Benyash")
        for s in found
    )


@pytest.mark.parametrize(
    ("line", "content"),
    [
        (
            "FILE PHOTO: Soldiers armed men alongside Russian army vehicles (REUTERS/Baz Ratner)",
            False,
        ),
        ("ShareFacebook Twitter WhatsApp Email Print Telegram", False),
        ("(MENAFN- Khaama Press)", False),
        ("Comments", False),
        ("Some soldiers, when granted medical leave, never return to duty.", True),
    ],
)
def test_content_filter_drops_page_furniture(line: str, content: bool) -> None:
    assert has_content(line) is content


def test_a_sentence_without_attribution_cue_is_own_voice_and_needs_no_call() -> None:
    # Guidelines §5: no cue in the sentence → the outlet's own voice (001:g10).
    s = "Some soldiers, when granted medical leave, never return to duty."
    assert candidate_sources(s, [], "Khaama Press (via MENAFN)") == ["Khaama Press (via MENAFN)"]


def test_the_subject_of_a_reporting_verb_is_the_first_candidate() -> None:
    s = (
        "The Ukrainian Prosecutor General's Office reports that since Russia's invasion in "
        "February 2022, over 100,000 soldiers have been charged under desertion laws."
    )
    options = candidate_sources(s, [], OWN_VOICE_UNNAMED)
    assert options[0] == "The Ukrainian Prosecutor General's Office"
    assert options[-1] == OWN_VOICE_UNNAMED  # the own voice is always offered, last


def test_an_acronym_is_spelled_out_from_the_document() -> None:
    s = "The NRC explains that many deserters are soldiers whose contracts have expired."
    options = candidate_sources(s, [], OWN_VOICE_UNNAMED, seed("002"))
    # Seed 002 names "the National Resistance Center of Ukraine" in its first lines.
    assert options[0] == "National Resistance Center of Ukraine"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # Seed 003: the subject of "said" is the soldier, not "The soldier defended himself and".
        ("The soldier defended himself and said that he had spoken with lawyers.", "The soldier"),
        # Seed 003: a relative clause describes the lawyer; it is not part of the name.
        (
            "“A lot of people don’t want to fight,” said Benyash, a Russian lawyer who represents "
            "dozens of Russian soldiers, told The Wall Street Journal.",
            "a Russian lawyer",
        ),
        # Seed 004: an adverb starts what the message did.
        ('The message further stated, "The promises turned out to be empty."', "The message"),
        # Seed 004: the report's date is not part of the think tank's name.
        (
            "According to a report by the American think tank RAND Corporation in June 2023, "
            "Russian personnel will not be permitted to leave.",
            "the American think tank RAND Corporation",
        ),
    ],
)
def test_a_candidate_is_a_noun_phrase_naming_a_source(sentence: str, name: str) -> None:
    options = candidate_sources(sentence, [], OWN_VOICE_UNNAMED)
    assert name in options
    # No candidate runs on into what the source did ("… also called on individuals to").
    for o in options:
        assert not o.endswith((" and", " to", " who", " further", " also")), o


def test_an_infinitive_is_not_a_report() -> None:
    # Seed 002 (gold g09: the article's own voice): the NRC called on people *to report*
    # locations; it reports nothing here, so no fragment "… called on individuals to".
    s = (
        "The National Resistance Center also called on individuals to report the locations of "
        "Russian troop bases."
    )
    options = candidate_sources(s, [], OWN_VOICE_UNNAMED)
    assert not [o for o in options if "called" in o]


def test_unnamed_sourcing_offers_unnamed_sources() -> None:
    s = "The actual number of deserters could be even higher, according to some sources."
    assert UNNAMED_SOURCES in candidate_sources(s, [], "Khaama Press (via MENAFN)")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Guidelines §6 table; weakest first when cues compete.
        ("Moscow, for the moment, has only fired defecting soldiers.", [Certainty.asserted]),
        (
            "A lawmaker familiar with military matters has speculated that the figure could "
            "reach 200,000.",
            [Certainty.speculative],
        ),
        (
            "The actual number of deserters could be even higher, according to some sources.",
            [Certainty.speculative, Certainty.reported],
        ),
        (
            "The relatives claim that soldiers are being prohibited from leaving the military.",
            [Certainty.alleged],
        ),
    ],
)
def test_certainty_options_follow_the_cues(sentence: str, expected: list[Certainty]) -> None:
    assert certainty_options(sentence) == expected


def test_type_options_put_statistic_first_only_for_a_figure() -> None:
    assert (
        type_options("By the August 30 deadline, only approximately 29,000 soldiers had returned.")[
            0
        ]
        == "statistic"
    )
    assert type_options("Moscow, for the moment, has only fired defecting soldiers.")[0] == "event"
    assert len(type_options("x")) == 6  # every ClaimType value stays allowed


def test_a_rewrite_must_keep_the_numbers_and_words() -> None:
    sentence = "They claim that 29,000 soldiers returned."
    ok = Rewrite.model_validate(
        {"text": "Russian security analysts claim that 29,000 soldiers returned."},
        context={"sentence": sentence},
    )
    assert ok.text.startswith("Russian")
    for bad in (
        "Russian security analysts claim that 30,000 soldiers returned.",  # a changed number
        "The war goes on and nobody knows what will happen next in 29,000 places.",  # new words
        "Они утверждают, что 29,000 солдат вернулись.",  # another script
    ):
        with pytest.raises(ValueError):
            Rewrite.model_validate({"text": bad}, context={"sentence": sentence})


def test_embedded_models_default_to_staged_and_hosted_to_single_pass() -> None:
    assert "staged" in STRATEGIES.names()
    assert default_strategy("local") == "staged"
    assert default_strategy("openai/gpt-4o-mini") == "single-pass"
    assert get_strategy(None, "local").name == "staged"
    assert get_strategy("single-pass", "local").name == "single-pass"
