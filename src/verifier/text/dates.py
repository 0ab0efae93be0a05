"""Month names and dates written with them ("August 30", "24th of February 2022")."""

from __future__ import annotations

import re

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
#: Month number by name or three-letter abbreviation, capitalised as written in running text.
MONTH_NUMBER = (
    {m: i + 1 for i, m in enumerate(MONTH_NAMES)}
    | {m[:3]: i + 1 for i, m in enumerate(MONTH_NAMES)}
    | {"Sept": 9}
)
#: Regex alternation of every month name and abbreviation (case-sensitive as written; add
#: re.I for lower-case text). Full names first, so "March" is never read as "Mar".
MONTH = "|".join([*MONTH_NAMES, "Sept", *[m[:3] for m in MONTH_NAMES]])
#: Only the full names (for text where "Mar" or "Jan" would be a name, not a month).
MONTH_FULL = "|".join(MONTH_NAMES)

_DATE = re.compile(
    rf"\b(?:(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}})\b)?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{MONTH})\b(?:,?\s+(?P<y2>\d{{4}})\b)?"
    rf"|(?P<m3>{MONTH})\s+(?P<y3>\d{{4}})\b)"
)


def dates(text: str) -> list[tuple[int, int | None, int | None]]:
    """(month, day, year) of every date `text` writes with a month name; day/year may be absent."""
    out: list[tuple[int, int | None, int | None]] = []
    for m in _DATE.finditer(text):
        month = m.group("m1") or m.group("m2") or m.group("m3")
        day = m.group("d1") or m.group("d2")
        year = m.group("y1") or m.group("y2") or m.group("y3")
        out.append((MONTH_NUMBER[month], int(day) if day else None, int(year) if year else None))
    return out
