"""The text toolkit: every module that reads text uses these, never its own copy.

- `words`: `words`, `tokens`, the one stemmer (`stem`, Snowball English), the one
  `stopwords()` list, and named word lists from `data/words.yaml`.
- `sentences`: `sentence_spans` (with offsets) and `sentences`.
- `dates`: month names, the `MONTH` regex alternation, `MONTH_NUMBER`, `dates`.
- `quantities`: `parse_quantities` (typed counts, ranges, vague magnitudes) and
  `numbers_in` (every number, digits or spelled out).
- `quotes`: `find_quote` (exact → normalised → fuzzy; offsets from code), `normalise`.
- `mentions`: `entities` and `time_ref` of a quote.
"""
