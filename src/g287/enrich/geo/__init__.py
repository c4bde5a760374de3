"""Offline US geography: counties, cities, and the county under a point.

Everything is read from files bundled in ``g287/data/geo/`` (provenance and
licences in its ``PROVENANCE.md``) the first time it is needed, then cached for
the life of the process.

>>> match_county("LA", "Union County").name
'Union Parish'
>>> county_at(27.95, -82.46)  # Tampa
'12057'
"""

from __future__ import annotations

from g287.enrich.geo.cities import City, city_candidates, match_city
from g287.enrich.geo.connecticut import LegacyCounty, legacy_counties, town_region
from g287.enrich.geo.counties import (
    County,
    CountyKind,
    CountyMatch,
    MatchHow,
    counties,
    county,
    match_county,
)
from g287.enrich.geo.points import county_at, distance_to_county_km
from g287.enrich.geo.resources import topology_path

__all__ = [
    "City",
    "County",
    "CountyKind",
    "CountyMatch",
    "LegacyCounty",
    "MatchHow",
    "city_candidates",
    "counties",
    "county",
    "county_at",
    "distance_to_county_km",
    "legacy_counties",
    "match_city",
    "match_county",
    "topology_path",
    "town_region",
]
