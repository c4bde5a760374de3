"""The reader on hand-made workbooks covering each layout quirk, and on real ones."""

import io
import re
import zipfile
from datetime import date

import pytest

from g287.errors import EmptyWorkbook, NotAWorkbook, UnrecognizedLayout
from g287.read.publication import read_list
from g287.read.xlsx import read_workbook
from tests.conftest import SHEETS
from tests.workbooks import PARTICIPATING, PENDING, SAFELINK, build

ROWS = [
    [
        "ALABAMA",
        "Colbert County Sheriff's Office",
        "County",
        "Colbert County",
        "Task Force Model",
        date(2025, 7, 2),
        "link pending",
        None,
    ],
    [
        "FLORIDA",
        "Tampa Police Department",
        "Municipality",
        "#N/A",
        "Task Force Model",
        date(2025, 4, 10),
        "link",
        None,
    ],
    [
        "VIRGINIA",
        "Campbell County Sheriff's Office",
        "County",
        "Campbell County ",
        "Task Force Model ",
        "05/082025",
        "link pending ",
        None,
    ],
    [
        "UTAHJ",
        "Weber County Sheriff's Office",
        "County ",
        "Weber County",
        "Warrant Service Officer",
        date(5025, 3, 1),
        "link",
        "link",
    ],
]
LINKS = {
    (1, "MOA"): "https://www.ice.gov/doclib/287gMOA/TampaPD_TFM_MOA_04102025.pdf",
    (3, "MOA"): SAFELINK.format(name="WeberCoSO_WSO_MOA.pdf"),
    (3, "ADDENDUM"): SAFELINK.format(name="WeberCoSO_WSO_Addendum.pdf"),
}


def read(path, **kw):
    return read_list(path.read_bytes(), reference=date(2025, 7, 8), **kw)


def test_every_quirk_of_a_participating_list(tmp_path):
    parsed = read(build(tmp_path / "p.xlsx", ROWS, links=LINKS, blank_formatted_rows=40))
    assert parsed.kind == "participating"
    assert [r.row_number for r in parsed.rows] == [2, 3, 4, 5]
    tampa, campbell, weber = parsed.rows[1], parsed.rows[2], parsed.rows[3]
    assert (tampa.county_raw, tampa.county) == ("#N/A", None)
    assert tampa.moa_url == "https://www.ice.gov/doclib/287gMOA/TampaPD_TFM_MOA_04102025.pdf"
    assert (campbell.signed_raw, campbell.signed, campbell.moa_status) == (
        "05/082025",
        date(2025, 5, 8),
        "pending",
    )
    assert (campbell.county_raw, campbell.county, campbell.model) == (
        "Campbell County ",
        "Campbell County",
        "TFM",
    )
    assert (weber.state_raw, weber.state) == ("UTAHJ", "UT")
    assert (weber.signed_raw, weber.signed) == ("5025-03-01", None)
    assert weber.moa_url == "https://www.ice.gov/doclib/287gMOA/WeberCoSO_WSO_MOA.pdf"
    assert weber.addendum_url == "https://www.ice.gov/doclib/287gMOA/WeberCoSO_WSO_Addendum.pdf"
    kinds = {(i.row_number, i.column, i.kind) for i in parsed.all_issues()}
    assert (3, "COUNTY", "error_cell") in kinds
    assert (4, "SIGNED", "malformed_date") in kinds
    assert (5, "SIGNED", "impossible_date") in kinds
    assert (5, "STATE", "state_snapped") in kinds
    assert (5, "MOA", "safelink_unwrapped") in kinds
    impossible = next(i for i in parsed.all_issues() if i.kind == "impossible_date")
    assert impossible.raw_value == "5025-03-01"
    for issue in parsed.all_issues():
        assert "safelinks" not in (issue.raw_value or "") + issue.note


