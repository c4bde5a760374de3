"""Read one published list (participating or pending) into normalized rows.

Columns are found by their header names, not their positions, so every
2025-2026 layout reads the same way: with or without ADDENDUM, extra columns,
trailing blank formatted rows, rows hidden by a saved filter (they are data).
Each row keeps ICE's raw cell text next to the normalized value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from g287.acquire.naming import Kind
from g287.errors import EmptyWorkbook, UnrecognizedLayout
from g287.read import cells
from g287.read.cells import RawCell
from g287.read.issues import DataIssue
from g287.read.xlsx import Sheet, Workbook, read_workbook

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


@dataclass
class Row:
    """One data row of a published list, raw and normalized side by side."""

    row_number: int
    hidden: bool
    state_raw: str
    state: str | None
    agency_raw: str
    agency: str | None
    type_raw: str | None
    type: str | None
    county_raw: str | None
    county: str | None
    support_raw: str | None
    model: str | None
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


def read_list(
    data: bytes, *, kind_hint: Kind = "unknown", reference: date | None = None
) -> ParsedList:
    """Parse a participating or pending workbook given as bytes."""
    book = read_workbook(data)
    return parse_workbook(book, kind_hint=kind_hint, reference=reference or date.today())


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

    rows: list[Row] = []
    seen: dict[tuple[object, ...], int] = {}
    cols = layout.columns
    for r in range(layout.header_row + 1, sheet.row_count + 1):
        row, found = _read_row(sheet, r, cols, layout.extra, reference)
        if row is None:
            continue
        rows.append(row)
        issues.extend(found)
        key = (
            row.state,
            row.agency and row.agency.upper(),
            row.type,
            row.county,
            row.model,
            row.signed,
            row.signed_raw,
            row.moa_status,
            row.moa_url,
        )
        if key in seen:
            issues.append(
                DataIssue("duplicate_row", f"same as row {seen[key]}", r, None, row.agency_raw)
            )
        else:
            seen[key] = r
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


def _read_row(
    sheet: Sheet,
    r: int,
    cols: dict[str, int],
    extra_cols: dict[str, int],
    reference: date,
) -> tuple[Row | None, list[DataIssue]]:
    def cell(name: str) -> RawCell | None:
        return sheet.cell(r, cols[name]) if name in cols else None

    present = {name: cell(name) for name in HEADERS}
    links = {
        name: sheet.hyperlinks.get((r, cols[name])) for name in ("moa", "addendum") if name in cols
    }
    if all(c is None or c.is_blank for c in present.values()) and not any(links.values()):
        return None, []  # a blank (possibly formatted) row
    issues: list[DataIssue] = []

    def note(column: str, found: cells.Found, raw: RawCell | None) -> None:
        for kind, text in found:
            raw_value = raw.text if raw is not None else None
            if kind == "safelink_unwrapped":
                raw_value = None  # never keep the raw safelink: it embeds a mailbox
            issues.append(DataIssue(kind, text, r, HEADER_LABEL[column], raw_value))

    blank = RawCell(None)
    state_cell = present["state"] or blank
    state, f = cells.normalize_state(state_cell)
    note("state", f, state_cell)
    agency_cell = present["agency"] or blank
    agency, f = cells.normalize_agency(agency_cell)
    note("agency", f, agency_cell)
    row = Row(
        row_number=r,
        hidden=r in sheet.hidden_rows,
        state_raw=state_cell.text,
        state=state,
        agency_raw=agency_cell.text,
        agency=agency,
        type_raw=None,
        type=None,
        county_raw=None,
        county=None,
        support_raw=None,
        model=None,
    )
    if (c := present["type"]) is not None:
        row.type_raw = c.text
        row.type, f = cells.normalize_type(c)
        note("type", f, c)
    if (c := present["county"]) is not None:
        row.county_raw = c.text
        row.county, f = cells.normalize_county(c)
        note("county", f, c)
    if (c := present["support"]) is not None:
        row.support_raw = c.text
        row.model, f = cells.normalize_model(c)
        note("support", f, c)
    if (c := present["signed"]) is not None:
        row.signed_raw = c.text
        row.signed, row.signed_kind, f = cells.normalize_signed(c, reference)
        note("signed", f, c)
    for name in ("moa", "addendum"):
        c = present[name]
        if c is None:
            continue
        link, f = cells.normalize_link(c, links.get(name))
        if name == "addendum" and link.status == "none":
            f = []
        note(name, f, c)
        setattr(row, f"{name}_raw", c.text)
        setattr(row, f"{name}_status", link.status)
        setattr(row, f"{name}_url", link.url)
    if extra_cols:
        values = {h: sheet.cell(r, c).text for h, c in extra_cols.items()}
        if any(values.values()):
            row.extra = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return row, issues
