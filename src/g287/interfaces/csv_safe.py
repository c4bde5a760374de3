"""The one CSV writer g287 uses for files people open in spreadsheets.

Spreadsheet programs run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some drop a leading tab or carriage return first (so ``\\t=1+1`` becomes
``=1+1``). ICE's sheets are typed by hand and copied from e-mail, and anyone can send
g287 a workbook, so every *text* cell that begins with one of those characters is
written with a single quote in front (OWASP's advice for CSV injection): ``'=cmd|...``,
``'\\t=1+1``. Nothing is stripped, so the original text is the cell less its first
character.

Values that are numbers in Python (a negative count, a ``float``) are written as they
are: a number is not a formula, and prefixing ``-1`` would turn it into text. Only the
columns g287 types as ``str`` can carry text from a sheet.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may read as the start of a formula."""


def neutralize(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text that could start a formula gets a
    leading ``'``; numbers, booleans and ``None`` are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


class SafeWriter:
    """``csv.writer`` that neutralizes every text cell (see :func:`neutralize`); other
    values are written as ``text(value)`` (default: ``str``, ``None`` as empty), never
    prefixed, so a negative number stays a number."""

    def __init__(self, out: IO[str], *, text: Callable[[Any], str] = _plain) -> None:
        self._writer = csv.writer(out, lineterminator="\n")
        self._text = text

    def writerow(self, cells: Iterable[Any]) -> None:
        self._writer.writerow(
            [neutralize(c) if isinstance(c, str) else self._text(c) for c in cells]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
