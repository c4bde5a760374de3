"""Inline SVG for the pages: the county map and the timeline chart, drawn server-side.

The map comes from the bundled Albers TopoJSON (975×610 px, ids = county FIPS). Its
arcs are decoded once, simplified (Douglas-Peucker, :data:`TOLERANCE` px, per arc so
that neighbouring counties keep sharing their border), rounded to 0.1 px and written
as relative path commands; the path strings are cached for the life of the process
and reused by every map (national, one state). Only numbers and FIPS codes go into
this markup, never text from ICE's sheets.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from g287.enrich.geo import topology_path
from g287.model.states import STATES

WIDTH, HEIGHT = 975, 610
TOLERANCE = 0.3  # px; below what a reader can see at the map's natural size
SCALE = 10  # coordinates kept to 0.1 px
MODEL_ORDER = ("TFM", "JEM", "WSO")  # strongest first: field powers, jail screening, warrants
STRENGTH = {"TFM": 3, "TTF": 3, "JTF": 3, "JEM": 2, "WSO": 1}
STATE_BY_FIPS = {fips: code for code, (_name, fips) in STATES.items()}

IntPoint = tuple[int, int]


@dataclass(frozen=True)
class Shape:
    """One county or state: its SVG path and bounding box (px)."""

    id: str
    d: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, keeping both ends (so shared arcs stay shared)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        far, index = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            dist = (
                abs(dy * (px - ax) - dx * (py - ay)) / length
                if length
                else math.hypot(px - ax, py - ay)
            )
            if dist > far:
                far, index = dist, i
        if far > tolerance:
            keep[index] = True
            stack.extend(((a, index), (index, b)))
    return [p for p, k in zip(points, keep, strict=True) if k]


@cache
def _topology() -> dict[str, Any]:
    with topology_path(albers=True).open("rb") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def _arcs(tolerance: float = TOLERANCE) -> list[list[IntPoint]]:
    """Every arc decoded, simplified and rounded to 0.1 px (as integers of tenths)."""
    topo = _topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out: list[list[IntPoint]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: list[tuple[float, float]] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(
            [(round(px * SCALE), round(py * SCALE)) for px, py in _simplify(points, tolerance)]
        )
    return out


def _number(tenths: int) -> str:
    """Tenths of a pixel as the shortest SVG number: 15 -> 1.5, 5 -> .5, -5 -> -.5, 20 -> 2."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), SCALE)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{frac}"


def _join(numbers: Iterable[str]) -> str:
    """Numbers separated only where the parser needs it."""
    out: list[str] = []
    previous = ""
    for n in numbers:
        if out and not n.startswith("-") and not (n.startswith(".") and "." in previous):
            out.append(" ")
        out.append(n)
        previous = n
    return "".join(out)


def _ring(indexes: Sequence[int], arcs: list[list[IntPoint]]) -> list[IntPoint]:
    ring: list[IntPoint] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        for point in arc[1:] if ring else arc:
            if not ring or point != ring[-1]:
                ring.append(point)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def _shape(shape_id: str, geometry: Mapping[str, Any], arcs: list[list[IntPoint]]) -> Shape | None:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return None
    parts: list[str] = []
    xs: list[int] = []
    ys: list[int] = []
    for polygon in polygons:
        for indexes in polygon:
            ring = _ring(indexes, arcs)
            if len(ring) < 3:  # a tiny county (an independent city) simplified away
                ring = _ring(indexes, _arcs(0.0))
            if len(ring) < 3:  # under a pixel across: a small triangle keeps it clickable
                first = indexes[0] if indexes[0] >= 0 else ~indexes[0]
                x, y = ring[0] if ring else arcs[first][0]
                ring = [(x, y - 3), (x + 3, y + 2), (x - 3, y + 2)]
            (x0, y0), rest = ring[0], ring[1:]
            deltas: list[str] = []
            px, py = x0, y0
            for x, y in rest:
                deltas += (_number(x - px), _number(y - py))
                px, py = x, y
            parts.append(f"M{_join((_number(x0), _number(y0)))}l{_join(deltas)}z")
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    if not parts:
        return None
    box = (min(xs) / SCALE, min(ys) / SCALE, max(xs) / SCALE, max(ys) / SCALE)
    return Shape(shape_id, "".join(parts), box)


@cache
def counties() -> dict[str, Shape]:
    """Every county's path, keyed by 5-digit FIPS."""
    arcs = _arcs()
    out: dict[str, Shape] = {}
    for geometry in _topology()["objects"]["counties"]["geometries"]:
        fips = str(geometry.get("id", ""))
        if fips.isdigit() and len(fips) == 5:
            found = _shape(fips, geometry, arcs)
            if found is not None:
                out[fips] = found
    return out


