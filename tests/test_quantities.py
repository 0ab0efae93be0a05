"""parse_quantities and numbers_in: every phrase the seed corpus and the brief rely on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.schemas import Qualifier, Quantity
from verifier.text.quantities import numbers_in, parse_quantities


def one(text: str) -> Quantity:
    """The single quantity `text` states (fails if it states none or several)."""
    found = parse_quantities(text)
    assert len(found) == 1, f"{text!r} → {found}"
    return found[0]


# --- ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "300,000 to 500,000 soldiers",
        "300,000–500,000 soldiers",
        "300,000-500,000 soldiers",
        "300,000 — 500,000 soldiers",
        "between 300,000 and 500,000 soldiers",
        "from 300,000 to 500,000 soldiers",
        "300 to 500 thousand soldiers",
    ],
)
def test_ranges(text: str) -> None:
    q = one(text)
    assert (q.low, q.high, q.value) == (300_000, 500_000, None)
    assert q.qualifier == Qualifier.range
    assert q.counted == "soldiers"
    assert q.bounds() == (300_000, 500_000)


def test_range_in_the_seed_sentence_keeps_what_it_counts() -> None:
    q = one(
        "an estimated 300,000 to 500,000 Ukrainian military personnel have deserted the "
        "Armed Forces of Ukraine (AFU)."
    )
    assert (q.low, q.high, q.qualifier) == (300_000, 500_000, Qualifier.range)
    assert q.counted == "ukrainian military personnel"
    assert "300,000 to 500,000" in q.text


def test_up_to_a_range_keeps_the_hedge() -> None:
    q = one("any soldier who deserts can face a prison sentence of up to five to ten years.")
    assert (q.low, q.high, q.unit) == (5, 10, "years")
    assert q.qualifier == Qualifier.up_to
    assert q.bounds() == (5, 10)


def test_range_shares_unit_and_reversed_ends_are_sorted() -> None:
    q = one("5 to 10% of the deserters")
    assert (q.low, q.high, q.unit, q.counted) == (5, 10, "percent", "deserters")
    q = one("500 to 300 soldiers")
    assert (q.low, q.high) == (300, 500)


def test_spelled_range() -> None:
    q = one("between five and ten soldiers")
    assert (q.low, q.high, q.qualifier) == (5, 10, Qualifier.range)


# --- qualifiers -------------------------------------------------------------------------


def test_less_than_percent() -> None:
    q = one("representing less than 10% of the estimated total deserters.")
    assert (q.value, q.unit, q.qualifier) == (10, "percent", Qualifier.under)
    assert q.counted == "estimated total deserters"


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("over 100,000 soldiers have been charged with desertion", 100_000, Qualifier.over),
        ("more than 1,000 requests for legal assistance from the military", 1_000, Qualifier.over),
        ("fewer than 10 soldiers", 10, Qualifier.under),
        ("at least 5,000 troops", 5_000, Qualifier.at_least),
        ("up to 200,000 men", 200_000, Qualifier.up_to),
        ("as many as 200,000 men", 200_000, Qualifier.up_to),
        ("the figure could reach 200,000.", 200_000, Qualifier.up_to),
        ("some 300 soldiers", 300, Qualifier.approximately),
    ],
)
def test_qualifiers(text: str, value: float, qualifier: Qualifier) -> None:
    q = one(text)
    assert (q.value, q.qualifier) == (value, qualifier)


def test_over_counts_soldiers() -> None:
    assert one("over 100,000 soldiers have been charged with desertion").counted == "soldiers"


def test_counted_phrase_continues_through_for() -> None:
    q = one("he received more than 1,000 requests for legal assistance from the military")
    assert q.counted == "requests for legal assistance"


@pytest.mark.parametrize("hedge", ["approximately", "around", "about", "nearly", "almost"])
def test_approximately(hedge: str) -> None:
    q = one(f"only {hedge} 29,000 soldiers had returned")
    assert (q.value, q.qualifier, q.counted) == (29_000, Qualifier.approximately, "soldiers")
    assert q.text == f"{hedge} 29,000"


def test_nearly_half() -> None:
    q = one("Nearly half of these soldiers left after the offensive.")
    assert (q.value, q.unit, q.qualifier) == (50, "percent", Qualifier.approximately)
    assert q.counted == "soldiers"


def test_could_reach_is_up_to_without_counted() -> None:
    q = one("A lawmaker has speculated that the figure could reach 200,000.")
    assert (q.value, q.qualifier, q.counted) == (200_000, Qualifier.up_to, None)
    assert q.bounds() == (0, 200_000)


# --- vague magnitudes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("tens of thousands of tired soldiers", 10_000, 99_999),
        ("hundreds of thousands of soldiers", 100_000, 999_999),
        ("hundreds of Russian soldiers", 100, 999),
        ("thousands of soldiers", 1_000, 9_999),
        ("dozens of Russian soldiers", 24, 99),
        ("several thousand soldiers", 2_000, 9_999),
    ],
)
def test_vague(text: str, low: float, high: float) -> None:
    q = one(text)
    assert (q.value, q.low, q.high, q.qualifier) == (None, low, high, Qualifier.vague)


def test_vague_counted() -> None:
    q = one("tens of thousands of tired and demoralized soldiers have abandoned the front lines")
    assert q.counted == "tired and demoralized soldiers"
    assert one("hundreds of Russian soldiers escaped").counted == "russian soldiers"
    assert one("Cases like his are among the thousands.").counted is None


# --- plain numbers ----------------------------------------------------------------------


def test_percent() -> None:
    q = one("it used approximately 80% of its forces")
    assert (q.value, q.unit, q.qualifier) == (80, "percent", Qualifier.approximately)
    q = one("80 percent")
    assert (q.value, q.unit, q.qualifier) == (80, "percent", Qualifier.exact)


def test_exact_count() -> None:
    q = one("the court confirmed the dismissal of 115 soldiers who refused to fight")
    assert (q.value, q.qualifier, q.counted, q.unit) == (115, Qualifier.exact, "soldiers", None)
    assert q.bounds() == (115, 115)


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6),
        ("seven", 7), ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12),
        ("thirteen", 13), ("fourteen", 14), ("fifteen", 15), ("sixteen", 16),
        ("seventeen", 17), ("eighteen", 18), ("nineteen", 19), ("twenty", 20),
        ("twenty-five", 25), ("a hundred", 100), ("one hundred and five", 105),
        ("a thousand", 1_000), ("two thousand", 2_000), ("a million", 1_000_000),
        ("a dozen", 12),
    ],
)  # fmt: skip
def test_spelled_numbers(word: str, value: float) -> None:
    q = one(f"{word} soldiers deserted")
    assert (q.value, q.qualifier, q.counted) == (value, Qualifier.exact, "soldiers")
    assert numbers_in(f"{word} soldiers") == {value}


def test_scaled_numbers() -> None:
    assert one("1.5 million people").value == 1_500_000
    assert one("0.1 million people").value == 100_000  # no float noise
    assert one("$5 million").unit == "usd"


def test_several_quantities_in_one_sentence() -> None:
    found = parse_quantities(
        "By the August 30 deadline, only approximately 29,000 soldiers had returned, "
        "representing less than 10% of the estimated total deserters."
    )
    assert [(q.value, q.unit) for q in found] == [(29_000, None), (10, "percent")]


# --- what is not a count ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "returned by August 30",
        "On February 24, he awoke",
        "on 24 February",
        "personnel discharged since 2012",
        "in 2022",
        "the invasion in February 2022",
        "from 2014 to 2022",
        "the 2022-23 winter",
        "11/01/2024 20h10",
        "F-16 jets",
        "the 24th brigade",
        "the third year of the war",
        "one of the soldiers",
        "no one returned",
    ],
)
def test_dates_and_years_are_not_quantities(text: str) -> None:
    assert parse_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "phrase", "age"),
    [
        ("Albert Sakhibgareev, a 24-year-old Russian soldier", "24-year-old", 24),
        ("I am 44 years old", "44 years old", 44),
        ("men aged 30", "30", 30),
    ],
)
def test_ages_are_measurements_not_counts(text: str, phrase: str, age: float) -> None:
    q = one(text)
    assert (q.text, q.value, q.unit, q.counted) == (phrase, age, "years", "age")


def test_half_the_size_is_a_ratio() -> None:
    q = one("Russian forces captured an area half the size of London in November")
    assert (q.value, q.unit, q.qualifier) == (0.5, "times", Qualifier.approximately)
    assert q.counted == "size of london"


def test_a_year_like_number_that_counts_is_kept() -> None:
    assert one("2000 soldiers deserted").value == 2000
    assert parse_quantities("in 2000 soldiers deserted") == []  # a year after "in"


def test_time_units_are_not_ages() -> None:
    q = one("you will spend 15 years in the yard")
    assert (q.value, q.unit, q.counted) == (15, "years", None)


# --- numbers_in -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300,000 to 500,000", {300_000, 500_000}),
        ("1.5 million", {1_500_000}),
        ("1,500,000", {1_500_000}),
        ("less than 10%", {10}),
        ("nearly half", {50}),
        ("up to five to ten years", {5, 10}),
        ("by August 30, 2022", {30, 2022}),
        ("a 24-year-old soldier", {24}),
        ("11/01/2024", {11, 1, 2024}),
        ("the 24th brigade", {24}),
        ("tens of thousands of soldiers", set()),
        ("one of them", set()),
        ("no numbers here", set()),
    ],
)
def test_numbers_in(text: str, expected: set[float]) -> None:
    assert numbers_in(text) == expected


def test_numbers_in_supports_the_claim_quote_check() -> None:
    quote = "since Russia's invasion in February 2022, over 100,000 soldiers have been charged"
    assert numbers_in("Over 100,000 soldiers charged since February 2022") <= numbers_in(quote)
    assert numbers_in("Over 120,000 soldiers charged") - numbers_in(quote) == {120_000}


# --- properties -------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separated_integers_parse_back(n: int) -> None:
    text = f"{n:,} soldiers"
    q = one(text)
    assert q.value == n
    assert q.counted == "soldiers"
    assert numbers_in(text) == {n}


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_a_to_b_is_an_ordered_range(a: int, b: int) -> None:
    q = one(f"{a:,} to {b:,} soldiers")
    assert q.low is not None and q.high is not None
    assert q.low <= q.high
    assert {q.low, q.high} == {a, b}
    assert q.bounds() == (q.low, q.high)


_FILLER = st.sampled_from(
    ["the", "soldiers", "deserted", "report", "said", "and", "to", "between", "over", "about",
     "nearly", "units", "in", "army", "officials", "were", "charged", "with", "desertion"]
)  # fmt: skip
_SPELLED = {"two": 2, "three": 3, "seven": 7, "eleven": 11, "twelve": 12, "twenty": 20}
_NUMBER = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(lambda n: (f"{n:,}", float(n))),
    st.integers(min_value=0, max_value=10**6).map(lambda n: (str(n), float(n))),
    st.integers(min_value=0, max_value=99_999).map(lambda n: (f"{n / 10:.1f}", n / 10)),
    st.sampled_from(sorted(_SPELLED.items())).map(lambda kv: (kv[0], float(kv[1]))),
)


@given(st.lists(st.tuples(_FILLER, _NUMBER), min_size=1, max_size=8), _FILLER)
def test_numbers_in_contains_every_inserted_number(parts: list, tail: str) -> None:
    text = " ".join(f"{word} {written}" for word, (written, _) in parts) + f" {tail}."
    found = numbers_in(text)
    for _, (written, value) in parts:
        assert any(abs(f - value) < 1e-9 for f in found), (written, text, found)


@given(st.text(max_size=200))
def test_never_raises_and_bounds_are_ordered(text: str) -> None:
    for q in parse_quantities(text):
        b = q.bounds()
        assert b is None or b[0] <= b[1]
    numbers_in(text)
