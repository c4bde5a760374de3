"""Lookups over real boundaries, as-of dates, coverage and unmatched geography."""

import json

import pytest
from click.testing import CliRunner

from g287.enrich.powers import POWERS
from g287.errors import InvalidQuery, NotFound
from g287.interfaces.cli import cli
from g287.query import coverage as cov
from g287.query import places as p


def names(result, group):
    return {r["name"] for r in result["covering"][group]}


@pytest.fixture
def conn(shared_history):
    with shared_history.db.connect() as c:
        yield c


def test_tampa_on_2025_07_01(conn):
    result = p.lookup(conn, city="Tampa", state="FL", as_of=p.date(2025, 7, 1))
    assert result["place"]["county_fips"] == "12057"
    assert result["publication"]["label"] == "part 07012025pm"
    assert {
        "Florida Department of Law Enforcement",
        "Florida National Guard",
        "Florida Department of Corrections",
    } <= names(result, "state")
    assert names(result, "county") == {"Hillsborough County Sheriff's Office"}
    assert names(result, "city") == {"Tampa Police Department"}  # ICE prints #N/A as its county
    assert all(
        r["powers"] == POWERS[r["model"]].summary for g in result["covering"].values() for r in g
    )


def test_a_point_in_hillsborough_gives_the_county_lookup(conn):
    by_point = p.lookup(conn, lat=27.95, lon=-82.46, as_of=p.date(2025, 7, 1))
    by_county = p.lookup(conn, county="Hillsborough", state="FL", as_of=p.date(2025, 7, 1))
    by_fips = p.lookup(conn, fips="12057", as_of=p.date(2025, 7, 1))
    assert by_point["place"]["county_fips"] == "12057"
    for group in ("state", "county", "part_of_county", "other_cities_in_county"):
        assert names(by_point, group) == names(by_county, group) == names(by_fips, group)
    assert "Tampa Police Department" in names(by_county, "other_cities_in_county")


def test_as_of_changes_the_answer(conn):
    early = p.lookup(conn, fips="12057", as_of=p.date(2025, 5, 16))
    late = p.lookup(conn, fips="12057")
    assert early["count"] <= late["count"]
    assert early["publication"]["label"] == "part 05162025am"


def test_parish_lookup(conn):
    result = p.lookup(conn, county="Lafourche Parish", state="LA")
    assert result["place"]["county_fips"] == "22057"
    assert names(result, "county") == {"Lafourche Parish Sheriff's Office"}
    assert "Louisiana State Patrol" in names(result, "state")


def test_independent_city_lookup(conn):
    result = p.lookup(conn, fips="51670")  # Hopewell, VA: an independent city
    # ICE prints "Hopewell County Sheriff's Office"; the city is its own county-equivalent
    assert names(result, "city") == {"Hopewell County Sheriff's Office"}
    assert "Virginia Department of State Police" in names(result, "state")
    assert names(result, "county") == set()


def test_connecticut_point_has_no_agreements_but_is_a_place(conn):
    result = p.lookup(conn, lat=41.7658, lon=-72.6734)  # Hartford
    assert result["place"]["state"] == "CT"
    assert result["place"]["county_fips"].startswith("091")  # a planning region
    assert result["count"] == 0


def pending(result):
    return {(r["name"], r["model"], r["group"], r["status"]) for r in result["pending"]}


def test_pending_requests_of_the_agencies_covering_a_place(conn):
    """Sebring's police are on ICE's pending list (since June 27, 2025): the city's lookup
    and its county's both say so; before that list the request is not there."""
    city = p.lookup(conn, city="Sebring", state="FL")
    assert city["pending_publication"]["label"] == "pend 07072025pm"
    assert pending(city) == {("Sebring Police Department", "TFM", "city", "waiting")}
    county = p.lookup(conn, fips="12055")  # Highlands County
    assert ("Sebring Police Department", "TFM", "other_cities_in_county", "waiting") in pending(
        county
    )
    # a county whose sheriff and the state police are both waiting
    little_river = p.lookup(conn, fips="05081")
    assert {
        ("Little River County Sheriff's Office", "JEM", "county", "waiting"),
        ("Little River County Sheriff's Office", "WSO", "county", "waiting"),
        ("Arkansas State Police", "TFM", "state", "waiting"),
    } <= pending(little_river)
    # as of a date: what the newest pending list by then printed, in its current status
    early = p.lookup(conn, city="Sebring", state="FL", as_of=p.date(2025, 6, 1))
    assert early["pending_publication"]["label"] == "pend 05302025pm"
    assert "Sebring Police Department" not in {r["name"] for r in early["pending"]}
    assert ("Florida Department of Agriculture", "TFM", "state", "converted") in pending(early)
    assert not p.lookup(conn, city="Tampa", state="FL")["pending"]


def test_cli_lookup_lists_pending_requests(shared_history):
    env = {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }
    result = CliRunner().invoke(cli, ["lookup", "--city", "Sebring", "--state", "FL"], env=env)
    assert result.exit_code == 0, result.output
    assert "Requests on ICE's pending list (pend 07072025pm)" in result.output
    assert "Sebring Police Department" in result.output


def test_bad_lookups(conn):
    with pytest.raises(InvalidQuery, match="needs a state"):
        p.lookup(conn, city="Tampa")
    with pytest.raises(NotFound, match="no city 'Nowhereville' in FL"):
        p.lookup(conn, city="Nowhereville", state="FL")
    with pytest.raises(NotFound, match=r"in no U\.S\. county"):
        p.lookup(conn, lat=30.0, lon=-60.0)


def test_coverage_counts_whole_counties_only(conn):
    result = cov.coverage(conn)
    fl = result["by_state"]["FL"]
    assert fl["state_agency_tfm"] and fl["counties_tfm"] == fl["counties"] == 67
    assert result["population_tfm"] >= fl["population"]
    assert 0 < result["population_tfm_share"] < 1
    early = cov.coverage(conn, as_of=p.date(2025, 5, 16))
    assert early["counties_any_model"] <= result["counties_any_model"]


def test_geo_unmatched_lists_reasons(shared_history):
    env = {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }
    rows = json.loads(CliRunner().invoke(cli, ["geo", "unmatched", "--json"], env=env).stdout)
    with shared_history.db.connect() as conn:
        total = conn.execute(p.select(p.agreements.c.id)).all()
    assert all(r["unmatched_reason"] for r in rows)
    assert sum(r["agreements"] for r in rows) / len(total) < 0.01


def test_policy_conflicts_on_the_shared_history(conn):
    from g287.query.policy import conflicts, state_policies

    result = conflicts(conn, as_of=p.date(2025, 7, 1))
    rows = result["conflicts"]
    assert not [r for r in rows if r["state"] == "FL"]  # every Florida county jail had signed
    teller = [
        r for r in rows if r["agreement_id"] == "CO-teller-county-sheriff-office#JEM#2020-06-08"
    ]
    assert teller and teller[0]["status"] == "review"
    assert all(r["explanation"] and r["policy_id"] and r["rule"] for r in rows)
    ca = state_policies("CA", p.date(2025, 7, 1))[0]
    assert ca["stance"] == "prohibits" and ca["records"][0]["sources"]
    tx_before = state_policies("TX", p.date(2025, 12, 31))[0]
    tx_after = state_policies("TX", p.date(2026, 1, 2))[0]
    assert tx_before["stance"] != tx_after["stance"] == "mandates"
