"""What an agency's name says: its level of government, the place and the county it names.

The patterns are checked against every agency in the bundled ICE lists; the order of
the rules in :func:`level_of` is the one :mod:`g287.enrich.jurisdiction` documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from g287.enrich.geo import City, CountyMatch, match_city, match_county, town_region
from g287.enrich.geo import county as county_by_fips
from g287.enrich.geo.names import name_key, plain
from g287.enrich.jurisdiction_tables import agency_key, tables
from g287.model.levels import Level, LevelSource
from g287.model.states import STATES

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
class Place:
    city: City | None
    county_fips: str | None
    how: str


def find_place(state: str, text: str, hint: str | None) -> Place | None:
    if not text:
        return None
    alias = tables().places.get((state, name_key(text)))
    if alias is None and (bare := _CITY_OF.sub("", text)) != text:
        alias = tables().places.get((state, name_key(bare)))
    if alias is not None:
        place_name, fips = alias
        city = match_city(state, place_name, county_fips=hint or fips)
        if city is not None:
            return Place(city, city.county_fips, "places.csv")
        return Place(None, fips, "places.csv")
    city = match_city(state, text, county_fips=hint)
    if city is not None:
        return Place(city, city.county_fips, "cities")
    if state == "CT":
        region = town_region(_CITY_OF.sub("", text))
        if region:
            return Place(None, region, "ct_town")
    return None


def level_of(state: str, agency: str, ice_type: str | None) -> tuple[Level, LevelSource, str]:
    key = agency_key(agency)
    override = tables().levels.get((state, key))
    if override:
        return override, "override", "levels.csv"
    place = place_text(agency, state)
    found = find_place(state, place, None) if place else None
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
        if leading_county(state, agency):
            return "county", "name", "name:county_corrections"
        return "corrections_facility", "name", "name:corrections"
    if is_city or _MUNICIPAL_WORDS.search(place) or _CITY_OF.match(key):
        return "municipal", "name", "name:municipal_place"
    by_type = from_ice_type(ice_type)
    if by_type:
        return by_type, "ice_type", f"ice_type:{ice_type}"
    return "other", "default", "default:other"


def from_ice_type(ice_type: str | None) -> Level | None:
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


_NAME_MATCHES = {"exact", "punctuation", "saint", "suffix", "parish", "borough", "spacing"}


def leading_county(state: str, agency: str) -> CountyMatch | None:
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
