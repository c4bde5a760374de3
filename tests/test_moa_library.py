"""The MOA library on real PDFs: archive, link by file name or by fetching, search, rebuild."""

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import select

from g287.app.importer import Importer
from g287.app.moa_fetching import fetch_moas
from g287.app.moa_library import import_moa
from g287.app.rebuild import rebuild
from g287.query.moa_checks import moa_summary, pending_moas
from g287.query.moa_search import search_moas
from g287.sample import moa_dir
from g287.store.moa import linked_urls
from g287.store.schema import moa_urls
from tests.conftest import SHEETS, dump_database

T0 = datetime(2025, 7, 8, tzinfo=UTC)
PDFS = sorted(moa_dir().glob("*.pdf"))


@pytest.fixture
def library(moa_library: Importer) -> Importer:
    return moa_library


def test_phrase_search_finds_real_moa_text(library):
    with library.db.connect() as conn:
        hits = search_moas(conn, "48 hours")
        wso = search_moas(conn, "warrant service officer")
        words = search_moas(conn, "detainers immigration", phrase=False)
        none = search_moas(conn, "zebra crossing")
    assert len(hits) == 9
    assert all("[48 hours]" in h["snippet"].lower().replace("] [", " ") for h in hits)
    laramie = next(h for h in hits if h["file_name"].startswith("Laramie"))
    # only the 07-07 list is imported here, where Laramie's date is already 2025-06-11
    assert laramie["agreements"] == ["WY-laramie-county-sheriff-office#TFM#2025-06-11"]
    assert laramie["urls"] == [
        "https://www.ice.gov/doclib/287gMOA/LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf"
    ]
    assert {h["file_name"] for h in wso} == {"palmBeachCoSheriffsOffice_WSO_MOA_02.26.2025.pdf"}
    assert len(words) == 9 and none == []


def test_reimporting_changes_nothing_and_bad_pdfs_are_rejected(library, tmp_path):
    before = dump_database(library)
    again = import_moa(
        library, PDFS[0].read_bytes(), name=PDFS[0].name, source=str(PDFS[0]), seen_at=T0
    )
    assert again.outcome == "unchanged"
    assert dump_database(library) == before
    bad = import_moa(library, b"<html>not a pdf</html>", name="fake.pdf", source="x", seen_at=T0)
    assert bad.outcome == "rejected" and bad.reason


def test_pending_moas_are_listed_with_how_long(library):
    with library.db.connect() as conn:
        rows = pending_moas(conn)
    assert rows and all(r["days_pending"] >= 0 for r in rows)
    assert rows == sorted(rows, key=lambda r: (-r["days_pending"], r["agreement_id"]))


class FakeIce:
    """Serves one real PDF for any path ending in its name; 404 for everything else."""

    def __init__(self, pdf):
        self.data, self.name, self.hits = pdf.read_bytes(), pdf.name, []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.hits.append(self.path)
                if self.path.endswith("/" + fake.name):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.end_headers()
                    self.wfile.write(fake.data)
                else:
                    self.send_response(404)
                    self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class ToLocal(httpx.BaseTransport):
    """Send every request to the local fake instead of ice.gov (real HTTP, local server)."""

    def __init__(self, port):
        self.inner = httpx.HTTPTransport()
        self.port = port

    def handle_request(self, request):
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self):
        self.inner.close()


def test_fetching_archives_pdfs_records_dead_links_and_survives_rebuild(importer: Importer):
    importer.import_paths([SHEETS / "sheets_20250708_151823"], now=T0)
    laramie = next(p for p in PDFS if p.name.startswith("Laramie"))
    fake = FakeIce(laramie)
    try:
        seen: list[tuple[int, int, str]] = []
        with httpx.Client(transport=ToLocal(fake.port)) as client:
            results = fetch_moas(
                importer,
                client=client,
                now=T0,
                progress=lambda done, total, r: seen.append((done, total, r.name)),
            )
    finally:
        fake.close()
    # progress is told of every link as it is fetched, in order, with the total
    assert [d for d, _t, _n in seen] == list(range(1, len(results) + 1))
    assert {t for _d, t, _n in seen} == {len(results)}
    assert [n for _d, _t, n in seen] == [r.name for r in results]
    with importer.db.connect() as conn:
        summary = moa_summary(conn)
        urls = linked_urls(conn)
    assert len(results) == len(urls) == len(fake.hits) > 500
    fetched = [r for r in results if r.outcome != "rejected"]
    assert [r.name for r in fetched] == [laramie.name]
    assert summary["urls_by_status"] == {"fetched": 1, "dead": len(urls) - 1}
    assert summary["documents"] == 1
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before


class IceToLocal(ToLocal):
    """ice.gov to the local fake; every other host (the archive stand-in) untouched."""

    def handle_request(self, request):
        if request.url.host.endswith("ice.gov"):
            return super().handle_request(request)
        return self.inner.handle_request(request)


def test_a_link_dead_on_ice_gov_is_recovered_from_the_archive(importer: Importer):
    """moa fetch reads a 404 link from its newest Wayback capture that is a PDF, records
    it as recovered and cites the capture; a dead link with no capture stays dead; a
    rebuild gives the same database."""
    from tests.fake_wayback import FakeWayback

    importer.import_paths([SHEETS / "sheets_20250708_151823"], now=T0)
    with importer.db.connect() as conn:
        urls = sorted(linked_urls(conn))
    laramie = next(p for p in PDFS if p.name.startswith("Laramie"))
    arcadia = next(p for p in PDFS if p.name.startswith("Arcadia"))
    dead, lost = urls[0], urls[1]
    fake = FakeIce(laramie)
    try:
        with FakeWayback() as archive, httpx.Client(transport=IceToLocal(fake.port)) as client:
            archive.capture(
                "20250301000000", dead, b"<html>an error page</html>", mimetype="text/html"
            )
            archive.capture(
                "20250101000000", dead, arcadia.read_bytes(), mimetype="application/pdf"
            )
            results = fetch_moas(importer, client=client, now=T0, limit=2, wayback=archive.base_url)
            base = archive.base_url
    finally:
        fake.close()
    got, gone = results
    assert got.outcome == "accepted" and got.urls == (dead,)
    assert gone.outcome == "rejected" and gone.urls == (lost,)
    with importer.db.connect() as conn:
        status = {r.url: (r.status, r.sha256) for r in conn.execute(select(moa_urls))}
        sources = [s for s in importer.archive.sightings() if s.role == "moa"]
    assert status[dead] == ("recovered", got.sha256)
    assert status[lost][0] == "dead"
    assert [s.source for s in sources] == [f"{base}/web/20250101000000/{dead}"]
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before
