"""Counties and county-equivalents, and matching ICE's COUNTY text to them.

The county list is the Census Bureau's Vintage 2025 estimates (3,144 counties of
the 50 states and DC, Connecticut as planning regions) plus the territories'
county-equivalents of the 2023 boundary file (no population for those).

:func:`match_county` tries, in order, and reports which step matched in
``CountyMatch.how``:

``exact``
    the Census name, ignoring case and runs of spaces (``Hillsborough County``).
``punctuation``
    also ignoring apostrophes, periods, hyphens and accents (``Miami Dade County``).
``saint``
    also reading St./Ste./Ft./Mt. as Saint/Sainte/Fort/Mount (``Saint Mary's County``).
``suffix`` / ``parish`` / ``borough`` / ``independent_city``
    the same name with another or no type word: ``Decatur`` (no suffix),
    ``Union County`` for Union Parish, ``Kodiak Island County`` for the borough,
    ``Hopewell County`` for the independent city of Hopewell, VA. When a bare
    name fits a county and an independent city (``Richmond``, VA), the county
    wins; ``Richmond City`` or ``City of Richmond`` names the city.
``spacing``
    also ignoring spaces (``De Soto`` / ``DeSoto``, ``La Salle`` / ``LaSalle``).
``ct_legacy_county``
    one of Connecticut's eight legacy counties: every planning region holding
    one of its towns (see :mod:`g287.enrich.geo.connecticut`).
``fuzzy``
    a misspelling: the restricted Damerau-Levenshtein (OSA) distance between
    the names without type word and spaces is at most 1 for names of 4 to 7
    letters and at most 2 for 8 letters or more (never for 3 or fewer), and one
    county alone is nearest (``Frankin``, ``McCorkmick``, ``Layafette``).

Misspelt type words (``Couty``, ``Conty``, ``Countey``, ``Co.``) count as County.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from g287.enrich.geo.connecticut import legacy_counties
from g287.enrich.geo.names import compact, name_key, plain
from g287.enrich.geo.resources import COUNTIES_TOPOJSON, COUNTY_POPULATION, read_csv
from g287.model.states import STATES

CountyKind = Literal[
    "county",
    "parish",
    "borough",
    "census_area",
    "city_and_borough",
    "municipality",
    "independent_city",
    "planning_region",
    "district",
    "municipio",
    "island_area",
]
MatchHow = Literal[
    "exact",
    "punctuation",
    "saint",
    "suffix",
    "parish",
    "borough",
    "independent_city",
    "spacing",
    "ct_legacy_county",
    "fuzzy",
]

FUZZY_MIN_LENGTH = 4
"""Names shorter than this are never matched fuzzily."""
FUZZY_LONG_NAME = 8
"""From this length on, two edits are allowed instead of one."""

_STATE_BY_FIPS = {fips: code for code, (_name, fips) in STATES.items()}

# Type words, longest first; the value is the kind a text's suffix asks for.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("city and borough", "borough"),
    ("census area", "census_area"),
    ("planning region", "planning_region"),
    ("municipality", "borough"),
    ("borough", "borough"),
    ("parish", "parish"),
    ("county", "county"),
    ("cnty", "county"),
    ("cty", "county"),
    ("co", "county"),
    ("city", "independent_city"),
)
_PREFIX = re.compile(r"^(city|county|parish|borough) of (.+)$")
_BOROUGH_KINDS = {"borough", "census_area", "city_and_borough", "municipality"}


@dataclass(frozen=True)
class County:
    """A county or county-equivalent of the 2023 Census boundaries."""

    fips: str
    state: str
    name: str
    kind: CountyKind
    population_2025: int | None = None
    population_2024: int | None = None
    population_base_2020: int | None = None

    @property
    def is_parish(self) -> bool:
        return self.kind == "parish"

    @property
    def is_borough(self) -> bool:
        """An Alaska borough, city and borough, or municipality."""
        return self.kind in {"borough", "city_and_borough", "municipality"}

    @property
    def is_census_area(self) -> bool:
        return self.kind == "census_area"

    @property
    def is_independent_city(self) -> bool:
        """A city outside any county (Virginia's 38, Baltimore, St. Louis, Carson City)."""
        return self.kind == "independent_city"


@dataclass(frozen=True)
class CountyMatch:
    """What :func:`match_county` found for a piece of text.

    ``fips`` holds one county, except for a Connecticut legacy county, which
    names every planning region that holds one of its towns.
    """

    text: str
    fips: tuple[str, ...]
    name: str
    how: MatchHow
    score: float = 1.0

    @property
    def single(self) -> str | None:
        """The one FIPS code, or None when the text names several regions."""
        return self.fips[0] if len(self.fips) == 1 else None


@dataclass(frozen=True)
class _Parsed:
    base: str
    kind: str | None


def _is_county_typo(token: str) -> bool:
    return len(token) >= 4 and token[0] == "c" and OSA.distance(token, "county") <= 2


def parse_county_text(text: str) -> _Parsed:
    """Split a county text's key into its name and the kind its type word asks for."""
    key = name_key(text)
    prefixed = _PREFIX.match(key)
    if prefixed:
        word, rest = prefixed.groups()
        kind = dict(_SUFFIXES).get(word, "county")
        return _Parsed(rest, "independent_city" if word == "city" else kind)
    for word, kind in _SUFFIXES:
        if key.endswith(" " + word):
            return _Parsed(key[: -len(word) - 1], kind)
    head, _, last = key.rpartition(" ")
    if head and _is_county_typo(last):
        return _Parsed(head, "county")
    return _Parsed(key, None)


def _kind_of(name: str, state: str) -> CountyKind:
    lowered = name.casefold()
    if name.endswith(" city") or name == "Carson City":
        return "independent_city"
    for suffix, kind in (
        (" city and borough", "city_and_borough"),
        (" census area", "census_area"),
        (" planning region", "planning_region"),
        (" municipality", "municipality"),
        (" borough", "borough"),
        (" parish", "parish"),
        (" county", "county"),
    ):
        if lowered.endswith(suffix):
            return kind  # type: ignore[return-value]
    if name == "District of Columbia":
        return "district"
    return "municipio" if state == "PR" else "island_area"


@dataclass(frozen=True)
class _Entry:
    county: County
    exact: str
    plain: str
    key: str
    base: str
    compact: str


_Registry = tuple[dict[str, County], dict[str, list[_Entry]]]


@cache
def _registry() -> _Registry:
    """Counties by FIPS and, per state, with their names pre-normalized for matching;
    built once, then read from the on-disk index cache (:mod:`g287.enrich.indexcache`)."""
    from g287.enrich.indexcache import cached_index

    inputs = [("geo", COUNTY_POPULATION), ("geo", COUNTIES_TOPOJSON)]
    return cached_index("counties", inputs, _build_registry)


def _build_registry() -> _Registry:
    by_fips: dict[str, County] = {}
    for row in read_csv(COUNTY_POPULATION):
        by_fips[row["fips"]] = County(
            fips=row["fips"],
            state=row["usps"],
            name=row["county_name"],
            kind=_kind_of(row["county_name"], row["usps"]),
            population_2025=int(row["pop_2025"]),
            population_2024=int(row["pop_2024"]),
            population_base_2020=int(row["pop_base2020"]),
        )
    from g287.enrich.geo.points import county_features

    for fips, short_name in county_features().names.items():
        state = _STATE_BY_FIPS.get(fips[:2])
        if fips not in by_fips and state:
            by_fips[fips] = County(fips, state, short_name, _kind_of(short_name, state))
    by_state: dict[str, list[_Entry]] = {}
    for county in by_fips.values():
        parsed = parse_county_text(county.name)
        entry = _Entry(
            county,
            " ".join(county.name.casefold().split()),
            plain(county.name),
            name_key(county.name),
            parsed.base,
            compact(parsed.base),
        )
        by_state.setdefault(county.state, []).append(entry)
    return by_fips, by_state


def county(fips: str) -> County | None:
    """The county with this 5-digit FIPS code, or None."""
    return _registry()[0].get(fips)


def counties(state: str | None = None) -> list[County]:
    """Every county (of one state, by USPS code), in FIPS order."""
    by_fips, by_state = _registry()
    if state is None:
        return sorted(by_fips.values(), key=lambda c: c.fips)
    return sorted((e.county for e in by_state.get(state, [])), key=lambda c: c.fips)


def _kind_how(entry: _Entry, asked: str | None) -> MatchHow:
    kind = entry.county.kind
    if kind == "independent_city":
        return "independent_city"
    if kind == "parish" and asked != "parish":
        return "parish"
    if kind in _BOROUGH_KINDS and asked != "borough":
        return "borough"
    return "suffix"


def _pick(candidates: list[_Entry], asked: str | None) -> _Entry | None:
    """One entry among same-named ones: the kind the text asks for, else a non-city."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if asked is not None:
        fitting = [e for e in candidates if _fits(e.county.kind, asked)]
        if len(fitting) == 1:
            return fitting[0]
    counties_only = [e for e in candidates if e.county.kind != "independent_city"]
    return counties_only[0] if len(counties_only) == 1 else None


def _fits(kind: str, asked: str) -> bool:
    if asked == "borough":
        return kind in _BOROUGH_KINDS
    return kind == asked


_FIELDS = ("exact", "plain", "key", "base", "compact")


@cache
def _state_index(state: str) -> dict[str, dict[str, list[_Entry]]]:
    """A state's counties by each normalized form of their name (in registry order), so a
    match is a few dictionary lookups rather than a scan of every county per step."""
    index: dict[str, dict[str, list[_Entry]]] = {name: {} for name in _FIELDS}
    for entry in _registry()[1].get(state, []):
        for name in _FIELDS:
            index[name].setdefault(getattr(entry, name), []).append(entry)
    return index


def _match(state: str, field_name: str, value: str) -> list[_Entry]:
    return _state_index(state)[field_name].get(value, [])


@lru_cache(maxsize=65536)
def match_county(state: str, text: str) -> CountyMatch | None:
    """The county of ``state`` (USPS code) that ``text`` names, or None (memoized: ICE
    prints the same county text on every list).

    None means no county fits, or several fit equally well; see the module
    docstring for the steps and the fuzzy threshold.
    """
    entries = _registry()[1].get(state, [])
    cleaned = " ".join(text.split())
    if not cleaned or not entries:
        return None

    def found(entry: _Entry, how: MatchHow, score: float = 1.0) -> CountyMatch:
        return CountyMatch(text, (entry.county.fips,), entry.county.name, how, score)

    exact = " ".join(cleaned.casefold().split())
    punct, key = plain(cleaned), name_key(cleaned)  # normalized once, not once per county
    for how, field_name, value in (
        ("exact", "exact", exact),
        ("punctuation", "plain", punct),
        ("saint", "key", key),
    ):
        hits = _match(state, field_name, value)
        if len(hits) == 1:
            return found(hits[0], how)  # type: ignore[arg-type]

    parsed = parse_county_text(cleaned)
    same_base = _pick(_match(state, "base", parsed.base), parsed.kind)
    if same_base:
        return found(same_base, _kind_how(same_base, parsed.kind))

    if state == "CT":
        legacy = legacy_counties().get(f"{parsed.base} county")
        if legacy:
            return CountyMatch(text, legacy.regions, legacy.name, "ct_legacy_county")

    squeezed = compact(parsed.base)
    spaced = _pick(_match(state, "compact", squeezed), parsed.kind)
    if spaced:
        return found(spaced, "spacing")
    return _fuzzy(entries, squeezed, text)


def _fuzzy(entries: list[_Entry], squeezed: str, text: str) -> CountyMatch | None:
    if len(squeezed) < FUZZY_MIN_LENGTH:
        return None
    allowed = 2 if len(squeezed) >= FUZZY_LONG_NAME else 1
    # Only the names within the allowed distance (rapidfuzz's C loop), nearest first.
    near = process.extract(
        squeezed,
        [e.compact for e in entries],
        scorer=OSA.distance,
        score_cutoff=allowed,
        limit=None,
    )
    scored = sorted((distance, entries[i].county.fips, i) for _, distance, i in near)
    if not scored:
        return None
    best_distance, _, best_index = scored[0]
    best = entries[best_index]
    if len(scored) > 1 and scored[1][0] == best_distance:
        return None
    score = 1 - best_distance / max(len(squeezed), len(best.compact))
    return CountyMatch(text, (best.county.fips,), best.county.name, "fuzzy", round(score, 3))
