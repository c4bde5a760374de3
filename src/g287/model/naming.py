"""What ICE's file names say: the list's kind, ICE's date and part of day.

ICE names its workbooks ``participatingAgencies05162025am.xlsx``, ``...pm``,
``...mid``, in any capitalisation, sometimes with a suffix (``_b``,
`` 12.15.07 AM``) or a short year (``287gParticipatingAgencies091526pm.xlsx``),
sometimes ISO-ish (``participatingAgencies_20250516``). The date is a *claim*:
:mod:`g287.model.dating` weighs it against when the file was first seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Literal

Kind = Literal["participating", "pending", "unknown"]
PartOfDay = Literal["am", "mid", "pm"]

PART_RANK: dict[str | None, int] = {"am": 1, None: 2, "mid": 2, "pm": 3}

EARLIEST_PLAUSIBLE = date(2005, 1, 1)

_KIND_RE = re.compile(r"(participating|pending)[\s_-]*agenc(?:y|ies)", re.IGNORECASE)
_DIGITS_RE = re.compile(r"[\s_-]*(\d{6,9})(?:[\s_-]*(am|pm|mid)(?![a-z]))?", re.IGNORECASE)


@dataclass(frozen=True)
class FileName:
    """The facts parsed from one file name."""

    name: str
    kind: Kind
    ice_date: date | None
    part_of_day: PartOfDay | None
    suffix: str
    note: str | None = None


def parse_file_name(name: str) -> FileName:
    """Parse an ICE workbook file name; never raises.

    >>> parse_file_name("participatingAgencies05162025am.xlsx").ice_date
    datetime.date(2025, 5, 16)
    >>> parse_file_name("287gParticipatingAgencies091526pm.xlsx").ice_date
    datetime.date(2026, 9, 15)
    """
    base = PurePath(name).name
    stem = re.sub(r"\.(xlsx|xlsm|xls|html?|csv)$", "", base, flags=re.IGNORECASE)
    kind_match = _KIND_RE.search(stem)
    kind: Kind = "unknown"
    rest = stem
    if kind_match:
        kind = "participating" if kind_match.group(1).lower() == "participating" else "pending"
        rest = stem[kind_match.end() :]
    digits_match = _DIGITS_RE.match(rest)
    if not digits_match:
        return FileName(base, kind, None, None, rest.strip() if kind_match else "")
    digits = digits_match.group(1)
    part_raw = digits_match.group(2)
    part: PartOfDay | None = part_raw.lower() if part_raw else None  # type: ignore[assignment]
    suffix = rest[digits_match.end() :].strip()
    parsed, note = _digits_to_date(digits)
    return FileName(base, kind, parsed, part, suffix, note)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    if value < EARLIEST_PLAUSIBLE or value.year > 2099:
        return None
    return value


def _digits_to_date(digits: str) -> tuple[date | None, str | None]:
    n = len(digits)
    if n == 8:
        mmddyyyy = _valid(int(digits[4:]), int(digits[:2]), int(digits[2:4]))
        if mmddyyyy:
            return mmddyyyy, None
        yyyymmdd = _valid(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if yyyymmdd:
            return yyyymmdd, None
        return None, f"digits {digits!r} are not a date"
    if n == 6:
        value = _valid(2000 + int(digits[4:]), int(digits[:2]), int(digits[2:4]))
        return (value, None) if value else (None, f"digits {digits!r} are not a date")
    if n == 7:
        # M DD YYYY or MM D YYYY: use it only when exactly one reading is a date.
        readings = {
            v
            for v in (
                _valid(int(digits[3:]), int(digits[0]), int(digits[1:3])),
                _valid(int(digits[3:]), int(digits[:2]), int(digits[2])),
            )
            if v
        }
        if len(readings) == 1:
            return readings.pop(), f"seven-digit date {digits!r} read as M/D/YYYY"
        return None, f"seven-digit date {digits!r} is ambiguous"
    if n == 9:
        # A four-digit year that runs straight into a typo ("041720263pm").
        value = _valid(int(digits[4:8]), int(digits[:2]), int(digits[2:4]))
        if value:
            return value, f"stray digit after the date in {digits!r}"
    return None, f"digits {digits!r} are not a date"
