"""MOA PDFs: text, facts and comparison with the sheet, on nine real ICE MOAs.

Every expected value below was read by a person from the rendered pages of
the PDFs in tests/data/moa/ (see PROVENANCE.md there), not copied from the
parser's output. Where the page shows more than its text layer holds
(handwriting, a scanned signature block, OCR that lost letters), the expected
value is what the text layer can honestly give, and a comment says what the
page shows.
"""

from __future__ import annotations

import importlib
import io
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfWriter

from g287.errors import InputError
from g287.read.moa.compare import (
    AGENCY_MIN_SIMILARITY,
    agency_similarity,
    compare_with_sheet,
    model_code,
)
from g287.read.moa.dates import find_dates
from g287.read.moa.facts import MoaFacts, moa_facts
from g287.read.moa.fragments import repair_glyph_offset
from g287.read.moa.text import NotAPdf, PdfText, pdf_text

MOA = Path(__file__).resolve().parent / "data" / "moa"

FL_DOC = "287gJEM_FL_DOC_FL_08-21-2020.pdf"
FINNEY = "287gWSO_FinneyCoKs2020-03-17.pdf"
SUWANNEE = "287gWSO_SuwanneeCoFl2019-10-15.pdf"
KNOX = "287g_JEM_Knox_6-8-2020.pdf"
ARCADIA = "ArcadiaPDFL_TFM_MOA_030425.pdf"
KANSAS = "KansasBureauOfInv_TFM_MOA_02182025.pdf"
LARAMIE = "LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf"
TEXAS = "TexasOfficeAttorneyGeneral_TFM_MOA_01.30.25.pdf"
PALM_BEACH = "palmBeachCoSheriffsOffice_WSO_MOA_02.26.2025.pdf"
ALL = [FL_DOC, FINNEY, SUWANNEE, KNOX, ARCADIA, KANSAS, LARAMIE, TEXAS, PALM_BEACH]


@cache
def text_of(name: str) -> PdfText:
    return pdf_text((MOA / name).read_bytes(), source=name)


@cache
def facts_of(name: str) -> MoaFacts:
    return moa_facts(text_of(name))


# What g287.moa re-exported before the reading moved to g287.read.moa (issue 12): each
# name is importable from the module it lives in.
PUBLIC_API = {
    "compare": ["Disagreement", "compare_with_sheet"],
    "facts": ["MoaFacts", "Model", "moa_facts"],
    "scans": ["DocumentScan", "PageScan", "document_scan"],
    "signatures": ["Signatory"],
    "text": ["NotAPdf", "PdfPage", "PdfText", "Snippet", "pdf_text"],
}


def test_public_api_is_importable() -> None:
    for module, names in PUBLIC_API.items():
        found = importlib.import_module(f"g287.read.moa.{module}")
        for name in names:
            assert getattr(found, name) is not None


# -- text -------------------------------------------------------------------------------

PAGE_COUNTS = {  # counted in a PDF viewer
    FL_DOC: 11,
    FINNEY: 12,
    SUWANNEE: 12,
    KNOX: 11,
    ARCADIA: 14,
    KANSAS: 14,
    LARAMIE: 14,
    TEXAS: 15,
    PALM_BEACH: 10,
}


@pytest.mark.parametrize("name", ALL)
def test_pages_and_text(name: str) -> None:
    text = text_of(name)
    assert text.page_count == PAGE_COUNTS[name]
    assert text.has_text
    assert text.problems == ()
    assert "MEMORANDUM OF AGREEMENT" in text.page(1).text


def test_metadata() -> None:
    text = text_of(FL_DOC)
    assert text.title == "JEM MOA DOC, FL"
    assert text.producer == "Adobe Acrobat Pro 2017 17 Paper Capture Plug-in"
    assert text.created == datetime(2020, 8, 24, 16, 52, 52, tzinfo=timezone(timedelta(hours=-4)))
    assert text_of(LARAMIE).title == "287(g) MOA TF - Laramie County SO"


def test_phrase_search_ignores_case_spacing_line_breaks_and_curly_quotes() -> None:
    text = text_of(FINNEY)  # page 1 prints "Finney County Sheriff’s Office"
    hits = text.find("the finney county sheriff's   office")
    assert hits and hits[0].page == 1
    # FL DOC page 2 breaks "70-" / "percent rating" across two lines
    assert [hit.page for hit in text_of(FL_DOC).find("fails to attain a 70-percent rating")] == [2]
    assert text_of(FL_DOC).find("no such phrase in any MOA") == []


