"""Which county holds a point: point-in-polygon over the 2023 county boundaries.

The boundaries are the unprojected us-atlas TopoJSON (Census cartographic
boundary files, simplified to 1:10,000,000), so a point within a few hundred
metres of a county line may land on either side, and points on water outside
the shoreline (the ocean, the Great Lakes) belong to no county.

How a lookup works: every polygon part of every county gets a bounding box and
is filed under each 0.5° grid cell its box touches. A query reads the one cell
under the point, drops parts whose box misses it, and runs an even-odd ray test
over the remaining part's rings, so holes (a county enclosing another, an
independent city inside its county) and multipolygons (islands) come out right.
Alaska's Aleutians West census area lies on both sides of the antimeridian.
Because each part has its own box, its islands at +172° and at -176° are found
where they are; a ring that itself spanned more than 180° of longitude (none in
the 2023 file) would be moved to 0..360° and is queried at ``lon + 360`` too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from g287.enrich.geo.resources import COUNTIES_TOPOJSON, read_json
from g287.enrich.geo.topology import features
from g287.errors import InvalidQuery

CELL_DEGREES = 0.5
KM_PER_DEGREE = 111.195

Flat = tuple[list[float], list[float]]


@dataclass
class _Part:
    fips: str
    rings: list[Flat]
    bbox: tuple[float, float, float, float]


@dataclass
class CountyShapes:
    """Decoded county polygons with a grid index over their parts."""

    names: dict[str, str] = field(default_factory=dict)
    parts: list[_Part] = field(default_factory=list)
    grid: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    by_fips: dict[str, list[int]] = field(default_factory=dict)


def _cell(value: float) -> int:
    return math.floor(value / CELL_DEGREES)


def _flatten(ring: list[tuple[float, float]]) -> Flat:
    xs = [p[0] for p in ring]
    if xs and max(xs) - min(xs) > 180:  # crosses the antimeridian
        xs = [x + 360 if x < 0 else x for x in xs]
    return xs, [p[1] for p in ring]


@cache
def county_features() -> CountyShapes:
    """The unprojected county boundaries, indexed (built once, then read from the on-disk
    index cache: see :mod:`g287.enrich.indexcache`)."""
    from g287.enrich.indexcache import cached_index

    return cached_index("county-shapes", [("geo", COUNTIES_TOPOJSON)], _build_shapes)


def _build_shapes() -> CountyShapes:
    """Decode the topology and file every polygon part under the grid cells it touches."""
    shapes = CountyShapes()
    for feature in features(read_json(COUNTIES_TOPOJSON), "counties"):
        shapes.names[feature.id] = str(feature.properties.get("name", ""))
        for polygon in feature.polygons:
            rings = [_flatten(ring) for ring in polygon if len(ring) >= 4]
            if not rings:
                continue
            xs = [x for ring in rings for x in ring[0]]
            ys = [y for ring in rings for y in ring[1]]
            index = len(shapes.parts)
            shapes.parts.append(_Part(feature.id, rings, (min(xs), min(ys), max(xs), max(ys))))
            shapes.by_fips.setdefault(feature.id, []).append(index)
            for cx in range(_cell(min(xs)), _cell(max(xs)) + 1):
                for cy in range(_cell(min(ys)), _cell(max(ys)) + 1):
                    shapes.grid.setdefault((cx, cy), []).append(index)
    return shapes


def _ring_contains(x: float, y: float, xs: list[float], ys: list[float]) -> bool:
    inside = False
    px, py = xs[-1], ys[-1]
    for qx, qy in zip(xs, ys, strict=True):
        if (qy > y) != (py > y) and x < (px - qx) * (y - qy) / (py - qy) + qx:
            inside = not inside
        px, py = qx, qy
    return inside


def _part_contains(part: _Part, x: float, y: float) -> bool:
    min_x, min_y, max_x, max_y = part.bbox
    if not (min_x <= x <= max_x and min_y <= y <= max_y):
        return False
    inside = False
    for xs, ys in part.rings:
        if _ring_contains(x, y, xs, ys):
            inside = not inside
    return inside


def _check(lat: float, lon: float) -> float:
    if not (math.isfinite(lat) and math.isfinite(lon)) or not -90 <= lat <= 90:
        raise InvalidQuery(f"not a latitude/longitude: {lat}, {lon}")
    if not -360 <= lon <= 360:
        raise InvalidQuery(f"longitude out of range: {lon}")
    return (lon + 180) % 360 - 180


def county_at(lat: float, lon: float) -> str | None:
    """The 5-digit FIPS code of the county containing the point, or None (water, abroad)."""
    lon = _check(lat, lon)
    shapes = county_features()
    cy = _cell(lat)
    for x in (lon, lon + 360) if lon < 0 else (lon,):
        for index in shapes.grid.get((_cell(x), cy), ()):
            part = shapes.parts[index]
            if _part_contains(part, x, lat):
                return part.fips
    return None


def distance_to_county_km(fips: str, lat: float, lon: float) -> float | None:
    """Kilometres from the point to the county's boundary (0 inside); None if no such county.

    Uses an equirectangular approximation around the point: good to about 1 %
    over the tens of kilometres this is meant for.
    """
    lon = _check(lat, lon)
    shapes = county_features()
    indexes = shapes.by_fips.get(fips)
    if not indexes:
        return None
    best = math.inf
    scale = math.cos(math.radians(lat))
    for index in indexes:
        part = shapes.parts[index]
        for x in (lon, lon + 360) if lon < 0 else (lon,):
            if _part_contains(part, x, lat):
                return 0.0
            for xs, ys in part.rings:
                best = min(best, _ring_distance(x, lat, xs, ys, scale))
    return best * KM_PER_DEGREE


def _ring_distance(x: float, y: float, xs: list[float], ys: list[float], scale: float) -> float:
    best = math.inf
    px, py = (xs[-1] - x) * scale, ys[-1] - y
    for rx, ry in zip(xs, ys, strict=True):
        qx, qy = (rx - x) * scale, ry - y
        dx, dy = qx - px, qy - py
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, -(px * dx + py * dy) / length))
        cx, cy = px + t * dx, py + t * dy
        best = min(best, cx * cx + cy * cy)
        px, py = qx, qy
    return math.sqrt(best)
