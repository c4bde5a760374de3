"""The pre-2025 roster table of ICE's 287(g) page, read into rows for any of its eras (see
:mod:`g287.read.page`), and into the :class:`~g287.read.publication.ParsedList` the workbook
reader makes of a participating list (:func:`roster_list`), so the importer stores it like
any list while its raw file stays the archived page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from g287.errors import UnrecognizedLayout
from g287.model.dating import eastern_date
from g287.read.cells import RawCell, normalize_model, parse_date_text
from g287.read.page import _Cell, _parse, _Table, join_url, original_url
from g287.read.publication import HEADER_LABEL, HEADERS, ParsedList, parse_workbook
from g287.read.xlsx import Sheet, Workbook

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
    """``participatingAgencies<MMDDYYYY>.html`` from the capture's Eastern date: the name of
    a roster list, whose raw file is the archived page (so it is served as what it is)."""
    return f"participatingAgencies{eastern_date(captured_at):%m%d%Y}.html"


ROSTER_MARK = "#g287-roster-"
_ROSTER_SOURCE = re.compile(r"^(.*?)#g287-roster-([0-9a-f]{16})(?:;base=(.+))?$", re.DOTALL)


def roster_source(page_url: str, page_sha: str, base_url: str | None = None) -> str:
    """The source of the roster list read from a page: ``<page url>#g287-roster-<sha16>``,
    plus ``;base=<url>`` when the page's links were resolved against another address (the
    backfill gives the one ICE served the page at), so a rebuild reads the same rows."""
    source = f"{page_url}{ROSTER_MARK}{page_sha[:16]}"
    return source if base_url in (None, page_url) else f"{source};base={base_url}"


def roster_base(source: str) -> str | None:
    """The address a roster source resolves the page's links against (None: not one)."""
    match = _ROSTER_SOURCE.match(source)
    if match is None:
        return None
    return match.group(3) or match.group(1)


def _roster_sheet(roster: Roster) -> Sheet:
    """The roster as the sheet the workbook reader would find in a participating workbook
    written from it: participating header names, only the columns the page printed (no
    TYPE or COUNTY before 2025, so the reader reports them missing rather than blank on
    every row), SIGNED a date when the page printed one; a cell listing several dates (or
    words beside a date) keeps the latest as SIGNED and the printed text in an extra
    column; MOA links as hyperlinks."""
    printed_column = any(r.signed_date is not None and not r.signed_plain for r in roster.rows)
    headers = [HEADER_LABEL[c] for c in roster.columns] + list(roster.extras)
    if printed_column:
        headers.append(SIGNED_AS_PRINTED)
    rows: list[list[Any]] = [list(headers)]
    hyperlinks: dict[tuple[int, int], str] = {}
    for r, row in enumerate(roster.rows, start=2):
        values: list[Any] = [""] * len(headers)
        plain = {"state": row.state, "agency": row.agency, "support": row.support}
        for c, name in enumerate(roster.columns):
            if name == "signed":
                values[c] = row.signed_date if row.signed_date is not None else row.signed
            elif name == "moa":
                if row.moa_url and len(row.moa_url) <= MAX_URL:
                    values[c] = row.moa_text or "Link"
                    hyperlinks[(r, c)] = row.moa_url
                else:
                    values[c] = row.moa_text
            else:
                values[c] = plain.get(name, "")
        extra = dict(row.extra)
        for k, name in enumerate(roster.extras, start=len(roster.columns)):
            values[k] = extra.get(name, "")
        if printed_column and row.signed_date is not None and not row.signed_plain:
            values[-1] = row.signed
        rows.append(values)
    return Sheet(ROSTER_SHEET, rows, hyperlinks=hyperlinks)


ROSTER_SHEET = "roster"
MAX_URL = 2000  # a longer MOA link is kept as its text (as a workbook would: Excel's limit)


def roster_list(roster: Roster, *, captured: date, reference: date | None = None) -> ParsedList:
    """The roster as a participating list: the :class:`ParsedList` the workbook reader makes
    (same layout, rows, cell issues and list issues as a workbook of those rows would give),
    read by :func:`g287.read.publication.parse_workbook` from an in-memory sheet, with no
    workbook written. ``captured`` is the capture's Eastern date (the list's modified time);
    ``reference`` (default ``captured``) the day it stands for. Never today."""
    book = Workbook([_roster_sheet(roster)], modified=f"{captured.isoformat()}T00:00:00Z")
    return parse_workbook(book, kind_hint="participating", reference=reference or captured)


def read_roster_page(
    html: bytes, *, source: str, captured: date, reference: date | None = None
) -> ParsedList:
    """Read an archived page as the roster list of ``source`` (see :func:`roster_source`):
    the rebuild's way back from the raw page to the same rows. :class:`InputError` when the
    page has no roster table (or the source is not a roster's)."""
    base = roster_base(source)
    if base is None:
        raise UnrecognizedLayout(f"{source!r} is not the source of a roster list")
    roster = parse_roster(html, base)
    if roster is None:
        raise UnrecognizedLayout("the page has no roster table")
    return roster_list(roster, captured=captured, reference=reference)
