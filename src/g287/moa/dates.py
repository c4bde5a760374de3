"""Dates as they are written next to MOA signatures.

Handles typed and filled-in dates (``02/28/2025``, ``2/18/25``, ``March 5,
2025``), digital-signature stamps (``Date: 2020.08.21 09:55:42 -04'00'``) and
OCR'd rubber stamps (``O_C_T_1_5_2_01_9`` for ``OCT 15 2019``). Month before
day, as in every U.S. agreement. Handwritten dates are images, never text.
"""

from __future__ import annotations

import re
from datetime import date

EARLIEST_YEAR = 2002  # the first 287(g) agreement
LATEST_YEAR = 2099

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2}) ?[/-] ?(\d{1,2}) ?[/-] ?(\d{4}|\d{2})(?![\d/])")
_DOTTED = re.compile(r"(?<!\d)(\d{4})\.(\d{2})\.(\d{2})(?!\d)")  # digital signatures
_WORDY = re.compile(rf"\b({_MONTH})\.? ?(\d{{1,2}})(?:st|nd|rd|th)?,? ?(\d{{4}})\b", re.I)
_STAMP = re.compile(rf"({_MONTH})(\d{{1,2}})(\d{{4}})(?!\d)", re.I)


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[date]:
    """Every valid date written in ``text``, in reading order."""
    found: list[tuple[int, date]] = []
    for match in _NUMERIC.finditer(text):
        month, day, year = (int(g) for g in match.groups())
        if (value := _make(year, month, day)) is not None:
            found.append((match.start(), value))
    for match in _DOTTED.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        if (value := _make(year, month, day)) is not None:
            found.append((match.start(), value))
    for match in _WORDY.finditer(text):
        month = _MONTHS[match.group(1).lower()]
        if (value := _make(int(match.group(3)), month, int(match.group(2)))) is not None:
            found.append((match.start(), value))
    if not found:
        found = [(0, value) for value in _stamp_dates(text)]
    return [value for _start, value in sorted(found, key=lambda item: item[0])]


def _stamp_dates(text: str) -> list[date]:
    """Dates of a rubber stamp whose letters OCR spread out with underscores."""
    squeezed = re.sub(r"[\s_]+", "", text)
    dates = []
    for match in _STAMP.finditer(squeezed):
        month = _MONTHS[match.group(1).lower()]
        value = _make(int(match.group(3)), month, int(match.group(2)))
        if value is not None:
            dates.append(value)
    return dates


def first_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0] if dates else None
