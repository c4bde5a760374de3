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

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Literal

from g287.enrich.geo import (
    City,
    CountyMatch,
    distance_to_county_km,
    match_city,
    match_county,
    town_region,
)
from g287.enrich.geo import county as county_by_fips
from g287.enrich.geo.names import name_key, plain
from g287.enrich.geo.resources import read_csv
from g287.errors import ConfigError
from g287.model.states import STATES

Level = Literal[
    "state",
    "county",
    "municipal",
    "regional",
    "campus",
    "port",
    "constable_district",
    "judicial_district",
    "corrections_facility",
    "tribal",
    "other",
]
LevelSource = Literal["override", "name", "ice_type", "default"]
LEVELS: tuple[Level, ...] = (
    "state",
    "county",
    "municipal",
    "regional",
    "campus",
    "port",
    "constable_district",
    "judicial_district",
    "corrections_facility",
    "tribal",
    "other",
)

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


# --- committed tables ------------------------------------------------------------


def agency_key(agency: str) -> str:
    """The key agencies are compared by: case, apostrophes, punctuation, spaces folded."""
    return plain(agency)


@dataclass(frozen=True)
class _Tables:
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
def tables() -> _Tables:
    """The committed correction tables, checked against the county list on load."""
    return _Tables(_load_levels(), _load_county_fixes(), _load_places(), _load_members())


# --- name patterns -------------------------------------------------------------

_TRIBAL = re.compile(
    r"\b(tribe|tribal|nation|pueblo|rancheria|reservation|band of)\b|\bindian community\b"
)
_CAMPUS = re.compile(
    r"\b(university|college|campus|schools?|school district|isd|board of trustees)\b"
)
_PORT = re.compile(
    r"\bairport\b|\bport authority\b|\baviation authority\b|\bseaport\b"
    r"|\bharbou?r police\b|^port of\b"
)
_JUDICIAL = re.compile(
    r"\bjudicial\b|\bstate attorney\b|\bsolicitor\b|\bcircuit\b"
    r"|\b(district|prosecuting) attorney\b.*\bdistrict\b"
)
_CONSTABLE = re.compile(r"\bconst(able|bale)s?\b|\bward \w+ marshals?\b")
_REGIONAL = re.compile(
    r"\bregional\b|\bmetropolitan\b|\bmetro\b|\bdistrict jail\b|\bcooperative\b"
    r"|\btask force\b|\bmulti ?county\b"
)
_STATE_WORDS = re.compile(
    r"\b(state police|highway patrol|state patrol|national guard|attorney general|state guard)\b"
)
# Words that may follow a state's name in a state agency's name (Florida Department of ...).
# fmt: off
_AGENCY_WORDS = frozenset({
    "department", "dept", "division", "bureau", "office", "state", "highway", "national",
    "attorney", "attorneys", "military", "alcohol", "fish", "wildlife", "marine", "game",
    "gaming", "lottery", "commission", "board", "doc", "dps", "law", "capitol", "public",
    "parks", "corrections", "correctional", "supreme", "air", "army", "motor", "investigation",
    "fire", "insurance", "revenue", "agriculture", "environmental", "homeland", "emergency",
    "natural", "conservation", "transportation", "secretary", "criminal", "adjutant", "police",
})
# fmt: on
_SHERIFF = re.compile(r"\bsheriffs?\b")
_CORRECTIONS = re.compile(
    r"\b(jail|detention|correctional|corrections|prison|penitentiary|rehabilitation)\b"
)
_TYPE_WORDS = re.compile(r"\b(county|parish)\b")
_AK_TYPE_WORDS = re.compile(r"\b(borough|census area)\b")
_MUNICIPAL_WORDS = re.compile(r"\b(township|borough|village|town|city)\b")
_STRIP_PHRASES = re.compile(
    r"\b("
    r"police dep[a-z]*|police dept|police division|police services?|police|pd"
    r"|department of public safety|public safety department|public safety|dps"
    r"|pennsylvania state constables? office|pa state constables?|state constables?"
    r"|constables? office|office of constables?|constables?|constbales?(?: office)?"
    r"|city marshals?|town marshals?|marshals? office|marshals?"
    r"|sheriffs? office|sheriffs? department|sheriffs?"
    r")\b"
)
_WARD = re.compile(
    r"\b(\d+(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
    r" (ward|precinct|district)\b|\b(ward|precinct|district) \w+$"
)
_CITY_OF = re.compile(r"^(city|town|village|borough|township) of ")


def _state_prefixed(key: str, state: str) -> bool:
    name = plain(STATES[state][0]) if state in STATES else ""
    if not name:
        return False
    for prefix in (f"state of {name} ", f"{name} "):
        if key.startswith(prefix):
            nxt = key[len(prefix) :].split(" ", 1)[0]
            return nxt in _AGENCY_WORDS
    return False


@lru_cache(maxsize=1 << 16)
def place_text(agency: str, state: str = "") -> str:
    """The place an agency's name points at: ``Lower Burrell Fourth Ward Constable`` -> ``lower
    burrell``; ``City of St. Cloud Police Department`` -> ``city of st cloud``; a trailing
    state (``Arnaudville Police Department, LA``) is dropped."""
    text = plain(agency)
    if state in STATES:
        for suffix in (plain(state), plain(STATES[state][0])):
            text = text.removesuffix(f" {suffix}")
    text = _WARD.sub(" ", _STRIP_PHRASES.sub(" ", text))
    return " ".join(text.split())


