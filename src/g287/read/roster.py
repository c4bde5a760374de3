"""The pre-2025 roster table of ICE's 287(g) page, read into rows for any of its eras (see
:mod:`g287.read.page`), and written as an in-memory participating workbook for the importer."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from g287.errors import ConfigError
from g287.model.dating import eastern_date
from g287.read.cells import RawCell, normalize_model, parse_date_text
from g287.read.publication import HEADER_LABEL, HEADERS

if TYPE_CHECKING:
    pass
from g287.read.page import _Cell, _parse, _Table, join_url, original_url

_LOOKUP = {alias: key for key, aliases in HEADERS.items() for alias in aliases}


_FOOTNOTE = re.compile(r"\s*([*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d\))$")


_DATE_TOKEN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")


_AS_OF = re.compile(r"as of\s+(\d{1,2}[/-]\d{1,2}[/-]\d{2,4})", re.IGNORECASE)


_SPLIT_MODELS = re.compile(r"\s*(?:/|,|&|\band\b|\n)\s*", re.IGNORECASE)


SIGNED_AS_PRINTED = "SIGNED AS PRINTED"


_ROSTER_COLUMNS = ("state", "agency", "support", "signed", "moa")


@dataclass(frozen=True)
class RosterRow:
    """One row of a roster table, as printed (footnote marks split off)."""

    state: str
    agency: str
    support: str
    signed: str  # as printed; several dates joined with "; "
    signed_date: date | None  # the (latest) date it gives, None when unreadable
    signed_plain: bool = True  # printed as exactly one date, nothing else
    moa_text: str = ""
    moa_url: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    footnotes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "agency": self.agency,
            "support": self.support,
            "signed": self.signed,
            "signed_date": self.signed_date.isoformat() if self.signed_date else None,
            "moa_text": self.moa_text,
            "moa_url": self.moa_url,
            "extra": dict(self.extra),
            "footnotes": list(self.footnotes),
        }


@dataclass(frozen=True)
class Roster:
    """The roster rows of one page, from every table that has roster columns."""

    rows: tuple[RosterRow, ...]
    headers: tuple[str, ...]  # as printed, of the first roster table
    columns: tuple[str, ...]  # canonical: state, agency, support, signed, moa (those present)
    extras: tuple[str, ...]  # headers g287 does not know, kept as extra columns
    tables: int
    as_of: date | None  # the caption's "as of" date, when there is one
    caption: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": len(self.rows),
            "tables": self.tables,
            "headers": list(self.headers),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "caption": self.caption,
        }


def _strip_marks(text: str) -> tuple[str, list[str]]:
    marks: list[str] = []
    while True:
        match = _FOOTNOTE.search(text)
        if not match or match.start() == 0:
            return text.strip(), marks
        marks.insert(0, match.group(1))
        text = text[: match.start()]


def _header_key(text: str) -> str:
    return re.sub(r"\s+", " ", _strip_marks(text)[0].upper().rstrip(":")).strip()


def _grid(rows: list[list[_Cell]]) -> list[list[tuple[_Cell, bool] | None]]:
    """Expand rowspan/colspan: each slot holds (cell, is_origin) or None.

    A rowspan repeats its value down (a state cell spanning its agencies); a
    colspan keeps the value in its first column only.
    """
    out: list[list[tuple[_Cell, bool] | None]] = []
    carry: dict[int, tuple[_Cell, int]] = {}  # column -> (cell, rows still to fill)
    for cells in rows:
        line: list[tuple[_Cell, bool] | None] = []
        queue = list(cells)
        col = 0
        while queue or any(c >= col for c in carry):
            if col in carry:
                cell, left = carry[col]
                line.append((cell, False))
                if left <= 1:
                    del carry[col]
                else:
                    carry[col] = (cell, left - 1)
                col += 1
                continue
            if not queue:
                line.append(None)
                col += 1
                continue
            cell = queue.pop(0)
            for k in range(cell.colspan):
                line.append((cell, True) if k == 0 else None)
                if cell.rowspan > 1:
                    carry[col + k] = (cell, cell.rowspan - 1)
            col += cell.colspan
        out.append(line)
    return out


def _map_header(texts: list[str]) -> dict[str, int] | None:
    keys = [_header_key(t) for t in texts]
    columns: dict[str, int] = {}
    for i, key in enumerate(keys):
        canon = _LOOKUP.get(key)
        if canon and canon not in columns:
            columns[canon] = i
    if "type" in columns and "support" not in columns:  # pre-2025: TYPE is the support type
        columns["support"] = columns.pop("type")
    if "agency" in columns and "signed" in columns:
        # a roster table has no TYPE, COUNTY or ADDENDUM; any such column is kept as extra
        return {k: i for k, i in columns.items() if k in _ROSTER_COLUMNS}
    return None


def _support_text(lines: list[str]) -> str:
    text = " ".join(lines)
    parts = [p for p in _SPLIT_MODELS.split("\n".join(lines)) if p]
    if len(parts) > 1:
        codes = {normalize_model(RawCell(p))[0] for p in parts}
        if codes == {"JEM", "TFM"}:
            legacy = all(p.upper() in ("JEO", "TFO") for p in parts)
            return "JEO/TFO" if legacy else "Jail & Task Force"
    return text


def _signed(lines: list[str]) -> tuple[str, date | None, bool]:
    """(as printed, latest date found, printed as exactly one plain date)."""
    printed = "; ".join(lines)
    single, note = parse_date_text(printed) if len(lines) == 1 else (None, None)
    if single is not None and note is None:
        return printed, single, True
    found = [parse_date_text(t)[0] for t in _DATE_TOKEN.findall(printed)]
    dates = [d for d in found if d is not None]
    return printed, (max(dates) if dates else None), False


def _clean_href(href: str, base: str) -> str:
    url = join_url(base, href.strip().replace("aria-label", "alt"))
    url = original_url(url)
    return re.sub(r"^http://", "https://", url, flags=re.IGNORECASE)


def _table_rows(
    table: _Table, base: str
) -> tuple[list[RosterRow], list[str], dict[str, int], list[str]] | None:
    grid = _grid(table.rows)
    for h in range(min(3, len(grid))):
        header_cells = [slot[0].text if slot else "" for slot in grid[h]]
        columns = _map_header(header_cells)
        if columns is not None:
            break
    else:
        return None
    known = set(columns.values())
    extras = {_header_key(t): i for i, t in enumerate(header_cells) if t.strip() and i not in known}
    rows: list[RosterRow] = []
    for line in grid[h + 1 :]:
        origins = [slot for slot in line if slot is not None and slot[1]]
        if len(origins) == 1 and origins[0][0].colspan > 1:
            continue  # a section heading spanning the table
        texts = [slot[0].text if slot else "" for slot in line]
        if _map_header(texts) is not None:
            continue  # the header repeated
        row = _roster_row(line, columns, extras, base)
        if row is not None:
            rows.append(row)
    return rows, header_cells, columns, list(extras)


def _roster_row(
    line: list[tuple[_Cell, bool] | None],
    columns: dict[str, int],
    extras: dict[str, int],
    base: str,
) -> RosterRow | None:
    def at(i: int | None) -> _Cell | None:
        slot = line[i] if i is not None and i < len(line) else None
        return slot[0] if slot is not None else None

    marks: list[str] = []

    def lines(name: str) -> list[str]:
        c = at(columns.get(name))
        if c is None:
            return []
        out = []
        for line_text in c.lines():
            value, found = _strip_marks(line_text.replace("aria-label", "alt"))
            marks.extend(found)
            out.append(value)
        marks.extend(m for m in c.marks if m)
        return [x for x in out if x]

    agency = " ".join(lines("agency"))
    if not agency:
        return None
    state = " ".join(lines("state"))
    printed, signed_date, plain = _signed(lines("signed"))
    support = _support_text(lines("support"))
    moa_cell = at(columns.get("moa"))
    hrefs = moa_cell.hrefs if moa_cell else []
    if moa_cell is None:  # no MOA column: a PDF linked anywhere in the row
        hrefs = [
            h
            for slot in line
            if slot is not None
            for h in slot[0].hrefs
            if ".pdf" in h.lower().replace("aria-label", "alt")
        ]
    moa_url = _clean_href(hrefs[0], base) if hrefs else None
    moa_text = moa_cell.text if moa_cell else ("Link" if moa_url else "")
    extra = tuple((name, c.text if (c := at(i)) else "") for name, i in extras.items())
    return RosterRow(
        state=state,
        agency=agency,
        support=support,
        signed=printed,
        signed_date=signed_date,
        signed_plain=plain,
        moa_text=moa_text,
        moa_url=moa_url,
        extra=extra,
        footnotes=tuple(dict.fromkeys(marks)),
    )


def parse_roster(html: bytes | str, base_url: str) -> Roster | None:
    """The roster rows of an archived ICE page, or None when it has no roster table.

    A roster table has an agency column (LAW ENFORCEMENT AGENCY, AGENCY, MOA NAME)
    and a signing-date column (SIGNED, DATE(S) SIGNED, OFFICIAL APPROVAL) in one of
    its first three rows. Every such table on the page is read (some eras split the
    list in two). Pages before April 2008 describe the program in prose: None.
    """
    parsed = _parse(html)
    base = join_url(base_url, parsed.base_href) if parsed.base_href else base_url
    rows: list[RosterRow] = []
    headers: list[str] | None = None
    columns: list[str] = []
    extras: list[str] = []
    caption: str | None = None
    tables = 0
    for table in parsed.tables:
        found = _table_rows(table, base)
        if found is None:
            continue
        table_rows, header_cells, mapped, table_extras = found
        tables += 1
        rows.extend(table_rows)
        if headers is None:
            headers = [t for t in header_cells if t]
            caption = " ".join("".join(table.caption).split()) or None
            if caption is None:
                match = re.search(r"[^.]*\bas of\b[^.]*$", table.preceding, re.IGNORECASE)
                caption = match.group(0).strip() if match else None
        for name in sorted(mapped, key=lambda k: list(HEADERS).index(k)):
            if name not in columns:
                columns.append(name)
        extras.extend(e for e in table_extras if e not in extras)
    if headers is None:
        return None
    if "moa" not in columns and any(r.moa_url for r in rows):
        columns.append("moa")
    if "state" not in columns:
        columns.insert(0, "state")
    as_of = None
    if caption and (m := _AS_OF.search(caption)):
        as_of = parse_date_text(m.group(1))[0]
    return Roster(
        rows=tuple(rows),
        headers=tuple(headers),
        columns=tuple(c for c in HEADERS if c in columns),
        extras=tuple(extras),
        tables=tables,
        as_of=as_of,
        caption=caption,
    )


def roster_file_name(captured_at: datetime) -> str:
    """``participatingAgencies<MMDDYYYY>.xlsx`` from the capture's Eastern date."""
    return f"participatingAgencies{eastern_date(captured_at):%m%d%Y}.xlsx"


