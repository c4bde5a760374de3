"""Search: agencies (by any name ICE printed), counties, cities and states, as a page and
as suggestions for the search box (``/data/search.json``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection

from g287.enrich.geo import counties as all_counties
from g287.enrich.geo.names import name_key
from g287.enrich.geo.resources import CITIES, read_csv
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import Page, render, state_name
from g287.model.states import STATES
from g287.query import catalog
from g287.query import history as h

router = APIRouter(include_in_schema=False)
MAX_QUERY = 100
LIMIT = 50
SUGGESTIONS = 10
_STATE_SUFFIX = re.compile(r"^(.*?)[,\s]+([A-Za-z]{2})$")


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    state: str
    population: int
    county_fips: str


@cache
def _cities() -> list[Place]:
    out = [
        Place(
            name_key(r["city"]),
            r["city"],
            r["state_id"],
            int(r["population"] or 0),
            r["county_fips"],
        )
        for r in read_csv(CITIES)
    ]
    out.sort(key=lambda p: -p.population)
    return out


@cache
def _counties() -> list[Place]:
    return [
        Place(name_key(c.name), c.name, c.state, c.population_2025 or 0, c.fips)
        for c in sorted(all_counties(), key=lambda c: -(c.population_2025 or 0))
    ]


def _split(q: str) -> tuple[str, str | None]:
    """'Tampa, FL' -> ('Tampa', 'FL'); a trailing two-letter state code narrows the search."""
    found = _STATE_SUFFIX.match(q.strip())
    if found and found.group(2).upper() in STATES and found.group(1).strip():
        return found.group(1).strip(), found.group(2).upper()
    return q.strip(), None


def _places(items: list[Place], text: str, state: str | None, limit: int) -> list[Place]:
    key = name_key(text)
    if not key:
        return []
    starts, contains = [], []
    for p in items:
        if state and p.state != state:
            continue
        if p.key.startswith(key):
            starts.append(p)
        elif key in p.key:
            contains.append(p)
        if len(starts) >= limit:
            break
    return (starts + contains)[:limit]


def search(conn: Connection, q: str, limit: int = LIMIT) -> dict[str, Any]:
    """Agencies, counties, cities and states matching ``q`` (a trailing state code narrows)."""
    text, state = _split(q[:MAX_QUERY])
    agencies: dict[str, dict[str, Any]] = {}
    if len(text) >= 2:
        for a in catalog.search_agreements(conn, text=text, state=state, sort="name")["data"]:
            entry = agencies.setdefault(
                a["agency_id"],
                {
                    "id": a["agency_id"],
                    "name": a["name"],
                    "state": a["state"],
                    "models": [],
                    "active": 0,
                },
            )
            if a["model"] not in entry["models"]:
                entry["models"].append(a["model"])
            entry["active"] += a["status"] == "active"
    ranked = sorted(agencies.values(), key=lambda x: (-(x["active"] > 0), x["name"], x["state"]))
    for entry in ranked[:limit]:  # the agency's own name, not one agreement's latest printing
        entry["name"] = h.find_agency(conn, entry["id"])["name"]
    key = name_key(text)
    states = [
        code
        for code in STATES
        if key and (name_key(state_name(code)).startswith(key) or code.lower() == key)
    ]
    return {
        "q": q,
        "agencies": ranked[:limit],
        "counties": _places(_counties(), text, state, limit) if len(text) >= 2 else [],
        "cities": _places(_cities(), text, state, limit) if len(text) >= 2 else [],
        "states": sorted(states, key=state_name),
        "more_agencies": len(ranked) > limit,
    }


@router.get("/search", name="search")
def search_page(request: Request, conn: ConnDep, q: str = "") -> Response:
    found = search(conn, q) if q.strip() else None
    return render(request, "search.html", {"q": q[:MAX_QUERY], "found": found})


@router.get("/data/search.json", name="search_suggestions")
def suggestions(request: Request, conn: ConnDep, q: str = "") -> JSONResponse:
    """Up to ten suggestions ({label, url}) for the search box (not part of the API)."""
    if len(q.strip()) < 2:
        return JSONResponse([])
    page = Page(request)
    t = page.t
    found = search(conn, q, limit=SUGGESTIONS)
    out: list[dict[str, str]] = []
    for code in found["states"]:
        out.append({"label": state_name(code), "url": page.url(f"/states/{code}")})
    for a in found["agencies"]:
        out.append(
            {
                "label": f"{a['name']} ({a['state']})",
                "url": page.url("/agencies/" + quote(a["id"], safe="")),
            }
        )
    for c in found["counties"]:
        out.append({"label": f"{c.name}, {c.state}", "url": page.url(f"/counties/{c.county_fips}")})
    for p in found["cities"]:
        out.append(
            {
                "label": f"{p.name}, {p.state} ({t.gettext('city')})",
                "url": page.url(f"/cities/{p.state}/{quote(p.name, safe='')}"),
            }
        )
    return JSONResponse(out[:SUGGESTIONS])
