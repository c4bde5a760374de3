"""Read one published list (participating or pending) into normalized rows.

Columns are found by their header names, not their positions, so every
2025-2026 layout reads the same way: with or without ADDENDUM, extra columns,
trailing blank formatted rows, rows hidden by a saved filter (they are data).
Each row keeps ICE's raw cell text next to the normalized value.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from g287.errors import EmptyWorkbook, UnrecognizedLayout
from g287.model.issues import DataIssue
from g287.model.naming import Kind
from g287.read import cells
from g287.read.cells import RawCell
from g287.read.xlsx import Sheet, Workbook, read_workbook

__all__ = ["CellIssue", "Layout", "ParsedList", "Row", "RowContent", "read_list"]

# canonical column -> accepted header spellings (upper-case, squished)
HEADERS: dict[str, tuple[str, ...]] = {
    "state": ("STATE",),
    "agency": (
        "LAW ENFORCEMENT AGENCY",
        "AGENCY",
        "AGENCY NAME",
        "MOA NAME",
        "LAW ENFORCEMENT AGENCIES",
    ),
    "type": ("TYPE", "JURISDICTION TYPE", "AGENCY TYPE"),
    "county": ("COUNTY", "COUNTY NAME", "COUNTY/PARISH"),
    "support": ("SUPPORT TYPE", "MODEL", "287(G) MODEL", "SUPPORT"),
    "signed": (
        "SIGNED",
        "DATE SIGNED",
        "DATE(S) SIGNED",
        "DATES SIGNED",
        "SIGNED DATE",
        "OFFICIAL APPROVAL",
    ),
    "moa": ("MOA", "MOA LINK", "MOAS"),
    "addendum": ("ADDENDUM", "ADDENDA", "ADDENDUMS"),
}
HEADER_LABEL = {
    "state": "STATE",
    "agency": "LAW ENFORCEMENT AGENCY",
    "type": "TYPE",
    "county": "COUNTY",
    "support": "SUPPORT TYPE",
    "signed": "SIGNED",
    "moa": "MOA",
    "addendum": "ADDENDUM",
}
EXPECTED = {
    "participating": ("state", "agency", "type", "county", "support", "signed", "moa"),
    "pending": ("state", "agency", "type", "county", "support"),
}
_LOOKUP = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True, slots=True)
class RowContent:
    """What ICE printed in one row, raw and normalized side by side.

    Identical rows in different lists share one content (and one id), so a
    history of hundreds of lists stores each distinct row once.
    """

    state_raw: str
    state: str | None
    agency_raw: str
    agency: str | None
    type_raw: str | None = None
    type: str | None = None
    county_raw: str | None = None
    county: str | None = None
    support_raw: str | None = None
    model: str | None = None
    signed_raw: str | None = None
    signed_kind: str | None = None
    signed: date | None = None
    moa_raw: str | None = None
    moa_status: str | None = None
    moa_url: str | None = None
    addendum_raw: str | None = None
    addendum_status: str | None = None
    addendum_url: str | None = None
    extra: str | None = None  # JSON object of unknown columns

    def content_id(self) -> str:
        """A stable hash of every field: the row content's identity."""
        text = "\x1f".join("" if v is None else repr(v) for v in self._values())
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _CONTENT_FIELDS)

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _CONTENT_FIELDS}


_CONTENT_FIELDS = tuple(f.name for f in fields(RowContent))


@dataclass(frozen=True, slots=True)
class CellIssue:
    """A data problem in one cell of a row content (the row number comes from its placement)."""

    kind: str
    note: str
    column: str | None
    raw_value: str | None


@dataclass(slots=True)
class Row:
    """One placed row of one list: its Excel row number, visibility, and content."""

    row_number: int
    hidden: bool
    content: RowContent
    content_id: str
    issues: tuple[CellIssue, ...] = ()

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") or name in Row.__slots__:  # e.g. while unpickling
            raise AttributeError(name)
        return getattr(self.content, name)


@dataclass
class Layout:
    sheet_name: str
    header_row: int
    columns: dict[str, int]  # canonical name -> 0-based column
    extra: dict[str, int]  # unknown header -> 0-based column

    def describe(self) -> str:
        named = sorted(self.columns.items(), key=lambda kv: kv[1])
        return "|".join(HEADER_LABEL[k] for k, _ in named) + (
            "|+" + "|".join(sorted(self.extra)) if self.extra else ""
        )


@dataclass
class ParsedList:
    kind: Kind
    layout: Layout
    rows: list[Row]
    issues: list[DataIssue] = field(default_factory=list)
    modified: str | None = None
    hidden_rows: int = 0
    filtered: bool = False
    # (placements, fresh contents) while a parsed list travels between processes
    compact: tuple[list[tuple[int, bool, str]], dict[str, Any]] | None = None

    def all_issues(self) -> list[DataIssue]:
        """Every issue: each row's cell issues at its row number, then the list's own."""
        placed = [
            DataIssue(i.kind, i.note, row.row_number, i.column, i.raw_value)
            for row in self.rows
            for i in row.issues
        ]
        return placed + self.issues


