"""``g287 moa facts`` and ``g287 moa list`` on the nine bundled real MOAs.

Expected values are read from the rendered PDFs (see tests/data/moa/PROVENANCE.md),
not from g287's output: Laramie County SO's page 9 is a scanned signature page
whose only text is ICE's date 6/11/2025; Kansas Bureau of Investigation's
signature page 9 names February 17 and 18, 2025.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.config import Settings
from g287.interfaces.cli import cli
from g287.query.moa_documents import document_facts, document_list
from tests.api_support import api_client

T0 = datetime(2025, 7, 8, tzinfo=UTC)
LARAMIE = "LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf"
KANSAS = "KansasBureauOfInv_TFM_MOA_02182025.pdf"


@pytest.fixture
def library(moa_library: Importer, settings: Settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    return moa_library, env


def test_facts_json_equals_the_library_and_carries_evidence(library):
    importer, env = library
    result = CliRunner().invoke(cli, ["moa", "facts", "--json"], env=env)
    assert result.exit_code == 0, result.output
    with importer.db.connect() as conn:
        assert json.loads(result.stdout) == json.loads(json.dumps(document_facts(conn)))
    docs = {d["file_name"]: d for d in json.loads(result.stdout)}
    assert len(docs) == 9
    kansas = docs[KANSAS]["facts"]
    assert kansas["agency"]["value"] == "Kansas Bureau of Investigation"
    assert kansas["agency"]["evidence"][0]["page"] == 1
    assert "Kansas Bureau of Investigation (KBI)" in kansas["agency"]["evidence"][0]["text"]
    assert kansas["signing_dates"] == {
        "value": ["2025-02-17", "2025-02-18"],
        "evidence": [
            {"page": 9, "text": "February 17, 2025"},
            {"page": 9, "text": "February 18, 2025"},
        ],
    }
    for doc in docs.values():  # every fact found says where
        for name, fact in doc["facts"].items():
            if fact["value"] not in (None, False, []):
                assert fact["evidence"], (doc["file_name"], name)
                assert all(e["page"] >= 0 and e["text"] for e in fact["evidence"])
        for s in doc["signatories"]:
            assert s["evidence"]["page"] >= 1
    laramie = docs[LARAMIE]
    assert laramie["scan"] == {
        "kind": "partly_scanned",
        "scanned_pages": [9],
        "partly_scanned_pages": [],
        "ocr_pages": [],
        "ocr_by_g287": [],
        "note": "partly scanned (page 9)",
    }
    assert laramie["agreements"] == ["WY-laramie-county-sheriff-office#TFM#2025-06-11"]


def test_facts_of_one_document_as_text(library):
    _importer, env = library
    result = CliRunner().invoke(cli, ["moa", "facts", LARAMIE], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{LARAMIE} (14 pages; partly scanned (page 9), no OCR)"
    assert "  agency         Laramie County Sheriff's Office" in lines
    assert "  state          WY" in lines
    assert "  signing dates  2025-06-11" in lines
    assert '                   p. 9: "6/11/2025"' in lines
    assert "  is addendum    no" in lines
    assert lines[-1] == "  linked by      WY-laramie-county-sheriff-office#TFM#2025-06-11"


def test_facts_of_an_unknown_document_is_a_one_line_error(library):
    _importer, env = library
    result = CliRunner().invoke(cli, ["moa", "facts", "nothing.pdf"], env=env)
    assert result.exit_code == 4
    assert result.stderr == "Error: no MOA document 'nothing.pdf' (give its file name or sha256)\n"


def test_list_shows_scanned_pages(library):
    importer, env = library
    result = CliRunner().invoke(cli, ["moa", "list", "--json"], env=env)
    assert result.exit_code == 0
    rows = {r["file_name"]: r for r in json.loads(result.stdout)}
    with importer.db.connect() as conn:
        assert list(rows.values()) == json.loads(json.dumps(document_list(conn)))
    assert {name for name, r in rows.items() if r["scan"]} == {LARAMIE}
    assert rows[LARAMIE]["scan_note"] == "partly scanned (page 9)"
    text = CliRunner().invoke(cli, ["moa", "list"], env=env)
    assert "14 partly scanned (page 9)" in text.stdout
    assert text.stdout.splitlines()[-1] == "9 document(s)"


def test_api_lists_documents_and_gives_facts_with_evidence(library):
    importer, _env = library
    with importer.db.connect() as conn:
        facts = json.loads(json.dumps(document_facts(conn)))
        rows = json.loads(json.dumps(document_list(conn)))
    laramie = next(d for d in facts if d["file_name"] == LARAMIE)
    with api_client(importer) as client:
        listed = client.get("/api/moas")
        assert listed.status_code == 200
        assert listed.json() == {"count": 9, "data": rows}
        one = client.get(f"/api/moas/{laramie['sha256'][:12]}")
        assert one.status_code == 200
        assert one.json() == laramie
        assert one.json()["facts"]["signing_dates"]["evidence"] == [
            {"page": 9, "text": "6/11/2025"}
        ]
        missing = client.get("/api/moas/0123456789abcdef")
        assert missing.status_code == 404
        assert "no MOA document" in missing.text
        assert client.get("/api/moas/not-a-hash").status_code == 422
