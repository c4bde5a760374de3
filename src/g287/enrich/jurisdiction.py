"""The jurisdiction of an agency: its level of government and the counties it covers.

:func:`resolve_jurisdiction` decides the **level** by the first rule that
speaks, in this order (``level_source`` and ``rule`` record which):

1. ``override``: ``data/jurisdiction/levels.csv``, for agencies the rules below
   misread (each row gives a reason and evidence).
2. ``name``: patterns on the agency's name, each checked against every agency
   in the bundled ICE lists: tribal; campus (university, college, schools,
   board of trustees, unless the name is a city's, as College Park's is);
   port (airport, port or aviation authority); judicial district (judicial,
   state attorney, solicitor, circuit, a district attorney *of a district*);
   constable district (constables, a ward marshal); regional (regional,
   metropolitan, metro, district jail, cooperative, task force); state (the
   state's own name followed by an agency word, as in ``Florida Department of
   ...``, or state police, highway patrol, national guard, attorney general);
   county (a sheriff, or a name holding ``County``/``Parish``, in Alaska
   ``Borough``/``Census Area``); municipal (police or public safety of a
   place found in the cities table, a Connecticut town, the place-alias
   table, or a township/borough/village); corrections (a jail, detention or
   corrections body: county level when it opens with a county's name, else
   ``corrections_facility``).
3. ``ice_type``: ICE's TYPE column (State Agency, County, Municipality).
4. ``default``: ``other``.

The **counties** (``county_fips``) then come from, in order:

- a state agency: none (the whole state; an ICE COUNTY cell is noted, not used);
- the member table (``members.csv``) when it lists the agency (regional jails,
  judicial districts, ports, campuses);
- a municipal agency: its place's county (cities table, place aliases, the
  Connecticut town table), else ICE's COUNTY cell. If ICE names another county
  that lies within :data:`STRADDLE_KM` of the place, both are kept (a city
  across a county line); a farther one is noted and dropped;
- any other agency: the county its own name names, which beats ICE's COUNTY
  cell when the two disagree (noted), unless the name's county is only a fuzzy
  guess; else ICE's COUNTY cell (after ``county_fixes.csv``; a Connecticut
  legacy county gives every planning region holding its towns); else the
  place its name names. A sheriff whose county is an independent city
  (Hopewell, VA) becomes ``municipal`` with that city as ``place``.

Nothing unresolved is dropped silently: ``unmatched_reason`` says why a
non-state agency has no county, and :func:`unmatched` lists those for a set of
sheet rows (``g287 geo unmatched``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from g287.enrich.agency_names import (
    county_in_name,
    find_place,
    from_ice_type,
    leading_county,
    level_of,
    place_text,
)
from g287.enrich.geo import City, distance_to_county_km, match_city, match_county
from g287.enrich.geo import county as county_by_fips
from g287.enrich.geo.names import plain
from g287.enrich.jurisdiction_tables import agency_key, tables
from g287.model.levels import Level, LevelSource

STRADDLE_KM = 10.0
"""A municipal agency's ICE county within this distance of its place also counts."""

_MEMBER_LEVELS = {"regional", "judicial_district", "port", "campus", "tribal"}


@dataclass(frozen=True)
class Jurisdiction:
    """What an agency governs: level, counties (empty for a state agency) and place.

    ``county_source`` says where ``county_fips`` came from: ``agency_name``,
    ``ice_county``, ``county_fix`` (county_fixes.csv), ``ct_legacy_county``,
    ``members`` (members.csv), ``place:cities`` / ``place:places.csv`` /
    ``place:ct_town`` (the agency's place), or ``state`` (a state agency).
    ``notes`` keeps every disagreement a rule settled (ICE TYPE vs the name,
    ICE COUNTY vs the name or the place).
    """

    state: str
    agency: str
    level: Level
    level_source: LevelSource
    rule: str
    county_fips: tuple[str, ...] = ()
    county_source: str | None = None
    place: City | None = None
    unmatched_reason: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def whole_state(self) -> bool:
        return self.level == "state"


