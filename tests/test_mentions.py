"""Entities and time references read by code from a claim's quote."""

from __future__ import annotations

import pytest

from verifier.text.mentions import entities, time_ref


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("By the August 30 deadline, only approximately 29,000 soldiers had returned", "August 30"),
        ("since Russia's invasion in February 2022, over 100,000 soldiers", "in February 2022"),
        ("stated in September 2023 that Russian men", "in September 2023"),
        ("after Kyiv's controversial and failed offensive campaign last year", "last year"),
        ("discharged from military service since 2012", "since 2012"),
        ("soldiers who returned by August 30", "by August 30"),
        ("Nearly half of these soldiers left", None),
    ],
)
def test_time_ref(quote: str, expected: str | None) -> None:
    assert time_ref(quote) == expected


def test_entities_are_names_not_sentence_starts() -> None:
    quote = (
        "According to reports from Russian security forces, an estimated 300,000 to 500,000 "
        "Ukrainian military personnel have deserted the Armed Forces of Ukraine (AFU)."
    )
    assert entities(quote) == ["Russian", "Ukrainian", "Armed Forces of Ukraine", "AFU"]


def test_entities_drop_possessives_and_leading_connectors() -> None:
    rada = "By the August 30 deadline, Ukraine’s Supreme Rada has not extended it"
    assert entities(rada) == ["Ukraine’s Supreme Rada"]  # a possessive inside a name stays
    assert entities("Ukraine’s efforts to reintegrate deserters had failed") == ["Ukraine"]
    assert entities("Nearly half of these soldiers left after Kyiv's offensive") == ["Kyiv"]
    assert entities("The Wall Street Journal reported") == ["Wall Street Journal"]
