"""``g287 moa import`` on a folder of real, encrypted, scanned and damaged MOA PDFs.

Every PDF ends in one line (read, unchanged, or rejected with its reason), the run
always ends with its summary and exits 0. The encrypted and scanned PDFs are made
here from real MOAs in ``tests/data/moa`` (see its PROVENANCE.md): Kansas Bureau of
Investigation's MOA re-saved with AES-256 encryption (empty user password, as ICE's
restricted PDFs have), Laramie County SO's scanned signature page alone (a one-page
image-only PDF) and with a form field stamped over it.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import DependencyError
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject
from sqlalchemy import select

from g287.app.importer import Importer
from g287.app.moa_library import import_moa_files
from g287.config import Settings
from g287.interfaces.cli import cli
from g287.read.moa import ocr
from g287.read.moa import text as moa_text
from g287.read.moa.facts import moa_facts
from g287.read.moa.scans import document_scan, page_list
from g287.read.moa.text import NotAPdf, pdf_text
from g287.store import moa as store
from g287.store.schema import raw_files

MOA = Path(__file__).resolve().parent / "data" / "moa"
KANSAS = "KansasBureauOfInv_TFM_MOA_02182025.pdf"
LARAMIE = "LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf"
TEXAS = "TexasOfficeAttorneyGeneral_TFM_MOA_01.30.25.pdf"
ARCADIA = "ArcadiaPDFL_TFM_MOA_030425.pdf"


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def aes_encrypted(name: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(MOA / name))
    writer.encrypt(user_password="", owner_password="ice-owner", algorithm="AES-256")
    return _write(writer)


def scanned_page(name: str = LARAMIE, page: int = 9, *, stamp: str | None = None) -> bytes:
    """One real scanned page alone; ``stamp``: a filled-in form field over the scan."""
    writer = PdfWriter()
    writer.add_page(PdfReader(MOA / name).pages[page - 1])
    if stamp is not None:
        field = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("FieldOffice"),
                NameObject("/V"): TextStringObject(stamp),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (100, 500, 400, 520)]),
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(field)])
    return _write(writer)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "moas"
    folder.mkdir()
    (folder / ARCADIA).write_bytes((MOA / ARCADIA).read_bytes())
    (folder / "KansasBureauOfInv_AES.pdf").write_bytes(aes_encrypted(KANSAS))
    (folder / "Laramie_scanned_page.PDF").write_bytes(scanned_page())
    (folder / "Texas_truncated.pdf").write_bytes((MOA / TEXAS).read_bytes()[:150_000])
    return folder


def test_aes_encrypted_pdf_is_decrypted_and_read() -> None:
    text = pdf_text(aes_encrypted(KANSAS))
    assert text.page_count == 14
    assert "Kansas Bureau of Investigation" in text.page(1).flat


def test_any_failure_of_the_pdf_library_is_a_one_line_rejection(monkeypatch) -> None:
    def broken(page):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(moa_text, "page_content", broken)
    with pytest.raises(NotAPdf) as caught:
        pdf_text((MOA / ARCADIA).read_bytes(), source="a.pdf")
    assert str(caught.value) == "a.pdf: damaged PDF (ZeroDivisionError: float division by zero)"


def test_aes_without_cryptography_is_a_rejection_not_a_traceback(monkeypatch) -> None:
    def no_crypto(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", no_crypto)
    with pytest.raises(NotAPdf) as caught:
        pdf_text(aes_encrypted(KANSAS), source="k.pdf")
    assert str(caught.value) == (
        "k.pdf: encrypted PDF (cryptography>=3.1 is required for AES algorithm)"
    )


def test_import_folder_every_pdf_in_one_line_and_a_summary(folder: Path, settings: Settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(cli, ["moa", "import", str(folder), "--no-ocr"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{ARCADIA}: read (14 pages)",
        "KansasBureauOfInv_AES.pdf: read (14 pages)",
        "Laramie_scanned_page.PDF: read (1 page, scanned (page 1), not searchable there (no OCR))",
        "4 PDF(s): 3 read, 0 unchanged, 1 rejected; 1 scanned, 0 partly scanned",
    ]
    assert result.stderr == "Texas_truncated.pdf: rejected: truncated PDF (no %%EOF at the end)\n"

    again = CliRunner().invoke(cli, ["moa", "import", str(folder), "--json"], env=env)
    assert again.exit_code == 0
    report = json.loads(again.stdout)
    assert [d["outcome"] for d in report["documents"]] == [
        "unchanged",
        "unchanged",
        "unchanged",
        "rejected",
    ]
    assert (
        report["summary"]
        == "4 PDF(s): 0 read, 3 unchanged, 1 rejected; 0 scanned, 0 partly scanned"
    )
    assert report["documents"][3]["reason"] == "truncated PDF (no %%EOF at the end)"
    strict = CliRunner().invoke(cli, ["moa", "import", str(folder), "--strict"], env=env)
    assert strict.exit_code == 1

    importer = Importer.from_settings(settings)
    try:
        with importer.db.connect() as conn:
            docs = {d["file_name"]: d for d in store.documents(conn)}
            rejected = conn.execute(
                select(raw_files.c.first_name, raw_files.c.reason).where(
                    raw_files.c.status == "rejected"
                )
            ).all()
    finally:
        importer.db.dispose()
    assert rejected == [("Texas_truncated.pdf", "truncated PDF (no %%EOF at the end)")]
    assert docs["KansasBureauOfInv_AES.pdf"]["agency"] == "Kansas Bureau of Investigation"
    scan = docs["Laramie_scanned_page.PDF"]
    assert not scan["has_text"]
    assert scan["pages"] == [{"page": 1, "kind": "scanned", "body_words": 0, "image_cover": 1.0}]
    assert {p["kind"] for p in docs[ARCADIA]["pages"]} == {"text"}


def test_unreadable_file_is_rejected_and_the_run_goes_on(tmp_path: Path, importer: Importer):
    (tmp_path / "a_folder.pdf").mkdir()
    (tmp_path / ARCADIA).write_bytes((MOA / ARCADIA).read_bytes())
    from datetime import UTC, datetime

    results = import_moa_files(importer, [tmp_path], seen_at=datetime(2025, 7, 8, tzinfo=UTC))
    assert [(r.name, r.outcome) for r in results] == [
        (ARCADIA, "accepted"),
        ("a_folder.pdf", "rejected"),
    ]
    assert results[1].reason and results[1].reason.startswith("unreadable file (")


# -- scanned pages -------------------------------------------------------------------


def test_real_moas_scan_kinds() -> None:
    """2019-2020 MOAs are scans with an OCR text layer; Laramie's page 9 is an image only."""
    kinds = {
        name: document_scan(pdf_text((MOA / name).read_bytes()))
        for name in (LARAMIE, ARCADIA, "287gWSO_FinneyCoKs2020-03-17.pdf")
    }
    laramie = kinds[LARAMIE]
    assert laramie.kind == "partly_scanned"
    assert laramie.scanned_pages == (9,)
    assert laramie.describe() == "partly scanned (page 9)"
    assert laramie.has_body_text
    assert kinds[ARCADIA].kind is None
    assert {p.kind for p in kinds[ARCADIA].pages} == {"text"}
    finney = kinds["287gWSO_FinneyCoKs2020-03-17.pdf"]
    assert finney.kind is None and {p.kind for p in finney.pages} == {"ocr"}


