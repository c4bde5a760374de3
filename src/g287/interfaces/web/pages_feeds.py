"""Feeds for one place or one agency: the change feed of the agencies covering one county
(``/feeds/counties/{fips}.atom|.json``) or of one agency (``/feeds/agencies/{id}.atom|.json``),
as Atom 1.0 and JSON Feed 1.1 (:mod:`g287.interfaces.feeds`), linked from the county and
agency pages with ``<link rel="alternate">``. Coverage is decided as on the county page
(:func:`g287.query.trends.county_events`)."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from g287.enrich.geo import county as county_info
from g287.errors import NotFound
from g287.interfaces.feeds import atom_feed, json_feed
from g287.interfaces.web.deps import ConnDep
from g287.query.trends import agency_events, county_events

router = APIRouter(include_in_schema=False)
Limit = Annotated[int, Query(ge=1, le=1000)]
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json"


def county_feed_paths(fips: str) -> dict[str, str]:
    return {"atom": f"/feeds/counties/{fips}.atom", "json": f"/feeds/counties/{fips}.json"}


def agency_feed_paths(agency_id: str) -> dict[str, str]:
    ref = quote(agency_id, safe="")
    return {"atom": f"/feeds/agencies/{ref}.atom", "json": f"/feeds/agencies/{ref}.json"}


def _fips(fips: str) -> str:
    if not (fips.isdigit() and len(fips) == 5) or county_info(fips) is None:
        raise NotFound(f"{fips!r} is not the FIPS code of a county g287 knows")
    return fips


def _county(conn: Any, fips: str, limit: int) -> tuple[list[dict[str, Any]], str, str, str]:
    info = county_info(_fips(fips))
    assert info is not None
    found = county_events(conn, fips, limit=limit)
    title = f"g287: 287(g) changes for {info.name}, {info.state}"
    return found, title, f"urn:g287:changes:county:{fips}", f"/counties/{fips}"


def _agency(conn: Any, agency_id: str, limit: int) -> tuple[list[dict[str, Any]], str, str, str]:
    agency, found = agency_events(conn, agency_id, limit=limit)
    title = f"g287: 287(g) changes for {agency['name']} ({agency['state']})"
    page = "/agencies/" + quote(agency["id"], safe="")
    return found, title, f"urn:g287:changes:agency:{agency['id']}", page


def _atom(request: Request, found: Any, title: str, feed_id: str, page: str) -> Response:
    site = request.app.state.web.site_url.rstrip("/")
    body = atom_feed(
        found,
        title=title,
        feed_id=feed_id,
        site_url=site,
        self_url=f"{site}{request.url.path}" if site else "",
    )
    return Response(body, media_type=ATOM)


def _json(request: Request, found: Any, title: str, page: str) -> Response:
    site = request.app.state.web.site_url.rstrip("/")
    body = json_feed(
        found, title=title, site_url=site, self_url=f"{site}{request.url.path}" if site else ""
    )
    if site:
        body["home_page_url"] = site + page
    return Response(json.dumps(body, ensure_ascii=False), media_type=JSON_FEED)


@router.get("/feeds/counties/{fips}.atom", name="county_feed_atom")
def county_feed_atom(request: Request, conn: ConnDep, fips: str, limit: Limit = 200) -> Response:
    """Changes to the agreements of every agency covering one county, as Atom."""
    found, title, feed_id, page = _county(conn, fips, limit)
    return _atom(request, found, title, feed_id, page)


@router.get("/feeds/counties/{fips}.json", name="county_feed_json")
def county_feed_json(request: Request, conn: ConnDep, fips: str, limit: Limit = 200) -> Response:
    """The same, as JSON Feed."""
    found, title, _feed_id, page = _county(conn, fips, limit)
    return _json(request, found, title, page)


@router.get("/feeds/agencies/{agency_id}.atom", name="agency_feed_atom")
def agency_feed_atom(
    request: Request, conn: ConnDep, agency_id: str, limit: Limit = 200
) -> Response:
    """Changes to one agency's agreements and pending requests, as Atom."""
    found, title, feed_id, page = _agency(conn, agency_id, limit)
    return _atom(request, found, title, feed_id, page)


@router.get("/feeds/agencies/{agency_id}.json", name="agency_feed_json")
def agency_feed_json(
    request: Request, conn: ConnDep, agency_id: str, limit: Limit = 200
) -> Response:
    """The same, as JSON Feed."""
    found, title, _feed_id, page = _agency(conn, agency_id, limit)
    return _json(request, found, title, page)