def test_scanned_signature_page_keeps_only_its_text_layer() -> None:
    # Laramie page 9 is a scan: the only text on it is ICE's typed date
    assert text_of(LARAMIE).page(9).text == "6/11/2025"


def test_filled_in_form_values_are_part_of_the_text() -> None:
    # Arcadia's agency name is a form field typed into the blank on page 1
    assert "Arcadia Police Dept (APD)" in text_of(ARCADIA).page(1).text
    # Laramie's are flattened Fill & Sign fields
    assert text_of(LARAMIE).find("Laramie County Sheriff's Office, WY")[0].page == 1


def test_text_drawn_as_glyph_ids_is_repaired() -> None:
    assert repair_glyph_offset(")RU\x03,&(\x1d") == "For ICE:"
    page = text_of(PALM_BEACH).page(7).text
    assert "For the LEA: Ric Bradshaw" in page
    assert "For ICE: Caleb Vitello" in page
    assert "BBBB" not in page


def _pdf(*, user_password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_without_text_layer_is_flagged_not_rejected() -> None:
    text = pdf_text(_pdf())
    assert text.page_count == 1
    assert not text.has_text
    assert text.pages[0].text == ""
    facts = moa_facts(text)
    assert (facts.model, facts.agency, facts.signatories, facts.signing_dates) == (
        None,
        None,
        (),
        (),
    )


def test_an_owner_password_alone_does_not_stop_reading() -> None:
    assert pdf_text(_pdf(user_password="")).page_count == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>Not found</body></html>", "x.pdf: not a PDF (no %PDF- header)"),
        (b"", "x.pdf: not a PDF (no %PDF- header)"),
        ((MOA / TEXAS).read_bytes()[:150_000], "x.pdf: truncated PDF (no %%EOF at the end)"),
        (_pdf(user_password="secret"), "x.pdf: encrypted PDF (needs a password)"),
        (b"%PDF-1.7\n" + b"x" * 500 + b"\n%%EOF\n", "x.pdf: damaged PDF (startxref not found)"),
    ],
    ids=["html", "empty", "truncated", "encrypted", "damaged"],
)
def test_bad_pdfs_raise_one_line_errors(data: bytes, message: str) -> None:
    with pytest.raises(NotAPdf) as caught:
        pdf_text(data, source="x.pdf")
    assert str(caught.value) == message
    assert isinstance(caught.value, InputError)
    assert caught.value.slug == "not_a_pdf"


def test_damage_pypdf_repairs_is_reported() -> None:
    data = (MOA / PALM_BEACH).read_bytes()
    text = pdf_text(data[:100_000] + data[-3_000:])  # the middle cut out
    assert text.problems  # pypdf rebuilt the xref; what it could not read is lost


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Date: 01/30/2025", date(2025, 1, 30)),
        ("2/18/25", date(2025, 2, 18)),
        ("March 5, 2025", date(2025, 3, 5)),
        ("Date: February 17, 2025", date(2025, 2, 17)),
        ("CRONEN Date: 2020.08.21 09:55:42 -04'00'", date(2020, 8, 21)),
        ("D&e __ O_C_T_1_5_2_01_9 __", date(2019, 10, 15)),  # an OCR'd rubber stamp
    ],
)
def test_signature_dates(written: str, expected: date) -> None:
    assert find_dates(written) == [expected]


@pytest.mark.parametrize("junk", ["Date: _6._~___./L__/_7~/-~_o_-z.._o __", "13/45/2025", "Rev 7"])
def test_no_date_in_junk(junk: str) -> None:
    assert find_dates(junk) == []


# -- facts -------------------------------------------------------------------------------

# model, agency, state, signing dates: read from the rendered pages
EXPECTED = {
    FL_DOC: ("JEM", "Florida Department of Corrections", "FL", [date(2020, 8, 21)]),
    # handwritten dates 3/17/20 (ICE) and 2-28-20 (sheriff) are not text
    FINNEY: ("WSO", "Finney County Sheriff's Office", "KS", []),
    # ICE's rubber stamp OCT 15 2019; the sheriff's handwritten 6-11-19 is not text
    SUWANNEE: ("WSO", "Suwannee County Sheriffs Office", "FL", [date(2019, 10, 15)]),
    # the page prints "Sheriff's"; the OCR layer lost the apostrophe. No state is written.
    KNOX: ("JEM", "Knox County Sheriffs Office", None, [date(2020, 6, 8)]),
    ARCADIA: ("TFM", "Arcadia Police Dept", None, [date(2025, 2, 28), date(2025, 3, 5)]),
    KANSAS: ("TFM", "Kansas Bureau of Investigation", "KS", [date(2025, 2, 17), date(2025, 2, 18)]),
    # the sheriff's "May 16, 2025" is part of the scanned image
    LARAMIE: ("TFM", "Laramie County Sheriff's Office", "WY", [date(2025, 6, 11)]),
    TEXAS: (
        "TFM",
        "Texas Office of Attorney General",
        "TX",
        [date(2025, 1, 30), date(2025, 1, 31)],
    ),
    PALM_BEACH: (
        "WSO",
        "Palm Beach County Sheriff's Office",
        "FL",
        [date(2025, 2, 18), date(2025, 2, 26)],
    ),
}