@dataclass(frozen=True)
class UnmatchedAgency:
    """One agency (as ICE printed it) whose counties could not be found."""

    state: str
    agency: str
    type: str | None
    county: str | None
    level: Level
    rule: str
    reason: str
    rows: int


@dataclass(frozen=True)
class _Cell:
    """ICE's COUNTY cell, resolved: the counties, where they came from, and a note."""

    fips: tuple[str, ...] = ()
    source: str | None = None
    note: str = ""

    @property
    def single(self) -> str | None:
        return self.fips[0] if len(self.fips) == 1 else None


def _ice_county(state: str, agency: str, cell: str | None) -> _Cell:
    """ICE's COUNTY cell after the county-fix table."""
    printed = plain(cell or "")
    fixes = tables().county_fixes
    for key in ((state, agency_key(agency), printed), (state, "", printed)):
        if key in fixes:
            fixed = fixes[key]
            if fixed is None:
                return _Cell(
                    (), "county_fix", f"ICE COUNTY {cell!r} is no county (county_fixes.csv)"
                )
            return _Cell((fixed,), "county_fix")
    if not printed:
        return _Cell()
    found = match_county(state, cell or "")
    if found is None:
        return _Cell(note=f"ICE COUNTY {cell!r} matches no county of {state}")
    if found.how == "ct_legacy_county":
        note = (
            f"ICE COUNTY {cell!r} is a Connecticut legacy county; the planning regions "
            f"holding its towns are {', '.join(found.fips)}"
        )
        return _Cell(found.fips, "ct_legacy_county", note)
    return _Cell(found.fips, "ice_county")


def _label(fips: str) -> str:
    found = county_by_fips(fips)
    return f"{found.name} ({fips})" if found else fips


@lru_cache(maxsize=8192)
def resolve_jurisdiction(
    state: str, agency: str, type: str | None, county: str | None
) -> Jurisdiction:
    """The jurisdiction of an agency as one row of an ICE list prints it.

    ``state`` is the USPS code, ``agency`` the cleaned name, ``type`` ICE's TYPE
    (or None) and ``county`` ICE's COUNTY text (None for ``#N/A`` or blank).
    """
    level, source, rule = level_of(state, agency, type)
    notes: list[str] = []
    by_type = from_ice_type(type)
    if source != "ice_type" and by_type and by_type != level:
        notes.append(f"ICE TYPE {type!r} says {by_type}; {rule} decides {level}")
    found = Jurisdiction(state, agency, level, source, rule)

    if level == "state":
        if county:
            notes.append(f"ICE COUNTY {county!r} ignored: a state agency covers the whole state")
        return replace(found, county_source="state", notes=tuple(notes))

    cell = _ice_county(state, agency, county)
    if cell.note:
        notes.append(cell.note)
    members = tables().members.get((state, agency_key(agency)))
    if members:
        if not set(cell.fips) <= set(members):
            notes.append(f"ICE COUNTY {county!r} is not among the members; members.csv wins")
        return replace(found, county_fips=members, county_source="members", notes=tuple(notes))
    if level == "municipal":
        return _municipal(found, cell, county, notes)

    named = county_in_name(state, agency)
    if named is None and rule == "name:county_corrections":
        named = leading_county(state, agency)
    fips, fips_source = cell.fips, cell.source
    if named and cell.fips and named.fips != cell.fips:
        if named.how == "fuzzy":
            notes.append(
                f"the agency's name, misspelt, suggests {_label(named.fips[0])}; ICE COUNTY "
                f"{county!r} = {', '.join(map(_label, cell.fips))} is taken instead"
            )
            named = None
        else:
            notes.append(
                f"ICE COUNTY {county!r} = {', '.join(map(_label, cell.fips))} disagrees with "
                f"the agency's name, which names {_label(named.fips[0])}; the name wins"
            )
    if named:
        fips, fips_source = named.fips, "agency_name"
    if not fips:
        place = find_place(state, place_text(agency, state), None)
        if place is None or place.county_fips is None:
            reason = _reason(level, county, place_text(agency, state), state)
            return replace(found, unmatched_reason=reason, notes=tuple(notes))
        fips, fips_source = (place.county_fips,), f"place:{place.how}"
        found = replace(found, place=place.city)
    equivalent = county_by_fips(fips[0]) if len(fips) == 1 else None
    if level == "county" and equivalent is not None and equivalent.is_independent_city:
        city = match_city(state, equivalent.name.removesuffix(" city"), county_fips=fips[0])
        found = replace(found, level="municipal", rule=f"{rule}+independent_city", place=city)
    return replace(found, county_fips=fips, county_source=fips_source, notes=tuple(notes))


