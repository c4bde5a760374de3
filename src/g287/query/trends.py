"""One state's agreements over time, and the change events of one county or one agency.

:func:`state_timeline` counts, on every participating list the national timeline
covers (:func:`g287.query.history.timeline_series`), the distinct agreements of one
state printed on it, by model: the same figure as the national series, restricted to
a state (summed over every state it gives the national series back; a test checks).

:func:`county_events` and :func:`agency_events` are the change feed restricted to the
agencies that cover one county (its own agencies and its state's state-level agencies,
as :func:`g287.query.places.lookup` decides coverage) or to one agency.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from g287.enrich.geo import county as county_info
from g287.errors import NotFound
from g287.model.states import state_code
from g287.query.history import EVENT_ORDER, events_query, find_agency
from g287.query.records import _jsonable
from g287.store.schema import (
    agencies,
    agency_counties,
    agency_places,
    agreements,
    content_agreements,
    events,
    publication_rows,
    publications,
    timeline,
)


def state_timeline(conn: Connection, state: str) -> dict[str, Any]:
    """Agreements of ``state`` on each participating list, by model (the lists of the
    national timeline, oldest first; a list with none of the state's agreements counts 0)."""
    st = state_code(state)
    lists = [
        {"publication_id": pid, "label": label, "published_date": day.isoformat()}
        for pid, label, day in conn.execute(
            select(publications.c.id, publications.c.label, publications.c.published_date)
            .where(publications.c.id.in_(select(timeline.c.publication_id)))
            .order_by(publications.c.seq)
        )
    ]
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    q = (
        select(
            publication_rows.c.publication_id,
            agreements.c.model,
            func.count(func.distinct(agreements.c.id)),
        )
        .select_from(
            publication_rows.join(
                content_agreements,
                content_agreements.c.content_id == publication_rows.c.content_id,
            ).join(agreements, agreements.c.id == content_agreements.c.agreement_id)
        )
        .where(agreements.c.state == st)
        .group_by(publication_rows.c.publication_id, agreements.c.model)
    )
    for pid, model, n in conn.execute(q):
        counts[pid][model] = int(n)
    out = []
    for item in lists:
        by_model = dict(sorted(counts.get(item["publication_id"], {}).items()))
        out.append({**item, "by_model": by_model, "total": sum(by_model.values())})
    return {"state": st, "lists": out}


def _county_agencies(fips: str) -> Any:
    info = county_info(fips)
    if info is None:
        raise NotFound(f"no county with FIPS {fips!r}")
    own = select(agency_counties.c.agency_id).where(agency_counties.c.county_fips == fips)
    statewide = (
        select(agency_places.c.agency_id)
        .join(agencies, agencies.c.id == agency_places.c.agency_id)
        .where(agency_places.c.level == "state")
        .where(agencies.c.state == info.state)
    )
    return info, own.union(statewide)


def county_agency_ids(conn: Connection, fips: str) -> set[str]:
    """The ids of the agencies that cover one county: its own and its state's state-level."""
    _info, ids = _county_agencies(fips)
    return {r[0] for r in conn.execute(ids)}


def county_events(
    conn: Connection, fips: str, *, since: date | None = None, limit: int | None = 200
) -> list[dict[str, Any]]:
    """The change feed for one county (newest first): every event of an agency covering it."""
    info, ids = _county_agencies(fips)
    q = (
        events_query(since=since, state=info.state)
        .where(events.c.agency_id.in_(ids))
        .order_by(*EVENT_ORDER)
    )
    if limit:
        q = q.limit(limit)
    return [_jsonable(r) for r in conn.execute(q).mappings()]


def agency_events(
    conn: Connection, ref: str, *, since: date | None = None, limit: int | None = 200
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One agency (by id or name) and its change feed, newest first."""
    agency = find_agency(conn, ref)
    q = events_query(since=since).where(events.c.agency_id == agency["id"]).order_by(*EVENT_ORDER)
    if limit:
        q = q.limit(limit)
    return agency, [_jsonable(r) for r in conn.execute(q).mappings()]


def agency_county_map(conn: Connection) -> dict[str, tuple[str, ...]]:
    """Every agency's counties (a state-level agency: none listed here; it covers its
    whole state, which :func:`statewide_agencies` names)."""
    out: dict[str, list[str]] = defaultdict(list)
    for agency_id, fips in conn.execute(
        select(agency_counties.c.agency_id, agency_counties.c.county_fips).order_by(
            agency_counties.c.agency_id, agency_counties.c.county_fips
        )
    ):
        out[agency_id].append(fips)
    return {k: tuple(v) for k, v in out.items()}


def statewide_agencies(conn: Connection) -> set[str]:
    """The ids of the state-level agencies (they cover every county of their state)."""
    return {
        r[0]
        for r in conn.execute(
            select(agency_places.c.agency_id).where(agency_places.c.level == "state")
        )
    }


def with_places(conn: Connection, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events, each with its agency's counties (``county_fips``) and whether it is a
    state agency covering its whole state (``statewide``): what county filters match on."""
    counties = agency_county_map(conn)
    statewide = statewide_agencies(conn)
    return [
        {
            **e,
            "county_fips": list(counties.get(e["agency_id"], ())),
            "statewide": e["agency_id"] in statewide,
        }
        for e in found
    ]