@cache
def states() -> dict[str, Shape]:
    """Every state's path, keyed by USPS code."""
    arcs = _arcs()
    out: dict[str, Shape] = {}
    for geometry in _topology()["objects"]["states"]["geometries"]:
        code = STATE_BY_FIPS.get(str(geometry.get("id", "")))
        if code:
            found = _shape(code, geometry, arcs)
            if found is not None:
                out[code] = found
    return out


def state_view_box(state: str, margin: float = 6.0) -> str | None:
    """A viewBox framing one state (its counties), or None when it is not on the map."""
    shape = states().get(state)
    if shape is None:
        return None
    x0, y0, x1, y1 = shape.box
    width, height = x1 - x0 + 2 * margin, y1 - y0 + 2 * margin
    return f"{x0 - margin:.0f} {y0 - margin:.0f} {width:.0f} {height:.0f}"


def county_paths(classes: Mapping[str, str], *, state: str | None = None) -> Markup:
    """``<path>`` for every county (or one state's), with its class (a fixed vocabulary)."""
    prefix = STATES[state][1] if state else ""
    out = []
    for fips, shape in counties().items():
        if prefix and not fips.startswith(prefix):
            continue
        cls = classes.get(fips, "")
        attr = f' class="{cls}"' if cls else ""
        out.append(f'<path id="c{fips}"{attr} d="{shape.d}"/>')
    return Markup("".join(out))


def state_paths(classes: Mapping[str, str], *, state: str | None = None) -> Markup:
    out = []
    for code, shape in states().items():
        if state and code != state:
            continue
        cls = " ".join(("st", classes.get(code, ""))).strip()
        out.append(f'<path id="s{code}" class="{cls}" d="{shape.d}"/>')
    return Markup("".join(out))


# --- the timeline chart ------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A step chart of agreements on each list by model, ready for the template."""

    width: int
    height: int
    lines: list[tuple[str, str]]  # (series key, path d)
    y_ticks: list[tuple[float, str]]  # (y px, label)
    x_ticks: list[tuple[float, str]]  # (x px, label)
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    first: str
    last: str

    def svg_ticks(self) -> Markup:
        left, _top, right, bottom = self.plot
        out = []
        for y, label in self.y_ticks:
            out.append(
                f'<line class="grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                f"{escape(label)}</text>"
            )
        for x, label in self.x_ticks:
            out.append(
                f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 5}"/>'
                f'<text class="tick" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
        out.append(f'<line class="axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
        return Markup("".join(out))


def _nice_step(top: float, ticks: int = 5) -> int:
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return max(1, int(factor * power))
    return int(10 * power)


def timeline_chart(
    lists: Sequence[Mapping[str, Any]],
    *,
    month_label: Any,
    number: Any,
    width: int = 720,
    height: int = 280,
) -> Chart | None:
    """Step lines of active agreements by model (and in all) across the participating lists."""
    if not lists:
        return None
    days = [date.fromisoformat(str(x["published_date"])) for x in lists]
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    left, top, right, bottom = 56.0, 12.0, width - 16.0, height - 28.0
    peak = max(int(x["total"]) for x in lists)
    step = _nice_step(peak)
    y_max = step * math.ceil(peak / step) if peak else step

    def sx(d: date) -> float:
        return left + (d - first).days / span * (right - left)

    def sy(v: float) -> float:
        return bottom - v / y_max * (bottom - top)

    models = [m for m in MODEL_ORDER if any(m in x["by_model"] for x in lists)]
    models += sorted({m for x in lists for m in x["by_model"]} - set(models))
    lines = []
    for key in ["total", *models]:
        points: list[tuple[float, float]] = []
        for i, item in enumerate(lists):
            value = item["total"] if key == "total" else item["by_model"].get(key, 0)
            x = sx(days[i])
            if points:
                points.append((x, points[-1][1]))
            points.append((x, sy(value)))
        if len(points) == 1:
            points.append((right, points[0][1]))
        d = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points)
        lines.append((key, d))
    y_ticks = [(sy(v), number(v)) for v in range(0, y_max + 1, step)]
    x_ticks: list[tuple[float, str]] = []
    cursor = date(first.year, first.month, 1)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    every = max(1, math.ceil(months / 8))
    n = 0
    while cursor <= last:
        if cursor >= first and n % every == 0:
            x_ticks.append((sx(cursor), month_label(cursor)))
        n += 1
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    if not x_ticks:
        x_ticks.append((sx(first), month_label(first)))
    return Chart(
        width,
        height,
        lines,
        y_ticks,
        x_ticks,
        (left, top, right, bottom),
        first.isoformat(),
        last.isoformat(),
    )
