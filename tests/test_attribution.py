"""Attribution equivalence on a hand-labelled list of pairs.

Each pair was labelled by reading it as an editor would: "do these two strings name the same
source for this claim?" — before running the code. Most names are from evals/gold; the
variants are what a model writes. The outlet of the document is "ICARO Media Group".
"""

from __future__ import annotations

import pytest

from verifier.evaluation.attribution import equivalent, own_voice

OUTLET = "ICARO Media Group"

EQUIVALENT = [
    # own voice is one class
    ("the article", "the article (outlet not named)"),
    ("The article", "the outlet"),
    ("the author", "ICARO Media Group"),
    ("ICARO", "the article"),
    # acronyms and aliases
    ("The NRC.", "National Resistance Center of Ukraine"),
    ("NRC", "the National Resistance Center of Ukraine (NRC)"),
    ("WSJ", "The Wall Street Journal"),
    ("AFU", "Armed Forces of Ukraine"),
    # spelling, word order, articles, case
    ("Zelensky", "Volodymyr Zelenskyy"),
    ("Ministry of Defence", "Defense Ministry"),
    ("the Kremlin", "Kremlin"),
    ("russian defense ministry", "Russian Defense Ministry"),
    # a shortened name that keeps the naming word
    ("Reuters", "Reuters news agency"),
    ("Kovalenko", "Alexander Kovalenko, Kyiv-based military analyst"),
    ("Alexander Kovalenko", "Alexander Kovalenko, Kyiv-based military analyst"),
    ("Mikhail Benyash", "Mikhail Benyash, via The Wall Street Journal"),
    ("RAND", "RAND Corporation"),
    ("Khaama Press", "Khaama Press (via MENAFN)"),
    ("Russian security forces", "Russian security forces, via TASS"),
    ("Andrey Kartapolov", "Andrey Kartapolov, State Duma Defense Committee chairman"),
    ("The Way Home", "The Way Home (Telegram channel of Russian soldiers' relatives)"),
    ("the Ukrainian Prosecutor General's Office", "Ukrainian Prosecutor General's Office"),
]

NOT_EQUIVALENT = [
    # one-word fragments name no particular source
    ("russian", "Russian security forces, via TASS"),
    ("wall", "The Wall Street Journal"),
    ("officials", "Ukrainian officials"),
    ("unnamed", "unnamed officials and commanders"),
    ("alexander", "Alexander Kovalenko, Kyiv-based military analyst"),
    ("national", "National Resistance Center of Ukraine"),
    # different sources
    ("US officials", "UK officials"),
    ("Russian Defence Ministry", "Ukrainian Defence Ministry"),
    ("TASS", "Russian security forces, via TASS"),
    ("The Wall Street Journal", "Mikhail Benyash, via The Wall Street Journal"),
    ("Mediazona", "a Russian commander, via Mediazona"),
    ("unnamed sources", "unnamed officials and commanders"),
    ("Associated Press", "Khaama Press (via MENAFN)"),
    # own voice is not a named source, and a named source is not the article
    ("the article", "National Resistance Center of Ukraine"),
    ("the outlet", "Mediazona"),
    ("ICARO Media Group", "RAND Corporation"),
]


@pytest.mark.parametrize(("a", "b"), EQUIVALENT)
def test_equivalent_pairs(a: str, b: str) -> None:
    assert equivalent(a, b, OUTLET)
    assert equivalent(b, a, OUTLET)


@pytest.mark.parametrize(("a", "b"), NOT_EQUIVALENT)
def test_not_equivalent_pairs(a: str, b: str) -> None:
    assert not equivalent(a, b, OUTLET)
    assert not equivalent(b, a, OUTLET)


def test_outlet_name_is_own_voice_only_for_its_own_document() -> None:
    assert own_voice("ICARO Media Group", OUTLET)
    assert not own_voice("ICARO Media Group", "Khaama Press (via MENAFN)")
    assert own_voice("the article", None)
