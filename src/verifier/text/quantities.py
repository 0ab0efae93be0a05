"""The numbers a sentence states, as `Quantity` values, without a model.

Cross-source comparison needs "300,000 to 500,000", "over 100,000" and "tens of thousands"
as intervals, with what each counts, so `parse_quantities` turns every count, percentage,
range and vague magnitude in a sentence into a `Quantity` (value or low–high, unit,
qualifier, counted noun phrase). Each construct is one small regex; overlapping matches
are resolved longest-first, so "up to five to ten years" is one range, not three numbers.

Decisions (documented because they change what gets compared):

* Dates and years are not quantities and are skipped: a day next to a month name
  ("August 30", "30 August"), a bare 4-digit number 1800–2100 without separators unless
  a plural noun follows it and no temporal word precedes it ("since 2012", "February 2022"
  are years; "2000 soldiers" is a count), and any range starting with such a year
  ("2022-23"). Ordinals ("24th"), times ("20h10", "10:30") and numbers inside identifiers
  ("F-16", "11/01/2024") are never quantities.
* Ages ("24-year-old", "44 years old", "aged 30") are kept, but as measurements — unit
  "years", counted "age" — so they can never be compared with a count of people.
* "up to X to Y" is a range whose hedge is kept: low X, high Y, qualifier `up_to`
  (`Quantity.bounds()` uses low/high, so comparison still sees X–Y). Other ranges are
  `range` even when hedged ("an estimated 300,000 to 500,000").
* "one" alone counts only when a noun follows it ("one soldier"): "one of them", "no one",
  "the one who" and "one another" are pronouns. "one hundred" and "one million" always count.
* Vague magnitudes get the interval their word allows and no value: dozens 24–99,
  hundreds 100–999, thousands 1,000–9,999, tens of thousands 10,000–99,999, hundreds of
  thousands 100,000–999,999, millions 1e6–(1e7−1); "several/a few thousand" 2,000–9,999.
* Fractions of a group are percentages ("nearly half of these soldiers" 50, "a third"
  33.3…); a fraction of a size is a rough ratio ("half the size of London": 0.5, unit
  "times", approximately).
* `Quantity.text` is the phrase as written, hedge included ("less than 10%"), so a figure
  shown on its own keeps its qualifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from verifier.schemas import Qualifier, Quantity
from verifier.text.dates import MONTH
from verifier.text.words import stopwords

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000,
           "billion": 1_000_000_000, "bn": 1_000_000_000, "mn": 1_000_000}  # fmt: skip

_NUMBER_WORDS = [*_UNITS_WORDS, "dozen", "hundred", "thousand", "million", "billion"]
_W = r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b"
#: Longest run of number words read as one number ("three hundred and fifty-two thousand"
#: is 6): a bound keeps the regexes linear on pathological text ("one one one …").
MAX_NUMBER_WORDS = 8
#: A run of number words: "twenty-five", "one hundred and five", "a thousand".
_WORDNUM = (
    r"(?:\ba\s+(?=(?:dozen|hundred|thousand|million|billion)\b))?"
    rf"{_W}(?:(?:\s+|-|(?<=hundred)\s+and\s+){_W}){{0,{MAX_NUMBER_WORDS - 1}}}"
)
#: Digits with optional thousands separators, decimals and a scale word: "1.5 million".
_DIGITS = (
    r"(?:\d{1,3}(?:,\d{3}){1,5}|\d{1,15})(?:\.\d{1,6})?(?!\w|[.,:/]\d)"
    r"(?:\s+(?:thousand|million|billion|bn|mn)\b)?"
)
_NUM = rf"[$€£]?\s?(?:{_DIGITS}|{_WORDNUM})"

_TIME_UNITS = r"years?|months?|weeks?|days?|hours?|minutes?"
_CURRENCY_WORDS = {"dollar": "usd", "euro": "eur", "pound": "gbp", "rouble": "rub", "ruble": "rub",
                   "hryvnia": "uah", "$": "usd", "€": "eur", "£": "gbp"}  # fmt: skip
_UNIT = (
    r"(?:\s*(?:%|\bper\s?cent\b|\bpercentage\s+points?\b)"
    rf"|[\s-]+(?:{_TIME_UNITS}|km|kilomet(?:re|er)s?|miles?)\b"
    r"|\s+(?:dollars?|euros?|pounds?|roubles?|rubles?|hryvnias?)\b)"
)

_QUALIFIERS: list[tuple[str, Qualifier]] = [
    (r"approximately|approx\.|around|about|roughly|nearly|almost|some|circa|close\s+to"
     r"|an\s+estimated|estimated|an\s+approximate|~", Qualifier.approximately),
    (r"(?:could|may|might|would|will|can)\s+(?:even\s+)?(?:exceed|top|surpass)"
     r"|more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceeding|greater\s+than",
     Qualifier.over),
    (r"less\s+than|fewer\s+than|under|below", Qualifier.under),
    (r"at\s+least|no\s+(?:fewer|less)\s+than|a\s+minimum\s+of", Qualifier.at_least),
    (r"up\s+to|as\s+(?:many|much|high)\s+as|at\s+most|no\s+more\s+than"
     r"|(?:could|may|might|would|will|can)\s+(?:even\s+)?(?:reach|hit)", Qualifier.up_to),
]  # fmt: skip
_QUAL = r"(?:(?P<q>" + "|".join(p for p, _ in _QUALIFIERS) + r")(?:\s+|(?<=~)))?"
_QUAL_RES = [(re.compile(rf"(?:{p})$", re.I), q) for p, q in _QUALIFIERS]

#: Start of a match: not inside a word, number or identifier ("F-16", "11/01", "v2").
_START = r"(?<![\w.,:/-])"

_SECOND = rf"(?P<n2>{_NUM})(?P<u2>{_UNIT})?"
_BETWEEN = re.compile(
    rf"{_START}(?:between|from)\s+(?P<n1>{_NUM})(?P<u1>{_UNIT})?\s+(?:and|to)\s+{_SECOND}", re.I
)
_RANGE = re.compile(
    rf"{_START}{_QUAL}(?P<n1>{_NUM})(?P<u1>{_UNIT})?\s*(?:\bto\b|\bor\b|–|—|-)\s*{_SECOND}", re.I
)
_VAGUE = re.compile(
    rf"{_START}{_QUAL}(?:(?P<few>a\s+few|several)\s+(?P<fewscale>hundred|thousand|million)\b"
    r"|(?:(?P<mult>tens|hundreds)\s+of\s+)?(?P<vague>dozens|hundreds|thousands|millions|billions)\b)",
    re.I,
)
_FRACTION = re.compile(
    rf"{_START}{_QUAL}(?:(?:a|one)[\s-]+(?P<f1>half|third|quarter)|(?P<f2>half)(?!-)"
    r"|(?P<f3>two[\s-]thirds|three[\s-]quarters))\b",
    re.I,
)
_SINGLE = re.compile(rf"{_START}{_QUAL}(?P<n1>{_NUM})(?P<u1>{_UNIT})?", re.I)

_FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "two thirds": 200 / 3,
              "three quarters": 75.0}  # fmt: skip
_VAGUE_BASE = {"dozens": 24, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
               "billions": 1_000_000_000}  # fmt: skip

_MONTHS = MONTH
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.I)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.I)
_TEMPORAL_BEFORE = re.compile(
    rf"\b(?:in|since|by|until|till|from|to|before|after|during|through|of|year|years|early|late|mid"
    rf"|spring|summer|autumn|fall|winter|{_MONTHS})[\s-]*$",
    re.I,
)
_PRONOUN_ONE_BEFORE = re.compile(r"\b(?:no|any|every|each|the|this|that|which|some)\s+$", re.I)
_OLD_AFTER = re.compile(r"^[\s-]*old\b", re.I)
_RATIO_AFTER = re.compile(r"\s+(?:the|its|their)\s+(?:size|area|length|width|territory)\b", re.I)
_AGE_BEFORE = re.compile(r"\b(?:aged|age\s+of|ages\s+of)\s*$", re.I)
_ANY_DIGITS = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_][\w'’-]*)")


def _words(text: str) -> frozenset[str]:
    """A word set written as one string (easier to read and edit than a list literal)."""
    return frozenset(text.split())


_DETERMINERS = _words("the these those this that its their his her our your my a an all such")
#: Words that end a counted noun phrase: function words (the connectors "and/or/of/for" have
#: their own rule in `_counted`), and verbs that follow a count.
_STOP = (stopwords() - _words("and or of for")) | _words("said says say ago later")
_IRREGULAR_PLURALS = _words("people personnel men women children staff police troops")
#: Characters of context the date/year/age rules look at on each side of a number.
_CONTEXT = 40
#: Longest `counted` phrase kept: a noun phrase, not a clause.
MAX_COUNTED_WORDS = 5


@dataclass(frozen=True)
class _Hit:
    """One candidate match, before overlap resolution and skip rules."""

    start: int
    end: int
    kind: str  # range | vague | fraction | single
    m: re.Match[str]


def _fold_words(text: str) -> float:
    """Value of a run of number words ("one hundred and five" → 105)."""
    total, current = 0, 0
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _UNITS_WORDS:
            current += _UNITS_WORDS[w]
        elif w in ("hundred", "dozen"):
            current = max(current, 1) * _SCALES[w]
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0
    return float(total + current)


def _num(text: str) -> tuple[float, float]:
    """Value of one number atom and the scale word it carries (1 if none): "1.5 million" → 1e6."""
    t = text.strip().lstrip("$€£").strip()
    m = re.match(r"([\d,]+(?:\.\d+)?)(?:\s+([a-z]+))?$", t, re.I)
    if m:
        scale = _SCALES[m.group(2).lower()] if m.group(2) else 1
        return float(Decimal(m.group(1).replace(",", "")) * scale), float(scale)
    scales = [_SCALES[w] for w in re.findall(r"[a-z]+", t.lower()) if w in _SCALES and w != "dozen"]
    return _fold_words(t), float(max(scales, default=1))


def _unit(text: str | None, number: str) -> str | None:
    """Normalised unit from the text after a number (and a currency sign before it)."""
    sign = number.strip()[:1]
    if sign in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[sign]
    if not text:
        return None
    u = re.sub(r"[\s-]+", " ", text.strip(" -").lower())
    if u == "%" or u.startswith(("per", "percentage")):
        return "percent"
    u = u.removesuffix("s")
    if u.startswith("kilomet") or u == "km":
        return "km"
    return _CURRENCY_WORDS.get(u, u + "s")


def _qualifier(text: str | None) -> Qualifier | None:
    if not text:
        return None
    t = text.strip()
    return next((q for rx, q in _QUAL_RES if rx.match(t)), None)


def _is_plural(word: str) -> bool:
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return True
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))


def _counted(text: str, pos: int, need_of: bool = False) -> str | None:
    """The short noun phrase after position `pos` that a number counts, lower-cased.

    Reads words until a function word, punctuation or a verb-like stop, and stops after a
    plural noun unless "of"/"for" continues the phrase ("requests for legal assistance").
    With `need_of` (percentages), only an "of …" phrase counts ("10% of the deserters").
    """
    words: list[str] = []
    i = pos
    m = _WORD_AFTER.match(text, i)
    if m and m.group(1).lower() == "of":
        i = m.end()
    elif need_of:
        return None
    while True:
        m = _WORD_AFTER.match(text, i)
        if not m or m.group(1).lower() not in _DETERMINERS:
            break
        i = m.end()
    while len(words) < MAX_COUNTED_WORDS:
        m = _WORD_AFTER.match(text, i)
        if not m:
            break
        w = m.group(1).lower().rstrip("-")
        nxt = _WORD_AFTER.match(text, m.end())
        nw = nxt.group(1).lower() if nxt else ""
        if w in ("and", "or", "of", "for"):
            joins_nouns = w in ("of", "for") or not _is_plural(words[-1] if words else "")
            if not words or not nw or nw in _STOP or nw in _DETERMINERS or not joins_nouns:
                break
        elif w in _STOP or w in _DETERMINERS:
            break
        elif w.endswith("ed") and (not nw or nw in _STOP or nw in _DETERMINERS):
            break  # a verb ("300,000 deserted the army"), not an adjective ("mobilized men")
        words.append(w)
        i = m.end()
        if _is_plural(w) and nw not in ("of", "for"):
            break
    while words and words[-1] in ("and", "or", "of", "for"):
        words.pop()
    return " ".join(words) or None


@lru_cache(maxsize=4096)
def _candidates(text: str) -> tuple[_Hit, ...]:
    """Every construct's matches, then the non-overlapping ones, earliest and longest first.

    Once per distinct text: a run reads each claim's text and quote from several places
    (grounding, quantities, scoring), about four times each on the seeds."""
    hits: list[_Hit] = []
    for kind, rx in (("range", _BETWEEN), ("range", _RANGE), ("vague", _VAGUE),
                     ("fraction", _FRACTION), ("single", _SINGLE)):  # fmt: skip
        hits.extend(_Hit(m.start(), m.end(), kind, m) for m in rx.finditer(text))
    # Earliest first, then longest; on a tie a single number beats a range ("twenty-five").
    hits.sort(key=lambda h: (h.start, -(h.end - h.start), h.kind == "range"))
    chosen: list[_Hit] = []
    end = -1
    for h in hits:
        if h.start >= end:
            chosen.append(h)
            end = h.end
    return tuple(chosen)


def _year_like(number: str) -> bool:
    t = number.strip()
    return bool(re.fullmatch(r"\d{4}", t)) and 1800 <= int(t) <= 2100


def _vague(text: str, h: _Hit) -> Quantity:
    m = h.m
    if m.group("fewscale"):
        base = _SCALES[m.group("fewscale").lower()]
        low, high = 2 * base, 10 * base - 1
    else:
        base = _VAGUE_BASE[m.group("vague").lower()]
        if m.group("mult"):
            base *= 10 if m.group("mult").lower() == "tens" else 100
        low, high = base, (99 if base == _VAGUE_BASE["dozens"] else 10 * base - 1)
    return Quantity(text=m.group(0).strip(), low=float(low), high=float(high),
                    qualifier=Qualifier.vague, counted=_counted(text, h.end))  # fmt: skip


def _fraction(text: str, h: _Hit) -> Quantity:
    """ "nearly half of the soldiers" is a percentage; "half the size of London" a ratio."""
    m = h.m
    frac = re.sub(r"[\s-]+", " ", (m.group("f1") or m.group("f2") or m.group("f3")).lower())
    qualifier = _qualifier(m.group("q"))
    if _RATIO_AFTER.match(text, h.end):
        # A size compared in words is a rough ratio, not a measured share.
        return Quantity(text=m.group(0).strip(), value=_FRACTIONS[frac] / 100, unit="times",
                        qualifier=qualifier or Qualifier.approximately,
                        counted=_counted(text, h.end))  # fmt: skip
    return Quantity(text=m.group(0).strip(), value=_FRACTIONS[frac], unit="percent",
                    qualifier=qualifier or Qualifier.exact,
                    counted=_counted(text, h.end))  # fmt: skip


def _numeric(text: str, h: _Hit) -> Quantity:
    """A single number or a range: value or low/high, unit, qualifier, counted."""
    m = h.m
    q = _qualifier(m.groupdict().get("q"))
    n1 = m.group("n1")
    v1, scale1 = _num(n1)
    unit = _unit(m.group("u1"), n1)
    if h.kind == "range":
        unit = unit or _unit(m.group("u2"), m.group("n2"))
    counted = None
    if unit in (None, "percent"):
        counted = _counted(text, h.end, need_of=unit == "percent")
    if h.kind != "range":
        return Quantity(text=m.group(0).strip(), value=v1, unit=unit, counted=counted,
                        qualifier=q or Qualifier.exact)  # fmt: skip
    v2, scale2 = _num(m.group("n2"))
    # "300 to 500 thousand": the second number's scale word applies to both.
    if scale1 == 1 and scale2 > 1 and v1 * scale2 <= v2:
        v1 *= scale2
    low, high = sorted((v1, v2))
    qualifier = Qualifier.up_to if q == Qualifier.up_to else Qualifier.range
    return Quantity(text=m.group(0).strip(), low=low, high=high, unit=unit, counted=counted,
                    qualifier=qualifier)  # fmt: skip


def _not_a_count(text: str, h: _Hit, quantity: Quantity) -> bool:
    """Whether a numeric hit is really a date, a year or the pronoun "one"."""
    # A short window: the context rules look a few words back or ahead, never further.
    before, after = text[max(0, h.start - _CONTEXT) : h.start], text[h.end : h.end + _CONTEXT]
    n1 = h.m.group("n1").strip()
    if h.kind == "range":
        return _year_like(n1) and not h.m.group("u1")  # "2022-23", "from 2014 to 2022"
    if (
        quantity.unit is None
        and re.fullmatch(r"\d{1,2}", n1)
        and 1 <= int(n1) <= 31
        and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after))
    ):
        return True  # "August 30", "30 August"
    if quantity.unit is None and _year_like(n1):
        counted = quantity.counted
        counts_things = bool(counted and _is_plural(counted.split()[-1]))
        return bool(_TEMPORAL_BEFORE.search(before)) or not counts_things  # "since 2012"
    if n1.lower() == "one":  # "one of", "no one", "the one who": a pronoun, not a count
        pronoun = _PRONOUN_ONE_BEFORE.search(before) or re.match(r"\s+(?:of|another)\b", after)
        return bool(pronoun) or quantity.counted is None
    return False


def _age(text: str, h: _Hit, quantity: Quantity) -> Quantity | None:
    """ "24-year-old", "44 years old", "aged 30": a measurement in years of "age", not a count."""
    old = _OLD_AFTER.match(text[h.end : h.end + _CONTEXT])
    if quantity.unit in ("years", "months") and old:
        phrase = text[h.start : h.end + old.end()].strip()
        return quantity.model_copy(update={"text": phrase, "counted": "age"})
    if quantity.unit is None and _AGE_BEFORE.search(text[max(0, h.start - _CONTEXT) : h.start]):
        return quantity.model_copy(update={"unit": "years", "counted": "age"})
    return None


def _build(text: str, h: _Hit) -> tuple[Quantity, bool]:
    """The quantity a hit states, and whether it is not a count (date, year, "one")."""
    if h.kind == "vague":
        return _vague(text, h), False
    if h.kind == "fraction":
        return _fraction(text, h), False
    quantity = _numeric(text, h)
    age = _age(text, h, quantity)
    if age is not None:
        return age, False
    return quantity, _not_a_count(text, h, quantity)


def parse_quantities(text: str) -> list[Quantity]:
    """Every count, percentage, range and vague magnitude `text` states, in order.

    Dates, years and ages are left out (they are not counts); see the module docstring.
    """
    out: list[Quantity] = []
    for h in _candidates(text):
        quantity, skip = _build(text, h)
        if not skip:
            out.append(quantity)
    return out


def numbers_in(text: str) -> set[float]:
    """Every numeric value `text` mentions, digits or spelled, for "claim numbers are in the quote".

    Unlike `parse_quantities`, dates, years and ages count (a claim that changes a date is
    wrong too), and digits inside identifiers or dates ("11/01/2024", "24th") are read one by
    one. Ranges give both ends, percentages their number (10 for "10%"), "half" 50, scaled
    numbers their full value only ("1.5 million" → 1,500,000, so it matches "1,500,000").
    Vague magnitudes ("thousands") and a pronoun "one" ("one of them") state no number.
    """
    found: set[float] = set()
    spans: list[tuple[int, int]] = []
    for h in _candidates(text):
        spans.append((h.start, h.end))
        if h.kind == "vague":
            continue
        quantity, not_a_count = _build(text, h)
        if not_a_count and h.kind == "single" and h.m.group("n1").strip().lower() == "one":
            continue
        found.update(v for v in (quantity.value, quantity.low, quantity.high) if v is not None)
    for m in _ANY_DIGITS.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            found.add(float(Decimal(m.group(0).replace(",", ""))))
    return found