@pytest.mark.parametrize("name", ALL)
def test_model_agency_state_and_dates(name: str) -> None:
    facts = facts_of(name)
    model, agency, state, dates = EXPECTED[name]
    assert (facts.model, facts.agency, facts.state) == (model, agency, state)
    assert list(facts.signing_dates) == dates
    assert facts.is_addendum is False


# (side, name, title, date) for each signature block with anything in its text layer
SIGNATORIES = {
    FL_DOC: {
        ("ice", "C.M. Cronen", "Assistant Director, Enforcement", date(2020, 8, 21)),
        ("agency", "Mark S. Inch", "Secretary", None),  # dated 08/17/2020 by hand
    },
    FINNEY: {
        # the page shows "Enrique M. Lucero"; the OCR layer reads "Enri . ucer"
        # and "Executive Associate Dire ;tor", repaired to the title the page shows
        ("ice", None, "Executive Associate Director", None),
        ("agency", "Kevin Bascue", "Sheriff", None),
    },
    SUWANNEE: {
        # the sheriff's block (Sam St John) did not survive OCR
        ("ice", "Timothy S. Robbins", "Acting Executive Associate Director", date(2019, 10, 15)),
    },
    KNOX: {
        ("ice", "C.M. Cronen", "Assistant Director, Enforcement", date(2020, 6, 8)),
        ("agency", None, "Sheriff", None),  # Tom Spangler, handwritten name and date
    },
    ARCADIA: {
        # "Quinn Jones" is a typed annotation; both Title fields share one form field
        ("agency", "Quinn Jones", "Acting Director", date(2025, 2, 28)),
        ("ice", None, "Acting Director", date(2025, 3, 5)),
    },
    KANSAS: {
        ("agency", None, "Director", date(2025, 2, 17)),  # signed Tony Mattivi
        ("agency", None, "Attorney General of Kansas", date(2025, 2, 17)),  # Kris W. Kobach
        ("ice", None, "Acting Director", date(2025, 2, 18)),
    },
    LARAMIE: {
        # Brian Kozak (Sheriff) and Madison Sheahan (Deputy Director) are in the scan
        ("ice", None, None, date(2025, 6, 11)),
    },
    TEXAS: {
        ("agency", None, "Texas Attorney General", date(2025, 1, 30)),  # signed Ken Paxton
        # "Title: Acting Director, U.S. Immigration and Customs Enforcement": the
        # organization after the comma is the organization, not the title
        ("ice", None, "Acting Director", date(2025, 1, 31)),
    },
    PALM_BEACH: {
        ("agency", "Ric Bradshaw", "Sheriff", date(2025, 2, 18)),
        ("ice", "Caleb Vitello", "Acting Director", date(2025, 2, 26)),
    },
}


@pytest.mark.parametrize("name", ALL)
def test_signatories(name: str) -> None:
    found = {(s.side, s.name, s.title, s.date) for s in facts_of(name).signatories}
    assert found == SIGNATORIES[name]


@pytest.mark.parametrize(
    ("name", "side", "organization"),
    [
        (FL_DOC, "agency", "Florida Department of Corrections"),
        (KNOX, "agency", "Knox County Sheriff's Office"),
        (FINNEY, "agency", "Finney County"),  # "Sheriff: Finney County"
        (PALM_BEACH, "agency", "Palm Beach County Sheriff's Office"),
        (PALM_BEACH, "ice", "U.S. Immigration and Customs Enforcement"),
        (KANSAS, "ice", "United States Immigration and Customs Enforcement"),
    ],
)
def test_signatory_organizations(name: str, side: str, organization: str) -> None:
    organizations = {s.organization for s in facts_of(name).signatories if s.side == side}
    assert organization in organizations


