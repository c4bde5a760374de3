"""The roster workbook earlier versions of g287 wrote from a pre-2025 page (xlsxwriter) and
archived as a list: archives made then still hold them, so the tests make them to check
that such archives rebuild unchanged, and that a roster read directly reads the same."""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime

from g287.read.publication import HEADER_LABEL
from g287.read.roster import SIGNED_AS_PRINTED, Roster


def legacy_roster_name(captured: date) -> str:
    """The name those workbooks were archived under (the capture's Eastern date)."""
    return f"participatingAgencies{captured:%m%d%Y}.xlsx"


def roster_workbook(roster: Roster, *, captured: date) -> bytes:
    """The roster as a participating workbook (participating header names, MOA hyperlinks).

    Only the columns the page printed are written (no TYPE or COUNTY before 2025),
    so the reader reports them missing rather than blank on every row. SIGNED is a
    date cell when the page printed a date; a cell listing several dates (or words
    beside a date) keeps the latest as SIGNED and the printed text in an extra
    column. The bytes depend only on the rows and the capture date, so the same
    table captured twice on one day is one publication.
    """
    import xlsxwriter  # type: ignore[import-untyped]

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
