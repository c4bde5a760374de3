"""Who covers a place (county, city or point), with which powers, on any date; coverage figures.

An agreement *covers* a county when its agency's jurisdiction includes the county:
a state agency covers every county of its state; a sheriff or county agency, a
regional, judicial or constable district, a campus or port covers the counties in
its jurisdiction (a part of them, for the last five); a municipal police department
covers its city (reported for a city lookup, and listed separately for a county)."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    bindparam,
    select,
    union,
)

from g287.enrich.geo import county as county_info
from g287.enrich.geo import county_at, match_city, match_county
from g287.enrich.powers import summary as powers_summary
from g287.errors import InvalidQuery, NotFound
from g287.model.states import state_code
from g287.query.history import on_list, publication_as_of
from g287.query.publications import resolve_publication
from g287.query.records import records
from g287.store.schema import (
    agencies,
    agency_counties,
    agency_places,
    agreements,
    content_pending,
    pending_requests,
    publication_rows,
)

MODEL_STRENGTH = {"TFM": 3, "TTF": 3, "JTF": 3, "JEM": 2, "WSO": 1}


WHOLE_COUNTY_LEVELS = ("county",)


PENDING_GROUP_ORDER = ("city", "county", "state", "part_of_county", "other_cities_in_county")


PART_COUNTY_LEVELS = (
    "regional",
    "judicial_district",
    "constable_district",
    "campus",
    "port",
    "corrections_facility",
    "tribal",
    "other",
)


def _target(
    *,
    county: str | None,
    state: str | None,
    fips: str | None,
    city: str | None,
    lat: float | None,
    lon: float | None,
) -> dict[str, Any]:
    """Resolve what the user asked for to a county FIPS (and a city, if any)."""
    if state:
        state = state_code(state)
    if fips:
        found = county_info(fips)
        if found is None:
            raise NotFound(f"no county has FIPS code {fips!r}")
        return {
            "county_fips": found.fips,
            "county": found.name,
            "state": found.state,
            "city": None,
            "how": "fips",
        }
    if lat is not None and lon is not None:
        code = county_at(lat, lon)
        if code is None:
            raise NotFound(f"the point {lat}, {lon} is in no U.S. county")
        found = county_info(code)
        return {
            "county_fips": code,
            "county": found.name if found else code,
            "state": found.state if found else None,
            "city": None,
            "how": "point",
            "point": [lat, lon],
        }
    if city:
        if not state:
            raise InvalidQuery("a city lookup needs a state")
        place = match_city(state, city)
        if place is None:
            raise NotFound(f"no city {city!r} in {state}")
        found = county_info(place.county_fips)
        return {
            "county_fips": place.county_fips,
            "county": found.name if found else None,
            "state": state,
            "how": "city",
            "city": {"id": place.id, "name": place.name, "lat": place.lat, "lng": place.lng},
        }
    if county:
        if not state:
            raise InvalidQuery("a county lookup needs a state")
        match = match_county(state, county)
        if match is None or match.single is None:
            raise NotFound(f"no county {county!r} in {state}")
        found = county_info(match.single)
        return {
            "county_fips": match.single,
            "county": found.name if found else county,
            "state": state,
            "city": None,
            "how": f"county:{match.how}",
        }
    raise InvalidQuery("give county and state, fips, city and state, or lat and lon")


def _active_on(conn: Connection, as_of: date | None) -> tuple[Any, dict[str, Any] | None]:
    """A subquery of the agreement ids active now, or on the newest list by ``as_of``."""
    if as_of is None:
        return select(agreements.c.id).where(agreements.c.status == "active"), None
    pub = publication_as_of(conn, as_of)
    return on_list(pub["id"]), pub


def _covering_agencies(name: str) -> Subquery:
    """The ids of the agencies that may cover one county (``county_fips`` bound at
    execution): its own agencies and every state-level agency."""
    return union(
        select(agency_counties.c.agency_id).where(
            agency_counties.c.county_fips == bindparam("county_fips")
        ),
        select(agency_places.c.agency_id).where(agency_places.c.level == "state"),
    ).subquery(name)


@functools.cache
def _lookup_query(as_of: bool) -> Select[Any]:
    """The agreements of one state that cover one county (values bound at execution):
    those active now, or (``as_of``) those printed on one list; built once."""
    current: ColumnElement[bool]
    if as_of:
        current = agreements.c.id.in_(on_list(bindparam("publication_id")))
    else:
        current = agreements.c.status == "active"
    # the agencies that may cover the county (its own, and every state-level agency),
    # then their agreements: read through the agency index, not every agreement of a state
    ids = _covering_agencies("ids")
    return (
        select(
            agreements, agency_places.c.level, agency_places.c.place_id, agency_places.c.place_name
        )
        .select_from(
            ids.join(agreements, agreements.c.agency_id == ids.c.agency_id).join(
                agency_places, agency_places.c.agency_id == agreements.c.agency_id
            )
        )
        .where(current)
        .where(agreements.c.state == bindparam("state"))
        .order_by(agreements.c.agency_id, agreements.c.model, agreements.c.signed)
    )


@functools.cache
def _pending_query(as_of: bool) -> Select[Any]:
    """The pending requests of one state whose agency covers one county (values bound at
    execution): those still waiting on ICE's newest pending list, or (``as_of``) those
    printed on one pending list; built once."""
    current: ColumnElement[bool]
    if as_of:
        printed = (
            select(content_pending.c.pending_id)
            .join(publication_rows, publication_rows.c.content_id == content_pending.c.content_id)
            .where(publication_rows.c.publication_id == bindparam("pending_publication_id"))
        )
        current = pending_requests.c.id.in_(printed)
    else:
        current = pending_requests.c.status == "waiting"
    ids = _covering_agencies("pending_ids")
    return (
        select(
            pending_requests,
            agency_places.c.level,
            agency_places.c.place_id,
            agency_places.c.place_name,
        )
        .select_from(
            ids.join(pending_requests, pending_requests.c.agency_id == ids.c.agency_id).join(
                agency_places, agency_places.c.agency_id == pending_requests.c.agency_id
            )
        )
        .where(current)
        .where(pending_requests.c.state == bindparam("state"))
        .order_by(pending_requests.c.agency_id, pending_requests.c.model, pending_requests.c.id)
    )


def _group(level: str | None, place_id: str | None, city_id: str | None, city_county: bool) -> str:
    """How an agency at ``level`` covers the place looked up (a key of ``covering``)."""
    if level == "state":
        return "state"
    if level in WHOLE_COUNTY_LEVELS:
        return "county"
    if level == "municipal":
        own = (city_id and place_id == city_id) or city_county
        return "city" if own else "other_cities_in_county"
    return "part_of_county"


def lookup(
    conn: Connection,
    *,
    county: str | None = None,
    state: str | None = None,
    fips: str | None = None,
    city: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Every agreement covering a place, grouped by how it covers it, with powers and links;
    and the requests on ICE's pending list from agencies that would cover it (``pending``,
    each with its ``group``: still waiting now, or printed on the newest pending list by
    ``as_of``)."""
    target = _target(county=county, state=state, fips=fips, city=city, lat=lat, lon=lon)
    st, code = target["state"], target["county_fips"]
    pub = publication_as_of(conn, as_of) if as_of is not None else None
    params = {"state": st, "county_fips": code}
    if pub is not None:
        params["publication_id"] = pub["id"]
    q = _lookup_query(pub is not None)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    city_id = target["city"]["id"] if target["city"] else None
    info = county_info(code)
    city_county = bool(info and info.is_independent_city)  # the county is itself a city
    for item in records(conn.execute(q, params)):
        item["powers"] = powers_summary(item["model"])
        groups[_group(item["level"], item["place_id"], city_id, city_county)].append(item)
    try:  # no pending list (yet, or by that date): nothing was pending
        pending_pub = (
            publication_as_of(conn, as_of, kind="pending")
            if as_of is not None
            else resolve_publication(conn, "latest-pending")
        )
    except NotFound:
        pending_pub = None
    pending = []
    if pending_pub is not None:
        pq = _pending_query(as_of is not None)
        pparams = dict(params)
        if as_of is not None:
            pparams["pending_publication_id"] = pending_pub["id"]
        for item in records(conn.execute(pq, pparams)):
            item["group"] = _group(item["level"], item["place_id"], city_id, city_county)
            pending.append(item)
    pending.sort(key=lambda r: (PENDING_GROUP_ORDER.index(r["group"]), r["name"], r["model"]))
    return {
        "place": target,
        "as_of": as_of.isoformat() if as_of else None,
        "publication": {k: pub[k] for k in ("id", "label", "published_date")} if pub else None,
        "covering": {
            g: groups.get(g, [])
            for g in ("state", "county", "city", "part_of_county", "other_cities_in_county")
        },
        "count": sum(len(v) for g, v in groups.items() if g != "other_cities_in_county"),
        "pending_publication": (
            {k: pending_pub[k] for k in ("id", "label", "published_date")} if pending_pub else None
        ),
        "pending": pending,
    }


