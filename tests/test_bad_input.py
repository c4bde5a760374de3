"""Bad input: one line naming the file and the reason; archived as rejected; nothing else lost."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.interfaces.cli import cli
from tests.conftest import DATA, SHEETS, dump_database
from tests.workbooks import build

GOOD = SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx"


def truncated(tmp: Path) -> Path:
    data = GOOD.read_bytes()
    return _write(tmp / "participatingAgencies06012025am.xlsx", data[: len(data) // 2])


def corrupt(tmp: Path) -> Path:
    data = bytearray(GOOD.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 50
    for i in range(start, start + 400):
        data[i] ^= 0x5A
    return _write(tmp / "participatingAgencies06022025am.xlsx", bytes(data))


def html(tmp: Path) -> Path:
    page = (
        b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body>Blocked</body></html>"
    )
    return _write(tmp / "participatingAgencies06032025am.xlsx", page)


def pdf(tmp: Path) -> Path:
    return _write(
        tmp / "participatingAgencies06042025am.xlsx", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
    )


def password(tmp: Path) -> Path:
    src = DATA / "bad" / "password-protected-participatingAgencies06012025am.xlsx"
    return _write(tmp / "participatingAgencies06052025am.xlsx", src.read_bytes())


def empty_workbook(tmp: Path) -> Path:
    path = tmp / "participatingAgencies06062025am.xlsx"
    openpyxl.Workbook().save(path)
    return path


def empty_file(tmp: Path) -> Path:
    return _write(tmp / "participatingAgencies06072025am.xlsx", b"")


def no_headers(tmp: Path) -> Path:
    return build(
        tmp / "participatingAgencies06082025am.xlsx", [["x", 1]], headers=["NAME", "COUNT"]
    )


def header_only(tmp: Path) -> Path:
    return build(tmp / "participatingAgencies06092025am.xlsx", [], blank_formatted_rows=30)


def zip_bomb(tmp: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    return _write(tmp / "participatingAgencies06102025am.xlsx", buf.getvalue())


def word_document(tmp: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return _write(tmp / "participatingAgencies06112025am.xlsx", buf.getvalue())


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


CASES = [
    (truncated, "truncated or corrupt workbook"),
    (corrupt, "corrupt workbook"),
    (html, "an HTML page, not a workbook"),
    (pdf, "a PDF document, not a workbook"),
    (password, "password-protected"),
    (empty_workbook, "no sheet ('Sheet') has a header row with STATE and LAW ENFORCEMENT AGENCY"),
    (empty_file, "the file is empty (0 bytes)"),
    (no_headers, "has a header row with STATE and LAW ENFORCEMENT AGENCY"),
    (header_only, "has a header but no data rows"),
    (zip_bomb, "(zip bomb?)"),
    (word_document, "a Word document, not a workbook"),
]


@pytest.mark.parametrize(("make", "reason"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_file_is_one_line_rejected_and_archived(make, reason, settings, tmp_path):
    bad = make(tmp_path)
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    runner = CliRunner()
    first = runner.invoke(cli, ["import", str(GOOD)], env=env)
    assert first.exit_code == 0, first.output
    imp = Importer.from_settings(settings)
    before = dump_database(imp)

    result = runner.invoke(cli, ["import", str(bad)], env=env)

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: {bad.resolve()}: ")
    assert reason in errors[0]
    after = dump_database(imp)
    for table in after:
        if table not in ("raw_files", "sightings"):
            assert after[table] == before[table], table
    (rejected,) = [f for f in after["raw_files"] if f not in before["raw_files"]]
    assert rejected[4] == "rejected"
    assert imp.archive.read(rejected[0]) == bad.read_bytes()
    imp.db.dispose()


def test_one_bad_file_does_not_stop_the_others(settings, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    html(folder)
    truncated(folder)
    (folder / GOOD.name).write_bytes(GOOD.read_bytes())
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(cli, ["import", str(folder), "--json"], env=env)
    assert result.exit_code == 1
    import json

    report = json.loads(result.stdout)
    assert report["summary"] == {"accepted": 1, "duplicate": 0, "unchanged": 0, "rejected": 2}


def test_missing_path_is_one_line(settings, tmp_path):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "nope.xlsx")], env=env)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.xlsx'}: no such file or folder"
