"""Pages of the resolved history with a total count: agreements (with the jurisdiction
level of their agency), agencies, and the change feed.

These are the lists behind the JSON API, the downloads, the CLI and the pages:
:func:`search_agreements` is the one query for agreements (as of any date), each with
the jurisdiction level and place of its agency.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    func,
    or_,
    select,
    type_coerce,
)

from g287.errors import InvalidQuery
from g287.model.levels import LEVELS
from g287.model.models import MODEL_NAMES
from g287.model.states import state_code
from g287.query.history import (
    EVENT_ORDER,
    SORTS,
    STATUSES,
    events_query,
    on_list,
    publication_as_of,
)
from g287.query.records import records as _records
from g287.store.like import contains, contains_pattern, like
from g287.store.schema import (
    agencies,
    agency_counties,
    agency_places,
    agreements,
    pending_requests,
    publications,
)

AGENCY_SORTS = {
    "id": agencies.c.id,
    "name": agencies.c.name,
    "state": agencies.c.state,
    "agreements": agencies.c.agreements,
    "first_listed": agencies.c.first_listed,
    "last_listed": agencies.c.last_listed,
}


def _check(*, model: str | None = None, level: str | None = None) -> None:
    if model is not None and model.upper() not in MODEL_NAMES:
        raise InvalidQuery(f"model must be one of {', '.join(MODEL_NAMES)}")
    if level is not None and level not in LEVELS:
        raise InvalidQuery(f"level must be one of {', '.join(LEVELS)}")


def _columns(table: Table) -> list[Any]:
    """A table's columns, its dates read as the ISO text the JSON answers carry: SQLite
    stores them so and the database driver's round trip through ``date`` is skipped
    (PostgreSQL still returns dates, which :func:`_jsonable` writes the same way)."""
    return [
        type_coerce(c, String).label(c.name) if isinstance(c.type, Date) else c
        for c in table.columns
        if isinstance(c, Column)
    ]


def _page(
    conn: Connection, q: Select[Any], order: list[Any], limit: int | None, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    total = int(conn.execute(select(func.count()).select_from(q.subquery())).scalar_one())
    q = q.order_by(*order)
    if limit:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    return total, _records(conn.execute(q))


def search_agreements(
    conn: Connection,
    *,
    state: str | None = None,
    model: str | None = None,
    level: str | None = None,
    status: str | None = None,
    text: str | None = None,
    county: str | None = None,
    signed_from: date | None = None,
    signed_to: date | None = None,
    as_of: date | None = None,
    sort: str = "id",
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """Agreements, filtered, one page: ``{as_of, publication, count, data}``.

    With ``as_of``, exactly the agreements on the newest participating list published
    by then (each marked ``status_as_of: active``). ``level`` is the jurisdiction level
    of the agency (state, county, municipal, ...); ``county`` matches ICE's COUNTY text;
    ``signed_from`` and ``signed_to`` bound the signing date (both included).
    """
    if status is not None and status not in STATUSES:
        raise InvalidQuery(f"status must be one of {', '.join(STATUSES)}")
    _check(model=model, level=level)
    if sort.lstrip("-") not in SORTS:
        raise InvalidQuery(f"sort must be one of {', '.join(SORTS)} (prefix - to reverse)")
    publication = None
    params: dict[str, Any] = {}
    if as_of is not None:
        if status is not None and status != "active":
            raise InvalidQuery("with as_of, every agreement listed is active on that date")
        publication = publication_as_of(conn, as_of)
        params["publication_id"] = publication["id"]
    elif status:
        params["status"] = status
    if state:
        params["state"] = state_code(state)
    if model:
        params["model"] = model.upper()
    if level:
        params["level"] = level
    if text:
        params["text"] = contains_pattern(text)
    if county:
        params["county"] = contains_pattern(county)
    if signed_from:
        params["signed_from"] = signed_from
    if signed_to:
        params["signed_to"] = signed_to
    if limit:
        params["limit"] = limit
    if offset:
        params["offset"] = offset
    shape = tuple(sorted(params))
    page, counted = _agreements_query(shape, sort)
    rows = _records(conn.execute(page, params))
    if rows and not offset and (not limit or len(rows) < limit):
        total = len(rows)  # the whole result fits on this page
    else:
        counting = {k: v for k, v in params.items() if k not in ("limit", "offset")}
        total = conn.execute(counted, counting).scalar_one()
    if publication is not None:
        for r in rows:
            r["status_as_of"] = "active"
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "publication": (
            {k: publication[k] for k in ("id", "label", "published_date")} if publication else None
        ),
        "count": int(total),
        "data": rows,
    }


@functools.lru_cache(maxsize=512)
def _agreements_query(filters: tuple[str, ...], sort: str) -> tuple[Select[Any], Select[Any]]:
    """The statements for one set of filters (values bound at execution): one page of
    agreements, and their total count (which joins the places only to filter by level,
    so it is answered from an index). Built once per shape, so a request only binds."""
    conditions: list[Any] = []
    if "publication_id" in filters:
        conditions.append(agreements.c.id.in_(on_list(bindparam("publication_id"))))
    for name, column in (
        ("status", agreements.c.status),
        ("state", agreements.c.state),
        ("model", agreements.c.model),
        ("level", agency_places.c.level),
    ):
        if name in filters:
            conditions.append(column == bindparam(name))
    if "text" in filters:
        needle = bindparam("text", type_=String)
        conditions.append(
            or_(like(func.lower(agreements.c.name), needle), like(agreements.c.id, needle))
        )
    if "county" in filters:
        conditions.append(like(func.lower(agreements.c.county), bindparam("county", type_=String)))
    if "signed_from" in filters:
        conditions.append(agreements.c.signed >= bindparam("signed_from", type_=Date))
    if "signed_to" in filters:
        conditions.append(agreements.c.signed <= bindparam("signed_to", type_=Date))
    joined = agreements.outerjoin(
        agency_places, agency_places.c.agency_id == agreements.c.agency_id
    )
    page = (
        select(
            *_columns(agreements),
            agency_places.c.level,
            agency_places.c.place_name,
            agency_places.c.place_id,
        )
        .select_from(joined)
        .where(*conditions)
    )
    column = SORTS[sort.lstrip("-")]
    page = page.order_by(column.desc() if sort.startswith("-") else column, agreements.c.id)
    if "limit" in filters:
        page = page.limit(bindparam("limit", type_=Integer))
    if "offset" in filters:
        page = page.offset(bindparam("offset", type_=Integer))
    counted = select(func.count()).select_from(joined if "level" in filters else agreements)
    return page, counted.where(*conditions)


def list_agencies(
    conn: Connection,
    *,
    state: str | None = None,
    level: str | None = None,
    text: str | None = None,
    sort: str = "id",
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """Agencies, filtered, one page, with their jurisdiction level and place:
    ``{count, data}``. ``text`` matches the name, any spelling ICE used, or the id."""
    _check(level=level)
    if sort.lstrip("-") not in AGENCY_SORTS:
        raise InvalidQuery(f"sort must be one of {', '.join(AGENCY_SORTS)} (prefix - to reverse)")
    q = select(
        *_columns(agencies),
        agency_places.c.level,
        agency_places.c.place_id,
        agency_places.c.place_name,
        agency_places.c.unmatched_reason,
    ).select_from(agencies.outerjoin(agency_places, agency_places.c.agency_id == agencies.c.id))
    if state:
        q = q.where(agencies.c.state == state_code(state))
    if level:
        q = q.where(agency_places.c.level == level)
    if text:
        q = q.where(
            or_(
                contains(agencies.c.name, text),
                contains(agencies.c.spellings, text),
                contains(agencies.c.id, text),
            )
        )
    column = AGENCY_SORTS[sort.lstrip("-")]
    total, rows = _page(
        conn, q, [column.desc() if sort.startswith("-") else column, agencies.c.id], limit, offset
    )
    for r in rows:
        r["spellings"] = json.loads(r["spellings"])
    return {"count": total, "data": rows}


def events_page(
    conn: Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
    state: str | None = None,
    model: str | None = None,
    list_kind: str | None = None,
    subject_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """The change feed, newest first (:data:`g287.query.history.EVENT_ORDER`), one page
    with its total: ``{count, data}``; the one query for events (``data`` alone is the
    list the feeds, the CLI and the exports render)."""
    q = events_query(
        since=since,
        until=until,
        kind=kind,
        state=state,
        model=model,
        list_kind=list_kind,
        subject_id=subject_id,
    )
    total, rows = _page(conn, q, list(EVENT_ORDER), limit, offset)
    return {"count": total, "data": rows}


def event_kinds(
    conn: Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
    state: str | None = None,
    model: str | None = None,
) -> dict[str, int]:
    """How many change events of each kind match the filters (all of them, not a page)."""
    q = events_query(since=since, until=until, kind=kind, state=state, model=model).subquery()
    rows = conn.execute(select(q.c.kind, func.count()).group_by(q.c.kind).order_by(q.c.kind))
    return {str(k): int(n) for k, n in rows}


def has_agency(conn: Connection, agency_id: str) -> bool:
    """Whether an agency has exactly this id."""
    found = conn.execute(select(agencies.c.id).where(agencies.c.id == agency_id)).first()
    return found is not None


def site_map(conn: Connection) -> dict[str, Any]:
    """What a sitemap lists, with the date each last changed: the newest list's date, the
    states and counties where ICE ever listed an agreement or a pending request, and every
    agency and agreement (``last_listed``; a pending-only agency: its pending request's)."""
    newest = conn.execute(select(func.max(publications.c.published_date))).scalar()
    pending_last = (
        select(pending_requests.c.agency_id, func.max(pending_requests.c.last_listed).label("d"))
        .group_by(pending_requests.c.agency_id)
        .subquery()
    )
    agency_rows = conn.execute(
        select(agencies.c.id, agencies.c.state, agencies.c.last_listed, pending_last.c.d)
        .outerjoin(pending_last, pending_last.c.agency_id == agencies.c.id)
        .order_by(agencies.c.id)
    ).all()
    agency_list = [
        {"id": i, "state": st, "last_listed": _iso(max(d for d in (a, b) if d) if a or b else None)}
        for i, st, a, b in agency_rows
    ]
    agreement_list = [
        {"id": i, "last_listed": _iso(d)}
        for i, d in conn.execute(
            select(agreements.c.id, agreements.c.last_listed).order_by(agreements.c.id)
        )
    ]
    counties = sorted(
        str(f) for (f,) in conn.execute(select(agency_counties.c.county_fips).distinct())
    )
    return {
        "newest": _iso(newest),
        "states": sorted({a["state"] for a in agency_list}),
        "counties": counties,
        "agencies": agency_list,
        "agreements": agreement_list,
    }


def _iso(day: Any) -> str | None:
    if day is None:
        return None
    return day.isoformat() if hasattr(day, "isoformat") else str(day)
