"""ICE's 287(g) page: workbook links (2025+), roster tables (2008-2024), archived copies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from g287.app.page_import import import_page
from g287.app.rebuild import rebuild
from g287.interfaces import cli_update  # noqa: F401  (registers import-page)
from g287.interfaces.cli import cli
from g287.model.dating import eastern_date
from g287.query.issues import list_issues
from g287.query.publication_stats import list_publications
from g287.query.publications import publication_rows
from g287.read.page import capture_time, find_workbook_links, original_url, wayback_raw_url
from g287.read.publication import read_list
from g287.read.roster import (
    parse_roster,
    read_roster_page,
    roster_base,
    roster_file_name,
    roster_list,
    roster_source,
)
from tests.conftest import DATA, dump_database
from tests.fake_ice import FakeIce
from tests.legacy_roster import legacy_roster_name, roster_workbook
from tests.test_fetch import FAST, RUNS, publish

PAGES = DATA / "pages"
ICE = "https://www.ice.gov/identify-and-arrest/287g"
WAYBACK_2021 = "https://web.archive.org/web/20210113002027/https://www.ice.gov/287g"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@pytest.fixture
def ice() -> Iterator[FakeIce]:
    with FakeIce() as server:
        yield server


# --- workbook links -----------------------------------------------------------------------


def test_links_on_the_2025_page():
    links = find_workbook_links(page("ice-287g-2025-05-16.html"), ICE)
    assert [(link.kind, link.url) for link in links] == [
        (
            "participating",
            "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05162025am.xlsx",
        ),
        (
            "pending",
            "https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies05152025am.xlsx",
        ),
    ]  # not the navigation anchor, the PDF fact sheet or the mailto


def test_links_on_the_2026_page_are_download_paths_named_by_their_text():
    links = find_workbook_links(page("ice-287g-2026-04-21.html"), ICE)
    assert [(link.kind, link.url, link.text) for link in links] == [
        (
            "participating",
            "https://www.ice.gov/file-download/download/public/43210",
            "287(g) Participating Agencies",
        ),
        (
            "pending",
            "https://www.ice.gov/file-download/download/public/43211",
            "287(g) Pending Agencies",
        ),
    ]  # the second link to 43210 ("Download") is the same file


def test_links_resolve_against_base_href_and_keep_wayback_addresses():
    html = (
        '<html><head><base href="https://web.archive.org/web/20250601120000/'
        'https://www.ice.gov/identify-and-arrest/287g"></head><body>'
        '<a href="/web/20250601120000/https://www.ice.gov/doclib/about/offices/ero/287g/'
        'participatingAgencies05302025pm.xlsx">View</a>'
        '<a href="pendingAgencies05302025pm.xlsx">Pending list</a></body></html>'
    )
    links = find_workbook_links(html, "file:///saved.html")
    assert [(link.kind, link.url) for link in links] == [
        (
            "participating",
            "https://web.archive.org/web/20250601120000/https://www.ice.gov/doclib/about/"
            "offices/ero/287g/participatingAgencies05302025pm.xlsx",
        ),
        (
            "pending",
            "https://web.archive.org/web/20250601120000/https://www.ice.gov/"
            "identify-and-arrest/pendingAgencies05302025pm.xlsx",
        ),
    ]


@pytest.mark.parametrize(
    "name",
    ["ice-287g-20210113002027.html", "ice-287g-2008-04-29.html", "ice-287g-2007-09-19-prose.html"],
)
def test_pre_2025_pages_link_no_workbook(name):
    assert find_workbook_links(page(name), ICE) == []


def test_wayback_addresses():
    url = "https://web.archive.org/web/20250601120000/https://www.ice.gov/doclib/x/p.xlsx"
    assert original_url(url) == "https://www.ice.gov/doclib/x/p.xlsx"
    assert wayback_raw_url(url) == (
        "https://web.archive.org/web/20250601120000id_/https://www.ice.gov/doclib/x/p.xlsx"
    )
    assert original_url("https://web.archive.org/web/2010im_/http:/www.ice.gov/a.pdf") == (
        "http://www.ice.gov/a.pdf"
    )
    assert capture_time(url) == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert capture_time("ice-287g-20210113002027.html") == datetime(
        2021, 1, 13, 0, 20, 27, tzinfo=UTC
    )
    assert capture_time("https://www.ice.gov/287g") is None


# --- roster tables --------------------------------------------------------------------------


def test_the_2008_roster():
    roster = parse_roster(page("ice-287g-2008-04-29.html"), ICE)
    assert roster is not None
    assert roster.headers == ("STATE", "MOA NAME", "TYPE", "OFFICIAL APPROVAL")
    assert roster.columns == ("state", "agency", "support", "signed")  # no MOA column
    rows = [(r.state, r.agency, r.support, r.signed_date, r.footnotes) for r in roster.rows]
    assert rows == [
        ("AL", "Alabama Department of Public Safety", "TFO", date(2003, 9, 10), ()),
        ("AZ", "Arizona Department of Corrections", "JEO", date(2005, 9, 16), ("*",)),
        ("AZ", "Maricopa County Sheriff's Office", "JEO/TFO", date(2007, 2, 7), ()),
        ("CA", "Los Angeles County Sheriff's Department", "JEO", date(2005, 2, 1), ()),
        ("FL", "Florida Department of Law Enforcement", "TFO", date(2002, 7, 2), ()),
        ("NC", "Mecklenburg County Sheriff's Office", "JEO/TFO", date(2006, 2, 27), ("†",)),
        ("NH", "Hudson City Police Department", "TFO", date(2007, 5, 5), ()),
    ]  # unclosed <TD>s in a layout table, <BR> inside a name, "TFO<BR>JEO" is both


def test_the_2010_fact_sheet_roster():
    roster = parse_roster(page("ice-287g-2010-10-29.html"), ICE)
    assert roster is not None
    assert roster.as_of == date(2010, 10, 29)
    assert roster.caption == "Mutually Signed Agreements (9) as of 10/29/2010"
    assert roster.columns == ("state", "agency", "support", "signed", "moa")
    by_agency = {r.agency: r for r in roster.rows}
    assert len(roster.rows) == 9  # the section row spanning the table is not a row
    assert by_agency["Yavapai County Sheriff's Office"].state == "ARIZONA"  # rowspan
    assert by_agency["Yavapai County Sheriff's Office"].support == "Jail & Task Force"
    delaware = by_agency["Delaware Department of Correction"]
    assert (delaware.state, delaware.footnotes) == ("DELAWARE", ("**",))
    cobb = by_agency["Cobb County Sheriff's Office"]
    assert (cobb.signed, cobb.signed_date, cobb.signed_plain) == (
        "02/13/2007; 10/14/2009",
        date(2009, 10, 14),
        False,
    )
    assert cobb.footnotes == ("1",)  # a <sup>, not part of the name
    assert cobb.moa_url == (
        "https://www.ice.gov/doclib/foia/memorandumsofAgreementUnderstanding/"
        "r_287gcobbcountyso101409.pdf"
    )  # linked from the agency's name: there is no MOA column
    assert by_agency["Pinal County Sheriff\u2019s Office"].moa_text == "Link"
    assert by_agency["Beaufort County Sheriff's Office"].signed_date is None


def test_the_2021_roster_from_the_wayback_machine():
    roster = parse_roster(page("ice-287g-20210113002027.html"), WAYBACK_2021)
    assert roster is not None
    assert [(r.state, r.support, r.moa_url) for r in roster.rows][:3] == [
        (
            "Alabama",
            "Jail Enforcement Model",
            "https://www.ice.gov/doclib/287gMOA/287gJEM_EtowahCoAl2020-06-09.pdf",
        ),
        (
            "Arizona",
            "Jail Enforcement Model",
            "https://www.ice.gov/doclib/287gMOA/287gJEM_PinalCoAz2020-06-09.pdf",
        ),
        (
            "Florida",
            "Warrant Service Officer",
            "https://www.ice.gov/doclib/287gMOA/287gWSO_BayCoFl2019-10-15.pdf",
        ),
    ]  # Wayback-rewritten links unwrapped to ICE's own, http upgraded
    assert roster.rows[3].agency == "Frederick County Sheriff's Office Addendum"  # <br>
    assert (roster.rows[-1].moa_text, roster.rows[-1].moa_url) == ("Link Pending", None)


def test_the_2024_aria_label_substitution_is_reversed():
    roster = parse_roster(page("ice-287g-20241210120000.html"), ICE)
    assert roster is not None
    assert roster.rows[0].agency == "Walton County Sheriff's Office"
    assert roster.rows[0].moa_url == (
        "https://www.ice.gov/doclib/287gMOA/287gWSO_WaltonCoFl2019-10-15.pdf"
    )


@pytest.mark.parametrize("name", ["ice-287g-2007-09-19-prose.html", "ice-287g-2025-05-16.html"])
def test_pages_without_a_roster_table(name):
    assert parse_roster(page(name), ICE) is None


def test_the_roster_list_reads_like_ice_s_and_is_stable():
    roster = parse_roster(page("ice-287g-2010-10-29.html"), ICE)
    assert roster is not None
    parsed = roster_list(roster, captured=date(2010, 10, 30))
    assert parsed == roster_list(roster, captured=date(2010, 10, 30))
    assert parsed.modified == "2010-10-30T00:00:00Z"
    assert parsed.kind == "participating" and parsed.layout.sheet_name == "roster"
    assert parsed.layout.describe() == (
        "STATE|LAW ENFORCEMENT AGENCY|SUPPORT TYPE|SIGNED|MOA|+SIGNED AS PRINTED"
    )
    cobb = next(r for r in parsed.rows if r.content.agency == "Cobb County Sheriff's Office")
    assert (cobb.content.state, cobb.content.model, cobb.content.signed) == (
        "GA",
        "JEM",
        date(2009, 10, 14),
    )
    assert cobb.content.moa_status == "linked"
    assert '"SIGNED AS PRINTED": "02/13/2007; 10/14/2009"' in (cobb.content.extra or "")
    assert roster_file_name(datetime(2010, 10, 30, 3, 0, tzinfo=UTC)) == (
        "participatingAgencies10292010.html"  # the Eastern date of the capture; a page
    )


@pytest.mark.parametrize(
    "name",
    [
        "ice-287g-2008-04-29.html",
        "ice-287g-2010-10-29.html",
        "ice-287g-20210113002027.html",
        "ice-287g-20241210120000.html",
    ],
)
@pytest.mark.parametrize("base", [ICE, WAYBACK_2021])
def test_a_roster_list_is_what_the_workbook_reader_made_of_the_roster_workbook(name, base):
    """Reading the roster directly gives the very list earlier versions got by writing it
    as a workbook and reading that: layout, rows, cell issues, list issues, dates."""
    roster = parse_roster(page(name), base)
    assert roster is not None
    captured = date(2010, 10, 30)
    made = roster_list(roster, captured=captured, reference=date(2010, 10, 29))
    legacy = read_list(
        roster_workbook(roster, captured=captured),
        kind_hint="participating",
        reference=date(2010, 10, 29),
    )
    assert made == legacy
    assert made.all_issues() == legacy.all_issues()


def test_a_roster_source_says_where_the_page_s_links_resolve():
    sha = "ab" * 32
    assert roster_source(WAYBACK_2021, sha) == WAYBACK_2021 + "#g287-roster-" + "ab" * 8
    assert roster_source(WAYBACK_2021, sha, WAYBACK_2021) == roster_source(WAYBACK_2021, sha)
    assert roster_base(roster_source(WAYBACK_2021, sha)) == WAYBACK_2021
    assert roster_base(roster_source(WAYBACK_2021, sha, ICE)) == ICE
    assert roster_source(WAYBACK_2021, sha, ICE).endswith(";base=" + ICE)
    assert roster_base(WAYBACK_2021) is None
    html = page("ice-287g-2010-10-29.html")
    made = read_roster_page(
        html, source=roster_source(WAYBACK_2021, sha, ICE), captured=date(2010, 10, 30)
    )
    roster = parse_roster(html, ICE)
    assert roster is not None
    assert made == roster_list(roster, captured=date(2010, 10, 30))
    from g287.errors import InputError

    with pytest.raises(InputError, match="no roster table"):
        read_roster_page(
            page("ice-287g-2025-05-16.html"),
            source=roster_source(ICE, sha),
            captured=date(2025, 5, 16),
        )


# --- importing archived pages ---------------------------------------------------------------


def test_import_a_pre_2025_page(importer):
    captured = datetime(2021, 1, 13, 0, 20, 27, tzinfo=UTC)
    report = import_page(
        importer, page("ice-287g-20210113002027.html"), url=WAYBACK_2021, captured_at=captured
    )
    assert report.ok and report.links == []
    [result] = report.results
    assert (result.outcome, result.name, result.rows) == (
        "accepted",
        "participatingAgencies01122021.html",
        6,
    )
    assert result.source.startswith(WAYBACK_2021 + "#g287-roster-")
    pages = [s for s in importer.archive.sightings() if s.role == "page"]
    assert [(s.source, s.sha256) for s in pages] == [(WAYBACK_2021, report.sha256)]
    # the list's raw file is the page: no workbook is made or archived
    assert result.sha256 == report.sha256
    assert [s.role for s in importer.archive.sightings()] == ["page", "roster"]
    with importer.db.connect() as conn:
        pub, rows = publication_rows(conn, result.publication_id or "")
        kinds = {i["kind"] for i in list_issues(conn, publication=pub["id"])}
    assert (pub["label"], str(pub["published_date"])) == ("part 01122021", "2021-01-12")
    assert [(r["state"], r["model"], str(r["signed"])) for r in rows][:2] == [
        ("AL", "JEM", "2020-06-09"),
        ("AZ", "JEM", "2020-06-09"),
    ]
    assert [r["moa_status"] for r in rows] == ["linked"] * 5 + ["pending"]
    assert kinds == {"missing_column"}  # no TYPE or COUNTY before 2025, and nothing else
    lines = report.lines()
    assert lines[1] == (
        "  roster: 6 row(s) in 1 table(s); columns STATE, LAW ENFORCEMENT AGENCY,"
        " SUPPORT TYPE, SIGNED, MOA"
    )

    # the same page again changes nothing; the archive alone rebuilds the database
    before = dump_database(importer)
    again = import_page(
        importer, page("ice-287g-20210113002027.html"), url=WAYBACK_2021, captured_at=captured
    )
    assert [r.outcome for r in again.results] == ["unchanged"]
    assert dump_database(importer) == before
    rebuild(importer)
    assert dump_database(importer) == before


def _legacy_archive(importer, name, url, captured):
    """Archive a page as earlier versions did: the page, then its roster written as a
    workbook and imported as a list (source ``<url>#g287-roster-<page sha16>``)."""
    from g287.app.page_import import _page_name
    from g287.store.archive import Sighting, format_utc

    html = page(name)
    sha = importer.archive.put(html)
    importer.archive.record(
        Sighting(sha, _page_name(url), url, format_utc(captured), len(html), role="page")
    )
    roster = parse_roster(html, url)
    assert roster is not None
    day = eastern_date(captured)
    result = importer.import_bytes(
        roster_workbook(roster, captured=day),
        name=legacy_roster_name(day),
        source=f"{url}#g287-roster-{sha[:16]}",
        seen_at=captured,
    )
    assert result.outcome == "accepted"
    return result


def test_an_archive_of_roster_workbooks_rebuilds_the_same_and_takes_its_pages_again(
    importer,
):
    """Archives made before rosters were read directly hold a workbook per roster (role
    ``list``): a rebuild reads them as workbooks, as then, and importing their page again
    is that workbook seen again, not a second list."""
    captured = datetime(2021, 1, 13, 0, 20, 27, tzinfo=UTC)
    old = _legacy_archive(importer, "ice-287g-20210113002027.html", WAYBACK_2021, captured)
    importer.ensure_derived()
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before
    again = import_page(
        importer, page("ice-287g-20210113002027.html"), url=WAYBACK_2021, captured_at=captured
    )
    assert [(r.outcome, r.sha256, r.name) for r in again.results] == [
        ("unchanged", old.sha256, "participatingAgencies01122021.xlsx")
    ]
    assert dump_database(importer) == before
    assert [s.role for s in importer.archive.sightings()] == ["page", "list"]

    # a page new to that archive is read directly, beside the old workbook's list
    later = datetime(2024, 12, 10, 12, tzinfo=UTC)
    new = import_page(importer, page("ice-287g-20241210120000.html"), url=ICE, captured_at=later)
    [result] = new.results
    assert (result.outcome, result.sha256) == ("accepted", new.sha256)
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before
    with importer.db.connect() as conn:
        assert [p["file_name"] for p in list_publications(conn, "participating")] == [
            "participatingAgencies01122021.xlsx",
            "participatingAgencies12102024.html",
        ]


def test_a_roster_read_directly_stores_what_its_workbook_stored(importer, tmp_path):
    """The same page imported the old way (a workbook) and the new way (read directly):
    the same rows, issues and dates; only the raw file (and so the id) and the name's
    extension differ."""
    from g287.app.importer import Importer
    from g287.store.archive import RawArchive
    from g287.store.database import Database

    captured = datetime(2010, 10, 30, 16, tzinfo=UTC)
    old = _legacy_archive(importer, "ice-287g-2010-10-29.html", ICE, captured)
    other = Importer(Database(f"sqlite:///{tmp_path / 'new.sqlite'}"), RawArchive(tmp_path / "a"))
    other.db.migrate()
    [new] = import_page(
        other, page("ice-287g-2010-10-29.html"), url=ICE, captured_at=captured
    ).results
    with importer.db.connect() as conn, other.db.connect() as conn2:
        pub, rows = publication_rows(conn, old.publication_id or "")
        pub2, rows2 = publication_rows(conn2, new.publication_id or "")
        issues = [(i["kind"], i["note"]) for i in list_issues(conn, publication=pub["id"])]
        issues2 = [(i["kind"], i["note"]) for i in list_issues(conn2, publication=pub2["id"])]
    assert rows2 == rows and issues2 == issues
    differ = {"id", "sha256", "file_name", "first_seen"}
    assert {k: v for k, v in pub2.items() if k not in differ} == {
        k: v for k, v in pub.items() if k not in differ
    }
    # the second database is SQLite, which keeps times naive (UTC), the first maybe not
    assert pub2["first_seen"][:19] == pub["first_seen"][:19]
    assert (pub["file_name"], pub2["file_name"]) == (
        "participatingAgencies10302010.xlsx",
        "participatingAgencies10302010.html",
    )


def test_pages_from_three_eras_make_a_history(importer):
    for name, url, captured in [
        ("ice-287g-2008-04-29.html", ICE, datetime(2008, 4, 29, 16, tzinfo=UTC)),
        ("ice-287g-2010-10-29.html", ICE, datetime(2010, 10, 30, 16, tzinfo=UTC)),
        ("ice-287g-20210113002027.html", WAYBACK_2021, datetime(2021, 1, 13, 16, tzinfo=UTC)),
    ]:
        assert import_page(importer, page(name), url=url, captured_at=captured).ok
    with importer.db.connect() as conn:
        pubs = list_publications(conn, "participating")
    assert [(p["label"], p["row_count"]) for p in pubs] == [
        ("part 04292008", 7),
        ("part 10302010", 9),
        ("part 01132021", 6),
    ]


def test_a_2025_page_lists_its_links_and_fetches_them(ice, importer):
    seen, files = RUNS[0]
    publish(ice, files)
    html = ice.resources["/identify-and-arrest/287g"].body
    report = import_page(
        importer, html, url=ice.page_url, captured_at=seen, fetch=True, policy=FAST
    )
    assert report.roster is None
    assert [link.kind for link in report.links] == ["participating", "pending"]
    assert [f.status for f in report.files] == ["new", "new"] and report.ok
    assert [f.name for f in report.files] == [name for name, _ in files.values()]
    with importer.db.connect() as conn:
        assert [p["label"] for p in list_publications(conn)] == [
            "part 05162025am",
            "pend 05152025am",
        ]


def test_an_empty_page_is_refused(importer):
    from g287.errors import InputError

    with pytest.raises(InputError, match="the page is empty"):
        import_page(importer, b"", url=ICE, captured_at=datetime(2021, 1, 1, tzinfo=UTC))


# --- the command ---------------------------------------------------------------------------


def test_import_page_command(settings, tmp_path):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    saved = tmp_path / "20210113002027.html"
    saved.write_bytes(page("ice-287g-20210113002027.html"))
    result = CliRunner().invoke(cli, ["import-page", str(saved)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "page https://web.archive.org/web/20210113002027/https://www.ice.gov/identify-and-arrest/"
        "287g (2021-01-13T00:20:27Z), sha256 " + report_sha(saved)[:12]
    )
    assert "participatingAgencies01122021.html: accepted" in result.stdout

    plain = tmp_path / "saved.html"
    plain.write_bytes(page("ice-287g-2010-10-29.html"))
    result = CliRunner().invoke(cli, ["import-page", str(plain)], env=env)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {plain}: give --captured-at (no 14-digit capture time in the URL or file name)\n"
    )
    result = CliRunner().invoke(
        cli,
        [
            "import-page",
            str(plain),
            "--url",
            ICE,
            "--captured-at",
            "2010-10-30T16:00:00Z",
            "--json",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    import json

    [payload] = json.loads(result.stdout)
    assert payload["roster"]["as_of"] == "2010-10-29"
    assert payload["results"][0]["name"] == "participatingAgencies10302010.html"


def report_sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unknown_roster_columns_are_kept_as_extra_columns():
    html = (
        "<table><tr><th>STATE</th><th>AGENCY</th><th>SUPPORT TYPE</th><th>DATE SIGNED</th>"
        "<th>OFFICERS TRAINED</th></tr><tr><td>TX</td><td>Harris County Sheriff's Office</td>"
        "<td>JEO</td><td>1/2/2008</td><td>12</td></tr></table>"
    )
    roster = parse_roster(html, ICE)
    assert roster is not None and roster.extras == ("OFFICERS TRAINED",)
    parsed = roster_list(roster, captured=date(2008, 5, 1))
    [row] = parsed.rows
    assert (row.content.model, row.content.extra) == ("JEM", '{"OFFICERS TRAINED": "12"}')
