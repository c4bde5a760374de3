"""Insets for the territories on the national map: Puerto Rico, the U.S. Virgin Islands,
Guam, the Northern Mariana Islands and American Samoa.

The Albers USA topology (:mod:`g287.interfaces.web.pages_svg`) already insets Alaska and
Hawaii but leaves the territories out; the bundled unprojected topology
(``counties-10m.json``, objects ``states``) has their outlines. Each is drawn here in a
small framed box in the empty corner right of Florida (x 836-971, y 470-606 of the
975×610 map), with an equirectangular projection scaled by the cosine of its mean
latitude (at this size, indistinguishable from a conformal one). Territories are drawn
as whole shapes with their state-level classes (state agencies, state law); their
municipios and islands are not in the county population table, so they carry no
county colouring. Each shape links to the territory's page. Only numbers, codes and
fixed names go into this markup.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from g287.enrich.geo import topology_path
from g287.model.states import STATES

# (code, x, y, width, height) of each inset's frame, in map pixels
BOXES = (
    ("PR", 836.0, 470.0, 92.0, 40.0),
    ("VI", 931.0, 470.0, 40.0, 40.0),
    ("GU", 836.0, 516.0, 40.0, 44.0),
    ("MP", 880.0, 516.0, 44.0, 90.0),
    ("AS", 928.0, 516.0, 43.0, 44.0),
)
PAD = 4.0


@cache
def _rings() -> dict[str, list[list[tuple[float, float]]]]:
    """Each territory's rings in longitude/latitude, from the unprojected topology."""
    with topology_path(albers=False).open("rb") as handle:
        topo: dict[str, Any] = json.load(handle)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    by_fips = {fips: code for code, (_name, fips) in STATES.items()}
    wanted = {code for code, *_ in BOXES}
    out: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topo["objects"]["states"]["geometries"]:
        code = by_fips.get(str(geometry.get("id", "")))
        if code not in wanted:
            continue
        polygons = (
            [geometry["arcs"]] if geometry.get("type") == "Polygon" else geometry.get("arcs", [])
        )
        rings = []
        for polygon in polygons:
            for indexes in polygon:
                ring: list[tuple[float, float]] = []
                for index in indexes:
                    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                    ring.extend(arc[1:] if ring else arc)
                if len(ring) >= 3:
                    rings.append(ring)
        out[code] = rings
    return out


def _path(rings: list[list[tuple[float, float]]], box: tuple[float, float, float, float]) -> str:
    x0, y0, width, height = box
    lons = [p[0] for r in rings for p in r]
    lats = [p[1] for r in rings for p in r]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * PAD) / span_x, (height - 2 * PAD) / span_y)
    off_x = x0 + (width - span_x * scale) / 2
    off_y = y0 + (height - span_y * scale) / 2
    parts = []
    for ring in rings:
        points = [
            (off_x + (lon - min(lons)) * k * scale, off_y + (max(lats) - lat) * scale)
            for lon, lat in ring
        ]
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@cache
def _paths() -> tuple[tuple[str, tuple[float, float, float, float], str], ...]:
    rings = _rings()
    return tuple(
        (code, (x, y, w, h), _path(rings[code], (x, y, w, h)))
        for code, x, y, w, h in BOXES
        if rings.get(code)
    )


def territory_insets(
    classes: Mapping[str, str], *, href: str = "/states/", new_tab: bool = False
) -> Markup:
    """A ``<g class="insets">`` with each territory framed, shaped (``id="s{code}"``, its
    state classes) and labelled, linking to ``{href}{code}`` (in a new tab: embeds)."""
    target = ' target="_blank" rel="noopener"' if new_tab else ""
    out = ['<g class="insets">']
    for code, (x, y, w, h), d in _paths():
        cls = " ".join(("st", "terr", classes.get(code, ""))).strip()
        out.append(
            f'<a href="{escape(href)}{code}"{target} class="inset" aria-label="{code}">'
            f'<rect class="inset-frame" x="{x}" y="{y}" width="{w}" height="{h}"/>'
            f'<g class="states"><path id="s{code}" class="{cls}" d="{d}"/></g>'
            f'<text class="inset-label" x="{x + 3}" y="{y + h - 3}">{code}</text></a>'
        )
    out.append("</g>")
    return Markup("".join(out))