def _municipal(
    found: Jurisdiction,
    cell: _Cell,
    printed: str | None,
    notes: list[str],
) -> Jurisdiction:
    text = place_text(found.agency, found.state)
    place = find_place(found.state, text, cell.single)
    if place is None or place.county_fips is None:
        if cell.fips:
            origin = "county_fixes.csv" if cell.source == "county_fix" else "ICE's COUNTY"
            notes.append(f"place {text!r} not in the cities table; county from {origin}")
            return replace(
                found, county_fips=cell.fips, county_source=cell.source, notes=tuple(notes)
            )
        reason = _reason(found.level, printed, text, found.state)
        return replace(found, unmatched_reason=reason, notes=tuple(notes))
    fips: tuple[str, ...] = (place.county_fips,)
    city = place.city
    other = cell.single
    if other and other != place.county_fips and city is not None:
        km = distance_to_county_km(other, city.lat, city.lng)
        if km is not None and km <= STRADDLE_KM:
            fips = (place.county_fips, other)
            notes.append(
                f"ICE COUNTY {printed!r} differs from {city.name}'s county but lies "
                f"{km:.1f} km away: both kept"
            )
        else:
            notes.append(
                f"ICE COUNTY {printed!r} = {_label(other)} lies {km or 0:.0f} km from "
                f"{city.name}: the place's county {_label(place.county_fips)} kept"
            )
    return replace(
        found,
        county_fips=fips,
        county_source=f"place:{place.how}",
        place=city,
        notes=tuple(notes),
    )


def _reason(level: Level, cell: str | None, place: str, state: str) -> str:
    if cell:
        return f"{level}: ICE COUNTY {cell!r} matches no county of {state} and the name names none"
    if level in _MEMBER_LEVELS:
        return f"{level} body with no member counties on file (members.csv)"
    if place:
        return f"{level}: place {place!r} not found in {state} and ICE gives no county"
    return f"{level}: the name names no county or place and ICE gives no county"


# --- reports -------------------------------------------------------------------


def _row_key(row: Mapping[str, Any]) -> tuple[str, str, str | None, str | None]:
    return (str(row["state"]), str(row["agency"]), row.get("type"), row.get("county"))


def resolve_rows(
    rows: Iterable[Mapping[str, Any]],
) -> dict[tuple[str, str, str | None, str | None], tuple[Jurisdiction, int]]:
    """Every distinct (state, agency, type, county) of sheet rows, resolved, with its row count."""
    counts: Counter[tuple[str, str, str | None, str | None]] = Counter(
        _row_key(row) for row in rows if row.get("state") and row.get("agency")
    )
    return {key: (resolve_jurisdiction(*key), n) for key, n in sorted(counts.items(), key=str)}


def unmatched(rows: Iterable[Mapping[str, Any]]) -> list[UnmatchedAgency]:
    """The agencies among ``rows`` that got no county, each with why (``g287 geo unmatched``)."""
    out: list[UnmatchedAgency] = []
    for (state, agency, ice_type, cell), (found, n) in resolve_rows(rows).items():
        if found.unmatched_reason:
            out.append(
                UnmatchedAgency(
                    state,
                    agency,
                    ice_type,
                    cell,
                    found.level,
                    found.rule,
                    found.unmatched_reason,
                    n,
                )
            )
    return out
