"""``g287 moa check``: disagreements between sheet rows and the MOAs they link, only with
evidence; near signing dates apart; mislinks to another agency's MOA; file names read."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from g287.app.importer import Importer
from g287.interfaces.cli import cli
from g287.query.moa_checks import check_moas
from g287.read.moa.compare import Disagreement, compare_with_sheet, shows
from g287.read.moa.dates import find_dates
from g287.read.moa.facts import MoaFacts, moa_facts
from g287.read.moa.filenames import file_name_facts
from g287.read.moa.text import Snippet, pdf_text
from g287.sample import moa_dir
from g287.store.schema import row_contents

T0 = datetime(2025, 7, 8, tzinfo=UTC)
PDFS = sorted(moa_dir().glob("*.pdf"))
LARAMIE = "LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf"
ARCADIA = "ArcadiaPDFL_TFM_MOA_030425.pdf"
FINNEY = "287gWSO_FinneyCoKs2020-03-17.pdf"
PALM_BEACH_URL = (
    "https://www.ice.gov/doclib/287gMOA/palmBeachCoSheriffsOffice_WSO_MOA_02.26.2025.pdf"
)


@cache
def facts_of(name: str) -> MoaFacts:
    return moa_facts(pdf_text((moa_dir() / name).read_bytes(), source=name))


@pytest.fixture
def library(moa_library: Importer) -> Importer:
    return moa_library


def _shown(entry: dict) -> bool:
    """The entry's evidence text contains the PDF's value (a date as written, a state as
    its code or name, an agency's every word, a model's name or telltale phrase)."""
    texts = [e["text"] for e in entry["evidence"]]
    if entry["field"] == "signed":
        wanted = date.fromisoformat(entry["pdf"])
        return any(wanted in find_dates(t) or file_name_facts(t).date == wanted for t in texts)
    return any(entry["pdf"].lower().split()[0] in t.lower() for t in texts)


def test_the_sample_reports_nothing_its_evidence_does_not_show(library: Importer) -> None:
    with library.db.connect() as conn:
        report = check_moas(conn)
    assert report["checked"] >= 9 and report["documents"] == 9
    for entry in report["disagreements"] + report["near"]:
        assert entry["evidence"], entry
        assert _shown(entry), entry
        assert entry["confidence"] in {"high", "medium", "low"}
        assert entry["source"] in {"text", "file name", "ocr"}
        assert entry["reason"]
        assert set(entry["row"]) == {"agency", "state", "model", "signed", "list", "list_date"}
        assert len(entry["sha256"]) == 64
    # nothing on the 07-08 list disagrees with its own PDF except dates a day apart
    fields = {(e["file_name"], e["field"]) for e in report["disagreements"]}
    assert not any(field in {"agency", "state", "mislink"} for _, field in fields), fields
    assert all(e["near"] and e["confidence"] == "low" for e in report["near"])


def test_a_row_relinked_to_another_agencys_pdf_is_found_in_the_library(library: Importer) -> None:
    # Arcadia PD's row made to link Palm Beach County SO's MOA (both Florida, same list)
    with library.db.begin() as conn:
        palm = "https://www.ice.gov/doclib/287gMOA/palmBeachCoSheriffsOffice_WSO_MOA_02.26.2025.pdf"
        conn.execute(
            update(row_contents)
            .where(row_contents.c.agency_raw == "Arcadia Police Department")
            .values(moa_url=palm)
        )
    with library.db.connect() as conn:
        report = check_moas(conn)
    arcadia = [
        e for e in report["disagreements"] if e["row"]["agency"] == "Arcadia Police Department"
    ]
    by_field = {e["field"]: e for e in arcadia}
    assert set(by_field) == {"mislink", "model", "signed"}
    mislink = by_field["mislink"]
    assert mislink["better_match"] == "Palm Beach County Sheriff's Office"
    assert mislink["pdf"] == "Palm Beach County Sheriff's Office"
    assert mislink["evidence"][0]["page"] == 1 and mislink["confidence"] == "high"
    assert by_field["model"]["pdf"] == "WSO" and by_field["model"]["sheet"] == "Task Force Model"
    assert by_field["signed"]["row"]["signed"] == "2025-03-05"
    assert "list" in mislink["row"] and mislink["sha256"]


def test_cli_prints_both_sections_and_json(library: Importer) -> None:
    env = {"G287_DATABASE_URL": library.db.url, "G287_DATA_DIR": str(library.archive.root.parent)}
    out = CliRunner().invoke(cli, ["moa", "check", "--json"], env=env)
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert set(report) >= {"checked", "documents", "disagreements", "near"}
    text = CliRunner().invoke(cli, ["moa", "check", "--near-days", "0"], env=env)
    assert text.exit_code == 0, text.output
    assert "disagreement(s)" in text.output and "not alarms" in text.output


# -- constructed rows against real PDFs ---------------------------------------------------


def test_a_row_linking_another_agencys_pdf_is_a_mislink() -> None:
    # as Melbourne Beach PD's row pointed to Melbourne PD's MOA: here Laramie County SO's
    # PDF on another Wyoming agency's row, Laramie's own row on the same list
    found = compare_with_sheet(
        facts_of(LARAMIE),
        agency="Albany County Sheriff's Office",
        state="WYOMING",
        model="Task Force Model",
        signed=date(2025, 6, 11),
        file_name=LARAMIE,
        others=["Albany County Sheriff's Office", "Laramie County Sheriff's Office"],
    )
    (mislink,) = [d for d in found if d.kind == "mislink"]
    assert mislink.better == "Laramie County Sheriff's Office"
    assert mislink.pdf == "Laramie County Sheriff's Office"
    assert mislink.evidence[0].page == 1 and "Laramie" in mislink.evidence[0].text
    assert mislink.confidence == "high" and mislink.source == "text"
    assert not [d for d in found if d.kind == "agency"]  # one report, not two


def test_melbourne_beach_is_not_melbourne() -> None:
    facts = MoaFacts(
        "TFM", "Melbourne Police Department", "FL", (), (date(2025, 4, 10),), False,
        {"agency": (Snippet(1, "and the Melbourne Police Department (MPD), pursuant"),),
         "signing_dates": (Snippet(9, "Date: 04/10/2025"),)},
    )  # fmt: skip
    found = compare_with_sheet(
        facts,
        agency="Melbourne Beach Police Department",
        state="FLORIDA",
        model="Task Force Model",
        signed=date(2025, 4, 10),
        others=["Melbourne Police Department", "Melbourne Beach Police Department", "Palm Bay PD"],
    )
    assert [(d.kind, d.better) for d in found] == [("mislink", "Melbourne Police Department")]


def test_file_name_names_another_agency_when_the_text_cannot() -> None:
    # a scan: no agency in the text; the file name is Satellite Beach PD's
    facts = MoaFacts("TFM", None, None, (), (), False, {})
    found = compare_with_sheet(
        facts,
        agency="Sebastian Police Department",
        state="FLORIDA",
        model="Task Force Model",
        signed=date(2025, 4, 15),
        file_name="SatelliteBeachPDFL_TFM_MOA_04152025.pdf",
        others=["Satellite Beach Police Department", "Sebastian Police Department"],
    )
    (mislink,) = found
    assert (mislink.kind, mislink.source, mislink.better) == (
        "mislink",
        "file name",
        "Satellite Beach Police Department",
    )
    assert mislink.evidence == (Snippet(0, "SatelliteBeachPDFL_TFM_MOA_04152025.pdf"),)
    assert mislink.confidence == "medium"


def test_a_file_name_with_a_mismatching_date() -> None:
    # Arcadia's PDF renamed with another date; SIGNED agrees with the ICE signature
    found = compare_with_sheet(
        facts_of(ARCADIA),
        agency="Arcadia Police Department",
        state="FLORIDA",
        model="Task Force Model",
        signed=date(2025, 3, 5),
        file_name="ArcadiaPDFL_TFM_MOA_092425.pdf",
    )
    (d,) = found
    assert (d.kind, d.source, d.pdf, d.confidence) == ("signed", "file name", "2025-09-24", "low")
    assert "file name is dated 2025-09-24" in d.note
    # the real name's date (03/04/25) is a day from ICE's signature: nothing to say
    assert not compare_with_sheet(
        facts_of(ARCADIA), agency="Arcadia Police Department", state="FLORIDA",
        model="Task Force Model", signed=date(2025, 3, 5), file_name=ARCADIA,
    )  # fmt: skip


def test_file_name_state_and_model_when_the_text_is_silent() -> None:
    facts = MoaFacts(None, None, None, (), (), False, {})
    found = compare_with_sheet(
        facts, agency="Finney County Sheriff's Office", state="KANSAS",
        model="Jail Enforcement Model", signed=None, file_name=FINNEY,
    )  # fmt: skip
    assert [(d.kind, d.pdf, d.source) for d in found] == [("model", "WSO", "file name")]
    found = compare_with_sheet(
        facts, agency="Finney County Sheriff's Office", state="NEBRASKA",
        model="Warrant Service Officer", signed=None, file_name=FINNEY,
    )  # fmt: skip
    assert [(d.kind, d.pdf, d.confidence) for d in found] == [("state", "KS", "medium")]


def test_a_revised_footer_is_never_a_signing_date() -> None:
    # Arcadia p9 prints "Revised 02/12/2025" under the signatures: a row dated that day
    # disagrees with both signatures, and the evidence is a signature's date
    found = compare_with_sheet(
        facts_of(ARCADIA), agency="Arcadia Police Department", state="FLORIDA",
        model="Task Force Model", signed=date(2025, 2, 12),
    )  # fmt: skip
    (d,) = found
    assert d.kind == "signed" and d.pdf == "2025-02-28" and not d.near
    assert "Revised" not in d.evidence[0].text
    facts = MoaFacts(
        "TFM", "Arcadia Police Dept", None, (), (date(2025, 3, 5),), False,
        {"signing_dates": (Snippet(9, "Date: March 5, 2025"),)},
    )  # fmt: skip
    assert find_dates("Revised 3/7/2025") == []
    assert (
        compare_with_sheet(
            facts, agency="Arcadia PD", state="FL", model="TFM", signed=date(2025, 3, 5)
        )
        == []
    )


def test_near_dates_are_low_confidence_and_configurable() -> None:
    kwargs = {"agency": "Laramie County Sheriff's Office", "state": "WYOMING", "model": "TFM"}
    (d,) = compare_with_sheet(facts_of(LARAMIE), signed=date(2025, 6, 12), **kwargs)
    assert d.near and d.confidence == "low" and d.days == 1
    (d,) = compare_with_sheet(facts_of(LARAMIE), signed=date(2025, 6, 12), near_days=0, **kwargs)
    assert not d.near and d.confidence == "high"


def test_state_suffixes_and_ices_washington_address_never_flag() -> None:
    found = compare_with_sheet(
        facts_of(LARAMIE), agency="Laramie County Sheriff's Office, Wyoming",
        state="WYOMING", model="Task Force Model", signed=date(2025, 6, 11),
    )  # fmt: skip
    assert found == []
    facts = MoaFacts(
        "TFM", "Palm Beach County Sheriff's Office, Florida", "DC", (), (), False,
        {"state": (Snippet(11, "For ICE: 500 12th St. SW Washington, DC 20536"),),
         "agency": (Snippet(1, "Palm Beach County Sheriff's Office, Florida"),)},
    )  # fmt: skip
    assert (
        compare_with_sheet(
            facts,
            agency="Palm Beach County Sheriff's Office",
            state="FLORIDA",
            model="Task Force Model",
            signed=None,
        )
        == []
    )


def test_ocr_text_lowers_confidence_and_unshown_values_are_dropped() -> None:
    facts = MoaFacts(
        "JEM", "Kn0x County Sheriffs Office", None, (), (date(2020, 6, 8),), False,
        {"signing_dates": (Snippet(7, "Date: 2020.06.08 10:05:20"),),
         "agency": (Snippet(1, "and Kn0x County Sheriffs Office, hereinafter"),),
         "model": (Snippet(1, "287(g) Jail Enforcement Model"),)},
    )  # fmt: skip
    (d,) = compare_with_sheet(
        facts, agency="Knox County Sheriff's Office", state="TENNESSEE",
        model="Jail Enforcement Model", signed=date(2020, 5, 1), ocr_pages={1, 7},
    )  # fmt: skip
    assert (d.kind, d.source, d.confidence) == ("signed", "ocr", "low")
    # a value its evidence does not show is never reported
    blind = MoaFacts("WSO", None, None, (), (), False, {"model": (Snippet(1, "MOA"),)})
    assert compare_with_sheet(blind, agency="X", state=None, model="JEM", signed=None) == []
    assert not shows(
        Disagreement("model", "JEM", "WSO", "", evidence=(Snippet(1, "Jail Enforcement Model"),))
    )


@pytest.mark.parametrize(
    ("name", "agency", "state", "model", "when"),
    [
        ("ArcadiaPDFL_TFM_MOA_030425.pdf", "Arcadia PD", "FL", "TFM", date(2025, 3, 4)),
        ("287gWSO_FinneyCoKs2020-03-17.pdf", "Finney Co", "KS", "WSO", date(2020, 3, 17)),
        ("KansasBureauOfInv_TFM_MOA_02182025.pdf", "Kansas Bureau Of Inv", None, "TFM",
         date(2025, 2, 18)),
        ("LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf", "Laramie Co Sheriffs Office", "WY",
         "TFM", date(2025, 6, 11)),
        ("287gJEM_FL_DOC_FL_08-21-2020.pdf", "FL DOC", "FL", "JEM", date(2020, 8, 21)),
        ("287g_JEM_Knox_6-8-2020.pdf", "Knox", None, "JEM", date(2020, 6, 8)),
        ("TexasOfficeAttorneyGeneral_TFM_MOA_01.30.25.pdf", "Texas Office Attorney General",
         None, "TFM", date(2025, 1, 30)),
        ("CollierCo_JEO_MOA.pdf", "Collier Co", None, "JEM", None),
        ("MesaCountyCO_TFM_MOA_13452025.pdf", "Mesa County", "CO", "TFM", None),
    ],
)  # fmt: skip
def test_file_names_are_read_tolerantly(name, agency, state, model, when) -> None:
    found = file_name_facts(name)
    assert (found.agency, found.state, found.model, found.date) == (agency, state, model, when)


def test_api_gives_the_same_report(library: Importer) -> None:
    from tests.api_support import api_client

    with library.db.begin() as conn:  # one disagreement to see: Arcadia's row on Palm Beach's PDF
        conn.execute(
            update(row_contents)
            .where(row_contents.c.agency_raw == "Arcadia Police Department")
            .values(moa_url=PALM_BEACH_URL)
        )
    with library.db.connect() as conn:
        expected = json.loads(json.dumps(check_moas(conn, near_days=0)))
    with api_client(library) as client:
        got = client.get("/api/moas/checks", params={"near_days": 0})
        assert got.status_code == 200
        assert got.json() == expected
        assert {e["field"] for e in got.json()["disagreements"]} >= {"mislink", "model"}
        assert client.get("/api/moas/checks", params={"near_days": -1}).status_code == 422
