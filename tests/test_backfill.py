"""``g287 backfill``: the Wayback CDX index and raw replay, served by a local stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from g287.acquire.http import FetchError, FetchPolicy, make_client
from g287.acquire.wayback import Capture, Pacer, query_cdx, sha1_digest
from g287.app.backfill import backfill
from g287.app.backfill_targets import Target, load_targets
from g287.app.rebuild import rebuild
from g287.interfaces import cli_backfill  # noqa: F401  (registers backfill)
from g287.interfaces.cli import cli
from g287.query.publication_stats import list_publications
from g287.query.publications import publication_rows
from g287.store.publications import as_utc
from g287.store.schema import raw_files, sightings
from tests.conftest import dump_database
from tests.fake_ice import CHALLENGE
from tests.fake_wayback import FakeWayback, WaybackFault
from tests.test_fetch import RUNS, make_importer  # noqa: F401  (fixture)
from tests.test_pages import page

FAST = FetchPolicy(timeout=5.0, connect_timeout=5.0, retries=2, backoff=0.01)
ICE = "https://www.ice.gov"
DOCLIB = ICE + "/doclib/about/offices/ero/287g/"
UNVERSIONED = DOCLIB + "participatingAgencies.xlsx"
P0_NAME, P0 = RUNS[0][1]["participating"]  # participatingAgencies05162025am.xlsx
Q0_NAME, Q0 = RUNS[0][1]["pending"]  # pendingAgencies05152025am.xlsx
P1_NAME, P1 = RUNS[1][1]["participating"]  # participatingAgencies05192025am.xlsx
Q1_NAME, Q1 = RUNS[1][1]["pending"]
P_LAST_NAME, P_LAST = RUNS[-1][1]["participating"]
Q_LAST_NAME, Q_LAST = RUNS[-1][1]["pending"]


def seed(wb: FakeWayback) -> None:
    """A small public history in real shapes: four page eras and the 2025-26 workbooks."""
    wb.capture(
        "20101029120000",
        "http://www.ice.gov/news/library/factsheets/287g.htm",
        page("ice-287g-2010-10-29.html"),
        mimetype="text/html",
    )
    wb.capture(
        "20210113002027",
        ICE + "/identify-and-arrest/287g",
        page("ice-287g-20210113002027.html"),
        mimetype="text/html",
    )
    wb.capture(
        "20210301000000",
        ICE + "/identify-and-arrest/287g",
        page("ice-287g-20241210120000.html"),
        mimetype="text/html",
    )
    # the 2021 bytes again: not adjacent, so the index lists it; fetched once all the same
    wb.capture(
        "20210401000000",
        ICE + "/identify-and-arrest/287g",
        page("ice-287g-20210113002027.html"),
        mimetype="text/html",
    )
    wb.capture(
        "20250516150000",
        ICE + "/identify-and-arrest/287g",
        page("ice-287g-2025-05-16.html"),
        mimetype="text/html",
    )
    wb.capture(
        "20260421120000",
        ICE + "/identify-and-arrest/287g",
        page("ice-287g-2026-04-21.html"),
        mimetype="text/html",
    )
    # a redirect capture and a 404 capture of the page: the index filter drops them
    wb.capture(
        "20210501000000",
        ICE + "/identify-and-arrest/287g",
        b"",
        statuscode="302",
        mimetype="text/html",
        headers=(("Location", "https://www.ice.gov/"),),
    )
    wb.capture(
        "20210601000000",
        ICE + "/identify-and-arrest/287g",
        b"gone",
        statuscode="404",
        mimetype="text/html",
    )
    # the unversioned file ICE overwrote in place, captured before the dated name was
    wb.capture("20250517000000", UNVERSIONED, P0)
    wb.capture("20250520000000", UNVERSIONED, P1)
    wb.capture("20250519024330", DOCLIB + P0_NAME, P0)
    wb.capture("20250519024330", DOCLIB + Q0_NAME, Q0)
    wb.capture("20250519151802", DOCLIB + P1_NAME, P1)
    wb.capture("20250519151802", DOCLIB + Q1_NAME, Q1)
    wb.capture("20250601000000", DOCLIB + P1_NAME, P1)  # collapsed by the index (adjacent)
    # a challenge page captured as a workbook, and a fact-sheet PDF in the same folder
    wb.capture(
        "20250521000000",
        DOCLIB + "participatingAgencies05202025pm.xlsx",
        CHALLENGE,
        mimetype="text/html",
    )
    wb.capture(
        "20250521000000",
        DOCLIB + "287gParticipatingAgenciesFactSheet.pdf",
        b"%PDF-1.4",
        mimetype="application/pdf",
    )
    # the 2026 download links the 2026 page carries, named by Content-Disposition
    for ident, name, data in (("43210", P_LAST_NAME, P_LAST), ("43211", Q_LAST_NAME, Q_LAST)):
        wb.capture(
            "20260421120500",
            f"{ICE}/file-download/download/public/{ident}",
            data,
            headers=(("Content-Disposition", f'attachment; filename="{name}"'),),
        )


@pytest.fixture
def wb() -> Iterator[FakeWayback]:
    with FakeWayback() as server:
        seed(server)
        yield server


def run(importer, wb, **kw):
    return backfill(importer, wayback=wb.base_url, interval=0, policy=FAST, **kw)


def first_seen(importer, sha: str) -> datetime:
    with importer.db.connect() as conn:
        value = conn.execute(
            select(raw_files.c.first_seen).where(raw_files.c.sha256 == sha)
        ).scalar_one()
    return as_utc(value)


def sources_of(importer, sha: str) -> set[str]:
    with importer.db.connect() as conn:
        return set(
            conn.execute(select(sightings.c.source).where(sightings.c.sha256 == sha)).scalars()
        )


# --- the CDX client -------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 2, 5000])
def test_cdx_pages_through_resume_keys(wb, page_size):
    with make_client(FAST) as client:
        got = list(
            query_cdx(
                client,
                wb.base_url,
                "www.ice.gov/doclib/about/offices/ero/287g/",
                match="prefix",
                policy=FAST,
                pacer=Pacer(0),
                page_size=page_size,
            )
        )
    assert [(c.timestamp, c.original.rsplit("/", 1)[1]) for c in got] == [
        ("20250521000000", "287gParticipatingAgenciesFactSheet.pdf"),
        ("20250517000000", "participatingAgencies.xlsx"),
        ("20250520000000", "participatingAgencies.xlsx"),
        ("20250519024330", P0_NAME),
        ("20250519151802", P1_NAME),  # its 2025-06-01 capture has the same digest: collapsed
        ("20250521000000", "participatingAgencies05202025pm.xlsx"),
        ("20250519024330", Q0_NAME),
        ("20250519151802", Q1_NAME),
    ]
    assert got[1].digest == sha1_digest(P0) == got[3].digest
    cdx_calls = len(wb.cdx_queries())
    assert cdx_calls == (8 if page_size == 1 else 4 if page_size == 2 else 1)


def test_cdx_text_output_and_time_bounds_are_read(wb):
    with httpx.Client() as client:
        body = client.get(
            wb.base_url + "/cdx/search/cdx",
            params={
                "url": "www.ice.gov/identify-and-arrest/287g",
                "from": "2021",
                "to": "2021",
                "filter": "statuscode:200",
                "fl": "timestamp,original,digest,statuscode",
            },
        ).text
    a = sha1_digest(page("ice-287g-20210113002027.html"))
    b = sha1_digest(page("ice-287g-20241210120000.html"))
    where = f"{ICE}/identify-and-arrest/287g"
    assert body.splitlines() == [
        f"20210113002027 {where} {a} 200",
        f"20210301000000 {where} {b} 200",
        f"20210401000000 {where} {a} 200",
    ]
    from g287.acquire.wayback import _rows

    rows, resume = _rows(body.encode(), "x")
    assert resume is None and Capture(*rows[0]).captured_at == datetime(
        2021, 1, 13, 0, 20, 27, tzinfo=UTC
    )


def test_pacer_keeps_a_second_between_requests():
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    pacer = Pacer(1.0, sleep=sleep, clock=lambda: now[0])
    pacer.wait()
    now[0] += 0.25
    pacer.wait()
    now[0] += 3
    pacer.wait()
    assert slept == [0.75] and pacer.requests == 3


def test_bundled_targets_are_data():
    targets = load_targets()
    pages = {t.url for t in targets if t.kind == "page"}
    assert "www.ice.gov/identify-and-arrest/287g" in pages
    assert "www.ice.gov/287g" in pages
    assert Target("workbook", "prefix", "www.ice.gov/doclib/about/offices/ero/287g/") in [
        Target(t.kind, t.match, t.url) for t in targets
    ]


# --- the backfill ---------------------------------------------------------------------------


def test_backfill_imports_every_distinct_content_once_dated_by_its_earliest_capture(importer, wb):
    wb.fail(f"/web/20250519024330id_/{DOCLIB}{Q0_NAME}", WaybackFault(429, {"Retry-After": "0"}))
    seen: list[str] = []
    report = run(importer, wb, on_item=lambda item, done, total, eta: seen.append(item.line()))
    assert report.ok
    assert report.captures == {"page": 6, "workbook": 9}
    # 5 distinct pages; 7 distinct workbooks (P0, P1, Q0, Q1, the challenge page, P/Q last)
    assert len(report.items) == 5 + 7 == len(seen)
    assert report.count("new") == 11 and report.count("rejected") == 1
    # each distinct content downloaded once (the 429 is retried)
    downloads = wb.downloads()
    assert len(downloads) == 12 == len(set(downloads)) == report.downloads

    with importer.db.connect() as conn:
        pubs = {p["file_name"]: p for p in list_publications(conn)}
    # the unversioned capture came first: P0's first seen is its time, its name the dated one
    p0 = pubs[P0_NAME]
    assert first_seen(importer, p0["sha256"]) == datetime(2025, 5, 17, tzinfo=UTC)
    assert str(p0["published_date"]) == "2025-05-16"
    assert sources_of(importer, p0["sha256"]) == {
        f"{wb.base_url}/web/20250517000000/{UNVERSIONED}",
        f"{wb.base_url}/web/20250519024330/{DOCLIB}{P0_NAME}",
    }
    assert first_seen(importer, pubs[P1_NAME]["sha256"]) == datetime(
        2025, 5, 19, 15, 18, 2, tzinfo=UTC
    )
    # roster eras became publications dated by their capture
    assert {"participatingAgencies10292010.html", "participatingAgencies01122021.html"} <= set(pubs)
    # the 2026 download links were found on the page and named by Content-Disposition
    assert {P_LAST_NAME, Q_LAST_NAME} <= set(pubs)
    rejected = [i for i in report.items if i.status == "rejected"]
    assert [(i.name, i.source) for i in rejected] == [
        (
            "participatingAgencies05202025pm.xlsx",
            f"{wb.base_url}/web/20250521000000/{DOCLIB}participatingAgencies05202025pm.xlsx",
        )
    ]
    assert "rejected: " in "\n".join(report.summary())

    # a second run downloads nothing and changes nothing
    wb.hits.clear()
    again = run(importer, wb)
    assert wb.downloads() == []
    assert again.count("new") == 0 and again.count("held") == 11
    assert again.count("rejected") == 1
    # a hard kill may lose the state file: held bytes are still known by their SHA-1
    (importer.archive.root / "backfill_state.json").unlink()
    wb.hits.clear()
    run(importer, wb)
    assert wb.downloads() == []


def test_a_killed_backfill_resumes_with_what_is_missing(importer, wb):
    class Killed(Exception):
        pass

    def kill_after_five(item, done, total, eta):
        if done == 5:
            raise Killed

    with pytest.raises(Killed):
        run(importer, wb, on_item=kill_after_five)
    first = wb.downloads()
    assert len(first) == 5
    wb.hits.clear()
    report = run(importer, wb)
    assert len(wb.downloads()) == 12 - 5
    assert not set(wb.downloads()) & set(first)
    assert report.count("held") == 5 - 0 and report.count("new") == 11 - 5
    with importer.db.connect() as conn:
        assert len(list_publications(conn)) >= 9


def test_bytes_archived_by_another_route_are_not_downloaded(importer, wb):
    importer.import_bytes(
        P0, name=P0_NAME, source="/disk/" + P0_NAME, seen_at=datetime(2025, 5, 19, 3, tzinfo=UTC)
    )
    report = run(importer, wb)
    p0_raw = {f"/web/20250517000000id_/{UNVERSIONED}", f"/web/20250519024330id_/{DOCLIB}{P0_NAME}"}
    assert not p0_raw & set(wb.downloads())
    item = next(i for i in report.items if i.capture.digest == sha1_digest(P0))
    assert item.status == "held"
    assert first_seen(importer, item.sha256 or "") == datetime(2025, 5, 17, tzinfo=UTC)


def test_dry_run_lists_what_it_would_fetch_by_year_and_kind(importer, wb):
    report = run(importer, wb, dry_run=True)
    assert wb.downloads() == []
    assert report.by_year() == {
        "2010": {"page": 1},
        "2021": {"page": 2},
        "2025": {"page": 1, "workbook": 5},
        "2026": {"page": 1, "workbook": 2},
    }
    assert report.count("planned") == 12
    with importer.db.connect() as conn:
        assert list_publications(conn) == []


def test_since_and_until_bound_the_captures(importer, wb):
    report = run(importer, wb, since="2025", until="20250519")
    assert {i.capture.timestamp[:8] for i in report.items} == {"20250516", "20250517", "20250519"}


def test_an_unreachable_archive_is_one_error(importer):
    with pytest.raises(FetchError) as caught:
        backfill(importer, wayback="http://127.0.0.1:9", interval=0, policy=FAST)
    assert "could not be reached" in caught.value.message


# --- the command --------------------------------------------------------------------------


def test_backfill_command(settings, wb):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    args = ["backfill", "--wayback", wb.base_url, "--interval", "0"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[1/") and "page" in lines[0]
    assert "15 capture(s) found (6 of the page, 9 of workbooks), 12 distinct content(s)" in lines
    assert any(line.startswith("imported 11 new, already held 0, rejected 1") for line in lines)

    result = CliRunner().invoke(cli, [*args, "--since", "2025-01-01"], env=env)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --since '2025-01-01' is not a timestamp (YYYY to YYYYMMDDhhmmss, digits only)\n"
    )

    result = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["counts"]["held"] == 11 and data["downloads"] == 0

    result = CliRunner().invoke(
        cli,
        ["backfill", "--wayback", "http://127.0.0.1:9", "--interval", "0", "--retries", "0"],
        env=env,
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: http://127.0.0.1:9: the Wayback CDX index could not")
    assert len(result.stderr.splitlines()) == 1


# --- order independence through the backfill -------------------------------------------------


def sample_history(wb: FakeWayback, runs: int) -> list[tuple[str, str, bytes]]:
    """Capture the first ``runs`` runs of the bundled lists at their manifest times."""
    out = []
    for seen, files in RUNS[:runs]:
        stamp = f"{seen:%Y%m%d%H%M%S}"
        for name, data in files.values():
            wb.capture(stamp, DOCLIB + name, data)
            out.append((stamp, name, data))
    return out


def test_backfill_after_newer_lists_gives_the_chronological_history(make_importer):  # noqa: F811
    """``g287 update`` already holds the newest lists; a backfill then brings the older
    ones: status, agreements, as-of and events are those of a chronological import."""
    from g287.store.schema import DERIVED
    from tests.conftest import dump_database

    with FakeWayback() as wb:
        captured = sample_history(wb, 8)
        chronological = make_importer("chronological")
        backfill(
            chronological,
            wayback=wb.base_url,
            interval=0,
            policy=FAST,
            targets=[Target("workbook", "prefix", "www.ice.gov/doclib/about/offices/ero/287g/")],
        )
        late = make_importer("late")
        for stamp, name, data in captured[len(captured) // 2 :]:  # as update fetched them
            when = Capture(stamp, "", "").captured_at
            late.import_bytes(
                data, name=name, source=DOCLIB + name, seen_at=when.replace(minute=59)
            )
        late.resolve()
        report = backfill(
            late,
            wayback=wb.base_url,
            interval=0,
            policy=FAST,
            targets=[Target("workbook", "prefix", "www.ice.gov/doclib/about/offices/ero/287g/")],
        )
    assert report.count("held") == len(captured) - len(captured) // 2
    names = {t.name for t in DERIVED} | {"publications"}
    a, b = dump_database(chronological), dump_database(late)
    assert {k: v for k, v in b.items() if k in names} == {k: v for k, v in a.items() if k in names}


def test_a_year_typo_in_a_file_captured_a_year_later_is_read_as_that_year(importer):
    """ICE's ``participatingAgencies01052025pm.xlsx`` captured in January 2026 (the real
    address: /web/20260106184208id_/https://www.ice.gov/doclib/.../01052025pm.xlsx)."""
    typo = DOCLIB + "participatingAgencies01052025pm.xlsx"
    with FakeWayback() as wb:
        wb.capture("20260106184208", typo, P_LAST)
        report = backfill(
            importer,
            wayback=wb.base_url,
            interval=0,
            policy=FAST,
            targets=[Target("workbook", "prefix", "www.ice.gov/doclib/about/offices/ero/287g/")],
        )
        assert wb.downloads() == [f"/web/20260106184208id_/{typo}"]
    assert report.count("new") == 1
    with importer.db.connect() as conn:
        (pub,) = list_publications(conn)
    assert str(pub["published_date"]) == "2026-01-05"
    assert pub["date_flag"].startswith("file-name date 2025-01-05 predates signings it lists")
    assert sources_of(importer, pub["sha256"]) == {f"{wb.base_url}/web/20260106184208/{typo}"}