def test_columns_are_found_by_name_in_any_order_with_extras(tmp_path):
    headers = [
        "SIGNED",
        "MOA",
        "NOTES",
        "LAW ENFORCEMENT AGENCY",
        "STATE",
        "SUPPORT TYPE",
        "COUNTY",
        "TYPE",
    ]
    order = [5, 6, None, 1, 0, 4, 3, 2]
    rows = [[(r[i] if i is not None else "a note") for i in order] for r in ROWS[:2]]
    parsed = read(build(tmp_path / "p.xlsx", rows, headers=headers, header_row=3))
    assert parsed.layout.header_row == 3
    assert [r.agency for r in parsed.rows] == [
        "Colbert County Sheriff's Office",
        "Tampa Police Department",
    ]
    assert parsed.rows[0].extra == '{"NOTES": "a note"}'
    assert "extra_column" in {i.kind for i in parsed.all_issues()}
    assert not any(i.kind == "missing_column" for i in parsed.all_issues())  # ADDENDUM is optional


def test_missing_addendum_is_not_a_problem_but_missing_signed_is(tmp_path):
    parsed = read(build(tmp_path / "p.xlsx", [r[:7] for r in ROWS], headers=PARTICIPATING[:7]))
    assert not any(i.kind == "missing_column" for i in parsed.all_issues())
    assert all(r.addendum_status is None for r in parsed.rows)
    no_signed = [PARTICIPATING[i] for i in (0, 1, 2, 3, 4, 6)]
    parsed = read(
        build(
            tmp_path / "q.xlsx",
            [[r[i] for i in (0, 1, 2, 3, 4, 6)] for r in ROWS],
            headers=no_signed,
        ),
        kind_hint="participating",
    )
    assert {"kind_mismatch", "missing_column"} <= {i.kind for i in parsed.all_issues()}


def test_hidden_rows_are_data_and_counted(tmp_path):
    parsed = read(build(tmp_path / "p.xlsx", ROWS, hidden=[0, 2], autofilter=True))
    assert len(parsed.rows) == 4
    assert [r.hidden for r in parsed.rows] == [True, False, True, False]
    assert parsed.hidden_rows == 2 and parsed.filtered
    note = next(i for i in parsed.all_issues() if i.kind == "hidden_rows")
    assert "2 of 4" in note.note and "saved filter" in note.note


def test_pending_list(tmp_path):
    rows = [
        [
            "WYOMING",
            "Laramie County Sheriff\u2019s Office",
            "County",
            "Laramie County",
            "Task Force Model",
        ],
        ["AlABAMA", "Marion County Sheriff's Office", "Municipal", "", "Jail Enforcement Model"],
    ]
    parsed = read(build(tmp_path / "pendingAgencies06102025am.xlsx", rows, headers=PENDING))
    assert parsed.kind == "pending"
    assert [r.agency for r in parsed.rows] == [
        "Laramie County Sheriff's Office",
        "Marion County Sheriff's Office",
    ]
    assert [r.state for r in parsed.rows] == ["WY", "AL"]
    assert parsed.rows[1].type == "Municipality"
    assert parsed.rows[0].signed is None and parsed.rows[0].moa_status is None


def test_no_expected_headers(tmp_path):
    path = build(tmp_path / "x.xlsx", [["a", "b"]], headers=["NAME", "VALUE"])
    with pytest.raises(UnrecognizedLayout, match="STATE and LAW ENFORCEMENT AGENCY"):
        read(path)


def test_header_without_rows(tmp_path):
    with pytest.raises(EmptyWorkbook, match="no data rows"):
        read(build(tmp_path / "x.xlsx", [], blank_formatted_rows=20))


def test_real_list_with_a_saved_filter_counts_hidden_rows():
    data = (SHEETS / "sheets_20250621_151520" / "participatingAgencies06202025am.xlsx").read_bytes()
    parsed = read_list(data, reference=date(2025, 7, 8))
    assert len(parsed.rows) == 719
    assert parsed.hidden_rows == 371
    visible_models = {r.model for r in parsed.rows if not r.hidden}
    assert visible_models == {"TFM"}


