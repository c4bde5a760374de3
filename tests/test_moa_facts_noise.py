"""Facts from real MOA text as OCR and ICE's templates vary it.

Each test takes the real text of a bundled MOA (``tests/data/moa``) and changes one
thing the shared archive of ICE's MOAs shows elsewhere: "(DHS)" OCR'd as "(OHS)",
an agency typed with ", Florida" after it, a template footer ("Revised 3/7/2025")
printed higher on the signature page, a PDF saved before one of its dates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from g287.read.moa.dates import find_dates
from g287.read.moa.facts import latest_possible_date, moa_facts
from g287.read.moa.fragments import Fragment
from g287.read.moa.text import PdfText, TextLine, pdf_text

MOA = Path(__file__).resolve().parent / "data" / "moa"


def real(name: str) -> PdfText:
    return pdf_text(next(MOA.glob(name + "*")).read_bytes())


def rewrite(text: PdfText, old: str, new: str, *, y: float | None = None) -> PdfText:
    """Replace ``old`` by ``new`` in every fragment (and move those lines to ``y``)."""

    def fragment(f: Fragment) -> Fragment:
        return replace(f, text=f.text.replace(old, new)) if old in f.text else f

    pages = []
    for page in text.pages:
        lines = []
        for line in page.lines:
            moved = y if y is not None and any(old in f.text for f in line.fragments) else line.y
            lines.append(TextLine(moved, tuple(fragment(f) for f in line.fragments)))
        pages.append(replace(page, lines=tuple(sorted(lines, key=lambda line: -line.y))))
    return replace(text, pages=tuple(pages))


@pytest.mark.parametrize("noise", ["(OHS)", "(0HS)", "( DHS )"])
@pytest.mark.parametrize(
    ("name", "agency"),
    [
        ("287gWSO_Suwannee", "Suwannee County Sheriffs Office"),
        ("287gWSO_Finney", "Finney County Sheriff's Office"),
        ("KansasBureau", "Kansas Bureau of Investigation"),
    ],
)
def test_agency_despite_ocr_noise_in_dhs(name: str, agency: str, noise: str) -> None:
    text = real(name)
    assert moa_facts(text).agency == agency
    noisy = rewrite(text, "(DHS)", noise)
    assert "(DHS)" not in noisy.page(1).flat
    assert moa_facts(noisy).agency == agency


@pytest.mark.parametrize("suffix", [", Florida", ", FL", ", State of Florida"])
def test_state_name_after_a_filled_in_agency(suffix: str) -> None:
    text = rewrite(real("Arcadia"), "Arcadia Police Dept (APD)", f"Arcadia Police Dept{suffix}")
    facts = moa_facts(text)
    assert (facts.agency, facts.state) == ("Arcadia Police Dept", "FL")


def test_state_name_after_the_agency_in_the_sentence() -> None:
    text = rewrite(
        real("287gWSO_Suwannee"), "Sheriffs Office (SCSO)", "Sheriffs Office, Florida (SCSO)"
    )
    facts = moa_facts(text)
    assert (facts.agency, facts.state) == ("Suwannee County Sheriffs Office", "FL")
    assert "the Suwannee County Sheriffs Office, Florida (SCSO)" in facts.evidence["agency"][0].text


@pytest.mark.parametrize("footer", ["KAN BU Rev 2/14/25 7", "Revised 3/7/2025", "Rev. 03/07/25"])
def test_a_revision_footer_is_never_a_signing_date(footer: str) -> None:
    text = real("KansasBureau")
    assert any("KAN BU Rev 2/14/25" in line.text for line in text.page(9).lines)
    # the footer printed above the bottom margin, inside the signature area
    raised = rewrite(text, "KAN BU Rev 2/14/25 7", footer, y=120.0)
    assert moa_facts(raised).signing_dates == (date(2025, 2, 17), date(2025, 2, 18))


def test_a_date_after_the_pdf_was_saved_is_impossible() -> None:
    text = real("Arcadia")
    assert moa_facts(text).signing_dates == (date(2025, 2, 28), date(2025, 3, 5))
    saved_early = replace(text, modified=datetime(2025, 3, 1, 12, tzinfo=UTC))
    assert latest_possible_date(saved_early) == date(2025, 3, 1)
    facts = moa_facts(saved_early)
    assert facts.signing_dates == (date(2025, 2, 28),)
    assert all(s.date != date(2025, 3, 5) for s in facts.signatories)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Date: 01/30/2025 Revised 3/7/2025", [date(2025, 1, 30)]),
        ("Revision date: 2/14/25", []),
        ("Date: 02/30/2025", []),  # no such day
        ("Date: 03/07/1998", []),  # before the program
    ],
)
def test_revision_and_impossible_dates(written: str, expected: list[date]) -> None:
    assert find_dates(written) == expected


def test_dates_after_the_bound_are_dropped() -> None:
    assert find_dates("Date: 03/07/2026", not_after=date(2025, 4, 2)) == []
    assert find_dates("Date: 03/07/2025", not_after=date(2025, 4, 2)) == [date(2025, 3, 7)]


# -- rules added with the accuracy benchmark (benchmarks/bench_moa_accuracy.py) ------------


@pytest.mark.parametrize(
    ("noisy", "repaired"),
    [
        ("Executive Associate Dire ;tor", "Executive Associate Director"),
        ("Acting Director", "Acting Director"),
        ("Sher1ff", "Sheriff"),
        ("Dep|uty Director", "Deputy Director"),
        ("Chief; Deputy", "Chief Deputy"),  # a stray mark on a known word: dropped
        ("Enri . ucer", "Enri . ucer"),  # no known title word: kept as read
        ("Sec;retary of State", "Secretary of State"),
        ("Acting Dire ;tor, U.S. ICE", "Acting Director, U.S. ICE"),  # its comma kept
    ],
)
def test_title_words_broken_by_ocr_are_repaired(noisy: str, repaired: str) -> None:
    from g287.read.moa.signatures import repair_ocr_words

    assert repair_ocr_words(noisy) == repaired


def test_an_ocr_broken_title_in_a_real_signature_block() -> None:
    text = rewrite(real("palmBeach"), "Acting Director", "Act;ing Dire|ctor")
    (ice,) = [s for s in moa_facts(text).signatories if s.side == "ice"]
    assert ice.title == "Acting Director"


@pytest.mark.parametrize(
    ("value", "title", "organization"),
    [
        ("Acting Director, U.S. Immigration and Customs Enforcement", "Acting Director",
         "U.S. Immigration and Customs Enforcement"),
        ("Assistant Director, Enforcement", "Assistant Director, Enforcement", None),
        ("Sheriff, Suwannee County", "Sheriff", "Suwannee County"),
        ("Sheriff: Finney County", "Sheriff", "Finney County"),
        ("Chief of Police, Retired", "Chief of Police, Retired", None),
    ],
)  # fmt: skip
def test_an_organization_after_a_comma_leaves_the_title(
    value: str, title: str, organization: str | None
) -> None:
    from g287.read.moa.signatures import _title_and_organization

    assert _title_and_organization(value) == (title, organization)


def test_field_office_named_most_often() -> None:
    facts = moa_facts(real("287gWSO_Finney"))
    assert facts.field_office == "Chicago"
    assert "Chicago Field Office" in facts.evidence["field_office"][0].text
    # a two-word office, spread over a line break
    text = rewrite(real("287gWSO_Finney"), "Chicago Field Office", "Salt Lake  City Field Office")
    assert moa_facts(text).field_office == "Salt Lake City"
    # only "the local Field Office" (2025 templates): none
    assert moa_facts(real("ArcadiaPDFL")).field_office is None
    # the office named most often wins (Chicago 5 times, Denver 8)
    more = rewrite(
        real("287gWSO_Finney"), "Chicago Field Office", "Denver Field Office, Denver Field Office"
    )
    assert moa_facts(more).field_office == "Denver"
