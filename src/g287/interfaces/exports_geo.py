"""GeoJSON geometry of an agency's jurisdiction, from the bundled county TopoJSON.

* a state agency: the state's outline (the topology's ``states`` object);
* a municipal agency placed on a city: the city's point (its lat/lng);
* any agency with counties (a sheriff, a regional or district agency, a campus or port,
  a municipal agency without a point): its counties, merged into one outline where they
  share borders (the arcs two of them share are dropped, so the result is a valid
  MultiPolygon, not counties touching along their edges);
* otherwise no geometry (``null``) and the reason.

Rings follow RFC 7946 (exteriors counter-clockwise, holes clockwise), coordinates are
rounded to 5 decimals (about a metre), and no ring crosses the antimeridian (the
topology splits Alaska's Aleutians there).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from g287.enrich.geo import counties as all_counties
from g287.enrich.geo.resources import COUNTIES_TOPOJSON, read_json
from g287.enrich.geo.topology import Point, decode_arcs

DIGITS = 5
Ring = list[Point]


@dataclass(frozen=True)
class Jurisdiction:
    """What decides an agency's geometry (from ``agency_places`` and ``agency_counties``)."""

    state: str
    level: str | None
    place_lat: float | None = None
    place_lng: float | None = None
    counties: tuple[str, ...] = ()
    unmatched_reason: str | None = None


@dataclass(frozen=True)
class Shape:
    geometry: dict[str, Any] | None
    kind: str  # state_outline | place_point | counties | county_containing | none
    reason: str | None = None


@cache
def _topology() -> dict[str, Any]:
    topology: dict[str, Any] = read_json(COUNTIES_TOPOJSON)
    return topology


@cache
def _arcs() -> list[list[Point]]:
    return decode_arcs(_topology())


@cache
def _geometries(name: str) -> dict[str, list[list[list[int]]]]:
    """Each geometry of a topology object as polygons of rings of arc indexes."""
    out: dict[str, list[list[list[int]]]] = {}
    for g in _topology()["objects"][name]["geometries"]:
        if g.get("type") == "Polygon":
            out[str(g["id"])] = [g["arcs"]]
        elif g.get("type") == "MultiPolygon":
            out[str(g["id"])] = list(g["arcs"])
    return out


@cache
def state_fips() -> dict[str, str]:
    """Two-letter state code to its two-digit FIPS code."""
    out: dict[str, str] = {}
    for c in all_counties():
        out.setdefault(c.state, c.fips[:2])
    return out


def _arc(index: int) -> list[Point]:
    arcs = _arcs()
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def _ring(indexes: Sequence[int]) -> Ring:
    ring: Ring = []
    for index in indexes:
        points = _arc(index)
        ring.extend(points[1:] if ring else points)
    return ring


def _area(ring: Ring) -> float:
    """Twice the signed planar area (positive: counter-clockwise)."""
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def _contains(ring: Ring, point: Point) -> bool:
    x, y = point
    inside = False
    px, py = ring[-1]
    for qx, qy in ring:
        if (qy > y) != (py > y) and x < (px - qx) * (y - qy) / (py - qy) + qx:
            inside = not inside
        px, py = qx, qy
    return inside


def _clean(ring: Ring, *, exterior: bool) -> list[list[float]] | None:
    """Rounded, without repeated points, closed, wound as RFC 7946 asks; None if degenerate."""
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4:
        return None
    area = _area([(p[0], p[1]) for p in out[:-1]])
    if area == 0:
        return None
    if (area > 0) != exterior:
        out.reverse()
    return out


def _multipolygon(polygons: list[list[Ring]]) -> dict[str, Any] | None:
    coords = []
    for polygon in polygons:
        if not polygon:
            continue
        outer = _clean(polygon[0], exterior=True)
        if outer is None:
            continue
        holes = [h for h in (_clean(r, exterior=False) for r in polygon[1:]) if h is not None]
        coords.append([outer, *holes])
    if not coords:
        return None
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def _decoded(name: str, ids: Sequence[str]) -> list[list[Ring]]:
    geometries = _geometries(name)
    return [[_ring(ring) for ring in polygon] for i in ids for polygon in geometries.get(i, [])]


def merged(name: str, ids: Sequence[str]) -> list[list[Ring]]:
    """The outline of several geometries of a topology object: arcs used by exactly one of
    them, stitched into rings, grouped into polygons with their holes."""
    geometries = _geometries(name)
    polygons = [p for i in ids for p in geometries.get(i, [])]
    if len(ids) <= 1 or not polygons:
        return _decoded(name, ids)
    used = Counter(a if a >= 0 else ~a for p in polygons for ring in p for a in ring)
    pieces = [a for p in polygons for ring in p for a in ring if used[a if a >= 0 else ~a] == 1]
    starts: dict[Point, list[int]] = defaultdict(list)
    for n, a in enumerate(pieces):
        starts[_arc(a)[0]].append(n)
    taken: set[int] = set()
    rings: list[Ring] = []
    for n, a in enumerate(pieces):
        if n in taken:
            continue
        taken.add(n)
        ring = list(_arc(a))
        while ring[-1] != ring[0]:
            nxt = next((m for m in starts.get(ring[-1], []) if m not in taken), None)
            if nxt is None:
                return _decoded(name, ids)  # cannot stitch: fall back to the parts
            taken.add(nxt)
            ring.extend(_arc(pieces[nxt])[1:])
        rings.append(ring)
    outer_sign = _area(_ring(polygons[0][0])) > 0
    outers = [r for r in rings if (_area(r) > 0) == outer_sign]
    holes = [r for r in rings if (_area(r) > 0) != outer_sign]
    grouped: list[list[Ring]] = [[r] for r in outers]
    for hole in holes:
        around = [g for g in grouped if _contains(g[0], hole[0])]
        if around:
            min(around, key=lambda g: abs(_area(g[0]))).append(hole)
    return grouped


def county_geometry(fips: Sequence[str]) -> dict[str, Any] | None:
    return _multipolygon(merged("counties", sorted(set(fips))))


def state_geometry(state: str) -> dict[str, Any] | None:
    code = state_fips().get(state)
    return _multipolygon(_decoded("states", [code])) if code else None


def jurisdiction_shape(j: Jurisdiction) -> Shape:
    """The geometry of one agency's jurisdiction, what it is, and why when there is none."""
    if j.level == "state":
        geometry = state_geometry(j.state)
        if geometry is not None:
            return Shape(geometry, "state_outline")
        return Shape(None, "none", f"no outline for the state {j.state}")
    if j.level == "municipal" and j.place_lat is not None and j.place_lng is not None:
        point = [round(j.place_lng, DIGITS), round(j.place_lat, DIGITS)]
        return Shape({"type": "Point", "coordinates": point}, "place_point")
    if j.counties:
        geometry = county_geometry(j.counties)
        if geometry is not None:
            whole = j.level == "county"
            return Shape(geometry, "counties" if whole else "county_containing")
        return Shape(None, "none", "its counties have no boundary in the bundled file")
    return Shape(None, "none", j.unmatched_reason or "no county or place found for the agency")