def test_stamped_form_field_over_a_scan_is_not_body_text() -> None:
    stamped = pdf_text(scanned_page(stamp="Denver Field Office 06/11/2025 Jane Q. Officer"))
    assert stamped.has_text  # the stamp is text ...
    scan = document_scan(stamped)
    assert scan.kind == "scanned"  # ... but not a body: the page is still a scan
    assert not scan.has_body_text
    assert scan.pages[0].body_words == 0


def pasted_scan(y: float) -> bytes:
    """Kansas BI's last page (text) with Laramie's scanned page 9 pasted at height ``y``."""
    writer = PdfWriter()
    page = writer.add_page(PdfReader(MOA / KANSAS).pages[13])
    scan = PdfReader(MOA / LARAMIE).pages[8]
    page.merge_transformed_page(scan, Transformation().scale(0.8, 0.45).translate(60, y))
    return _write(writer)


def test_a_scan_pasted_beside_the_text_is_a_partly_scanned_page() -> None:
    below = document_scan(pdf_text(pasted_scan(5)))  # under the text, where the page is empty
    assert below.pages[0].kind == "partly_scanned"
    assert below.pages[0].image_cover == pytest.approx(0.36)
    assert below.kind == "partly_scanned" and below.describe() == "partly scanned (page 1)"
    behind = document_scan(pdf_text(pasted_scan(380)))  # behind the text: a background
    assert behind.pages[0].kind == "text" and behind.kind is None


@pytest.mark.parametrize(
    ("pages", "text"), [([9], "page 9"), ([1, 2, 3, 7], "pages 1-3, 7"), ([2, 4], "pages 2, 4")]
)
def test_page_list(pages: list[int], text: str) -> None:
    assert page_list(pages) == text


# -- OCR (optional: Debian's tesseract-ocr, installed by make test) ---------------------

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="tesseract or Pillow not installed")