def roster_workbook(roster: Roster, *, captured: date) -> bytes:
    """The roster as a participating workbook (participating header names, MOA hyperlinks).

    Only the columns the page printed are written (no TYPE or COUNTY before 2025),
    so the reader reports them missing rather than blank on every row. SIGNED is a
    date cell when the page printed a date; a cell listing several dates (or words
    beside a date) keeps the latest as SIGNED and the printed text in an extra
    column. The bytes depend only on the rows and the capture date, so the same
    table captured twice on one day is one publication.
    """
    try:
        import xlsxwriter  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - xlsxwriter ships with g287
        raise ConfigError(
            "importing roster pages needs xlsxwriter: pip install xlsxwriter"
        ) from None
    printed_column = any(r.signed_date is not None and not r.signed_plain for r in roster.rows)
    headers = [HEADER_LABEL[c] for c in roster.columns] + list(roster.extras)
    if printed_column:
        headers.append(SIGNED_AS_PRINTED)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {
            "title": "ICE 287(g) roster table",
            "subject": f"the roster table of ICE's 287(g) page captured on {captured.isoformat()}",
            "author": "g287",
            "created": datetime(captured.year, captured.month, captured.day),
        }
    )
    sheet = book.add_worksheet("roster")
    day = book.add_format({"num_format": "mm/dd/yyyy"})
    for c, header in enumerate(headers):
        sheet.write_string(0, c, header)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # xlsxwriter warns (and skips) over-long URLs
        for r, row in enumerate(roster.rows, start=1):
            values = {"state": row.state, "agency": row.agency, "support": row.support}
            for c, name in enumerate(roster.columns):
                if name == "signed":
                    if row.signed_date is not None:
                        sheet.write_datetime(
                            r, c, datetime.combine(row.signed_date, datetime.min.time()), day
                        )
                    elif row.signed:
                        sheet.write_string(r, c, row.signed)
                elif name == "moa":
                    if row.moa_url and len(row.moa_url) <= 2000:
                        sheet.write_url(r, c, row.moa_url, string=row.moa_text or "Link")
                    elif row.moa_text:
                        sheet.write_string(r, c, row.moa_text)
                elif values.get(name):
                    sheet.write_string(r, c, values[name])
            extra = dict(row.extra)
            for k, name in enumerate(roster.extras, start=len(roster.columns)):
                if extra.get(name):
                    sheet.write_string(r, k, extra[name])
            if printed_column and row.signed_date is not None and not row.signed_plain:
                sheet.write_string(r, len(headers) - 1, row.signed)
    book.close()
    return buffer.getvalue()