def _header_key(value: object) -> str:
    text = cells.clean_text(cells.raw_text(value))[0].upper().rstrip(":*")
    return re.sub(r"\s+", " ", text).strip()


def find_layout(sheets: list[Sheet]) -> Layout:
    """The first sheet row that names at least STATE and the agency column."""
    for sheet in sheets:
        for r in range(1, min(HEADER_SCAN_ROWS, sheet.row_count) + 1):
            values = sheet.rows[r - 1]
            columns: dict[str, int] = {}
            extra: dict[str, int] = {}
            for c, value in enumerate(values):
                key = _header_key(value)
                if not key:
                    continue
                canon = _LOOKUP.get(key)
                if canon and canon not in columns:
                    columns[canon] = c
                else:
                    extra[key] = c
            if "state" in columns and "agency" in columns:
                return Layout(sheet.name, r, columns, extra)
    names = ", ".join(repr(s.name) for s in sheets)
    raise UnrecognizedLayout(
        f"no sheet ({names}) has a header row with STATE and LAW ENFORCEMENT AGENCY"
    )


def read_list(data: bytes, *, reference: date, kind_hint: Kind = "unknown") -> ParsedList:
    """Parse a participating or pending workbook given as bytes. ``reference`` is the day
    the list stands for (ICE's date in its name, else when it was first seen): a signing
    date far after it is implausible. It is never today, so a file reads the same on any
    day."""
    book = read_workbook(data)
    return parse_workbook(book, kind_hint=kind_hint, reference=reference)


def parse_workbook(book: Workbook, *, kind_hint: Kind, reference: date) -> ParsedList:
    sheet_by_name = {s.name: s for s in book.sheets}
    layout = find_layout(book.sheets)
    sheet = sheet_by_name[layout.sheet_name]
    issues: list[DataIssue] = []
    by_columns: Kind = "participating" if "signed" in layout.columns else "pending"
    kind: Kind = kind_hint if kind_hint != "unknown" else by_columns
    if kind_hint != "unknown" and kind_hint != by_columns:
        issues.append(
            DataIssue(
                "kind_mismatch",
                f"file name says {kind_hint} but the columns look like a {by_columns} list",
            )
        )
    for col in EXPECTED[kind]:
        if col not in layout.columns:
            issues.append(
                DataIssue(
                    "missing_column", f"no {HEADER_LABEL[col]} column", column=HEADER_LABEL[col]
                )
            )
    for name in sorted(layout.extra):
        issues.append(
            DataIssue("extra_column", f"unknown column {name!r} kept as extra", column=name)
        )

    reader = _RowReader(sheet, layout, reference)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for r in range(layout.header_row + 1, sheet.row_count + 1):
        row = reader.read(r)
        if row is None:
            continue
        rows.append(row)
        if row.content_id in seen:
            issues.append(
                DataIssue(
                    "duplicate_row",
                    f"identical to row {seen[row.content_id]}",
                    r,
                    None,
                    row.content.agency_raw,
                )
            )
        else:
            seen[row.content_id] = r
    if not rows:
        raise EmptyWorkbook(f"sheet {layout.sheet_name!r} has a header but no data rows")
    hidden = sum(1 for row in rows if row.hidden)
    if hidden:
        issues.append(
            DataIssue(
                "hidden_rows",
                f"{hidden} of {len(rows)} rows are hidden"
                + (" by a saved filter" if sheet.filtered else "")
                + "; they are data and are counted",
            )
        )
    return ParsedList(kind, layout, rows, issues, book.modified, hidden, sheet.filtered)


# Row contents are cached across lists on the raw cells: ICE's lists repeat the same
# rows publication after publication, so a history reads each distinct row once.
_CONTENT_CACHE: dict[tuple[Any, ...], Any] = {}
_CACHE_LIMIT = 500_000


_BLANK = object()  # cached marker: the raw cells make a blank row