@dataclass(frozen=True)
class _Place:
    city: City | None
    county_fips: str | None
    how: str


def _find_place(state: str, text: str, hint: str | None) -> _Place | None:
    if not text:
        return None
    alias = tables().places.get((state, name_key(text)))
    if alias is None and (bare := _CITY_OF.sub("", text)) != text:
        alias = tables().places.get((state, name_key(bare)))
    if alias is not None:
        place_name, fips = alias
        city = match_city(state, place_name, county_fips=hint or fips)
        if city is not None:
            return _Place(city, city.county_fips, "places.csv")
        return _Place(None, fips, "places.csv")
    city = match_city(state, text, county_fips=hint)
    if city is not None:
        return _Place(city, city.county_fips, "cities")
    if state == "CT":
        region = town_region(_CITY_OF.sub("", text))
        if region:
            return _Place(None, region, "ct_town")
    return None


# --- level ---------------------------------------------------------------------


def _level(state: str, agency: str, ice_type: str | None) -> tuple[Level, LevelSource, str]:
    key = agency_key(agency)
    override = tables().levels.get((state, key))
    if override:
        return override, "override", "levels.csv"
    place = place_text(agency, state)
    found = _find_place(state, place, None) if place else None
    is_city = found is not None
    # A CDP named after a university (Florida Gulf Coast University) is no city.
    is_town = found is not None and (found.city is None or found.city.incorporated)
    if _TRIBAL.search(key):
        return "tribal", "name", "name:tribal"
    if _CAMPUS.search(key) and not is_town:
        return "campus", "name", "name:campus"
    if _PORT.search(key) and not is_town:
        return "port", "name", "name:port"
    if _JUDICIAL.search(key):
        return "judicial_district", "name", "name:judicial"
    if _CONSTABLE.search(key):
        return "constable_district", "name", "name:constable"
    if _REGIONAL.search(key):
        return "regional", "name", "name:regional"
    if _state_prefixed(key, state) and not is_city:
        return "state", "name", "name:state_prefix"
    if _STATE_WORDS.search(key):
        return "state", "name", "name:state_words"
    if _SHERIFF.search(key):
        return "county", "name", "name:sheriff"
    if _TYPE_WORDS.search(key) or (state == "AK" and _AK_TYPE_WORDS.search(key)):
        return "county", "name", "name:county_in_name"
    if _CORRECTIONS.search(key):
        if _leading_county(state, agency):
            return "county", "name", "name:county_corrections"
        return "corrections_facility", "name", "name:corrections"
    if is_city or _MUNICIPAL_WORDS.search(place) or _CITY_OF.match(key):
        return "municipal", "name", "name:municipal_place"
    by_type = _from_ice_type(ice_type)
    if by_type:
        return by_type, "ice_type", f"ice_type:{ice_type}"
    return "other", "default", "default:other"


def _from_ice_type(ice_type: str | None) -> Level | None:
    lowered = (ice_type or "").strip().casefold()
    if lowered.startswith("state"):
        return "state"
    if lowered.startswith("county"):
        return "county"
    if lowered.startswith("munic"):
        return "municipal"
    if lowered.startswith("tribal"):
        return "tribal"
    return None


# --- counties ------------------------------------------------------------------

_NAME_MATCHES = {"exact", "punctuation", "saint", "suffix", "parish", "borough", "spacing"}


def _leading_county(state: str, agency: str) -> CountyMatch | None:
    """A county named by the first one to three words (``Miami Dade Corrections ...``)."""
    words = plain(agency).split()
    for n in (3, 2, 1):
        found = match_county(state, " ".join(words[:n]))
        if found and found.single and found.how in _NAME_MATCHES:
            named = county_by_fips(found.single)
            if named and not named.is_independent_city:
                return found
    return None


def county_in_name(state: str, agency: str) -> CountyMatch | None:
    """The county an agency's own name names, if any.

    ``<words> County|Parish|Borough``: the longest run of up to four words
    before the type word that names a county (a misspelling only as a last
    resort, marked ``how == "fuzzy"``); else the words before ``Sheriff``
    (``Miami Dade Sheriff's Office``, ``City of Richmond Sheriff's Office``).
    """
    words = plain(agency).split()
    for i, word in enumerate(words):
        if word not in {"county", "parish", "borough"} or i == 0:
            continue
        fuzzy: CountyMatch | None = None
        for n in (4, 3, 2, 1):
            if i - n < 0:
                continue
            found = match_county(state, " ".join(words[i - n : i + 1]))
            if found and found.single:
                if found.how != "fuzzy":
                    return found
                fuzzy = fuzzy or found
        if fuzzy:
            return fuzzy
    key = " ".join(words)
    sheriff = _SHERIFF.search(key)
    if sheriff and sheriff.start() > 0:
        found = match_county(state, key[: sheriff.start()])
        if found and found.single and found.how in _NAME_MATCHES:
            return found
    return None


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
    level, source, rule = _level(state, agency, type)
    notes: list[str] = []
    by_type = _from_ice_type(type)
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
        named = _leading_county(state, agency)
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
        place = _find_place(state, place_text(agency, state), None)
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
    place = _find_place(found.state, text, cell.single)
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
