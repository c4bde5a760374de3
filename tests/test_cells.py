from datetime import date, datetime

import pytest

from g287.read import cells
from g287.read.cells import RawCell
from g287.read.links import clean_link, file_key
from tests.workbooks import SAFELINK


@pytest.mark.parametrize(
    ("value", "expected", "kind", "issue"),
    [
        (date(2025, 5, 8), date(2025, 5, 8), "date", None),
        (datetime(2025, 5, 8), date(2025, 5, 8), "date", None),
        (45785.0, date(2025, 5, 8), "serial", "serial_date"),
        ("05/082025", date(2025, 5, 8), "text", "malformed_date"),
        ("7/72025", date(2025, 7, 7), "text", "malformed_date"),
        ("5/31/20026", date(2026, 5, 31), "text", "malformed_date"),
        ("5/31/1990", None, "text", "impossible_date"),
        ("5/31/20025", date(2025, 5, 31), "text", "malformed_date"),
        ("2025-06-11", date(2025, 6, 11), "text", "text_date"),
        ("6/11/25", date(2025, 6, 11), "text", "text_date"),
        ("June 11, 2025", date(2025, 6, 11), "text", "text_date"),
        (date(5025, 3, 1), None, "date", "impossible_date"),
        (1141572.0, None, "serial", "impossible_date"),
        ("1112025", None, "text", "unparseable_date"),
        ("TBD", None, "text", "unparseable_date"),
        ("13/45/2025", None, "text", "unparseable_date"),
        ("", None, "blank", "missing_value"),
    ],
)
def test_signed(value, expected, kind, issue):
    got, got_kind, found = cells.normalize_signed(RawCell(value))
    assert got == expected
    assert got_kind == kind
    kinds = [k for k, _ in found]
    if issue is None:
        assert kinds == []
    else:
        assert issue in kinds


def test_signed_error_cell_is_flagged_not_raised():
    got, kind, found = cells.normalize_signed(RawCell("", "#N/A"))
    assert (got, kind, found[0][0]) == (None, "error", "error_cell")


@pytest.mark.parametrize(
    ("cell", "expected", "issue"),
    [
        (RawCell("", "#N/A"), None, "error_cell"),
        (RawCell("N/A"), None, "missing_text"),
        (RawCell("#NA"), None, "missing_text"),
        (RawCell("Alamance County "), "Alamance County", "whitespace"),
        (RawCell("Jackson County  "), "Jackson County", "whitespace"),
        (RawCell("Sebastian county "), "Sebastian County", "case"),
        (RawCell("McCorkmick County"), "McCorkmick County", None),
        (RawCell(""), None, None),
    ],
)
def test_county(cell, expected, issue):
    value, found = cells.normalize_county(cell)
    assert value == expected
    assert (issue in [k for k, _ in found]) if issue else found == []


def test_error_cell_and_blank_are_told_apart():
    assert cells.normalize_county(RawCell("", "#N/A"))[1] != cells.normalize_county(RawCell(""))[1]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Task Force Model", "TFM"),
        ("Task Force Model ", "TFM"),
        ("TASK FORCE", "TFM"),
        ("Warrant Service Officer", "WSO"),
        ("Warrant Services Officer", "WSO"),
        ("Jail Enforcement Model", "JEM"),
        ("JEO", "JEM"),
        ("Jail & Task Force", "JTF"),
        ("Tribal Task Force Model", "TTF"),
        ("Something Else", None),
    ],
)
def test_model(text, code):
    assert cells.normalize_model(RawCell(text))[0] == code


@pytest.mark.parametrize(
    ("text", "code", "issue"),
    [
        ("ALABAMA", "AL", None),
        ("UTAHJ", "UT", "state_snapped"),
        ("AlABAMA", "AL", "case"),
        ("NORTH CAROLINA ", "NC", "whitespace"),
        ("TX", "TX", None),
        ("DELAWARE**", "DE", None),
        ("NARNIA", None, "unknown_state"),
    ],
)
def test_state(text, code, issue):
    value, found = cells.normalize_state(RawCell(text))
    assert value == code
    kinds = [k for k, _ in found]
    assert (issue in kinds) if issue else kinds == []


