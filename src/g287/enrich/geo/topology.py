"""Decode a quantized TopoJSON topology into plain polygons.

TopoJSON stores shared borders once, as delta-encoded integer *arcs*; a polygon
is a list of rings, each a list of arc indexes (a negative index ``~i`` is arc
``i`` reversed). This module turns one object of a topology (``counties``) into
``{id: [polygon, ...]}`` where a polygon is ``[exterior, hole, ...]`` and a ring
is a list of ``(x, y)`` floats (longitude, latitude for the unprojected file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from g287.errors import ConfigError

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]


@dataclass(frozen=True)
class Feature:
    """One geometry of a TopoJSON object: its id, properties and polygons."""

    id: str
    properties: Mapping[str, Any]
    polygons: list[Polygon] = field(repr=False)


def decode_arcs(topology: Mapping[str, Any]) -> list[list[Point]]:
    """Every arc as absolute coordinates, undoing quantization when present."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    if transform:
        sx, sy = transform["scale"]
        tx, ty = transform["translate"]
        for arc in topology["arcs"]:
            x = y = 0
            points: list[Point] = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
            arcs.append(points)
    else:
        arcs = [[(float(p[0]), float(p[1])) for p in arc] for arc in topology["arcs"]]
    return arcs


def _ring(indexes: Sequence[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def features(topology: Mapping[str, Any], name: str) -> list[Feature]:
    """The geometries of ``topology.objects[name]``, with rings assembled from arcs."""
    try:
        geometries = topology["objects"][name]["geometries"]
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"TopoJSON has no object {name!r}") from exc
    arcs = decode_arcs(topology)
    out: list[Feature] = []
    for geometry in geometries:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [[_ring(ring, arcs) for ring in geometry["arcs"]]]
        elif kind == "MultiPolygon":
            polygons = [[_ring(ring, arcs) for ring in polygon] for polygon in geometry["arcs"]]
        else:
            continue
        out.append(Feature(str(geometry.get("id", "")), geometry.get("properties") or {}, polygons))
    return out
