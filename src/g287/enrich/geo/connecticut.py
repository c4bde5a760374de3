"""Connecticut: eight legacy counties, nine planning regions.

Since 2022 the Census Bureau uses Connecticut's nine planning regions (FIPS
09110 to 09190) as county-equivalents (Federal Register 2022-12063); the 2023
boundaries and the Vintage 2025 population estimates shipped here know only
those. Connecticut abolished county government in 1960, so no sheriff or county
police exists there, but a sheet may still print a legacy county name such as
``Fairfield County``.

Decision: a legacy county is never mapped to one region. ``ct_towns.csv`` lists
all 169 towns with both their legacy county and their planning region (town
boundaries did not change); a legacy county stands for **every planning region
that holds at least one of its towns**, largest share of towns first. Fairfield
County, for instance, is Western Connecticut (16 towns), Greater Bridgeport (6)
and Naugatuck Valley (Shelton). A town name resolves to exactly one region.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from g287.enrich.geo.names import name_key
from g287.enrich.geo.resources import CT_TOWNS, read_csv


@dataclass(frozen=True)
class LegacyCounty:
    """A pre-2022 Connecticut county and the planning regions its towns now lie in."""

    fips: str
    name: str
    regions: tuple[str, ...]
    towns_by_region: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Town:
    name: str
    legacy_county_fips: str
    planning_region_fips: str


@cache
def towns() -> dict[str, Town]:
    """Connecticut's 169 towns by name key."""
    out: dict[str, Town] = {}
    for row in read_csv(CT_TOWNS):
        town = Town(row["town"], row["legacy_county_fips"], row["planning_region_fips"])
        out[name_key(town.name)] = town
    return out


@cache
def legacy_counties() -> dict[str, LegacyCounty]:
    """The eight legacy counties by name key (``fairfield county``)."""
    names: dict[str, str] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in read_csv(CT_TOWNS):
        names[row["legacy_county_fips"]] = row["legacy_county"]
        counts[row["legacy_county_fips"]][row["planning_region_fips"]] += 1
    out: dict[str, LegacyCounty] = {}
    for fips, name in names.items():
        ranked = sorted(counts[fips].items(), key=lambda item: (-item[1], item[0]))
        out[name_key(name)] = LegacyCounty(
            fips, name, tuple(region for region, _ in ranked), tuple(ranked)
        )
    return out


def town_region(name: str) -> str | None:
    """The planning-region FIPS of a Connecticut town (``Danbury`` -> ``09190``)."""
    town = towns().get(name_key(name))
    return town.planning_region_fips if town else None
