"""Issue 12's probes as tests: hand-made predictions against `evals/gold`, each with the score
range a researcher would expect (the ranges are judgements written before looking at the
code's output; the builders are in tests/probes.py and print as a table when run).
"""

from __future__ import annotations

from typing import Any

import probes
import pytest

from verifier.evaluation.metrics import score


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return probes.gold()


@pytest.fixture(scope="module")
def documents() -> dict[str, Any]:
    return probes.documents()


def _score(pred: dict[str, Any], gold: dict[str, Any], documents: dict[str, Any]) -> Any:
    return score(pred, gold, documents, resamples=20)


def _found(report: Any, ids: list[str]) -> int:
    return sum(1 for i in report.items if i["kind"] == "gold" and i["gold_id"] in ids
               and i["found"])


def _value(report: Any, name: str) -> float:
    v = report.metrics[name].value
    assert v is not None, name
    return float(v)


def test_whole_document_quotes_find_nothing(gold: Any, documents: Any) -> None:
    # a quote of the whole article overlaps every gold quote, but over the union it is a few
    # percent of a sentence-long gold quote: no claim can match on it
    r = _score(probes.sentence_copier(quote_whole_document=True), gold, documents)
    assert _value(r, "claim_recall") <= 0.05


def test_text_replaced_by_a_denial_never_matches(gold: Any, documents: Any) -> None:
    # "Nothing of the sort happened; this claim is false." keeps the quote and says the
    # opposite: none of the 20 may match, so recall loses exactly 20 of the 73 gold claims
    pred, ids = probes.false_texts(20)
    r = _score(pred, gold, documents)
    assert len(ids) == 20 and _found(r, ids) == 0
    n = sum(len(d.claims) for d in gold.values())
    assert _value(r, "claim_recall") == pytest.approx((n - 20) / n)


def test_one_changed_number_is_a_different_claim(gold: Any, documents: Any) -> None:
    # 12 claims with one figure changed (text and quote): 61 of 73 still match, so
    # F1 = 2·61 / (73 + 73) = 0.8356
    pred, ids = probes.changed_numbers(12)
    r = _score(pred, gold, documents)
    assert len(ids) == 12 and _found(r, ids) == 0
    assert _value(r, "claim_f1") == pytest.approx(2 * 61 / 146)


def test_spelled_numbers_count(gold: Any, documents: Any) -> None:
    # "two" → "five" audio files in the claim text (the quote still says two): not a match
    pred, ids = probes.two_to_five()
    r = _score(pred, gold, documents)
    assert ids and _found(r, ids) == 0


def test_own_voice_written_as_the_article_is_right(gold: Any, documents: Any) -> None:
    # the extraction prompt's "the article" names the same source as the annotators'
    # "the article (outlet not named)" and as the outlet's name: attribution is perfect
    r = _score(probes.own_voice_the_article(), gold, documents)
    assert _value(r, "claim_f1") == 1.0
    assert _value(r, "attribution_accuracy") == 1.0


def test_one_word_attributions_are_mostly_wrong(gold: Any, documents: Any) -> None:
    # "russian", "wall", "unnamed", "alexander" name no source; only whole one-word names
    # (Mediazona), organisations' own names (Khaama, ICARO, RAND, Associated) and the
    # article's own voice survive: well under two thirds
    r = _score(probes.one_word_attributions(), gold, documents)
    assert _value(r, "attribution_accuracy") <= 0.6


def test_acronym_matches_the_full_name(gold: Any, documents: Any) -> None:
    pred, ids = probes.nrc_acronym()
    r = _score(pred, gold, documents)
    ok = [i for i in r.items if i["kind"] == "gold" and i["gold_id"] in ids]
    assert len(ok) == 3 and all(i["attribution_ok"] for i in ok)


def test_gold_against_itself_scores_one_on_every_metric(gold: Any, documents: Any) -> None:
    r = _score(gold, gold, documents)
    for name, m in r.metrics.items():
        if m.value is None:
            continue
        assert m.value == pytest.approx(0.0 if name == "hallucination_rate" else 1.0), name
