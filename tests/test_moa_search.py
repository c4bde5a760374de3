"""MOA search that says what it found: totals, pages, paging, passages collapsed.

On the nine bundled real MOAs (tests/data/moa, with the 2025-07-08 list): "48 hours"
stands in all nine; the 2025 Task Force template's "ICE SUPERVISION" paragraph is
the same word for word in several of them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.config import Settings
from g287.interfaces.cli import cli
from g287.query.moa_search import passage_key, search_moas, search_report, snippet_page
from g287.read.moa.text import pdf_text
from g287.sample import moa_dir
from tests.api_support import api_client

T0 = datetime(2025, 7, 8, tzinfo=UTC)
PDFS = sorted(moa_dir().glob("*.pdf"))


@pytest.fixture
def library(moa_library: Importer, settings: Settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    return moa_library, env


def test_report_counts_every_match_and_pages_through_passages(library):
    importer, _env = library
    with importer.db.connect() as conn:
        full = search_report(conn, "supervision")
        first = search_report(conn, "supervision", limit=2)
        rest = search_report(conn, "supervision", limit=2, offset=2)
        docs = search_moas(conn, "supervision", limit=3, offset=3)
    assert full["documents"] == 9
    assert sum(1 + p["more_count"] for p in full["data"]) == 9  # every document once
    assert full["count"] == len(full["data"]) < 9  # identical passages collapsed
    assert (first["documents"], first["count"], len(first["data"])) == (9, full["count"], 2)
    assert first["data"] + rest["data"] == full["data"][:4]
    assert len(docs) == 3
    collapsed = max(full["data"], key=lambda p: p["more_count"])
    assert collapsed["more_count"] >= 2
    for other in collapsed["more"]:
        assert set(other) == {"sha256", "file_name", "page", "agreements"}
    for passage in full["data"]:  # the page number is where the snippet really is
        pdf = next(p for p in PDFS if p.name == passage["file_name"])
        page = pdf_text(pdf.read_bytes()).page(passage["page"])
        assert "supervis" in page.flat.lower()


def test_snippets_have_their_page(library):
    importer, _env = library
    with importer.db.connect() as conn:
        hits = search_moas(conn, "48 hours")
    assert len(hits) == 9
    for hit in hits:
        pdf = next(p for p in PDFS if p.name == hit["file_name"])
        text = pdf_text(pdf.read_bytes())
        assert text.find("48 hours")[0].page <= hit["page"]
        assert any(s.page == hit["page"] for s in text.find("48 hours"))
        assert "\n" not in hit["snippet"]


def test_passage_key_ignores_spacing_and_case() -> None:
    assert passage_key("… I CE [SUPERVISION] I mmigration …") == passage_key(
        "ICE [supervision]  Immigration"
    )
    assert snippet_page("… two [words] …", "one\n\fthe two\nwords here") == 2
    assert snippet_page("nowhere", "one\n\ftwo") is None


def test_cli_search_says_how_many_and_where(library):
    _importer, env = library
    result = CliRunner().invoke(cli, ["moa", "search", "supervision", "--limit", "1"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("    p. ")
    assert lines[2].startswith("    and ") and "more documents with this passage:" in lines[2]
    count = json.loads(
        CliRunner().invoke(cli, ["moa", "search", "supervision", "--json"], env=env).stdout
    )["count"]
    assert lines[-1] == (
        f'9 documents match "supervision", in {count} distinct passages; '
        "passage 1 shown (next: --offset 1)"
    )
    none = CliRunner().invoke(cli, ["moa", "search", "zebra crossing"], env=env)
    assert none.stdout == '0 documents match "zebra crossing"\n'


def test_cli_json_equals_the_library(library):
    importer, env = library
    args = ["moa", "search", "48 hours", "--limit", "3", "--offset", "1", "--json"]
    result = CliRunner().invoke(cli, args, env=env)
    with importer.db.connect() as conn:
        expected = search_report(conn, "48 hours", limit=3, offset=1)
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))


def test_api_search_is_paged_with_totals(library):
    importer, _env = library
    with api_client(importer) as client:
        r = client.get("/api/moas/search", params={"q": "supervision", "limit": 2, "offset": 1})
        assert r.status_code == 200, r.text
        body = r.json()
        with importer.db.connect() as conn:
            assert body == json.loads(
                json.dumps(search_report(conn, "supervision", limit=2, offset=1))
            )
        assert body["documents"] == 9 and body["offset"] == 1 and body["limit"] == 2
        assert all(hit["page"] for hit in body["data"])
        bad = client.get("/api/moas/search", params={"q": "x", "offset": -1})
        assert bad.status_code == 422


def test_exact_finds_the_word_as_typed_not_its_stems(library):
    importer, env = library
    # independently: the documents whose text has the word "detainer" itself
    has_word = {
        p.name
        for p in PDFS
        if re.search(r"(?<!\w)detainer(?!\w)", pdf_text(p.read_bytes()).text, re.I)
    }
    with importer.db.connect() as conn:
        stemmed = {h["file_name"] for h in search_moas(conn, "detainer", limit=100)}
        exact = search_moas(conn, "detainer", exact=True, limit=100)
        report = search_report(conn, "detainer", exact=True)
    assert {h["file_name"] for h in exact} == has_word
    assert has_word < stemmed  # stemming also finds "detained", "detainers"
    for hit in exact:
        assert "[detainer]" in hit["snippet"].lower()
        pdf = next(p for p in PDFS if p.name == hit["file_name"])
        assert "detainer" in pdf_text(pdf.read_bytes()).page(hit["page"]).flat.lower()
    assert report["exact"] is True and report["documents"] == len(has_word)
    result = CliRunner().invoke(cli, ["moa", "search", "detainer", "--exact"], env=env)
    assert result.stdout.splitlines()[-1].startswith(
        f"{len(has_word)} document{'s match' if len(has_word) != 1 else ' matches'} "
        '"detainer" exactly, in '
    )