class _RowReader:
    def __init__(self, sheet: Sheet, layout: Layout, reference: date) -> None:
        self.sheet = sheet
        self.columns = [(name, layout.columns[name]) for name in HEADERS if name in layout.columns]
        self.indexes = tuple(c for _, c in self.columns)
        self.link_indexes = tuple(c for name, c in self.columns if name in ("moa", "addendum"))
        self.extra = sorted(layout.extra.items())
        self.extra_indexes = tuple(c for _, c in self.extra)
        self.latest_signed = reference + cells.SIGNED_SLACK
        self.errors_by_row: dict[int, dict[int, str]] = defaultdict(dict)
        for (row, col), code in sheet.errors.items():
            self.errors_by_row[row][col] = code
        self.links_by_row: dict[int, dict[int, str]] = defaultdict(dict)
        for (row, col), url in sheet.hyperlinks.items():
            self.links_by_row[row][col] = url
        width = min((len(r) for r in sheet.rows), default=0)
        wanted = self.indexes + self.extra_indexes
        self.fast = bool(wanted) and max(wanted) < width  # every row is wide enough

    def read(self, r: int) -> Row | None:
        sheet = self.sheet
        values = sheet.rows[r - 1] if r <= len(sheet.rows) else []
        if self.fast:
            vals = tuple([values[c] for c in self.indexes])
            extra = tuple([values[c] for c in self.extra_indexes])
        else:
            width = len(values)
            vals = tuple(values[c] if c < width else None for c in self.indexes)
            extra = tuple(values[c] if c < width else None for c in self.extra_indexes)
        row_errors = self.errors_by_row.get(r)
        errs = tuple([row_errors.get(c) for c in self.indexes]) if row_errors else ()
        row_links = self.links_by_row.get(r)
        lnks = tuple([row_links.get(c) for c in self.link_indexes]) if row_links else ()
        key = (tuple(map(type, vals)), vals, errs, lnks, tuple(map(type, extra)), extra)
        cached = _CONTENT_CACHE.get(key)
        if cached is None:
            cached = self._normalize_row(r)
            if len(_CONTENT_CACHE) > _CACHE_LIMIT:
                _CONTENT_CACHE.clear()
            _CONTENT_CACHE[key] = cached
        if cached is _BLANK:
            return None
        content, content_id, found = cached
        if content.signed is not None and content.signed > self.latest_signed:
            content = replace(content, signed=None)
            content_id = content.content_id()
            found = (
                *found,
                CellIssue(
                    "impossible_date",
                    f"SIGNED {content.signed_raw} is more than a year after the list's date",
                    "SIGNED",
                    content.signed_raw,
                ),
            )
        return Row(r, r in sheet.hidden_rows, content, content_id, found)

    def _normalize_row(self, r: int) -> Any:
        sheet = self.sheet
        raw = {name: sheet.cell(r, c) for name, c in self.columns}
        links = {
            name: sheet.hyperlinks.get((r, c))
            for name, c in self.columns
            if name in ("moa", "addendum")
        }
        extra = {h: sheet.cell(r, c).text for h, c in self.extra}
        if (
            all(c.is_blank for c in raw.values())
            and not any(links.values())
            and not any(extra.values())
        ):
            return _BLANK  # a blank (possibly formatted) row
        return _normalize(raw, links, extra)


def _normalize(
    present: dict[str, RawCell], links: dict[str, str | None], extra: dict[str, str]
) -> tuple[RowContent, str, tuple[CellIssue, ...]]:
    issues: list[CellIssue] = []

    def note(column: str, found: cells.Found, raw: RawCell) -> None:
        for kind, text in found:
            raw_value: str | None = raw.text
            if kind == "safelink_unwrapped":
                raw_value = None  # never keep the raw safelink: it embeds a mailbox
            issues.append(CellIssue(kind, text, HEADER_LABEL[column], raw_value))

    blank = RawCell(None)
    state_cell = present.get("state", blank)
    state, f = cells.normalize_state(state_cell)
    note("state", f, state_cell)
    agency_cell = present.get("agency", blank)
    agency, f = cells.normalize_agency(agency_cell)
    note("agency", f, agency_cell)
    values: dict[str, Any] = {
        "state_raw": state_cell.text,
        "state": state,
        "agency_raw": agency_cell.text,
        "agency": agency,
    }
    if (c := present.get("type")) is not None:
        values["type_raw"] = c.text
        values["type"], f = cells.normalize_type(c)
        note("type", f, c)
    if (c := present.get("county")) is not None:
        values["county_raw"] = c.text
        values["county"], f = cells.normalize_county(c)
        note("county", f, c)
    if (c := present.get("support")) is not None:
        values["support_raw"] = c.text
        values["model"], f = cells.normalize_model(c)
        note("support", f, c)
    if (c := present.get("signed")) is not None:
        values["signed_raw"] = c.text
        values["signed"], values["signed_kind"], f = cells.normalize_signed(c)
        note("signed", f, c)
    for name in ("moa", "addendum"):
        c = present.get(name)
        if c is None:
            continue
        link, f = cells.normalize_link(c, links.get(name))
        if name == "addendum" and link.status == "none":
            f = []
        note(name, f, c)
        values[f"{name}_raw"] = c.text
        values[f"{name}_status"] = link.status
        values[f"{name}_url"] = link.url
    if any(extra.values()):
        values["extra"] = json.dumps(extra, sort_keys=True, ensure_ascii=False)
    content = RowContent(**values)
    return content, content.content_id(), tuple(issues)
