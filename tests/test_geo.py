"""Offline geography: county registry, county and city matching, point in county."""

from __future__ import annotations

import csv
import statistics
import time
from collections import Counter
from importlib import resources

import pytest

from g287.enrich import geo
from g287.enrich.geo import (
    City,
    county,
    county_at,
    distance_to_county_km,
    legacy_counties,
    match_city,
    match_county,
    town_region,
)
from g287.enrich.geo.cities import city_candidates
from g287.enrich.geo.names import name_key
from g287.enrich.geo.points import county_features
from g287.enrich.geo.resources import read_json
from g287.errors import InvalidQuery

DATA = resources.files("g287") / "data" / "geo"


# --- the county registry ---------------------------------------------------------


def test_registry_holds_every_pep_county_and_the_territories() -> None:
    everything = geo.counties()
    assert len(everything) == 3233  # 3,144 PEP V2025 + 89 territory county-equivalents
    assert sum(c.population_2025 is not None for c in everything) == 3144
    kinds = Counter(c.kind for c in everything)
    assert kinds["parish"] == 64
    assert kinds["independent_city"] == 41  # 38 in Virginia, Baltimore, St. Louis, Carson City
    assert kinds["planning_region"] == 9
    assert kinds["census_area"] == 11
    assert len(geo.counties("FL")) == 67


def test_county_by_fips_carries_name_population_and_kind() -> None:
    hillsborough = county("12057")
    assert hillsborough is not None
    assert (hillsborough.name, hillsborough.state) == ("Hillsborough County", "FL")
    assert hillsborough.population_2025 is not None and hillsborough.population_2025 > 1_500_000
    assert county("22111").is_parish  # type: ignore[union-attr]
    assert county("02150").is_borough  # type: ignore[union-attr]  Kodiak Island Borough
    assert county("02016").is_census_area  # type: ignore[union-attr]  Aleutians West
    assert county("51670").is_independent_city  # type: ignore[union-attr]  Hopewell city
    assert county("99999") is None


def test_albers_topology_has_exactly_the_pep_counties() -> None:
    albers = read_json("counties-albers-10m.json")
    ids = {g["id"] for g in albers["objects"]["counties"]["geometries"]}
    pep = {c.fips for c in geo.counties() if c.population_2025 is not None}
    assert ids == pep
    assert geo.topology_path(albers=True).is_file()


