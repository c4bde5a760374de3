"""g287's archived MOA copies beside ICE's links: pages link them, the API serves them."""

from datetime import UTC, datetime

import pytest

from g287.app.importer import Importer
from g287.query.moa_copies import copy_url, moa_copies
from g287.sample import moa_dir
from g287.store.archive import sha256_hex
from tests.api_support import api_client

T0 = datetime(2025, 7, 8, tzinfo=UTC)
PDFS = sorted(moa_dir().glob("*.pdf"))
ARCADIA = "https://www.ice.gov/doclib/287gMOA/ArcadiaPDFL_TFM_MOA_030425.pdf"
ARCADIA_ID = "FL-arcadia-police-department%23TFM%232025-03-05"


@pytest.fixture
def library(moa_library: Importer) -> Importer:
    return moa_library


def test_pages_link_the_archived_copy_beside_ices_link(library: Importer):
    """ICE's MOA links die; where the archive holds the PDF, every page that links ICE's
    copy links g287's too, and the API serves it byte for byte."""
    pdf = next(p for p in PDFS if p.name == "ArcadiaPDFL_TFM_MOA_030425.pdf")
    sha = sha256_hex(pdf.read_bytes())
    with library.db.connect() as conn:
        copies = moa_copies(conn)
    assert copies[ARCADIA] == sha
    assert len(copies) == len(PDFS)  # each bundled PDF is linked by a list
    copy = copy_url(sha)
    assert copy == f"/api/moas/{sha}/pdf"
    with api_client(library) as client:
        for path in (
            f"/agreements/{ARCADIA_ID}",
            "/agencies/FL-arcadia-police-department",
            "/cities/FL/Arcadia",
        ):
            page = client.get(path).text
            ice = page.index(f'href="{ARCADIA}"')
            assert f'<a class="moa-copy" href="{copy}">g287&#39;s copy</a>' in page[ice:], path
        # an agreement whose PDF is not held keeps ICE's link alone
        desoto = client.get("/agencies/FL-desoto-county-sheriff-office").text
        assert 'class="moa"' in desoto and "moa-copy" not in desoto
        served = client.get(copy)
        assert served.status_code == 200 and served.content == pdf.read_bytes()
        assert served.headers["content-type"] == "application/pdf"
        assert served.headers["x-sha256"] == sha
        assert served.headers["content-disposition"].startswith(
            'inline; filename="ArcadiaPDFL_TFM_MOA_030425.pdf"'
        )
        missing = client.get(f"/api/moas/{'0' * 64}/pdf")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        assert client.get("/api/moas/not-a-hash/pdf").status_code == 422