def unmatched_agencies(conn: Connection) -> list[dict[str, Any]]:
    """Agencies with no county found (state agencies cover their state and are not listed)."""
    q = (
        select(
            agencies.c.id,
            agencies.c.state,
            agencies.c.name,
            agencies.c.agreements,
            agency_places.c.level,
            agency_places.c.rule,
            agency_places.c.ice_type,
            agency_places.c.ice_county,
            agency_places.c.unmatched_reason,
        )
        .join(agency_places, agency_places.c.agency_id == agencies.c.id)
        .where(and_(agency_places.c.unmatched_reason.is_not(None)))
        .order_by(agencies.c.state, agencies.c.name)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def agency_place(conn: Connection, agency_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(agency_places).where(agency_places.c.agency_id == agency_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    out = dict(row)
    out["notes"] = json.loads(out["notes"])
    out["counties"] = [
        r[0]
        for r in conn.execute(
            select(agency_counties.c.county_fips).where(agency_counties.c.agency_id == agency_id)
        )
    ]
    return out


def agency_jurisdictions(conn: Connection) -> list[dict[str, Any]]:
    """Every agency's jurisdiction: state, level, place point, counties (FIPS), and why
    nothing was found when nothing was (for maps and GeoJSON)."""
    counties_of: dict[str, list[str]] = defaultdict(list)
    for agency_id, code in conn.execute(
        select(agency_counties.c.agency_id, agency_counties.c.county_fips).order_by(
            agency_counties.c.agency_id, agency_counties.c.county_fips
        )
    ):
        counties_of[agency_id].append(code)
    q = (
        select(
            agencies.c.id,
            agencies.c.state,
            agency_places.c.level,
            agency_places.c.place_lat,
            agency_places.c.place_lng,
            agency_places.c.unmatched_reason,
        )
        .select_from(agencies.outerjoin(agency_places, agency_places.c.agency_id == agencies.c.id))
        .order_by(agencies.c.id)
    )
    return [
        {
            "agency_id": r.id,
            "state": r.state,
            "level": r.level,
            "place_lat": r.place_lat,
            "place_lng": r.place_lng,
            "unmatched_reason": r.unmatched_reason,
            "counties": counties_of.get(r.id, []),
        }
        for r in conn.execute(q)
    ]
