"""OCR of scanned MOA pages, optional: Debian's Tesseract, with Pillow (extra ``ocr``).

Only pages that :func:`g287.read.moa.scans.page_scan` finds ``scanned`` or
``partly_scanned`` are read. The largest image of such a page is decoded with
Pillow and read by the ``tesseract`` program (TSV output: each word with its box
and a confidence). Each word becomes a :class:`~g287.read.moa.fragments.Fragment` of
source ``ocr`` at its place on the page, so the page's lines, search and facts
use it like any text; the page keeps its kind (a scan) and gets the mean word
confidence, so OCR'd text is always marked as such.

Results are cached by the PDF's sha256 under ``<archive>/ocr/`` (one JSON file per
PDF, keyed by engine and version), so OCR runs once per PDF: a rebuild, or a run
without Tesseract, reuses what an earlier run read. ``make test`` installs
Tesseract (``tesseract-ocr``) the way it installs Chromium.
"""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from pypdf import PageObject

from g287.read.moa.fragments import Fragment, ImagePlacement
from g287.read.moa.scans import page_scan
from g287.read.moa.text import PdfPage, group_lines

ENGINE = "tesseract"
CACHE_VERSION = 1  # bump when the way words are read or placed changes
MIN_CONFIDENCE = 30.0  # words Tesseract is less sure of are dropped
TIMEOUT = 120  # seconds for one page
_SCANNED = frozenset({"scanned", "partly_scanned"})


def available() -> bool:
    """Whether OCR can run here: the ``tesseract`` program and Pillow."""
    return shutil.which(ENGINE) is not None and importlib.util.find_spec("PIL") is not None


def engine_version() -> str:
    out = subprocess.run([ENGINE, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else ENGINE


def _largest_image(obj: PageObject) -> Any:
    best, size = None, 0
    for image in obj.images:
        if image.image is None:
            continue
        width, height = image.image.size
        if width * height > size:
            best, size = image.image, width * height
    return best


def read_words(image: Any, box: ImagePlacement) -> list[tuple[float, float, str, float]]:
    """Tesseract's words on ``image`` (a Pillow image), placed in ``box`` (page points):
    ``(x, baseline y, text, confidence)``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        image.convert("L").save(path)
        out = subprocess.run(
            [ENGINE, str(path), "stdout", "tsv"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    width, height = image.size
    scale_x = (box.x1 - box.x0) / width
    scale_y = (box.y1 - box.y0) / height
    line_bottoms: dict[tuple[str, str, str], int] = {}  # a word sits on its line's bottom
    words = []
    for row in out.stdout.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        left, top, _w, h = (int(c) for c in cells[6:10])
        line = (cells[2], cells[3], cells[4])
        if cells[0] == "4":
            line_bottoms[line] = top + h
        if cells[0] != "5" or not cells[11].strip() or float(cells[10]) < MIN_CONFIDENCE:
            continue
        x = box.x0 + left * scale_x
        y = box.y1 - line_bottoms.get(line, top + h) * scale_y
        words.append((round(x, 1), round(y, 1), cells[11].strip(), round(float(cells[10]), 1)))
    return words


class Ocr:
    """OCR for :func:`g287.read.moa.text.pdf_text` (its ``ocr=``), cached per PDF.

    ``run=False`` only reuses cached results (no engine is started).
    """

    def __init__(self, sha256: str, cache_dir: Path, *, run: bool = True) -> None:
        self.path = cache_dir / f"{sha256}.json"
        self.run = run and available()
        self.cache: dict[str, Any] = {}
        if self.path.exists():
            try:
                self.cache = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError:
                self.cache = {}
        if self.cache.get("version") != CACHE_VERSION:
            self.cache = {"version": CACHE_VERSION, "engine": None, "pages": {}}
        self.ran = False
        self.problems: list[str] = []  # pages OCR could not read (tried again next time)

    def __call__(self, page: PdfPage, obj: PageObject) -> PdfPage:
        if page_scan(page).kind not in _SCANNED or not page.images:
            return page
        key = str(page.number)
        if key not in self.cache["pages"]:
            if not self.run:
                return page
            try:
                image = _largest_image(obj)
                if image is None:
                    return page
                box = max(page.images, key=lambda i: i.area)
                self.cache["pages"][key] = read_words(image, box)
                self.cache["engine"] = self.cache["engine"] or engine_version()
            except Exception as exc:  # OCR failing leaves the page a scan, never the PDF unread
                self.problems.append(f"OCR of page {page.number} failed ({type(exc).__name__})")
                return page
            self.ran = True
        words = self.cache["pages"][key]
        if not words:
            return page
        fragments = [f for line in page.lines for f in line.fragments]
        fragments += [Fragment(x, y, text, "ocr") for x, y, text, _c in words]
        confidence = sum(c for *_rest, c in words) / len(words)
        return replace(page, lines=group_lines(fragments), ocr_confidence=confidence)

    def save(self) -> None:
        """Keep what this run read (nothing to do when all came from the cache)."""
        if not self.ran:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.StringIO()
        json.dump(self.cache, buffer, sort_keys=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
        tmp.replace(self.path)
