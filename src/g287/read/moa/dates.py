"""Dates as they are written next to MOA signatures.

Handles typed and filled-in dates (``02/28/2025``, ``2/18/25``, ``March 5,
2025``), digital-signature stamps (``Date: 2020.08.21 09:55:42 -04'00'``) and
OCR'd rubber stamps (``O_C_T_1_5_2_01_9`` for ``OCT 15 2019``). Month before
day, as in every U.S. agreement. Handwritten dates are images, never text.

A date written after "Rev", "Revised", "Revision" or "Updated" is the
template's revision (a footer such as ``Revised 3/7/2025`` or ``KAN BU Rev
2/14/25``), never a signing date, and is skipped. Impossible dates are
rejected: before :data:`EARLIEST_YEAR`, not a calendar day, or after
``not_after`` (the caller's bound: the day the PDF was last saved).
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
_REVISION_BEFORE = re.compile(r"\b(?:Rev(?:ised|ision)?|Updated)\.?\s*(?:date)?\s*:?\s*$", re.I)
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


def find_dates(text: str, *, not_after: date | None = None) -> list[date]:
    """Every possible date written in ``text``, in reading order (revision dates skipped)."""
    found: list[tuple[int, date | None]] = []
    revisions = False
    for match in _NUMERIC.finditer(text):
        month, day, year = (int(g) for g in match.groups())
        found.append((match.start(), _make(year, month, day)))
    for match in _DOTTED.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        found.append((match.start(), _make(year, month, day)))
    for match in _WORDY.finditer(text):
        month = _MONTHS[match.group(1).lower()]
        found.append((match.start(), _make(int(match.group(3)), month, int(match.group(2)))))
    kept: list[tuple[int, date]] = []
    for start, value in found:
        if _REVISION_BEFORE.search(text[:start]):
            revisions = True
        elif value is not None and (not_after is None or value <= not_after):
            kept.append((start, value))
    if not kept and not revisions:
        kept = [(0, v) for v in _stamp_dates(text) if not_after is None or v <= not_after]
    return [value for _start, value in sorted(kept, key=lambda item: item[0])]


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


def first_date(text: str, *, not_after: date | None = None) -> date | None:
    dates = find_dates(text, not_after=not_after)
    return dates[0] if dates else None
