"""Build small ICE-style workbooks for tests, with openpyxl (a different writer than ICE's)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font

PARTICIPATING = [
    "STATE",
    "LAW ENFORCEMENT AGENCY",
    "TYPE",
    "COUNTY",
    "SUPPORT TYPE",
    "SIGNED",
    "MOA",
    "ADDENDUM",
]
PENDING = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"]

SAFELINK = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F"
    "{name}&data=05%7C02%7Cstaff.person%40ice.dhs.gov%7Cabc&sdata=xyz&reserved=0"
)


def build(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    headers: Sequence[str] = PARTICIPATING,
    links: dict[tuple[int, str], str] | None = None,
    hidden: Sequence[int] = (),
    header_row: int = 1,
    sheet_name: str = "Sheet1",
    blank_formatted_rows: int = 0,
    autofilter: bool = False,
    date_format: str = "mm-dd-yy",
) -> Path:
    """Write ``rows`` under ``headers``; ``links`` maps (data-row index, header) to a URL;
    ``hidden`` lists data-row indexes to hide."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_name
    for c, name in enumerate(headers, start=1):
        ws.cell(header_row, c, name).font = Font(bold=True)
    for i, row in enumerate(rows):
        r = header_row + 1 + i
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            if hasattr(value, "year"):
                cell.number_format = date_format
        if i in hidden:
            ws.row_dimensions[r].hidden = True
    for (i, header), url in (links or {}).items():
        cell = ws.cell(header_row + 1 + i, list(headers).index(header) + 1)
        cell.hyperlink = url
    last = header_row + len(rows)
    for k in range(blank_formatted_rows):
        ws.cell(last + 1 + k, 1).font = Font(italic=True)
        ws.row_dimensions[last + 1 + k].height = 33
    if autofilter:
        ws.auto_filter.ref = f"A{header_row}:{openpyxl.utils.get_column_letter(len(headers))}{last}"
        ws.auto_filter.add_filter_column(4, ["Task Force Model"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
