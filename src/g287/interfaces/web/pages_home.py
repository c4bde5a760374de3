"""The home page (figures, county map with a timeline slider, chart, tables) and the small
JSON and CSV the slider and the download link fetch (``/data/map/{day}.json|csv``)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import Connection

from g287.enrich.geo import counties as all_counties
from g287.enrich.geo import county as county_info
from g287.enrich.powers import POWERS
from g287.errors import InvalidQuery, NotFound
from g287.interfaces.csv_safe import SafeWriter
from g287.interfaces.feeds import TITLES as EVENT_TITLES
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.i18n import messages_for_client
from g287.interfaces.web.insets import territory_insets
from g287.interfaces.web.pages_common import Page, parse_day, render, state_name
from g287.interfaces.web.pages_svg import county_paths, state_paths, timeline_chart
from g287.model.states import STATES
from g287.query import catalog
from g287.query import history as h
from g287.query.layers import county_layers
from g287.query.policy import state_policies

router = APIRouter(include_in_schema=False)
LAYERS = ("counties", "state", "policy")
CLIENT_MESSAGES = (
    "no county-level agreement",
    "tap again to open",
    "county-wide",
    "in part of the county",
    "agreements",
    "Loading…",
    "Could not load the data for this date.",
    "Mandates 287(g)",
    "Encourages 287(g)",
    "Mixed (bans some agencies, mandates others)",
    "Limits 287(g)",
    "Prohibits 287(g)",
    "No state law on 287(g)",
)


def _list_days(conn: Connection) -> list[str]:
    days = sorted({x["published_date"] for x in h.timeline_series(conn)["lists"]})
    if not days:
        raise NotFound("no participating list has been imported yet")
    return days


def _classes(
    layers: dict[str, Any], stances: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    county: dict[str, str] = {}
    for fips, model in layers["part"].items():
        county[fips] = f"p-{model}"
    for fips, model in layers["whole"].items():
        county[fips] = f"w-{model}"
    state: dict[str, str] = {}
    for code in STATES:
        parts = [f"po-{stances.get(code, 'none')}"]
        if code in layers["state_agencies"]:
            parts.append(f"sa-{layers['state_agencies'][code]}")
        state[code] = " ".join(parts)
    return county, state


def map_data(conn: Connection, day: date | None) -> dict[str, Any]:
    """Everything the map shows on a day (None: the newest list): layers, stances, rows."""
    layers = county_layers(conn, day)
    policy_day = day or date.fromisoformat(layers["publication"]["published_date"])
    stances = {p["state"]: p["stance"] for p in state_policies(day=policy_day)}
    counties = []
    for fips in sorted(set(layers["whole"]) | set(layers["part"])):
        info = county_info(fips)
        counties.append(
            {
                "fips": fips,
                "name": info.name if info else fips,
                "state": info.state if info else "",
                "whole": layers["whole"].get(fips),
                "part": layers["part"].get(fips) or layers["part_under_whole"].get(fips),
                "n": layers["agreements_in"].get(fips, 0),
            }
        )
    counties.sort(key=lambda r: (r["state"], r["name"]))
    return {
        "day": policy_day.isoformat(),
        "layers": layers,
        "stances": stances,
        "counties": counties,
    }


@router.get("/", response_class=HTMLResponse, name="home")
def home(
    request: Request,
    conn: ConnDep,
    date: str | None = None,
    layer: str = "counties",
) -> Response:
    asked = parse_day(date)
    if layer not in LAYERS:
        raise InvalidQuery(f"layer must be one of {', '.join(LAYERS)}")
    days = _list_days(conn)
    first, last = days[0], days[-1]
    if asked is not None and asked.isoformat() < first:
        raise NotFound(f"the first list g287 holds was published on {first}")
    data = map_data(conn, asked)
    day = data["day"]
    page = Page(request)
    timeline = h.timeline_series(conn)
    chart = timeline_chart(timeline["lists"], month_label=page.t.month, number=page.t.number)
    county_cls, state_cls = _classes(data["layers"], data["stances"])
    by_state = catalog.search_agreements(conn, as_of=asked, status=None if asked else "active")
    per_state: dict[str, int] = {}
    for r in by_state["data"]:
        per_state[r["state"]] = per_state.get(r["state"], 0) + 1
    state_rows = [
        {
            "code": code,
            "name": state_name(code),
            "agreements": per_state.get(code, 0),
            "state_model": data["layers"]["state_agencies"].get(code),
            "stance": data["stances"].get(code, "none"),
        }
        for code in sorted(STATES, key=state_name)
        if per_state.get(code) or data["stances"].get(code, "none") != "none"
    ]
    d0, d_last = date_of(first), date_of(last)
    shown = min(date_of(day), d_last)
    cursor_x = 0.0
    if chart:
        left, _top, right, _bottom = chart.plot
        span = max((d_last - d0).days, 1)
        cursor_x = round(left + (shown - d0).days / span * (right - left), 1)
    view = {
        "day": day,
        "asked": asked is not None,
        "after_newest": asked is not None and asked.isoformat() > last,
        "first": first,
        "last": last,
        "span": (d_last - d0).days,
        "offset": (shown - d0).days,
        "list_days": days,
        "layer": layer,
        "cursor_x": cursor_x,
    }
    return render(
        request,
        "home.html",
        {
            "view": view,
            "status": h.status(conn),
            "layers": data["layers"],
            "county_rows": data["counties"],
            "state_rows": state_rows,
            "county_paths": county_paths(county_cls),
            "state_paths": state_paths(state_cls),
            "insets": territory_insets(state_cls),
            "chart": chart,
            "timeline": timeline,
            "recent": catalog.events_page(conn, list_kind="participating", limit=8)["data"],
            "powers": POWERS,
            "titles": EVENT_TITLES,
            "client_messages": messages_for_client(page.lang, CLIENT_MESSAGES),
        },
    )


def date_of(text: str) -> date:
    return date.fromisoformat(text)


def _checked_day(conn: Connection, day: str) -> date:
    parsed = parse_day(day)
    if parsed is None:
        raise InvalidQuery("give a date as YYYY-MM-DD")
    first = _list_days(conn)[0]
    if parsed.isoformat() < first:
        raise NotFound(f"the first list g287 holds was published on {first}")
    if parsed > date.today() + timedelta(days=1):
        raise InvalidQuery("that date is in the future")
    return parsed


@router.get("/data/map/{day}.json", name="map_data_json")
def map_json(conn: ConnDep, day: str) -> JSONResponse:
    """The map, figures and tables on a day, for the slider (not part of the API)."""
    data = map_data(conn, _checked_day(conn, day))
    layers = data["layers"]
    return JSONResponse(
        {
            "date": data["day"],
            "publication": layers["publication"],
            "figures": layers["figures"],
            "counties": [
                [r["fips"], r["name"], r["state"], r["whole"], r["part"], r["n"]]
                for r in data["counties"]
            ],
            "states": layers["state_agencies"],
            "policy": {k: v for k, v in data["stances"].items() if v != "none"},
        }
    )


@router.get("/data/counties.json", name="county_names")
def county_names() -> JSONResponse:
    """Every county's name and state, for the map's hover labels."""
    return JSONResponse({c.fips: f"{c.name}, {c.state}" for c in all_counties()})


@router.get("/data/map/{day}.csv", name="map_data_csv")
def map_csv(conn: ConnDep, day: str) -> Response:
    """The county table of the map on a day, as CSV."""
    data = map_data(conn, _checked_day(conn, day))
    pub = data["layers"]["publication"]
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(
        [
            "county_fips",
            "county",
            "state",
            "county_wide_model",
            "part_county_model",
            "agreements",
            "as_of",
            "ice_list",
            "ice_list_published",
        ]
    )
    for r in data["counties"]:
        writer.writerow(
            [
                r["fips"],
                r["name"],
                r["state"],
                r["whole"] or "",
                r["part"] or "",
                r["n"],
                data["day"],
                pub["label"],
                pub["published_date"],
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="g287-counties-{data["day"]}.csv"'},
    )