def test_iowa_and_ohio_do_not_snap_onto_each_other():
    assert cells.normalize_state(RawCell("IOWA"))[0] == "IA"
    assert cells.normalize_state(RawCell("OHIO"))[0] == "OH"
    assert cells.normalize_state(RawCell("IDAH"))[0] == "ID"


@pytest.mark.parametrize(
    ("text", "value", "issue"),
    [
        ("County", "County", None),
        ("County ", "County", "whitespace"),
        ("Municipal", "Municipality", "variant_value"),
        ("State Agency", "State Agency", None),
        ("", None, "missing_value"),
        ("Regional", None, "unknown_value"),
    ],
)
def test_type(text, value, issue):
    got, found = cells.normalize_type(RawCell(text))
    assert got == value
    kinds = [k for k, _ in found]
    assert (issue in kinds) if issue else kinds == []


def test_agency_keeps_case_folds_quotes_and_spaces():
    value, found = cells.normalize_agency(RawCell("Laramie  County Sheriff\u2019s Office "))
    assert value == "Laramie County Sheriff's Office"
    assert {k for k, _ in found} == {"curly_apostrophe", "whitespace"}


def test_safelink_is_unwrapped_and_never_kept():
    raw = SAFELINK.format(name="HolmesCoSheriffsOfficeFL_WSO_MOA_06252025.pdf")
    link, found = cells.normalize_link(RawCell("link"), raw)
    assert link.status == "linked"
    assert (
        link.url
        == "https://www.ice.gov/doclib/287gMOA/HolmesCoSheriffsOfficeFL_WSO_MOA_06252025.pdf"
    )
    assert "safelinks" not in link.url and "staff.person" not in link.url
    assert [k for k, _ in found] == ["safelink_unwrapped"]


@pytest.mark.parametrize(
    ("text", "hyperlink", "status", "issue"),
    [
        ("link pending ", None, "pending", "whitespace"),
        ("link\xa0|\xa0addendum", None, "unlinked_text", "link_text_without_hyperlink"),
        ("link", None, "unlinked_text", "link_text_without_hyperlink"),
        (
            "link pending",
            "https://www.ice.gov/doclib/287gMOA/x.pdf",
            "linked",
            "pending_with_hyperlink",
        ),
        ("link", "https://example.com/x.pdf", "linked", "non_ice_link"),
        ("", None, "none", None),
        ("Cons", None, "other", "unexpected_link_text"),
        ("http://www.ice.gov/doclib/287gMOA/a.pdf", None, "linked", "link_repaired"),
    ],
)
def test_link_cells(text, hyperlink, status, issue):
    link, found = cells.normalize_link(RawCell(text), hyperlink)
    assert link.status == status
    kinds = [k for k, _ in found]
    assert (issue in kinds) if issue else kinds == []


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("http://www.ice.gov/doclib/287gMOA/a.pdf", "https://www.ice.gov/doclib/287gMOA/a.pdf"),
        ("https:/www.ice.gov/doclib/287gMOA/a.pdf", "https://www.ice.gov/doclib/287gMOA/a.pdf"),
        (
            "chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https://www.ice.gov/a.pdf",
            "https://www.ice.gov/a.pdf",
        ),
    ],
)
def test_clean_link_repairs(raw, url):
    assert clean_link(raw).url == url


def test_file_key_ignores_case_and_punctuation():
    assert file_key("https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf") == (
        "287gjemetowahcoal06092020pdf"
    )


@pytest.mark.parametrize(
    "hyperlink",
    [
        "www.ice.gov/doclib/287gMOA/../../evil.pdf",
        "https://www.ice.gov/doclib/287gMOA/%2E%2E/%2e%2e/evil.pdf",
    ],
)
def test_a_link_that_climbs_out_of_ices_folder_is_a_data_issue(hyperlink):
    link, found = cells.normalize_link(RawCell("link"), hyperlink)
    kinds = [kind for kind, _ in found]
    assert "link_path_escapes" in kinds
    assert link.status == "linked"  # still the link ICE printed, flagged, not dropped


def test_dots_inside_a_file_name_are_no_issue():
    _link, found = cells.normalize_link(
        RawCell("link"), "https://www.ice.gov/doclib/287gMOA/287g_JEM..Knox.pdf"
    )
    assert "link_path_escapes" not in [kind for kind, _ in found]
