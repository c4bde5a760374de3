"""The agency list: every agreement with its agency, sortable and filterable on the server
(works without JavaScript), paged, with the matching rows as CSV.

It is :func:`g287.query.catalog.search_agreements`, the query behind ``GET /api/agreements``
and ``g287 agreements``: the same filters (state, model, kind of agency, status, name,
ICE's county, a date) and sorts, rendered.
"""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.errors import InvalidQuery, NotFound
from g287.interfaces.csv_safe import SafeWriter
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_changes import page_numbers
from g287.interfaces.web.pages_common import (
    MODELS,
    Page,
    parse_day,
    parse_state,
    render,
    state_name,
)
from g287.model.levels import LEVELS
from g287.model.states import STATES
from g287.query import catalog
from g287.query.history import STATUSES
from g287.query.urls import public_link

router = APIRouter(include_in_schema=False)
PER_PAGE = 100
MAX_TEXT = 120
# column key -> (the sort key search_agreements takes, its header)
COLUMNS = (
    ("name", "Agency"),
    ("state", "State"),
    ("county", "County (as ICE lists it)"),
    ("model", "Model"),
    ("signed", "Signed"),
    ("status", "Status"),
    ("first_listed", "On ICE's lists since"),
)
CSV_COLUMNS = (
    "id",
    "agency_id",
    "name",
    "state",
    "county",
    "level",
    "model",
    "signed",
    "status",
    "first_listed",
    "last_listed",
    "moa_url",
)


def _filters(
    state: str | None,
    model: str | None,
    level: str | None,
    status: str | None,
    text: str | None,
    county: str | None,
    date: str | None,
    sort: str,
    signed_from: str | None = None,
    signed_to: str | None = None,
) -> dict[str, Any]:
    if model and model.upper() not in MODELS:
        raise InvalidQuery(f"model must be one of {', '.join(MODELS)}")
    if level and level not in LEVELS:
        raise InvalidQuery(f"kind of agency must be one of {', '.join(LEVELS)}")
    if status and status not in STATUSES:
        raise InvalidQuery(f"status must be one of {', '.join(STATUSES)}")
    if date and status and status != "active":
        raise InvalidQuery("on a date, every agreement listed is active on that date")
    for name, value in (("name", text), ("county", county)):
        if value and (len(value) > MAX_TEXT or any(ord(ch) < 32 for ch in value)):
            raise InvalidQuery(f"{name} must be at most {MAX_TEXT} plain characters")
    if sort.lstrip("-") not in {key for key, _ in COLUMNS}:
        raise InvalidQuery(f"sort must be one of {', '.join(k for k, _ in COLUMNS)}")
    return {
        "state": parse_state(state) if state else None,
        "model": model.upper() if model else None,
        "level": level or None,
        "status": status or None,
        "text": text.strip() or None if text else None,
        "county": county.strip() or None if county else None,
        "as_of": parse_day(date),
        "signed_from": parse_day(signed_from),
        "signed_to": parse_day(signed_to),
        "sort": sort,
    }


def _search(conn: Any, f: dict[str, Any], **page: Any) -> dict[str, Any]:
    return catalog.search_agreements(
        conn,
        state=f["state"],
        model=f["model"],
        level=f["level"],
        status=f["status"],
        text=f["text"],
        county=f["county"],
        signed_from=f["signed_from"],
        signed_to=f["signed_to"],
        as_of=f["as_of"],
        sort=f["sort"],
        **page,
    )


@router.get("/agencies", name="agency_list")
def agency_list_page(
    request: Request,
    conn: ConnDep,
    state: str | None = None,
    model: str | None = None,
    level: str | None = None,
    status: str | None = None,
    text: str | None = None,
    county: str | None = None,
    date: str | None = None,
    signed_from: str | None = None,
    signed_to: str | None = None,
    sort: str = "name",
    page: int = 1,
) -> Response:
    if page < 1:
        raise InvalidQuery("page must be 1 or more")
    f = _filters(state, model, level, status, text, county, date, sort, signed_from, signed_to)
    found = _search(conn, f, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    pages = max(1, -(-found["count"] // PER_PAGE))
    if page > pages:
        raise NotFound(f"there are {pages} pages of these agreements, not {page}")
    here = Page(request)
    asked = {
        "state": f["state"],
        "model": f["model"],
        "level": f["level"],
        "status": f["status"],
        "text": f["text"],
        "county": f["county"],
        "date": date or None,
        "signed_from": signed_from or None,
        "signed_to": signed_to or None,
    }

    def link(n: int, sort_by: str = sort) -> str:
        return here.url(
            "/agencies",
            **asked,
            sort=sort_by if sort_by != "name" else None,
            page=n if n > 1 else None,
        )

    current = sort.lstrip("-")
    headers = []
    for key, title in COLUMNS:
        descending = sort.startswith("-")
        if key == current:
            aria = "descending" if descending else "ascending"
            target = key if descending else "-" + key
        else:
            aria, target = None, key
        headers.append({"key": key, "title": title, "aria": aria, "href": link(1, target)})
    return render(
        request,
        "agency_list.html",
        {
            "found": found,
            "rows": found["data"],
            "headers": headers,
            "filters": {k: v or "" for k, v in asked.items()},
            "sort": sort,
            "page": page,
            "pages": pages,
            "first_shown": (page - 1) * PER_PAGE + 1,
            "last_shown": (page - 1) * PER_PAGE + len(found["data"]),
            "page_links": [(n, link(n)) for n in page_numbers(page, pages)],
            "prev_url": link(page - 1) if page > 1 else None,
            "next_url": link(page + 1) if page < pages else None,
            "csv_url": here.url("/agencies.csv", **asked, sort=sort if sort != "name" else None),
            "levels": LEVELS,
            "statuses": STATUSES,
            "state_choices": sorted(((c, state_name(c)) for c in STATES), key=lambda x: x[1]),
        },
    )


@router.get("/agencies.csv", name="agency_list_csv")
def agency_list_csv(
    conn: ConnDep,
    state: str | None = None,
    model: str | None = None,
    level: str | None = None,
    status: str | None = None,
    text: str | None = None,
    county: str | None = None,
    date: str | None = None,
    signed_from: str | None = None,
    signed_to: str | None = None,
    sort: str = "name",
) -> Response:
    """Every agreement the list shows for these filters (all pages), as CSV: a header row
    and the data, text cells neutralized for spreadsheets."""
    f = _filters(state, model, level, status, text, county, date, sort, signed_from, signed_to)
    found = _search(conn, f)
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for r in found["data"]:
        writer.writerow(
            [
                public_link(r.get(c))
                if c == "moa_url"
                else r.get("status_as_of", r["status"])
                if c == "status"
                else r.get(c)
                for c in CSV_COLUMNS
            ]
        )
    stamp = found["as_of"] or "now"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="g287-agreements-{stamp}.csv"'},
    )