def test_a_page_that_changed_around_an_unchanged_roster_is_not_a_new_list(importer):
    """ICE's page changes (navigation, news) far more often than its roster: a capture
    whose roster equals an earlier capture's is archived, not made another list; and the
    roster's MOA links are ICE's, not the capture's."""
    html = page("ice-287g-20210113002027.html")
    where = ICE + "/identify-and-arrest/287g"
    with FakeWayback() as wb:
        wb.capture("20210113002027", where, html, mimetype="text/html")
        wb.capture("20210301000000", where, html + b"<!-- news -->", mimetype="text/html")
        report = backfill(
            importer,
            wayback=wb.base_url,
            interval=0,
            policy=FAST,
            targets=[Target("page", "exact", "www.ice.gov/identify-and-arrest/287g")],
        )
    assert [i.status for i in report.items] == ["new", "same"]
    assert report.items[1].reason == "same roster as the capture of 20210113002027"
    with importer.db.connect() as conn:
        (pub,) = list_publications(conn)
        _, rows = publication_rows(conn, pub["id"])
    links = {r["moa_url"] for r in rows if r.get("moa_url")}
    assert links and all(u.startswith("https://www.ice.gov/") for u in links), sorted(links)[:3]
    assert len(importer.archive.sightings()) == 3  # two pages and one roster list
    # the roster's sighting says which address the links resolve against: a rebuild from
    # the archived page alone reads ICE's links again
    (roster,) = [s for s in importer.archive.sightings() if s.role == "roster"]
    assert roster.source.endswith(";base=" + where) and roster.sha256 == pub["sha256"]
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before


