"""The text toolkit (verifier.text): expected values worked out by hand from the inputs."""

from __future__ import annotations

from pathlib import Path

from verifier.text.dates import MONTH_NUMBER, dates
from verifier.text.sentences import sentence_spans, sentences
from verifier.text.words import content_stems, mentions_word, stem, stopwords, tokens, words

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_stem_folds_inflections_and_possessives() -> None:
    # Porter 2 (Snowball English) rules: -ers/-ed/-ion reduce to "desert"; "'s" is dropped first.
    assert {stem(w) for w in ("deserters", "deserted", "desertion", "Desert")} == {"desert"}
    assert stem("Russia's") == stem("Russia’s") == "russia"
    assert stem("soldiers") == stem("soldier") == "soldier"
    assert stem("mobilized") == stem("mobilization") == "mobil"


def test_one_stopword_list_holds_function_words_only() -> None:
    sw = stopwords()
    assert {"the", "of", "and", "would", "which", "they"} <= sw
    # Content words are never stopwords, whatever the story.
    assert not {"soldier", "desertion", "russia", "said"} & sw


def test_words_tokens_and_content_stems() -> None:
    text = "Over 300,000 Ukrainian soldiers' relatives said it."
    assert words(text) == ["Over", "Ukrainian", "soldiers", "relatives", "said", "it"]
    assert tokens("1.5 million, 300,000") == ["1.5", "million", "300,000"]
    # "over" and "it" are function words; the rest are stemmed.
    assert content_stems(text) == {"ukrainian", "soldier", "relat", "said"}


def test_mentions_word_finds_a_name_glued_to_the_next_word() -> None:
    # Seed 003 prints "Mediazonadocumented" (a missing space): the name is still there.
    text = (SEEDS / "003_bb3f38e0b0589b5d.txt").read_text(encoding="utf-8")
    assert "Mediazonadocumented" in text
    assert mentions_word("Mediazona", text)
    assert mentions_word("deserters", "Three soldiers deserted.")
    assert not mentions_word("Zelensky", "Three soldiers deserted.")


def test_dates_with_month_names() -> None:
    text = "It expired on August 30, 2024; by 24th of February 2022 and in Sept. 5 or May 2023."
    # Read by hand: (8, 30, 2024), (2, 24, 2022), (9, 5, None), (5, None, 2023).
    assert dates(text) == [(8, 30, 2024), (2, 24, 2022), (9, 5, None), (5, None, 2023)]
    assert MONTH_NUMBER["Dec"] == 12 and MONTH_NUMBER["Sept"] == 9


def test_sentence_spans_are_offsets_into_the_text() -> None:
    text = "First one. Second “quoted.” Third?\nFourth"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second “quoted.”", "Third?", "Fourth"]
    assert spans[0] == (0, 10)  # "First one." is 10 characters
    assert sentences("  \n\nOnly.  ") == ["Only."]


def test_stemming_from_many_threads_gives_the_single_thread_stems() -> None:
    """The brief groups claims (stemming) while judge calls are checked in other threads; one
    shared snowballstemmer instance gave wrong stems and an IndexError there (CI, 2026-12-04)."""
    import threading

    from verifier.text import words

    sample = [f"deserter{i}ing" for i in range(3000)] + ["desertions", "running"] * 300
    expected = {w: words._stemmer().stemWord(w) for w in set(sample)}  # one thread, one stemmer
    words.stem.cache_clear()
    wrong: list[str] = []

    def run(chunk: list[str]) -> None:
        try:
            wrong.extend(w for w in chunk if words.stem(w) != expected[w])
        except Exception as e:  # the race also raised IndexError inside the stemmer
            wrong.append(repr(e))

    threads = [threading.Thread(target=run, args=(sample[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
