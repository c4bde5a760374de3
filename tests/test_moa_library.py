"""The MOA library on real PDFs: archive, link by file name or by fetching, search, rebuild."""

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from g287.moa.library import (
    fetch_moas,
    import_moa,
    linked_urls,
    moa_summary,
    pending_moas,
    search_moas,
)
from g287.pipeline import Importer
from g287.sample import moa_dir
from tests.conftest import SHEETS, dump_database

T0 = datetime(2025, 7, 8, tzinfo=UTC)
PDFS = sorted(moa_dir().glob("*.pdf"))


@pytest.fixture
def library(importer: Importer):
    importer.import_paths([SHEETS / "sheets_20250708_151823"], now=T0)
    for pdf in PDFS:
        import_moa(importer, pdf.read_bytes(), name=pdf.name, source=str(pdf), seen_at=T0)
    return importer


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
        with httpx.Client(transport=ToLocal(fake.port)) as client:
            results = fetch_moas(importer, client=client, now=T0)
    finally:
        fake.close()
    with importer.db.connect() as conn:
        summary = moa_summary(conn)
        urls = linked_urls(conn)
    assert len(results) == len(urls) == len(fake.hits) > 500
    fetched = [r for r in results if r.outcome != "rejected"]
    assert [r.name for r in fetched] == [laramie.name]
    assert summary["urls_by_status"] == {"fetched": 1, "dead": len(urls) - 1}
    assert summary["documents"] == 1
    before = dump_database(importer)
    importer.rebuild()
    assert dump_database(importer) == before
