"""Place pages: states, counties, cities, and the lookup form (county, city or a point)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from g287.enrich.geo import counties as all_counties
from g287.enrich.geo import county as county_info
from g287.enrich.geo import match_county
from g287.enrich.powers import POWERS
from g287.errors import G287Error, InvalidQuery, NotFound
from g287.interfaces.feeds import TITLES as EVENT_TITLES
from g287.interfaces.web.charts import state_trend
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import (
    Page,
    embed_snippet,
    parse_day,
    parse_state,
    render,
    state_name,
    wants_json,
)
from g287.interfaces.web.pages_home import map_data
from g287.interfaces.web.pages_svg import county_paths, state_paths, state_view_box
from g287.model.states import STATES
from g287.query import catalog, places
from g287.query import history as h
from g287.query.policy import conflicts, state_policies

router = APIRouter(include_in_schema=False)
GROUPS = ("city", "county", "part_of_county", "state", "other_cities_in_county")
GROUP_TITLES = {
    "state": "State agencies (their officers act across the whole state)",
    "county": "The sheriff or county (the whole county)",
    "city": "The city's own police",
    "part_of_county": "Agencies covering part of the county (campus, port, district, regional)",
    "other_cities_in_county": "Other cities and towns in the county",
}
PENDING_GROUPS = {
    "state": "a state agency (the whole state)",
    "county": "the sheriff or county (the whole county)",
    "city": "the city's own police",
    "part_of_county": "part of the county",
    "other_cities_in_county": "another city in the county",
}
RECENT = 12


def _state_choices() -> list[tuple[str, str]]:
    return sorted(((code, state_name(code)) for code in STATES), key=lambda x: x[1])


def _recent_for(conn: Connection, state: str, agency_ids: set[str] | None) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = catalog.events_page(
        conn, state=state, limit=None if agency_ids is not None else RECENT
    )["data"]
    if agency_ids is not None:
        events = [e for e in events if e["agency_id"] in agency_ids][:RECENT]
    return events


@router.get("/states", name="states")
def states_index(request: Request, conn: ConnDep) -> Response:
    status = h.status(conn)
    active = catalog.search_agreements(conn, status="active")["data"]
    per: dict[str, dict[str, int]] = {}
    for a in active:
        row = per.setdefault(a["state"], {})
        row[a["model"]] = row.get(a["model"], 0) + 1
    today = dt.date.today()
    stances = {p["state"]: p["stance"] for p in state_policies(day=today)}
    rows = [
        {
            "code": code,
            "name": name,
            "total": sum(per.get(code, {}).values()),
            "by_model": per.get(code, {}),
            "stance": stances.get(code, "none"),
        }
        for code, name in _state_choices()
    ]
    return render(
        request,
        "states.html",
        {"rows": rows, "status": status, "today": today.isoformat()},
    )


@router.get("/states/{code}", name="state")
def state_page(request: Request, conn: ConnDep, code: str, date: str | None = None) -> Response:
    st = parse_state(code)
    if st != code:
        return RedirectResponse(Page(request).url(f"/states/{st}", date=date), status_code=301)
    asked = parse_day(date)
    data = map_data(conn, asked)
    layers = data["layers"]
    listed = catalog.search_agreements(
        conn, state=st, as_of=asked, status=None if asked else "active", sort="name"
    )
    by_model: dict[str, int] = {}
    for a in listed["data"]:
        by_model[a["model"]] = by_model.get(a["model"], 0) + 1
    ended = []
    if not asked:
        for gone in ("removed", "superseded"):
            ended += catalog.search_agreements(conn, state=st, status=gone, sort="name")["data"]
    classes = {
        fips: (f"w-{m}" if fips in layers["whole"] else f"p-{m}")
        for fips, m in {**layers["part"], **layers["whole"]}.items()
        if fips.startswith(STATES[st][1])
    }
    county_rows = [r for r in data["counties"] if r["state"] == st]
    today = dt.date.today()
    policy = state_policies(st, today)[0]
    found = conflicts(conn, state=st)["conflicts"]
    page = Page(request)
    return render(
        request,
        "state.html",
        {
            "st": st,
            "name": state_name(st),
            "asked": asked.isoformat() if asked else None,
            "map_day": data["day"],
            "publication": layers["publication"],
            "agreements": listed["data"],
            "by_model": by_model,
            "ended": ended,
            "state_model": layers["state_agencies"].get(st),
            "county_rows": county_rows,
            "counties_total": len(all_counties(st)),
            "view_box": state_view_box(st),
            "county_paths": county_paths(classes, state=st),
            "state_paths": state_paths({}, state=st),
            "policy": policy,
            "conflicts": found,
            "recent": _recent_for(conn, st, None),
            "titles": EVENT_TITLES,
            "trend": state_trend(conn, st, month_label=page.t.month, number=page.t.number),
        },
    )


def _place_page(
    request: Request, conn: ConnDep, found: dict[str, Any], asked: dt.date | None
) -> Response:
    place = found["place"]
    st = place["state"]
    fips = place["county_fips"]
    ids = {a["agency_id"] for group in found["covering"].values() for a in group}
    ids.update(p["agency_id"] for p in found["pending"])
    info = county_info(fips)
    classes = {fips: "here"}
    policy = state_policies(st, asked or dt.date.today())[0]
    from g287.interfaces.web.pages_feeds import county_feed_paths

    where = f"{place['county']}, {state_name(st)}"
    return render(
        request,
        "place.html",
        {
            "found": found,
            "place": place,
            "st": st,
            "fips": fips,
            "population": info.population_2025 if info else None,
            "groups": [(g, GROUP_TITLES[g], found["covering"][g]) for g in GROUPS],
            "pending_groups": PENDING_GROUPS,
            "asked": asked.isoformat() if asked else None,
            "policy": policy,
            "recent": _recent_for(conn, st, ids),
            "titles": EVENT_TITLES,
            "powers": POWERS,
            "view_box": state_view_box(st),
            "county_paths": county_paths(classes, state=st),
            "state_paths": state_paths({}, state=st),
            "publication": found["publication"] or county_layers_publication(conn),
            "feeds": county_feed_paths(fips),
            "embed": embed_snippet(Page(request), fips, where),
        },
    )


def county_layers_publication(conn: Connection) -> dict[str, Any]:
    latest = h.status(conn)["latest_publication"]
    return {k: latest[k] for k in ("id", "label", "published_date")}


@router.get("/counties/{fips}", name="county")
def county_page(request: Request, conn: ConnDep, fips: str, date: str | None = None) -> Response:
    if not (fips.isdigit() and len(fips) == 5):
        raise NotFound(f"{fips!r} is not a 5-digit county FIPS code")
    asked = parse_day(date)
    return _place_page(request, conn, places.lookup(conn, fips=fips, as_of=asked), asked)


@router.get("/cities/{code}/{name}", name="city")
def city_page(
    request: Request, conn: ConnDep, code: str, name: str, date: str | None = None
) -> Response:
    st = parse_state(code)
    asked = parse_day(date)
    found = places.lookup(conn, city=name, state=st, as_of=asked)
    return _place_page(request, conn, found, asked)


@router.get("/lookup", name="lookup")
def lookup_page(
    request: Request,
    conn: ConnDep,
    city: str | None = None,
    county: str | None = None,
    state: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    date: str | None = None,
) -> Response:
    page = Page(request)
    values = {
        "city": city or "",
        "county": county or "",
        "state": (state or "").upper(),
        "lat": lat or "",
        "lon": lon or "",
        "date": date or "",
    }
    error, code = None, 200
    try:
        asked = parse_day(date)
        if lat or lon:
            try:
                point = (float(lat or ""), float(lon or ""))
            except ValueError as exc:
                raise InvalidQuery("latitude and longitude must be numbers") from exc
            found = places.lookup(conn, lat=point[0], lon=point[1], as_of=asked)
            return _place_page(request, conn, found, asked)
        if city or county:
            if not state:
                raise InvalidQuery("choose the state too")
            st = parse_state(state)
            if city:
                places.lookup(conn, city=city.strip(), state=st, as_of=asked)  # NotFound early
                target = f"/cities/{st}/{quote(city.strip(), safe='')}"
            else:
                match = match_county(st, (county or "").strip())
                if match is None or match.single is None:
                    raise NotFound(f"no county {county!r} in {state_name(st)}")
                target = f"/counties/{match.single}"
            return RedirectResponse(page.url(target, date=date), status_code=303)
    except G287Error as exc:
        if wants_json(request):
            raise  # the app answers in the one JSON error shape
        error, code = exc.message, 404 if isinstance(exc, NotFound) else 400
    return render(
        request,
        "lookup.html",
        {"values": values, "error": error, "state_choices": _state_choices()},
        status_code=code,
    )