def test_the_backfill_holds_the_writer_lock_for_its_whole_run(importer, wb):
    import subprocess
    import sys
    import textwrap

    probe = textwrap.dedent(
        """
        import sys
        from g287.errors import Locked
        from g287.store.database import Database
        from g287.store.locks import writer_lock
        try:
            with writer_lock(Database(sys.argv[1]), "import", wait=0):
                print("got it")
        except Locked as exc:
            print(exc)
        """
    )
    said: list[str] = []

    def try_to_write(item, done, total, eta):
        if done in (1, total):
            out = subprocess.run(
                [sys.executable, "-c", probe, importer.db.url],
                capture_output=True,
                text=True,
                timeout=60,
            )
            said.append(out.stdout.strip())

    run(importer, wb, on_item=try_to_write)
    assert len(said) == 2 and all("g287 backfill (pid" in s for s in said), said


def test_the_download_folder_yields_287g_lists_a_page_does_not_link(importer, wb):
    """2026: ICE's /file-download/download/public/<id> folder holds every ICE download;
    spreadsheets named as 287(g) lists are imported even when no captured page links
    them, other spreadsheets are skipped (once), other types are never listed."""
    folder = f"{ICE}/file-download/download/public/"
    p2_name, p2 = RUNS[2][1]["participating"]
    wb.capture(
        "20260301000000",
        folder + "43999",
        p2,
        headers=(("Content-Disposition", f'attachment; filename="{p2_name}"'),),
    )
    wb.capture(
        "20260301000000",
        folder + "55555",
        b"PK\x03\x04 detention statistics",
        headers=(("Content-Disposition", 'attachment; filename="FY26_detentionStats.xlsx"'),),
    )
    wb.capture("20260301000000", folder + "56000", b"<html>a form</html>", mimetype="text/html")
    report = run(importer, wb)
    by_original = {i.capture.original: i for i in report.items}
    assert by_original[folder + "43999"].status == "new"
    assert by_original[folder + "43999"].name == p2_name
    skipped = by_original[folder + "55555"]
    assert (skipped.status, skipped.reason) == (
        "skipped",
        "FY26_detentionStats.xlsx is not a 287(g) list (not linked from the page)",
    )
    assert folder + "56000" not in by_original
    assert not any(s.name == "FY26_detentionStats.xlsx" for s in importer.archive.sightings())
    wb.hits.clear()
    again = run(importer, wb)
    assert wb.downloads() == []
    assert again.count("skipped") == 1