def test_kansas_attorney_general_signs_for_the_oag() -> None:
    (oag,) = [s for s in facts_of(KANSAS).signatories if s.title == "Attorney General of Kansas"]
    assert oag.organization == "Office of the Kansas Attorney General"


def test_ice_signs_for_enforcement_and_removal_operations_in_old_templates() -> None:
    (ice,) = [s for s in facts_of(FL_DOC).signatories if s.side == "ice"]
    assert ice.organization is not None
    assert "Enforcement and Removal Operations" in ice.organization
    assert "U.S. Immigration and Customs Enforcement" in ice.organization


SIGNATURE_PAGES = {
    FL_DOC: 7,
    FINNEY: 7,
    SUWANNEE: 7,
    KNOX: 7,
    ARCADIA: 9,
    KANSAS: 9,
    LARAMIE: 9,
    TEXAS: 10,
    PALM_BEACH: 7,
}


@pytest.mark.parametrize("name", ALL)
def test_every_fact_has_evidence(name: str) -> None:
    facts = facts_of(name)
    text = text_of(name)
    assert facts.evidence["model"]
    if facts.agency:
        assert any(facts.agency in e.text for e in facts.evidence["agency"])
    if facts.state:
        assert facts.evidence["state"]
    for signatory in facts.signatories:
        assert signatory.evidence.page == SIGNATURE_PAGES[name]
    for snippet in facts.evidence.get("signing_dates", ()):
        assert snippet.page == SIGNATURE_PAGES[name]
        assert snippet.text in text.page(snippet.page).text
    assert len(facts.evidence.get("signing_dates", ())) == len(facts.signing_dates)


def test_evidence_for_state_points_at_the_agency_address() -> None:
    (snippet,) = facts_of(FINNEY).evidence["state"]
    assert (snippet.page, snippet.text) == (12, "Garden City, KS 67846")


def test_model_from_body_when_the_title_has_none() -> None:
    # Kansas and Texas print just "MEMORANDUM OF AGREEMENT": the body speaks of task forces
    assert all("task force" in e.text.lower() for e in facts_of(KANSAS).evidence["model"])
    # the 2019-2020 WSO template never names its model
    assert any("two authorities" in e.text for e in facts_of(SUWANNEE).evidence["model"])


# -- comparison with the sheet -------------------------------------------------------------

# rows of participatingAgencies07072025pm (src/g287/sample): STATE, AGENCY, SUPPORT TYPE, SIGNED
AGREEING_ROWS = [
    (
        FL_DOC,
        "FLORIDA",
        "Florida Department of Corrections",
        "Jail Enforcement Model",
        (2020, 8, 21),
    ),
    (FINNEY, "KANSAS", "Finney County Sheriff’s Office", "Warrant Service Officer", (2020, 3, 17)),
    (
        SUWANNEE,
        "FLORIDA",
        "Suwannee County Sheriff's Office",
        "Warrant Service Officer",
        (2019, 10, 15),
    ),
    (KNOX, "TENNESSEE", "Knox County Sheriff’s Office", "Jail Enforcement Model", (2020, 6, 8)),
    (ARCADIA, "FLORIDA", "Arcadia Police Department", "Task Force Model", (2025, 3, 5)),
    (KANSAS, "KANSAS", "Kansas Bureau of Investigation", "Task Force Model", (2025, 2, 18)),
    (LARAMIE, "WYOMING", "Laramie County Sheriff’s Office", "Task Force Model", (2025, 6, 11)),
    (TEXAS, "TEXAS", "Texas Office of the Attorney General", "Task Force Model", (2025, 1, 30)),
    (
        PALM_BEACH,
        "FLORIDA",
        "Palm Beach County Sheriff's Office",
        "Warrant Service Officer",
        (2025, 2, 26),
    ),
]


@pytest.mark.parametrize(("name", "state", "agency", "model", "signed"), AGREEING_ROWS)
def test_each_pdf_agrees_with_its_own_row(
    name: str, state: str, agency: str, model: str, signed: tuple[int, int, int]
) -> None:
    found = compare_with_sheet(
        facts_of(name), agency=agency, state=state, model=model, signed=date(*signed)
    )
    assert found == []


