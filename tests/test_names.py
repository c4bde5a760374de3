"""Canonical agency names: ICE's real spellings and their known answers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from g287.resolve.names import canonical, core_key, digit_signature, naming_tokens, slug


@pytest.mark.parametrize(
    ("a", "b", "state"),
    [
        ("Franklin County Sheriffs Office", "Franklin County Sheriff's Office", "PA"),
        ("City of Zephyrhills Police Department", "Zephyrhills Police Department", "FL"),
        ("Town of Palm Beach Police Department", "Palm Beach Police Department", "FL"),
        ("Arnaudville Police Department, LA", "Arnaudville Police Department", "LA"),
        ("Unity Township Constable, PA", "Unity Township Constable", "PA"),
        ("Berrian County Sheriff's Offic", "Berrian County Sheriff's Office", "MI"),
        ("Coolspring Township Constbales Office", "Coolspring Township Constables Office", "PA"),
        ("Laramie County Sheriff\u2019s Office", "Laramie County Sheriff's Office", "WY"),
        ("Flathead County Sheriff's Department", "Flathead County Sheriff's Office", "MT"),
        ("Jackson Co. SO", "Jackson County Sheriff's Office", "MS"),
        ("St. Cloud PD", "Saint Cloud Police Department", "FL"),
        ("FL Highway Patrol", "Florida Highway Patrol", "FL"),
        ("Alachua Police Departent ", "Alachua Police Department", "FL"),
        ("Okaloosa County Sheriff's Office Addendum", "Okaloosa County Sheriff's Office", "FL"),
        ("Greene Township Constables's Office", "Greene Township Constable Office", "PA"),
    ],
)
def test_same_canonical_name(a, b, state):
    assert canonical(a, state) == canonical(b, state)


@pytest.mark.parametrize(
    ("a", "b", "state"),
    [
        ("Melbourne Police Department", "Melbourne Beach Police Department", "FL"),
        ("Pima County Sheriff's Office", "Pinal County Sheriff's Office", "AZ"),
        ("Harris County Constable Precinct 1", "Harris County Constable Precinct 2", "TX"),
        ("Florida Highway Patrol", "Highway Patrol", "FL"),  # a leading state name is kept
    ],
)
def test_different_canonical_name(a, b, state):
    assert canonical(a, state) != canonical(b, state)


def test_canonical_example():
    assert canonical("Alamance County Sheriff's Office", "NC") == "alamance county sheriff office"
    assert slug("alamance county sheriff office") == "alamance-county-sheriff-office"


def test_tokens_and_keys():
    assert digit_signature("harris county constable precinct 1") == ("1",)
    assert naming_tokens("okaloosa county sheriff office") == {"okaloosa"}
    assert core_key("city of edgewater police department") == "edgewater"


WORDS = st.sampled_from(
    [
        "County",
        "Sheriff's",
        "Office",
        "Police",
        "Department",
        "City",
        "of",
        "St.",
        "SO",
        "PD",
        "Dept",
        "Marion",
        "Polk",
        "Township",
        "Constables",
        "&",
        "Co.",
        "Addendum",
        "Florida",
    ]
)


@given(st.lists(WORDS, min_size=1, max_size=6))
def test_canonical_is_idempotent(words):
    name = " ".join(words)
    once = canonical(name, "FL")
    assert canonical(once, "FL") == once


def test_louisiana_counties_are_parishes():
    assert canonical("Lafourche County Sheriff's Office", "LA") == canonical(
        "Lafourche Parish Sheriff's Office", "LA"
    )
    assert canonical("Union County Sheriff's Office", "NC") != canonical(
        "Union Parish Sheriff's Office", "NC"
    )


def test_ices_misspellings_come_from_the_curated_file_with_their_evidence():
    import csv
    from pathlib import Path

    import g287.resolve.names as names

    path = Path(names.__file__).resolve().parent.parent / "data" / "resolve" / "spellings.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert rows and all(r["reason"] and r["evidence"] for r in rows)
    for row in rows:
        printed = f"Alachua Police {row['misspelling'].title()}"
        meant = f"Alachua Police {row['word'].title()}"
        assert canonical(printed, "FL") == canonical(meant, "FL"), row
    assert "departent" not in Path(names.__file__).read_text(encoding="utf-8")