def test_real_link_addendum_cells_carry_no_hyperlink():
    data = (SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx").read_bytes()
    parsed = read_list(data, reference=date(2025, 7, 8))
    rich = [r for r in parsed.rows if r.moa_raw and "addendum" in r.moa_raw]
    assert len(rich) == 3
    assert {r.agency for r in rich} == {
        "Aransas County Sheriff's Office",
        "Montgomery County Sheriff's Office",
        "Nueces County Sheriff's Office",
    }
    assert all(r.moa_status == "unlinked_text" and r.moa_url is None for r in rich)
    assert rich[0].moa_raw == "link\xa0|\xa0addendum"


def test_a_signing_date_long_after_the_list_is_impossible_but_kept_raw(tmp_path):
    rows = [[*ROWS[0][:5], date(2031, 5, 31), "link pending", None]]
    parsed = read(build(tmp_path / "p.xlsx", rows))
    (row,) = parsed.rows
    assert (row.signed_raw, row.signed) == ("2031-05-31", None)
    assert [i.kind for i in row.issues] == ["impossible_date"]
    # the same cells in a list dated after it are fine, and are another row content
    later = read_list(build(tmp_path / "q.xlsx", rows).read_bytes(), reference=date(2031, 6, 1))
    assert later.rows[0].signed == date(2031, 5, 31)
    assert later.rows[0].content_id != row.content_id


def test_identical_rows_share_one_content_and_are_flagged_as_duplicates(tmp_path):
    parsed = read(build(tmp_path / "p.xlsx", [ROWS[0], ROWS[1], ROWS[0]]))
    assert parsed.rows[0].content_id == parsed.rows[2].content_id != parsed.rows[1].content_id
    dup = [i for i in parsed.issues if i.kind == "duplicate_row"]
    assert [(i.row_number, i.note) for i in dup] == [(4, "identical to row 2")]


def _with_sheet_xml(data: bytes, rewrite) -> bytes:
    """The same workbook with its first sheet's XML rewritten."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = rewrite(body)
            dst.writestr(info, body)
    return out.getvalue()


def _prefixed(xml: bytes) -> bytes:
    """Sheet XML whose main namespace has a prefix (``x:row``), as some writers emit."""
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    assert main in xml
    xml = xml.replace(main, main.replace(b"xmlns=", b"xmlns:x="))
    xml = re.sub(rb"<(/?)(?!\?)([A-Za-z]+)([\s/>])", rb"<\1x:\2\3", xml)
    return xml


def _sheet_facts(data: bytes) -> list[tuple]:
    return [
        (s.name, s.rows, s.errors, s.hyperlinks, s.hidden_rows, s.filtered)
        for s in read_workbook(data).sheets
    ]


@pytest.mark.parametrize(
    "name",
    [
        "sheets_20250621_151520/participatingAgencies06202025am.xlsx",  # filter, hidden rows
        "sheets_20250519_024330/participatingAgencies05162025am.xlsx",  # #N/A cells, links
    ],
)
def test_a_namespace_prefix_changes_nothing(name):
    data = (SHEETS / name).read_bytes()
    plain = _sheet_facts(data)
    (sheet,) = [s for s in read_workbook(data).sheets if s.hyperlinks]
    assert sheet.hyperlinks and (sheet.errors or sheet.hidden_rows)
    assert _sheet_facts(_with_sheet_xml(data, _prefixed)) == plain


def test_a_hyperlink_over_a_range_covers_every_cell():
    data = (SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx").read_bytes()
    (sheet,) = [s for s in read_workbook(data).sheets if s.hyperlinks]
    (row, col), target = next(iter(sheet.hyperlinks.items()))
    ref = f"{chr(65 + col)}{row}"

    def widen(xml: bytes) -> bytes:
        return xml.replace(
            f'ref="{ref}"'.encode(), f'ref="{ref}:{chr(66 + col)}{row + 2}"'.encode()
        )

    wide = next(s for s in read_workbook(_with_sheet_xml(data, widen)).sheets if s.hyperlinks)
    assert all(
        wide.hyperlinks[(r, c)] == target for r in (row, row + 1, row + 2) for c in (col, col + 1)
    )


def test_sheet_xml_that_is_not_xml_is_refused_in_one_line():
    data = (SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx").read_bytes()
    broken = _with_sheet_xml(data, lambda xml: xml.replace(b"</sheetData>", b"</sheetDat>"))
    with pytest.raises(NotAWorkbook, match=r"^corrupt (workbook|sheet XML)") as err:
        read_workbook(broken)
    assert "\n" not in str(err.value)
