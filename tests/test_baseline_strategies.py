"""The `sentences` and `rules` baselines on a document whose claims were read by hand."""

from __future__ import annotations

from pathlib import Path

from verifier.schemas import Certainty, ClaimType, Document
from verifier.strategies import STRATEGIES, get_strategy

TEXT = (
    "Ukraine's General Staff said 300 tanks were lost in March. "
    "According to the Kremlin, the figure is invented. "
    "Analysts say the war could last until 2026.\n"
    "However, the Kyiv city council approved a new curfew. "
    "It was quiet.\n"
    "Yes."
)
DOC = Document(id="d", path="d.txt", text=TEXT)


def test_baselines_are_registered_and_need_no_model() -> None:
    for name in ("sentences", "rules"):
        assert name in STRATEGIES.names()
        assert get_strategy(name).needs_model is False


def test_sentences_copies_every_sentence_of_four_words_or_more() -> None:
    # six sentences; "It was quiet." (3 words) and "Yes." (1 word) are fragments
    claims = get_strategy("sentences").extract_document(None, DOC).claims
    assert [c.text for c in claims] == [
        "Ukraine's General Staff said 300 tanks were lost in March.",
        "According to the Kremlin, the figure is invented.",
        "Analysts say the war could last until 2026.",
        "However, the Kyiv city council approved a new curfew.",
    ]
    assert all(TEXT[c.start : c.end] == c.quote == c.text for c in claims)  # type: ignore[misc]
    assert {c.attributed_to for c in claims} == {"the article"}
    assert {c.certainty for c in claims} == {Certainty.asserted}
    with_outlet = DOC.model_copy(update={"outlet": "Kyiv Post"})
    claims = get_strategy("sentences").extract_document(None, with_outlet).claims
    assert {c.attributed_to for c in claims} == {"Kyiv Post"}


def test_rules_read_source_certainty_type_and_quantities() -> None:
    claims = get_strategy("rules").extract_document(None, DOC).claims
    got = [(c.attributed_to, c.certainty, c.claim_type) for c in claims]
    assert got == [
        # "X said": the subject is the source; "said" → reported; 300 tanks → statistic
        ("Ukraine's General Staff", Certainty.reported, ClaimType.statistic),
        # "according to X"; reported; no quantity and no cue word → event
        ("the Kremlin", Certainty.reported, ClaimType.event),
        # "X say"; "could" is the weakest hedge → speculative; "could" → prediction
        ("Analysts", Certainty.speculative, ClaimType.prediction),
        # no source: the article's own voice; a name (Kyiv) makes it checkable
        ("the article", Certainty.asserted, ClaimType.event),
    ]
    assert claims[0].quantities[0].value == 300
    # the leading connective is dropped from the text, never from the quote
    assert claims[3].text == "The Kyiv city council approved a new curfew."
    assert claims[3].quote == "However, the Kyiv city council approved a new curfew."


def test_baseline_run_records_are_committed_and_marked() -> None:
    from verifier.evaluation.suites import load_runs

    runs = load_runs([Path(__file__).resolve().parents[1] / "evals" / "runs"])
    baselines = {r.strategy for r in runs if r.baseline}
    assert {"sentences", "rules"} <= baselines