def test_a_rebuild_after_a_backfill_gives_the_same_database(importer, wb):
    from tests.conftest import dump_database

    run(importer, wb)
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before


def test_a_capture_the_archive_cannot_replay_fails_alone_and_is_fetched_next_time(importer, wb):
    raw = f"/web/20250519151802id_/{DOCLIB}{Q1_NAME}"
    wb.fail(raw, WaybackFault(404))
    report = run(importer, wb)
    (failed,) = [i for i in report.items if i.status == "failed"]
    assert failed.reason == f"HTTP 404 from {wb.base_url}{raw}"
    assert report.count("new") == 10 and report.ok
    assert f"  failed: {failed.source}: {failed.reason}" in report.summary()
    wb.hits.clear()
    again = run(importer, wb)
    assert wb.downloads() == [raw]
    assert again.count("new") == 1 and again.count("failed") == 0


def test_one_page_at_two_addresses_is_fetched_once_and_cited_at_both(importer):
    html = page("ice-287g-20210113002027.html")
    with FakeWayback() as wb:
        wb.capture("20200601000000", ICE + "/287g", html, mimetype="text/html")
        wb.capture("20210113002027", ICE + "/identify-and-arrest/287g", html, mimetype="text/html")
        report = backfill(
            importer,
            wayback=wb.base_url,
            interval=0,
            policy=FAST,
            targets=[
                Target("page", "exact", "www.ice.gov/287g"),
                Target("page", "exact", "www.ice.gov/identify-and-arrest/287g"),
            ],
        )
        assert len(wb.downloads()) == 1
    (item,) = report.items
    assert (item.status, item.addresses) == ("new", 2)
    cited = {s.source for s in importer.archive.sightings() if s.role == "page"}
    assert cited == {
        f"{wb.base_url}/web/20200601000000/{ICE}/287g",
        f"{wb.base_url}/web/20210113002027/{ICE}/identify-and-arrest/287g",
    }