def test_shipped_licences_and_attribution() -> None:
    provenance = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in provenance and "simplemaps" in provenance
    assert "ISC" in provenance
    assert "Permission to use, copy, modify" in (DATA / "LICENSE-us-atlas").read_text("utf-8")
    with (DATA / "cities.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert "zips" not in header


# --- match_county ---------------------------------------------------------------

# Real ICE COUNTY cells (ICE_SHEETS.md 2.4 and the later lists' misspellings).
MATCHES = [
    ("FL", "Hillsborough County", "12057", "exact"),
    ("FL", "Alamance County ", None, None),
    ("NC", "Alamance County ", "37001", "exact"),
    ("WI", "Fond Du Lac County", "55039", "exact"),
    ("MD", "St. Mary's County", "24037", "exact"),
    ("FL", "Miami-Dade County", "12086", "exact"),
    ("WI", "Sebastian county ", None, None),
    ("AR", "Sebastian county ", "05131", "exact"),
    ("NM", "Dona Ana County", "35013", "punctuation"),
    ("FL", "Miami Dade County", "12086", "punctuation"),
    ("MO", "Saint Francois County", "29187", "saint"),
    ("GA", "Decatur", "13087", "suffix"),
    ("FL", "Miami Dade", "12086", "suffix"),
    ("LA", "Union County", "22111", "parish"),
    ("LA", "Lafourche County", "22057", "parish"),
    ("LA", "Saint Landry County", "22097", "parish"),
    ("AK", "Kodiak Island County", "02150", "borough"),
    ("VA", "Hopewell County", "51670", "independent_city"),
    ("VA", "Portsmouth County", "51740", "independent_city"),
    ("VA", "City of Richmond", "51760", "independent_city"),
    ("VA", "Richmond City", "51760", "exact"),
    ("VA", "Richmond County", "51159", "exact"),
    ("VA", "Richmond", "51159", "suffix"),  # a bare name: the county, not the city
    ("MO", "St. Louis", "29189", "suffix"),
    ("NV", "Carson City", "32510", "exact"),
    ("FL", "De Soto County", "12027", "spacing"),
    ("LA", "DeSoto Parish", "22031", "spacing"),
    ("MS", "Prentiss Couty", "28117", "suffix"),
    ("TX", "Zavala Couny", "48507", "suffix"),
    ("OK", "Custer Countey", "40039", "suffix"),
    ("AL", "Frankin County", "01059", "fuzzy"),
    ("SC", "McCorkmick County", "45065", "fuzzy"),
    ("MD", "Allegancy", "24001", "fuzzy"),
    ("FL", "Layafette County", "12067", "fuzzy"),
    ("MI", "Berrian County", "26021", "fuzzy"),
    ("AR", "Pulaksi County", "05119", "fuzzy"),
    ("TN", "Louden County", "47105", "fuzzy"),
    ("OK", "Wood County", "40151", "fuzzy"),
    ("LA", "Arcadia County", "22001", "fuzzy"),
    ("WV", "Kenawha County", "54039", "fuzzy"),
    # no rule can decide these: they live in county_fixes.csv
    ("NC", "Albemarle County", None, None),
    ("LA", "German Coast County", None, None),
    ("TX", "Overton County", None, None),
    ("AR", "Pop County", None, None),
    ("MS", "Pearl County", None, None),
    ("FL", "", None, None),
]


@pytest.mark.parametrize(("state", "text", "fips", "how"), MATCHES)
def test_match_county(state: str, text: str, fips: str | None, how: str | None) -> None:
    found = match_county(state, text)
    if fips is None:
        assert found is None
        return
    assert found is not None
    assert (found.single, found.how) == (fips, how)
    assert found.score <= 1.0


def test_fuzzy_needs_four_letters_and_a_unique_nearest_county() -> None:
    assert match_county("TX", "Hal County") is None  # three letters: never fuzzy
    # 'Hallx' is one edit from Hall and none other: a match; 'Hal' + 'e' is a real county
    found = match_county("TX", "Hallx County")
    assert found is not None and (found.single, found.how) == ("48191", "fuzzy")
    assert match_county("TX", "Hale County").how == "exact"  # type: ignore[union-attr]
    # 'Marin' is one edit from both Marion and Martin (Texas has both): no guess
    assert match_county("TX", "Marin County") is None


def test_connecticut_legacy_counties_name_every_region_holding_their_towns() -> None:
    found = match_county("CT", "Fairfield County")
    assert found is not None
    assert found.how == "ct_legacy_county"
    assert found.fips == ("09190", "09120", "09140")  # by number of towns: 16, 6, 1 (Shelton)
    assert found.single is None
    middlesex = match_county("CT", "Middlesex County")
    assert middlesex is not None and middlesex.fips == ("09130",)
    assert len(legacy_counties()) == 8
    assert sum(sum(n for _, n in c.towns_by_region) for c in legacy_counties().values()) == 169
    region = match_county("CT", "Capitol Planning Region")
    assert region is not None and (region.single, region.how) == ("09110", "exact")
    assert town_region("Danbury") == "09190"
    assert town_region("Shelton") == "09140"
    assert town_region("Springfield") is None


# --- match_city ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "name", "expected", "fips"),
    [
        ("FL", "Tampa", "Tampa", "12057"),
        ("FL", "City of St. Cloud", "St. Cloud", "12097"),
        ("FL", "Ft. Myers", "Fort Myers", "12071"),
        ("FL", "Deland", "DeLand", "12127"),
        ("FL", "Sewall's Point", "Sewall's Point", "12085"),
        ("PA", "Manheim Borough", "Manheim", "42071"),
        ("MO", "Saint Mary", "St. Mary", "29186"),
        ("AK", "Kodiak", "Kodiak", "02150"),
        ("VA", "Norfolk", "Norfolk", "51710"),
        ("FL", "Haines City", "Haines City", "12105"),
    ],
)
def test_match_city(state: str, name: str, expected: str, fips: str) -> None:
    found = match_city(state, name)
    assert isinstance(found, City)
    assert (found.name, found.county_fips) == (expected, fips)


def test_match_city_ambiguity_and_county_hint() -> None:
    # two incorporated Marions in Indiana: the name alone cannot choose
    assert len(city_candidates("IN", "Marion")) == 2
    assert match_city("IN", "Marion") is None
    hinted = match_city("IN", "Marion", county_fips="18053")
    assert hinted is not None and hinted.population > 20_000
    # incorporated beats a CDP of the same name (FL Midway: two towns and a CDP)
    assert match_city("FL", "Midway", county_fips="12039") is not None
    # no fuzzy matching: Indiatlantic is a misspelling and needs the alias table
    assert match_city("FL", "Indiatlantic") is None
    # New England towns are not Census places
    assert match_city("NH", "Candia") is None


