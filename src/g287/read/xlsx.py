"""Low-level .xlsx reading: cell values from calamine, the rest from the sheet XML.

python-calamine reads values fast but has no hyperlink API, reads ``#N/A``
error cells as ``''`` and does not report hidden rows. One streaming (expat) pass over
the sheet's XML recovers those three, and the hyperlink relationships give each
link's target (never its display text).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from posixpath import dirname, join, normpath
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

import python_calamine

from g287.errors import EmptyWorkbook, NotAWorkbook, UnsafeWorkbook
from g287.read.cells import RawCell

MAX_UNCOMPRESSED = 160 * 1024 * 1024  # all members together (calamine holds a sheet whole)
CHUNK = 1 << 20  # bytes of sheet XML read at a time
MAX_RATIO = 250  # uncompressed / compressed, for members over 1 MB

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass
class Sheet:
    """One worksheet: values by absolute (row, column), 1-based row numbers, 0-based columns."""

    name: str
    rows: list[list[Any]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    filtered: bool = False

    def cell(self, row: int, col: int) -> RawCell:
        values = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        value = values[col] if col < len(values) else None
        return RawCell(value, self.errors.get((row, col)))

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass
class Workbook:
    sheets: list[Sheet]
    modified: str | None  # docProps/core.xml dcterms:modified, ISO text


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@lru_cache(maxsize=65536)
def parse_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref.strip().upper())
    if not m:
        return None
    return int(m[2]), col_index(m[1])


def sniff(data: bytes) -> None:
    """Refuse bytes that are not a zip-based workbook, with the reason in one line."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data:
        raise NotAWorkbook("the file is empty (0 bytes)")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise NotAWorkbook("the workbook is password-protected (encrypted)")
        raise NotAWorkbook("a legacy .xls (OLE2) file, not an .xlsx workbook")
    if head.startswith(b"%pdf"):
        raise NotAWorkbook("a PDF document, not a workbook")
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in head:
        raise NotAWorkbook("an HTML page, not a workbook")
    if data[:2] != b"PK":
        raise NotAWorkbook("not a zip-based .xlsx workbook")


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise NotAWorkbook(f"truncated or corrupt workbook ({exc})") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeWorkbook(
                f"member {info.filename} expands {info.file_size // max(info.compress_size, 1)}x"
                " (zip bomb?)"
            )
    if total > MAX_UNCOMPRESSED:
        raise UnsafeWorkbook(
            f"members expand to {total >> 20} MB, over the {MAX_UNCOMPRESSED >> 20} MB limit"
        )
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise NotAWorkbook("a Word document, not a workbook")
        raise NotAWorkbook("a zip file without xl/workbook.xml, not an .xlsx workbook")
    return archive


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise NotAWorkbook(f"corrupt member {name} ({exc})") from None


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> XML path inside the zip, from workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(_read_member(archive, "xl/workbook.xml"))
        rels = ElementTree.fromstring(
            _read_member(archive, "xl/_rels/workbook.xml.rels") or b"<r/>"
        )
    except ElementTree.ParseError as exc:
        raise NotAWorkbook(f"corrupt workbook.xml ({exc})") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if r.get("Id")}
    paths: dict[str, str] = {}
    for el in book.iter():
        if el.tag.endswith("}sheet"):
            target = targets.get(el.get(f"{{{_REL_NS}}}id"), "")
            if target:
                path = (
                    target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
                )
                paths[el.get("name", "")] = path
    return paths


_LOCAL: dict[str, str] = {}  # "namespace local" -> local name


