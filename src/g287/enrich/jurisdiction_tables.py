"""The committed correction tables for jurisdictions, in ``data/jurisdiction/``.

``levels.csv`` (an agency's level when the name rules misread it), ``county_fixes.csv``
(ICE COUNTY cells that are wrong), ``places.csv`` (place aliases) and ``members.csv``
(the member counties of regional bodies): each row keyed on ICE's text, with a reason
and evidence, checked against the county list when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from g287.enrich.geo import match_county
from g287.enrich.geo.names import name_key, plain
from g287.enrich.geo.resources import read_csv
from g287.errors import ConfigError
from g287.model.levels import LEVELS, Level


def agency_key(agency: str) -> str:
    """The key agencies are compared by: case, apostrophes, punctuation, spaces folded."""
    return plain(agency)


@dataclass(frozen=True)
class Tables:
    levels: dict[tuple[str, str], Level]
    county_fixes: dict[tuple[str, str, str], str | None]
    places: dict[tuple[str, str], tuple[str, str | None]]
    members: dict[tuple[str, str], tuple[str, ...]]


def _county_by_name(state: str, name: str, table: str) -> str:
    found = match_county(state, name)
    if found is None or found.single is None or found.how not in {"exact", "saint"}:
        raise ConfigError(f"{table}: {name!r} is not a county of {state}")
    return found.single


def _load_levels() -> dict[tuple[str, str], Level]:
    by_name: dict[str, Level] = {level: level for level in LEVELS}
    out: dict[tuple[str, str], Level] = {}
    for row in read_csv("levels.csv", "jurisdiction"):
        level = by_name.get(row["level"])
        if level is None:
            raise ConfigError(f"levels.csv: unknown level {row['level']!r}")
        out[row["state"], agency_key(row["agency"])] = level
    return out


def _load_county_fixes() -> dict[tuple[str, str, str], str | None]:
    out: dict[tuple[str, str, str], str | None] = {}
    for row in read_csv("county_fixes.csv", "jurisdiction"):
        fixed = row["county_fixed"].strip()
        fips = _county_by_name(row["state"], fixed, "county_fixes.csv") if fixed else None
        out[row["state"], agency_key(row["agency"]), plain(row["county"])] = fips
    return out


def _load_places() -> dict[tuple[str, str], tuple[str, str | None]]:
    out: dict[tuple[str, str], tuple[str, str | None]] = {}
    for row in read_csv("places.csv", "jurisdiction"):
        named = row["county"].strip()
        fips = _county_by_name(row["state"], named, "places.csv") if named else None
        out[row["state"], name_key(row["name"])] = (row["place"], fips)
    return out


def _load_members() -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in read_csv("members.csv", "jurisdiction"):
        key = (row["state"], agency_key(row["agency"]))
        fips = _county_by_name(row["state"], row["county"], "members.csv")
        out[key] = (*out.get(key, ()), fips)
    return out


@cache
def tables() -> Tables:
    """The committed correction tables, checked against the county list on load."""
    return Tables(_load_levels(), _load_county_fixes(), _load_places(), _load_members())
