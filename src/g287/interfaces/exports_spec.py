"""The columns of each downloadable dataset: name, type and a label of at most 80
characters (the label becomes the Stata / SPSS variable label, the Parquet field
description and the XLSX ``about`` sheet's explanation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from g287.version import __version__

ColumnType = Literal["str", "int", "float", "bool", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    label: str


def _cols(*spec: tuple[str, ColumnType, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


AGREEMENTS = _cols(
    ("id", "str", "Agreement id: state-agency#model#first signing date (stable)"),
    ("agency_id", "str", "Agency id: state-canonical name (stable across renames)"),
    ("state", "str", "Two-letter state code"),
    ("model", "str", "287(g) model: JEM, WSO, TFM, TTF (tribal), JTF (jail and task force)"),
    ("name", "str", "Agency name as ICE printed it most recently"),
    ("signed", "date", "Signing date (the latest, corrected date ICE printed)"),
    ("first_signed", "date", "Signing date as first printed"),
    ("status", "str", "Status now: active, superseded (renewed) or removed"),
    ("status_as_of", "str", "With as_of: active on the list in force on that date"),
    ("level", "str", "Jurisdiction level of the agency: state, county, municipal, ..."),
    ("place_name", "str", "City of a municipal agency"),
    ("county_fips", "str", "FIPS codes of the counties in its jurisdiction, ;-separated"),
    ("type", "str", "ICE's TYPE column (County, Municipality, State Agency ...)"),
    ("county", "str", "ICE's COUNTY column, normalized"),
    ("first_listed", "date", "Date of the first ICE list that printed it"),
    ("first_publication_id", "str", "Id of the first ICE list that printed it"),
    ("first_publication", "str", "Label of the first ICE list that printed it"),
    ("last_listed", "date", "Date of the last ICE list that printed it"),
    ("last_publication_id", "str", "Id of the last ICE list that printed it"),
    ("last_publication", "str", "Label of the last ICE list that printed it"),
    ("removed_by", "date", "Date of the first list that no longer printed it"),
    ("removed_by_publication_id", "str", "Id of the first list that no longer printed it"),
    ("removal_flag", "str", "Removal note: model_switch, possible_resigning, ..."),
    ("predecessor_id", "str", "Agreement it renewed"),
    ("successor_id", "str", "Agreement that renewed it"),
    ("lineage_id", "str", "Id of the first agreement of its renewal chain"),
    ("resolution", "str", "How its rows were matched: exact, typo, rename, ..."),
    ("publications", "int", "Number of ICE lists that printed it"),
    ("gaps", "int", "Lists missing it between its first and last listing"),
    ("moa_status", "str", "MOA cell: linked, pending, ..."),
    ("moa_url", "str", "Link to the MOA on ice.gov"),
    ("addendum_url", "str", "Link to the addendum on ice.gov"),
    ("pending_id", "str", "Pending request it came from"),
)

AGENCIES = _cols(
    ("id", "str", "Agency id: state-canonical name (stable across renames)"),
    ("state", "str", "Two-letter state code"),
    ("name", "str", "Name as ICE printed it most recently"),
    ("canonical", "str", "Canonical name used to match rows"),
    ("spellings", "str", "Every canonical spelling ICE used, ;-separated"),
    ("level", "str", "Jurisdiction level: state, county, municipal, campus, ..."),
    ("place_id", "str", "Id of its city in the bundled cities table"),
    ("place_name", "str", "City of a municipal agency"),
    ("county_fips", "str", "FIPS codes of the counties in its jurisdiction, ;-separated"),
    ("unmatched_reason", "str", "Why no county or place was found, when none was"),
    ("agreements", "int", "Agreements it ever held"),
    ("active", "int", "Agreements active on the newest list"),
    ("pending", "int", "Pending requests it ever had"),
    ("first_listed", "date", "Date of the first ICE list that printed it"),
    ("last_listed", "date", "Date of the last ICE list that printed it"),
)

PUBLICATIONS = _cols(
    ("id", "str", "Publication id (pb_ + the first 12 hex digits of its sha256)"),
    ("kind", "str", "participating or pending"),
    ("label", "str", "Label: kind, ICE's date stamp, #n when ICE reused a name"),
    ("file_name", "str", "File name ICE published it under"),
    ("sha256", "str", "sha256 of the archived file"),
    ("published_date", "date", "Date g287 assigns it (from the file name or first sighting)"),
    ("date_source", "str", "Where the date comes from: file_name or first_seen"),
    ("date_flag", "str", "Note when the date was corrected"),
    ("ice_date", "date", "Date in ICE's file name"),
    ("part_of_day", "str", "am, mid or pm, from ICE's file name"),
    ("first_seen", "datetime", "When g287 (or an archive) first saw the file, UTC"),
    ("seq", "int", "Order among lists of its kind"),
    ("sheet_name", "str", "Sheet read"),
    ("header_row", "int", "Excel row of the header"),
    ("layout", "str", "Header names, |-separated"),
    ("row_count", "int", "Data rows"),
    ("hidden_rows", "int", "Hidden data rows"),
    ("filtered", "bool", "Whether the sheet had a filter on"),
    ("modified", "str", "Last-modified stamp inside the workbook"),
    ("states", "int", "States with at least one row"),
    ("signed_min", "date", "Earliest signing date printed"),
    ("signed_max", "date", "Latest signing date printed"),
    ("rows_jem", "int", "Rows of the Jail Enforcement Model"),
    ("rows_wso", "int", "Rows of the Warrant Service Officer model"),
    ("rows_tfm", "int", "Rows of the Task Force Model"),
    ("rows_ttf", "int", "Rows of the Tribal Task Force Model"),
    ("rows_jtf", "int", "Rows of the Jail & Task Force model"),
    ("moa_linked", "int", "Rows whose MOA cell links a document"),
    ("moa_pending", "int", "Rows whose MOA cell says pending"),
    ("issues_error", "int", "Data problems found, severity error"),
    ("issues_warning", "int", "Data problems found, severity warning"),
    ("issues_info", "int", "Data problems found, severity info"),
)

ROWS = _cols(
    ("publication_id", "str", "Id of the ICE list"),
    ("publication_label", "str", "Label of the ICE list"),
    ("publication_kind", "str", "participating or pending"),
    ("published_date", "date", "Date of the ICE list"),
    ("file_name", "str", "File name ICE published the list under"),
    ("sha256", "str", "sha256 of the archived file"),
    ("row_number", "int", "Excel row number in the sheet"),
    ("hidden", "bool", "Whether the row was hidden in the sheet"),
    ("content_id", "str", "Hash of the row's cells (same cells, same id)"),
    ("agreement_id", "str", "Agreement the row was resolved to"),
    ("pending_id", "str", "Pending request the row was resolved to"),
    ("state_raw", "str", "STATE as printed"),
    ("state", "str", "State, two-letter code"),
    ("agency_raw", "str", "LAW ENFORCEMENT AGENCY as printed"),
    ("agency", "str", "Agency name, cleaned (spaces, quotes)"),
    ("type_raw", "str", "TYPE as printed"),
    ("type", "str", "TYPE, normalized"),
    ("county_raw", "str", "COUNTY as printed"),
    ("county", "str", "COUNTY, normalized"),
    ("support_raw", "str", "SUPPORT TYPE as printed"),
    ("model", "str", "Model code read from SUPPORT TYPE"),
    ("signed_raw", "str", "SIGNED as printed"),
    ("signed_kind", "str", "How SIGNED was read: date, repaired, text, ..."),
    ("signed", "date", "Signing date, when unambiguous"),
    ("moa_raw", "str", "MOA cell text as printed"),
    ("moa_status", "str", "MOA cell: linked, pending, ..."),
    ("moa_url", "str", "MOA link (safelinks unwrapped)"),
    ("addendum_raw", "str", "ADDENDUM cell text as printed"),
    ("addendum_status", "str", "ADDENDUM cell status"),
    ("addendum_url", "str", "Addendum link"),
    ("extra", "str", "Cells of columns g287 does not read, as JSON"),
)

CHANGES = _cols(
    ("id", "str", "Event id (stable)"),
    ("published_date", "date", "Date of the list the change appeared on"),
    ("kind", "str", "Change: added, renewed, removed, renamed, re_dated, ..."),
    ("list_kind", "str", "participating or pending"),
    ("publication_id", "str", "Id of the list the change appeared on"),
    ("publication", "str", "Label of the list the change appeared on"),
    ("previous_publication_id", "str", "Id of the list before it"),
    ("subject_id", "str", "Agreement or pending request that changed"),
    ("agency_id", "str", "Agency id"),
    ("state", "str", "Two-letter state code"),
    ("model", "str", "287(g) model code"),
    ("name", "str", "Agency name on that list"),
    ("field", "str", "Field that changed"),
    ("before", "str", "Value before"),
    ("after", "str", "Value after"),
    ("related_id", "str", "Predecessor, successor or resulting agreement"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "agreements": AGREEMENTS,
    "agencies": AGENCIES,
    "publications": PUBLICATIONS,
    "rows": ROWS,
    "changes": CHANGES,
}
TITLES = {
    "agreements": "287(g) agreements, one row per agreement",
    "agencies": "Agencies holding or requesting 287(g) agreements",
    "publications": "ICE's published 287(g) lists held by g287",
    "rows": "Every row of every ICE 287(g) list, with its source file and Excel row",
    "changes": "Changes between consecutive ICE 287(g) lists",
}
DESCRIPTIONS = {
    "agreements": "Agreements reconstructed across ICE's lists (agency x model x signing "
    "date), with status, lineage, jurisdiction and the first and last lists printing them. "
    "With as_of: the agreements on the newest list published by that date.",
    "agencies": "One body in one state across all the names ICE printed, with its "
    "jurisdiction level, place and counties.",
    "publications": "Each list ICE published (file, sha256, date and how it was decided, "
    "sheet layout) with row, model and data-problem counts.",
    "rows": "Each row of each list as ICE printed it beside the normalized values, with "
    "the list, file, sha256 and Excel row it came from and what it was resolved to.",
    "changes": "The event feed: every change between consecutive lists, with stable ids.",
}


PROJECT_URL = "https://github.com/g287/g287"

FormatName = Literal["csv", "json", "geojson", "xlsx", "parquet", "dta", "sav"]
DatasetName = Literal["agreements", "agencies", "publications", "rows", "changes"]


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    media_type: str
    title: str


FORMATS: dict[str, Format] = {
    "csv": Format(
        "csv", ".csv", "text/csv; charset=utf-8", "CSV (UTF-8; citation in datapackage.json)"
    ),
    "xlsx": Format(
        "xlsx",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook (data and about sheets)",
    ),
    "parquet": Format("parquet", ".parquet", "application/vnd.apache.parquet", "Apache Parquet"),
    "geojson": Format("geojson", ".geojson", "application/geo+json", "GeoJSON (RFC 7946)"),
    "json": Format("json", ".json", "application/json", "JSON"),
    "dta": Format("dta", ".dta", "application/x-stata-dta", "Stata 14+ (.dta, version 118)"),
    "sav": Format("sav", ".sav", "application/x-spss-sav", "SPSS (.sav)"),
}
GEO_DATASETS = ("agreements", "agencies")


@dataclass
class Dataset:
    """One dataset, ready to write once: its columns, its rows (an iterator), and what it
    reflects (``as_of``: the date of the newest list it was built from)."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Iterable[dict[str, Any]]
    as_of: str | None
    publication: str | None
    asked_as_of: str | None = None
    version: str = __version__
    shapes: Callable[[dict[str, Any]], Any] | None = field(default=None, repr=False)

    @property
    def citation(self) -> str:
        return citation(self.as_of, self.publication, dataset=self.name, version=self.version)

    @property
    def label(self) -> str:
        """At most 80 characters (the Stata and SPSS file label)."""
        short = f"g287 {self.version} {self.name} as of {self.as_of or '-'}"
        text = f"{short}; cite g287 ({PROJECT_URL})"
        return text if len(text) <= 80 else short[:80]

    def metadata(self) -> dict[str, Any]:
        return {
            "dataset": self.name,
            "title": self.title,
            "description": self.description,
            "as_of": self.as_of,
            "asked_as_of": self.asked_as_of,
            "publication": self.publication,
            "g287_version": self.version,
            "citation": self.citation,
        }

    def file_name(self, fmt: str) -> str:
        day = self.asked_as_of or self.as_of or "empty"
        return f"g287-{self.name}-{day}{FORMATS[fmt].suffix}"


def citation(
    as_of: str | None,
    publication: str | None,
    *,
    dataset: str | None = None,
    version: str = __version__,
) -> str:
    """How to cite g287's data as of a list."""
    on = f"data as of {as_of}" if as_of else "no list imported"
    via = f" (newest ICE list used: {publication})" if publication else ""
    which = f"dataset '{dataset}', " if dataset else ""
    return (
        f"g287 contributors, g287: ICE 287(g) agreements reconstructed from ICE's published "
        f"lists, {which}g287 {version}, {on}{via}. {PROJECT_URL}"
    )