class _SheetScan:
    """What calamine does not report, from one streaming pass over a sheet's XML: hidden
    rows, error cells' text, an active filter and hyperlink cells. Names are matched by
    namespace and local name (any prefix), and the XML is read in chunks, never whole."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.links: list[tuple[str, str]] = []  # (ref, relationship id)
        self._error_ref: tuple[int, int] | None = None
        self._in_value = False
        self._text: list[str] = []
        self._in_filter = False
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start  # end tags only while inside one

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = _LOCAL.get(name)
        if local is None:
            local = name.rpartition(" ")[2]
            if len(_LOCAL) < 256:  # a crafted file may use any number of names
                _LOCAL[name] = local
        if local == "c":
            if attrs.get("t") == "e":
                self._error_ref = parse_ref(attrs.get("r", ""))
                if self._error_ref is not None:
                    self.sheet.errors[self._error_ref] = "#ERROR"
                    self.parser.EndElementHandler = self._end
        elif local == "v" and self._error_ref is not None:
            self._in_value, self._text = True, []
            self.parser.CharacterDataHandler = self._text.append
        elif local == "row":
            if attrs.get("hidden") in ("1", "true") and attrs.get("r", "").isdigit():
                self.sheet.hidden_rows.add(int(attrs["r"]))
        elif local == "autoFilter":
            self._in_filter = True
            self.parser.EndElementHandler = self._end
        elif local == "filterColumn" and self._in_filter:
            self.sheet.filtered = True
        elif local == "hyperlink":
            rid = attrs.get(f"{_REL_NS} id", "")
            if rid:
                self.links.append((attrs.get("ref", ""), rid))

    def _end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "v" and self._in_value:
            self.parser.CharacterDataHandler = None
            self._in_value = False
            if self._error_ref is not None:
                self.sheet.errors[self._error_ref] = "".join(self._text) or "#ERROR"
        elif local == "c":
            self._error_ref = None
            self.parser.EndElementHandler = None
        elif local == "autoFilter":
            self._in_filter = False
            self.parser.EndElementHandler = None

    def feed(self, stream: IO[bytes], path: str) -> None:
        try:
            while chunk := stream.read(CHUNK):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise NotAWorkbook(f"corrupt sheet XML {path} ({exc})") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise NotAWorkbook(f"corrupt member {path} ({exc})") from None


def _scan_sheet_xml(archive: zipfile.ZipFile, path: str, sheet: Sheet) -> None:
    try:
        stream = archive.open(path)
    except KeyError:
        return
    scan = _SheetScan(sheet)
    with stream:
        scan.feed(stream, path)
    if not scan.links:
        return
    rels_path = join(dirname(path), "_rels", path.rsplit("/", 1)[-1] + ".rels")
    try:
        rels = ElementTree.fromstring(_read_member(archive, rels_path) or b"<r/>")
    except ElementTree.ParseError as exc:
        raise NotAWorkbook(f"corrupt relationships {rels_path} ({exc})") from None
    rel_targets = {
        r.get("Id", ""): r.get("Target", "")
        for r in rels.iter()
        if r.tag.rpartition("}")[2] == "Relationship" and r.get("Type", "").endswith("/hyperlink")
    }
    for ref_text, rid in scan.links:
        target = rel_targets.get(rid, "")
        if not target:
            continue  # internal "location" links jump inside the workbook; not MOA links
        for ref in _expand_range(ref_text):
            sheet.hyperlinks[ref] = target


def _expand_range(ref: str) -> list[tuple[int, int]]:
    parts = ref.split(":")
    first = parse_ref(parts[0])
    if first is None:
        return []
    last = parse_ref(parts[1]) if len(parts) == 2 else first
    if last is None:
        return [first]
    rows = range(min(first[0], last[0]), max(first[0], last[0]) + 1)
    cols = range(min(first[1], last[1]), max(first[1], last[1]) + 1)
    if len(rows) * len(cols) > 1_000_000:
        return [first]
    return [(r, c) for r in rows for c in cols]


def _modified(archive: zipfile.ZipFile) -> str | None:
    core = _read_member(archive, "docProps/core.xml")
    m = re.search(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>", core)
    return m.group(1).decode() if m else None


def read_workbook(data: bytes) -> Workbook:
    """Read every worksheet of an .xlsx file given as bytes."""
    sniff(data)
    archive = open_zip(data)
    paths = _sheet_paths(archive)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise NotAWorkbook("the workbook is password-protected") from None
    except Exception as exc:  # calamine raises several unrelated types on corrupt input
        raise NotAWorkbook(f"corrupt workbook ({type(exc).__name__}: {exc})") from None
    sheets: list[Sheet] = []
    for meta in book.sheets_metadata:
        if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
            continue
        try:
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise NotAWorkbook(
                f"corrupt workbook: sheet {meta.name!r} is unreadable ({type(exc).__name__}: {exc})"
            ) from None
        sheet = Sheet(meta.name, list(rows))
        if meta.name in paths:
            _scan_sheet_xml(archive, paths[meta.name], sheet)
        sheets.append(sheet)
    if not sheets:
        raise EmptyWorkbook("the workbook has no worksheet")
    return Workbook(sheets, _modified(archive))