@needs_ocr
def test_ocr_reads_a_scanned_page_once_and_marks_it(tmp_path: Path) -> None:
    data = scanned_page()  # Laramie County SO's signature page 9, an image
    reader = ocr.Ocr("laramie9", tmp_path)
    text = pdf_text(data, ocr=reader)
    reader.save()
    page = text.page(1)
    assert "By signing this MOA, each party represents it is fully authorized" in page.flat
    assert "Laramie County Sheriff's Office, WY" in page.flat
    assert {f.source for line in page.lines for f in line.fragments} == {"text", "ocr"}
    scan = document_scan(text)
    assert scan.pages[0].kind == "scanned"  # still a scan: OCR is marked, never body text
    assert page.ocr_confidence is not None and page.ocr_confidence > 80
    assert scan.describe().startswith("scanned (page 1), OCR'd (page 1, ")
    cached = pdf_text(data, ocr=ocr.Ocr("laramie9", tmp_path, run=False))  # no engine
    assert cached.text == text.text
    facts = moa_facts(text)
    # the LEA's date is typed in the scan (May 16, 2025), ICE's is a text field (6/11/2025)
    assert facts.signing_dates == (date(2025, 5, 16), date(2025, 6, 11))


@needs_ocr
def test_a_failing_ocr_leaves_the_page_a_scan(tmp_path: Path, monkeypatch) -> None:
    def broken(image, box):
        raise OSError("tesseract crashed")

    monkeypatch.setattr(ocr, "read_words", broken)
    reader = ocr.Ocr("laramie9", tmp_path)
    text = pdf_text(scanned_page(), ocr=reader)
    assert text.page_count == 1 and text.page(1).ocr_confidence is None
    assert reader.problems == ["OCR of page 1 failed (OSError)"]
    reader.save()
    assert not (tmp_path / "laramie9.json").exists()  # not cached: tried again next time


@needs_ocr
def test_import_ocrs_scans_and_they_become_searchable(folder: Path, settings: Settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(cli, ["moa", "import", str(folder), "--ocr"], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "Laramie_scanned_page.PDF: read (1 page, scanned (page 1), OCR'd (page 1, " in result.stdout
    )
    assert len(list((settings.archive_dir / "ocr").glob("*.json"))) == 1  # the scan's cache
    importer = Importer.from_settings(settings)
    try:
        with importer.db.connect() as conn:
            docs = {d["file_name"]: d for d in store.documents(conn)}
    finally:
        importer.db.dispose()
    scan = docs["Laramie_scanned_page.PDF"]
    assert scan["has_text"]  # searchable now, by g287's OCR ...
    assert scan["pages"][0]["kind"] == "scanned"  # ... of a page that is still a scan
    assert scan["pages"][0]["ocr_confidence"] > 80
    found = CliRunner().invoke(
        cli, ["moa", "search", "fully authorized to enter into this MOA", "--json"], env=env
    )
    names = {d["file_name"] for d in json.loads(found.stdout)["data"]} | {
        m["file_name"] for d in json.loads(found.stdout)["data"] for m in d["more"]
    }
    assert "Laramie_scanned_page.PDF" in names


def test_reading_in_worker_processes_stores_exactly_what_one_process_stores(
    tmp_path: Path, db_url: str
) -> None:
    """PDFs are read in parallel and written in file order: the same documents, byte for
    byte, as a one-process import; a PDF given twice is read once."""
    from g287.sample import moa_dir
    from g287.store.schema import moa_documents, moa_urls

    pdfs = sorted(moa_dir().glob("*.pdf"))
    assert len(pdfs) >= 5
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for pdf in pdfs:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    (folder / "zz-copy.pdf").write_bytes(pdfs[0].read_bytes())
    when = datetime(2025, 7, 1, tzinfo=UTC)
    tables = []
    for workers in (1, 2):
        imp = Importer.from_settings(
            Settings.from_env(
                {},
                data_dir=tmp_path / f"w{workers}",
                database_url=f"sqlite:///{tmp_path / f'w{workers}.sqlite'}"
                if workers == 1
                else db_url,
            )
        )
        results = import_moa_files(imp, [folder], seen_at=when, workers=workers)
        assert [r.outcome for r in results].count("accepted") == len(pdfs)
        assert results[-1].outcome == "unchanged"  # the copy: already held
        with imp.db.connect() as conn:
            tables.append(
                (
                    [tuple(r) for r in conn.execute(select(moa_documents).order_by("sha256"))],
                    [tuple(r) for r in conn.execute(select(moa_urls).order_by("url"))],
                )
            )
        imp.db.dispose()
    assert tables[0] == tables[1]