def test_name_key_folds_what_never_tells_places_apart() -> None:
    assert name_key("St. Mary’s County") == name_key("Saint Marys County") == "saint marys county"
    assert name_key("Doña Ana") == "dona ana"
    assert name_key("Miami-Dade") == "miami dade"


# --- county_at -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "fips"),
    [
        (27.9506, -82.4572, "12057"),  # Tampa: Hillsborough County, FL
        (27.7, -82.3, "12057"),  # southern Hillsborough (Apollo Beach)
        (30.4515, -91.1871, "22033"),  # Baton Rouge: East Baton Rouge Parish
        (32.51, -92.12, "22073"),  # Monroe, LA: Ouachita Parish
        (38.0293, -78.4767, "51540"),  # Charlottesville city, a hole in Albemarle County
        (38.10, -78.60, "51003"),  # Albemarle County around it
        (37.2915, -77.2985, "51670"),  # Hopewell city
        (41.1865, -73.1952, "09120"),  # Bridgeport, CT: Greater Bridgeport Planning Region
        (41.7658, -72.6734, "09110"),  # Hartford, CT: Capitol Planning Region
        (61.2181, -149.9003, "02020"),  # Anchorage
        (52.9, 172.9, "02016"),  # Attu, west of the antimeridian
        (51.88, -176.65, "02016"),  # Adak, east of it
        (21.3069, -157.8583, "15003"),  # Honolulu
        (18.4655, -66.1057, "72127"),  # San Juan, PR
    ],
)
def test_county_at(lat: float, lon: float, fips: str) -> None:
    assert county_at(lat, lon) == fips


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (30.0, -60.0),  # Atlantic
        (25.5, -90.0),  # Gulf of Mexico
        (35.0, -125.0),  # Pacific off California
        (44.0, -87.0),  # Lake Michigan
        (27.60, -82.75),  # Gulf off Pinellas
        (48.85, 2.35),  # Paris
        (0.0, 0.0),
    ],
)
def test_county_at_water_and_abroad_is_none(lat: float, lon: float) -> None:
    assert county_at(lat, lon) is None


def test_county_at_accepts_0_360_longitudes_and_rejects_nonsense() -> None:
    assert county_at(27.9506, -82.4572 + 360) == "12057"
    for lat, lon in ((91.0, 0.0), (0.0, 400.0), (float("nan"), 0.0)):
        with pytest.raises(InvalidQuery):
            county_at(lat, lon)


def test_county_at_agrees_with_the_cities_table() -> None:
    """Every city's point should fall in the county simplemaps gives it, bar border towns."""
    cities = [c for state in ("FL", "LA", "VA", "CT", "AK", "TX") for c in _cities(state)]
    agree = sum(county_at(c.lat, c.lng) == c.county_fips for c in cities)
    assert agree / len(cities) > 0.99, agree / len(cities)


def _cities(state: str) -> list[City]:
    from g287.enrich.geo.cities import all_cities

    return all_cities(state)


def test_county_at_speed() -> None:
    """Once loaded, a lookup must take well under 20 ms; it takes tens of microseconds."""
    county_features()
    points = [(c.lat, c.lng) for c in _cities("TX") + _cities("AK") + _cities("VA")]
    times = []
    for lat, lon in points:
        start = time.perf_counter()
        county_at(lat, lon)
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"county_at: {len(times)} lookups, mean {statistics.mean(times) * 1e6:.1f} µs, "
        f"p99 {times[int(len(times) * 0.99)] * 1e6:.1f} µs, max {times[-1] * 1e3:.2f} ms"
    )
    assert statistics.mean(times) < 0.002
    assert times[int(len(times) * 0.99)] < 0.020


def test_distance_to_county() -> None:
    assert distance_to_county_km("12057", 27.9506, -82.4572) == 0.0
    # Arnaudville, LA sits on the St. Landry / St. Martin line
    near = distance_to_county_km("22099", 30.4023, -91.932)
    assert near is not None and near < 5
    far = distance_to_county_km("12095", 27.9506, -82.4572)  # Orange County from Tampa
    assert far is not None and 70 < far < 110
    assert distance_to_county_km("99999", 0, 0) is None


def test_public_api_is_what_all_says() -> None:
    assert sorted(geo.__all__) == [
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
    for name in geo.__all__:
        assert hasattr(geo, name)
