"""Jurisdiction of an agency: level rules, county rules, ICE's quirks, the real lists."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources
from typing import Any

import pytest

from g287.app.importer import Importer
from g287.enrich.agency_names import county_in_name, place_text
from g287.enrich.geo import county
from g287.enrich.jurisdiction import Jurisdiction, resolve_jurisdiction, resolve_rows, unmatched
from g287.enrich.jurisdiction_tables import tables
from g287.model.levels import LEVELS
from g287.query.publication_stats import list_publications
from g287.query.publications import publication_rows

TABLES = resources.files("g287") / "data" / "jurisdiction"


def resolve(state: str, agency: str, type: str | None, cell: str | None) -> Jurisdiction:
    return resolve_jurisdiction(state, agency, type, cell)


# --- levels: one case per rule (real ICE rows unless marked) --------------------

# (level, rule) -> agencies as ICE prints them: (state, agency, TYPE, COUNTY).
# Real rows of the bundled lists, later ICE lists, and look-alikes that must not fool
# the rules (College Park is a city, Kansas City is not Kansas, Utah County is a county).
LEVEL_CASES: dict[tuple[str, str], list[tuple[str, str, str | None, str | None]]] = {
    ("county", "name:sheriff"): [
        ("FL", "Hillsborough County Sheriff's Office", "County", "Hillsborough County"),
        ("FL", "Jacksonville Sheriff's Office", "County", "Duval County"),
        ("UT", "Utah County Sheriff's Office", "County", "Utah County"),
    ],
    ("county", "name:county_in_name"): [
        ("NY", "Nassau County Police Department", "County", "Nassau County"),
        ("FL", "Gulf County Board of County Commissioners", "County", "Gulf County"),
        ("PA", "Luzerne County District Attorney's Office", "County", "Luzerne County"),
        ("KY", "Bullitt County Detention Center", "County", "Bullitt County"),
    ],
    ("county", "name:county_corrections"): [
        ("FL", "Miami Dade Corrections and Rehabilitation", "County", "Miami-Dade County"),
    ],
    ("municipal", "name:municipal_place"): [
        ("FL", "Tampa Police Department", "Municipality", None),
        ("FL", "Alachua Police Departent", "County", "Alachua County"),
        ("FL", "Okeechobee Police Department", "County", None),
        ("FL", "Daytona Beach Shores Public Safety", "Municipality", None),
        ("FL", "North Port Police Department", "Municipality", None),
        ("PA", "Manheim Borough Police Department", "Municipality", None),
        ("PA", "New Sewickley Township Police Department", "Municipality", None),
        ("GA", "College Park Police Department", "Municipality", None),
        ("KS", "Kansas City Police Department", "Municipality", None),
        ("VA", "Virginia Beach Police Department", "Municipality", None),
        ("ID", "Idaho Falls Police Department", "Municipality", None),
    ],
    ("state", "name:state_prefix"): [
        ("FL", "Florida Department of Law Enforcement", "State Agency", None),
        ("LA", "Louisiana Alcohol and Tobacco Control", "Municipality", None),
        ("TN", "Tennessee Department of Safety and Homeland Security / THP", "State Agency", None),
    ],
    ("campus", "name:campus"): [
        ("FL", "University of Florida Police Department", "Municipality", None),
        ("FL", "Florida Gulf Coast University Police Department", "State Agency", None),
        ("FL", "Florida A&M University Board of Trustees", "State Agency", None),
    ],
    ("port", "name:port"): [
        ("FL", "Lee County Port Authority Police", "County", "Lee County"),
        ("FL", "Sanford Airport Police Department", "Municipality", None),
    ],
    ("regional", "name:regional"): [
        ("NV", "Las Vegas Metropolitan Police Department", "County", "Clark County"),
        ("NC", "Albemarle District Jail", "County", "Albemarle County"),
        ("VA", "Southwest Virginia Regional Jail Authority", "State Agency", None),
    ],
    ("constable_district", "name:constable"): [
        ("PA", "Damascus Township Constable", "Municipality", None),
        ("PA", "Coolspring Township Constbales Office", "Municipality", None),
        ("TN", "Bradley County Constable District 1", "County", None),
        ("LA", "Ward 5 Marshal's Office", "Municipality", "Allen Parish"),
    ],
    ("judicial_district", "levels.csv"): [
        ("OK", "Okmulgee County District Attorney's Office", "County", "Okmulgee County"),
    ],
    ("judicial_district", "name:judicial"): [
        ("TN", "23rd Judicial District Attorney's Office", "State Agency", None),
    ],
    ("campus", "levels.csv"): [
        ("FL", "Florida Atlantic Police Department", "State Agency", None),
    ],
    ("tribal", "name:tribal"): [
        ("AZ", "Navajo Nation Police Department", None, None),
    ],
    ("corrections_facility", "name:corrections"): [
        ("FL", "Some Detention Center", None, None),
    ],
    ("county", "ice_type:County"): [
        ("FL", "Acme Agency", "County", None),
    ],
    ("other", "default:other"): [
        ("FL", "Acme Agency", None, None),
    ],
}


def _level_cases() -> list[tuple[str, str, str | None, str | None, str, str]]:
    return [(*case, level, rule) for (level, rule), cases in LEVEL_CASES.items() for case in cases]


@pytest.mark.parametrize(("state", "agency", "type", "cell", "level", "rule"), _level_cases())
def test_level_rules(
    state: str, agency: str, type: str | None, cell: str | None, level: str, rule: str
) -> None:
    found = resolve(state, agency, type, cell)
    assert (found.level, found.rule) == (level, rule)
    assert found.level in LEVELS


def test_a_name_rule_that_overrules_ice_type_says_so() -> None:
    found = resolve("FL", "Alachua Police Departent", "County", "Alachua County")
    assert "ICE TYPE 'County' says county" in found.notes[0]


# --- counties and places: the quirks of ICE_SHEETS.md 2.4 and 2.7 ---------------


def test_tampa_police_with_na_county_gets_hillsborough_through_the_city() -> None:
    found = resolve("FL", "Tampa Police Department", "Municipality", None)
    assert found.county_fips == ("12057",)
    assert found.place is not None and found.place.name == "Tampa"
    assert found.county_source == "place:cities"
    assert found.unmatched_reason is None


def test_the_name_beats_ices_county_cell_and_the_disagreement_is_kept() -> None:
    found = resolve("TN", "Madison County Sheriff's Office", "County", "Macon County")
    assert found.county_fips == ("47113",)  # Madison, not Macon (47111)
    assert found.county_source == "agency_name"
    assert "Macon County (47111)" in found.notes[0] and "the name wins" in found.notes[0]
    bradford = resolve("PA", "Bradford County Sheriff's Office", "County", "Bedford County ")
    assert bradford.county_fips == ("42015",)


def test_a_misspelt_name_does_not_beat_a_clean_cell() -> None:
    # made up: the name's 'North County' is one letter from Worth County; the cell is fixed
    found = resolve("MO", "North County Police Cooperative", "Municipality", "North County")
    assert found.county_fips == ("29189",)  # St. Louis County, from county_fixes.csv
    assert found.county_source == "county_fix"


@pytest.mark.parametrize(
    ("state", "agency", "cell", "fips"),
    [
        ("LA", "Union Parish Sheriff's Office", "Union County", "22111"),
        ("LA", "Lafourche County Sheriff's Office", "Lafourche County", "22057"),
        ("AL", "Franklin County Sheriff's Office", "Frankin County", "01059"),
        ("SC", "McCormick County Sheriff's Office", "McCorkmick County", "45065"),
        ("MD", "Allegany County Sheriff's Office", "Allegancy", "24001"),
        ("GA", "Decatur County Sheriff's Office", "Decatur", "13087"),
        ("MI", "Berrian County Sheriff's Office", "Berrian County", "26021"),
        ("WI", "Fond du Lac County Sheriff's Office", "Fond Du Lac County", "55039"),
        ("MD", "St. Mary's County Sheriff's Office", "St. Mary's County", "24037"),
        ("FL", "Miami Dade Sheriff's Office", "Miami-Dade County", "12086"),
        ("FL", "Jacksonville Sheriff's Office", "Duval County", "12031"),
        ("LA", "St. Charles Place Sheriff's Office", "German Coast County", "22089"),
        ("PA", "Franklin County Sheriffs Office", "Franklin County", "42055"),
        ("KS", "Reno County Sheriff's office", "Reno County", "20155"),
    ],
)
def test_county_quirks(state: str, agency: str, cell: str, fips: str) -> None:
    found = resolve(state, agency, "County", cell)
    assert found.level == "county"
    assert found.county_fips == (fips,)


@pytest.mark.parametrize(
    ("agency", "fips", "place"),
    [
        ("Hopewell County Sheriff's Office", "51670", "Hopewell"),
        ("Portsmouth County Sheriff's Office", "51740", "Portsmouth"),
        ("City of Richmond Sheriff's Office", "51760", "Richmond"),
    ],
)
def test_virginia_independent_city_sheriffs_are_municipal(
    agency: str, fips: str, place: str
) -> None:
    found = resolve("VA", agency, "County", None)
    assert (found.level, found.county_fips) == ("municipal", (fips,))
    assert found.rule.endswith("+independent_city")
    assert found.place is not None and found.place.name == place
    county_sheriff = resolve("VA", "Richmond County Sheriff's Office", "County", "Richmond County")
    assert (county_sheriff.level, county_sheriff.county_fips) == ("county", ("51159",))


def test_independent_city_police() -> None:
    found = resolve("VA", "City of Norfolk Police Department", "Municipality", None)
    assert (found.level, found.county_fips) == ("municipal", ("51710",))


def test_alaska_boroughs() -> None:
    kodiak = resolve("AK", "Kodiak Police Department", "Municipality", None)
    assert kodiak.county_fips == ("02150",)  # Kodiak Island Borough
    assert county("02150").is_borough  # type: ignore[union-attr]


def test_connecticut_towns_and_legacy_counties() -> None:
    danbury = resolve("CT", "Danbury Police Department", "Municipality", "Fairfield County")
    assert danbury.county_fips == ("09190",)  # Western Connecticut, from the town
    assert any("legacy county" in note for note in danbury.notes)
    # a town the cities table lacks: the town table still places it
    assert place_text("Town of Bethany Police Department") == "town of bethany"
    bethany = resolve("CT", "Town of Bethany Police Department", "Municipality", None)
    assert (bethany.county_fips, bethany.county_source) == (("09170",), "place:ct_town")
    # no county government in CT since 1960; a legacy county names every region it touches
    legacy = resolve("CT", "Fairfield County Sheriff's Office", "County", "Fairfield County")
    assert legacy.county_fips == ("09190", "09120", "09140")
    assert legacy.county_source == "ct_legacy_county"


def test_state_agencies_cover_the_whole_state_and_ignore_a_county_cell() -> None:
    found = resolve(
        "VA", "Virginia Department of Wildlife Resources", "State Agency", "Henrico County"
    )
    assert (found.level, found.county_fips, found.whole_state) == ("state", (), True)
    assert "ignored" in found.notes[0]


def test_member_tables_give_regional_port_and_campus_counties() -> None:
    jail = resolve("NC", "Albemarle District Jail", "County", "Albemarle County")
    assert set(jail.county_fips) == {"37029", "37139", "37143"}  # Camden, Pasquotank, Perquimans
    assert jail.county_source == "members"
    assert any("is no county" in note for note in jail.notes)
    swva = resolve("VA", "Southwest Virginia Regional Jail Authority", "State Agency", None)
    assert len(swva.county_fips) == 10 and "51720" in swva.county_fips  # Norton city
    airport = resolve(
        "FL", "Sarasota Manatee Airport Authority Police Department", "Municipality", None
    )
    assert set(airport.county_fips) == {"12115", "12081"}
    uf = resolve("FL", "University of Florida Police Department", "State Agency", None)
    assert uf.county_fips == ("12001",)


def test_pennsylvania_constables() -> None:
    ward = resolve("PA", "Lower Burrell Fourth Ward Constable", "Municipality", None)
    assert (ward.level, ward.county_fips) == ("constable_district", ("42129",))
    assert ward.place is not None and ward.place.name == "Lower Burrell"
    township = resolve("PA", "Derry Township Constable's Office", "Municipality", None)
    assert (township.county_fips, township.county_source) == (("42043",), "county_fix")
    assert place_text("Office of Constable Monroeville 6th Ward") == "monroeville"
    assert place_text("Arnaudville Police Department, LA", "LA") == "arnaudville"


def test_place_aliases_and_new_england_towns() -> None:
    indialantic = resolve("FL", "Indiatlantic Police Department", "Municipality", None)
    assert indialantic.place is not None and indialantic.place.name == "Indialantic"
    assert indialantic.county_fips == ("12009",)
    pittsburg = resolve("NH", "Pittsburgh Police Department", "Municipality", None)
    assert (pittsburg.county_fips, pittsburg.place) == (("33007",), None)  # Coos County


def test_a_city_across_a_county_line_keeps_both_counties() -> None:
    # Arnaudville lies on the St. Landry / St. Martin parish line (made-up cell)
    found = resolve("LA", "Arnaudville Police Department", "Municipality", "St. Martin Parish")
    assert found.county_fips == ("22097", "22099")
    far = resolve("FL", "Tampa Police Department", "Municipality", "Orange County")
    assert far.county_fips == ("12057",)
    assert "kept" in far.notes[-1]


def test_unmatched_agencies_say_why() -> None:
    found = resolve("PA", "Pleasant Township Constable", "Municipality", None)
    assert found.county_fips == ()
    assert found.unmatched_reason is not None and "pleasant township" in found.unmatched_reason
    rows = [
        {"state": "PA", "agency": "Pleasant Township Constable", "type": "Municipality"},
        {"state": "PA", "agency": "Pleasant Township Constable", "type": "Municipality"},
        {"state": "FL", "agency": "Tampa Police Department", "type": "Municipality"},
    ]
    report = unmatched(rows)
    assert [(u.agency, u.rows) for u in report] == [("Pleasant Township Constable", 2)]


def test_county_in_name() -> None:
    fond = county_in_name("WI", "Fond du Lac County Sheriff's Office")
    assert fond is not None and fond.fips == ("55039",)
    assert county_in_name("FL", "Jacksonville Sheriff's Office") is None
    genesee = county_in_name("MI", "Metro Police Authority of Genesee County")
    assert genesee is not None and (genesee.fips, genesee.how) == (("26049",), "exact")


# --- the committed tables ------------------------------------------------------


@pytest.mark.parametrize("name", ["levels.csv", "county_fixes.csv", "places.csv", "members.csv"])
def test_every_correction_row_has_a_reason_and_evidence(name: str) -> None:
    with (TABLES / name).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        why = row.get("reason") or row.get("note")
        source = row.get("evidence") or row.get("source")
        assert why and why.strip(), row
        assert source and source.strip(), row


def test_tables_load_and_every_county_they_name_exists() -> None:
    loaded = tables()  # raises ConfigError on a county or level that does not resolve
    assert loaded.levels and loaded.county_fixes and loaded.places and loaded.members
    for fips_list in loaded.members.values():
        assert all(county(f) is not None for f in fips_list)


# --- every agency in the 46 real workbooks -------------------------------------


def _all_rows(importer: Importer) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with importer.db.connect() as conn:
        for pub in list_publications(conn):
            _, rows = publication_rows(conn, pub["id"])
            out.extend({**row, "kind": pub["kind"]} for row in rows)
    return out


def test_every_real_agency_gets_a_level_and_counties(shared_history: Importer) -> None:
    rows = _all_rows(shared_history)
    resolved = resolve_rows(rows)
    assert len(resolved) > 700
    levels: Counter[str] = Counter()
    for (state, agency, ice_type, cell), (found, _) in resolved.items():
        levels[found.level] += 1
        assert found.level in LEVELS, (state, agency)
        assert all(county(f) is not None for f in found.county_fips), (state, agency)
        if found.level == "state":
            assert found.county_fips == ()
        elif not found.county_fips:
            assert found.unmatched_reason, (state, agency, ice_type, cell)
        if found.level in {"county", "municipal"}:
            assert found.county_fips or found.unmatched_reason, (state, agency)
        for fips in found.county_fips:
            assert fips[:2] == county(fips).fips[:2]  # type: ignore[union-attr]

    # distinct agreements: (state, agency, model, signed) participating, (state, agency, model)
    # pending
    agreements = {
        (
            r["kind"],
            r["state"],
            r["agency"],
            r["model"],
            None if r["kind"] == "pending" else r["signed"],
        )
        for r in rows
    }
    missing = unmatched(rows)
    missing_agencies = {(u.state, u.agency) for u in missing}
    lost = {a for a in agreements if (a[1], a[2]) in missing_agencies}
    rate = len(lost) / len(agreements)
    print(
        f"\n{len(resolved)} distinct (state, agency, type, county); levels {dict(levels)}; "
        f"unmatched {len(missing)} agencies = {len(lost)} of {len(agreements)} agreements "
        f"({rate:.2%}): {[(u.state, u.agency, u.reason) for u in missing]}"
    )
    assert rate < 0.01
    assert levels["county"] > 400 and levels["municipal"] > 180 and levels["state"] > 40


def test_the_sheets_county_quirks_resolve(shared_history: Importer) -> None:
    rows = _all_rows(shared_history)
    seen = {(r["state"], r["agency"], r["county"]) for r in rows}
    assert ("TN", "Madison County Sheriff's Office", "Macon County") in seen
    assert ("FL", "Tampa Police Department", None) in seen
    resolved = resolve_rows(rows)
    by_agency = {(k[0], k[1]): j for k, (j, _) in resolved.items()}
    assert by_agency["TN", "Madison County Sheriff's Office"].county_fips == ("47113",)
    assert by_agency["FL", "Tampa Police Department"].county_fips == ("12057",)
    assert by_agency["VA", "Hopewell County Sheriff's Office"].county_fips == ("51670",)
