"""Embeddable widgets: a county's answer (``/embed/county/{fips}``) and the national map
(``/embed/map``), with minimal chrome, for an ``<iframe>`` on any site.

They are the only pages any origin may frame: their responses carry
:data:`g287.interfaces.web.security.EMBED_CSP` (``frame-ancestors *``) and no
``X-Frame-Options``; every other page keeps ``frame-ancestors 'none'``. Links open the
full page on g287 in a new tab (``target="_blank" rel="noopener"``), never inside the
host's frame. Text from ICE's sheets is escaped by the templates as everywhere else.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.enrich.geo import county as county_info
from g287.errors import NotFound
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.insets import territory_insets
from g287.interfaces.web.pages_common import Page, parse_day, render
from g287.interfaces.web.pages_home import _classes, map_data
from g287.interfaces.web.pages_places import GROUP_TITLES, GROUPS, county_layers_publication
from g287.interfaces.web.pages_svg import county_paths, state_paths
from g287.interfaces.web.security import EMBED_CSP
from g287.query import places

router = APIRouter(include_in_schema=False)


def _frameable(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


@router.get("/embed/county/{fips}", name="embed_county")
def embed_county(request: Request, conn: ConnDep, fips: str, date: str | None = None) -> Response:
    """One county's answer: the agreements covering it, their models, pending requests."""
    if not (fips.isdigit() and len(fips) == 5) or county_info(fips) is None:
        raise NotFound(f"{fips!r} is not the FIPS code of a county g287 knows")
    asked = parse_day(date)
    found = places.lookup(conn, fips=fips, as_of=asked)
    place = found["place"]
    models = sorted({a["model"] for group in found["covering"].values() for a in group})
    return _frameable(
        render(
            request,
            "embed_county.html",
            {
                "found": found,
                "place": place,
                "st": place["state"],
                "fips": fips,
                "groups": [(g, GROUP_TITLES[g], found["covering"][g]) for g in GROUPS],
                "models": models,
                "publication": found["publication"] or county_layers_publication(conn),
            },
        )
    )


@router.get("/embed/map", name="embed_map")
def embed_map(request: Request, conn: ConnDep, date: str | None = None) -> Response:
    """The national county map on the newest list (or on ``date``)."""
    data = map_data(conn, parse_day(date))
    county_cls, state_cls = _classes(data["layers"], data["stances"])
    return _frameable(
        render(
            request,
            "embed_map.html",
            {
                "county_paths": county_paths(county_cls),
                "state_paths": state_paths(state_cls),
                "insets": territory_insets(
                    state_cls, href=Page(request).site() + "/states/", new_tab=True
                ),
                "publication": data["layers"]["publication"],
                "figures": data["layers"]["figures"],
            },
        )
    )