def test_another_agencys_row_linking_laramies_pdf() -> None:
    # as ICE linked Satellite Beach PD's MOA on Sebastian PD's row: Sebastian's real row
    found = compare_with_sheet(
        facts_of(LARAMIE),
        agency="Sebastian Police Department",
        state="FLORIDA",
        model="Task Force Model ",
        signed=date(2025, 4, 15),
    )
    by_kind = {d.kind: d for d in found}
    assert set(by_kind) == {"agency", "state", "signed"}
    assert by_kind["agency"].pdf == "Laramie County Sheriff's Office"
    assert by_kind["agency"].sheet == "Sebastian Police Department"
    assert (by_kind["state"].sheet, by_kind["state"].pdf) == ("FLORIDA", "WY")
    assert by_kind["signed"].days == -57
    assert by_kind["agency"].evidence[0].page == 1


def test_signed_one_day_off() -> None:
    # Laramie County SO's TFM row said 2025-06-12 until 06272025am, then 2025-06-11
    (found,) = compare_with_sheet(
        facts_of(LARAMIE),
        agency="Laramie County Sheriff’s Office",
        state="WYOMING",
        model="Task Force Model",
        signed=date(2025, 6, 12),
    )
    assert (found.kind, found.sheet, found.pdf, found.days) == (
        "signed",
        "2025-06-12",
        "2025-06-11",
        1,
    )
    assert found.note.startswith("SIGNED is +1 day from 2025-06-11; near, not an alarm")
    assert found.near and found.confidence == "low"
    assert found.evidence[0].page == 9


def test_signed_date_of_either_party_agrees() -> None:
    # Texas OAG signed 01/30/2025, ICE 01/31/2025: the sheet may carry either
    for day in (30, 31):
        assert not compare_with_sheet(
            facts_of(TEXAS), agency="Texas Office of the Attorney General", state="TEXAS",
            model="Task Force Model", signed=date(2025, 1, day),
        )  # fmt: skip


def test_another_model_row_of_the_same_agency() -> None:
    # Laramie County SO's JEM row (signed 2025-05-20) against its TFM PDF
    found = compare_with_sheet(
        facts_of(LARAMIE),
        agency="Laramie County Sheriff’s Office",
        state="WYOMING",
        model="Jail Enforcement Model",
        signed=date(2025, 5, 20),
    )
    assert [(d.kind, d.sheet, d.pdf, d.days) for d in found] == [
        ("model", "Jail Enforcement Model", "TFM", None),
        ("signed", "2025-05-20", "2025-06-11", -22),
    ]
    # Palm Beach County SO's TFM row (2025-02-26) against its WSO PDF
    (model,) = compare_with_sheet(
        facts_of(PALM_BEACH),
        agency="Palm Beach County Sheriff's Office",
        state="FLORIDA",
        model="Task Force Model ",
        signed=date(2025, 2, 26),
    )
    assert (model.kind, model.pdf) == ("model", "WSO")


def test_a_state_the_pdf_does_not_write_is_not_a_disagreement() -> None:
    # Knox County SO, TEXAS, WSO, 2025-06-30 against Knox County SO (Tennessee)'s 2020 JEM MOA
    found = compare_with_sheet(
        facts_of(KNOX),
        agency="Knox County Sheriff's Office",
        state="TEXAS",
        model="Warrant Service Officer",
        signed=date(2025, 6, 30),
    )
    assert [d.kind for d in found] == ["model", "signed"]


def test_no_signature_dates_in_text_means_no_date_verdict() -> None:
    found = compare_with_sheet(
        facts_of(FINNEY), agency="Finney County Sheriff’s Office", state="KANSAS",
        model="Warrant Service Officer", signed=date(2021, 1, 1),
    )  # fmt: skip
    assert found == []


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Texas Office of the Attorney General", "Texas Office of Attorney General", True),
        ("Arcadia Police Department", "Arcadia Police Dept", True),
        ("City of Zephyrhills PD", "Zephyrhills Police Department", True),
        ("Alachua Police Departent ", "Alachua Police Department", True),
        ("Melbourne Beach Police Department", "Melbourne Police Department", False),
        ("Satellite Beach Police Department", "Sebastian Police Department", False),
        ("Edgewood Police Department", "Edgewater Police Department", False),
    ],
)
def test_agency_similarity_on_names_from_ice_sheets(a: str, b: str, same: bool) -> None:
    assert (agency_similarity(a, b) >= AGENCY_MIN_SIMILARITY) is same


def test_model_codes() -> None:
    assert model_code("Task Force Model ") == "TFM"
    assert model_code("warrant service officer") == "WSO"
    assert model_code("Jail Enforcement Officer") == "JEM"
    assert model_code("Tribal Task Force Model") is None
