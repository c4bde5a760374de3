"""Cities and towns (simplemaps US Cities Basic, CC BY 4.0), matched by name.

The table holds Census incorporated places and CDPs (31,254 rows, with Puerto
Rico) but **not** New England towns or Pennsylvania/New York townships, which
are county subdivisions; a Connecticut town resolves through
:func:`g287.enrich.geo.connecticut.town_region` instead. ``population`` is
simplemaps' figure, which for the largest cities is metro-like.

Matching is by name key only (case, accents, apostrophes, St./Ft./Mt. folded;
see :mod:`g287.enrich.geo.names`), never fuzzy: Florida alone has Edgewood and
Edgewater, Melbourne and West Melbourne, so a misspelt place goes into the
committed place-alias table, not through a similarity score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from g287.enrich.geo.names import compact, name_key
from g287.enrich.geo.resources import CITIES, read_csv


@dataclass(frozen=True)
class City:
    """A place: name, state, the county holding its centre, location, population."""

    id: str
    name: str
    state: str
    county_fips: str
    lat: float
    lng: float
    population: int
    incorporated: bool


_PREFIX = re.compile(r"^(?:city|town|village|borough|township) of (.+)$")
_SUFFIX = re.compile(r"^(.+?) (?:city|town|village|borough)$")


_Row = tuple[str, str, str, str, float, float, int, bool]


@dataclass(frozen=True)
class _Index:
    """Every place as a plain tuple, and the positions of the places under each name key
    (plain values only, so the on-disk copy loads in tens of milliseconds)."""

    rows: list[_Row]
    by_key: dict[tuple[str, str], tuple[int, ...]]
    by_compact: dict[tuple[str, str], tuple[int, ...]]


@cache
def _index() -> _Index:
    """Places by (state, name key) and by (state, key without spaces), built once and then
    read from the on-disk index cache (:mod:`g287.enrich.indexcache`)."""
    from g287.enrich.indexcache import cached_index

    return cached_index("cities", [("geo", CITIES)], _build_index)


def _build_index() -> _Index:
    rows: list[_Row] = []
    by_key: dict[tuple[str, str], list[int]] = {}
    by_compact: dict[tuple[str, str], list[int]] = {}
    for row in read_csv(CITIES):
        position = len(rows)
        rows.append(
            (
                row["id"],
                row["city"],
                row["state_id"],
                row["county_fips"],
                float(row["lat"]),
                float(row["lng"]),
                int(row["population"] or 0),
                row["incorporated"] == "1",
            )
        )
        key = name_key(row["city"])
        by_key.setdefault((row["state_id"], key), []).append(position)
        by_compact.setdefault((row["state_id"], compact(key)), []).append(position)
    return _Index(
        rows,
        {k: tuple(v) for k, v in by_key.items()},
        {k: tuple(v) for k, v in by_compact.items()},
    )


@cache
def _city(position: int) -> City:
    return City(*_index().rows[position])


def cities_by_name() -> list[City]:
    """Every place once, grouped by name key (the order the benchmarks sample from)."""
    return [_city(n) for group in _index().by_key.values() for n in group]


def all_cities(state: str | None = None) -> list[City]:
    """Every place (of one state), in the table's order."""
    rows = _index().rows
    return [_city(n) for n, row in enumerate(rows) if state is None or row[2] == state]


def _variants(name: str) -> list[str]:
    key = name_key(name)
    out = [key]
    for pattern in (_PREFIX, _SUFFIX):
        found = pattern.match(key)
        if found:
            out.append(found.group(1))
    return out


def city_candidates(state: str, name: str) -> list[City]:
    """Every place of ``state`` whose name matches, trying ``City of X`` / ``X Borough`` as X."""
    index = _index()
    for key in _variants(name):
        hits = index.by_key.get((state, key)) or index.by_compact.get((state, compact(key)))
        if hits:
            return [_city(n) for n in hits]
    return []


def match_city(state: str, name: str, *, county_fips: str | None = None) -> City | None:
    """The one place of ``state`` called ``name``, or None (unknown or ambiguous).

    Among several same-named places, ``county_fips`` (when given and it fits
    one) decides, then incorporated places win over CDPs; if several remain,
    the name is ambiguous and the answer is None.
    """
    candidates = city_candidates(state, name)
    if county_fips is not None:
        in_county = [c for c in candidates if c.county_fips == county_fips]
        candidates = in_county or candidates
    if len(candidates) > 1:
        incorporated = [c for c in candidates if c.incorporated]
        candidates = incorporated or candidates
    return candidates[0] if len(candidates) == 1 else None
