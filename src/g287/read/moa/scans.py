"""Scanned pages of an MOA: found by their body text, not by any text at all.

A page is judged by its images and its *body* text. Body text is prose: lines
of at least :data:`BODY_LINE_WORDS` words, not counting form-field values and
free-text notes. Stamped form fields (a field office, a date, a name typed
over a scanned signature page) are short lines, so they never make a scan
look like text.

Each page gets one :data:`PageKind`:

* ``text``: body text, and no large image without text over it;
* ``ocr``: a near full-page image (at least :data:`FULL_PAGE` of the page)
  with body text over it, i.e. a scan that carries an OCR text layer
  (searchable, but the text may be OCR noise);
* ``scanned``: an image covering at least :data:`LARGE_IMAGE` of the page and
  fewer than :data:`MIN_BODY_WORDS` body words on the whole page: an image
  only (nothing of it can be searched);
* ``partly_scanned``: body text on the page, but also a large image with
  fewer than :data:`MIN_BODY_WORDS` body words over it (a scanned block pasted
  into a text page);
* ``blank``: neither text nor image.

A document is ``scanned`` when every page that is not blank is scanned,
``partly_scanned`` when some pages are scanned or partly scanned, else None.
No OCR is done here; words g287 OCR'd (:mod:`g287.read.moa.ocr`) are never body text,
so an OCR'd scan stays a scan, with its ``ocr_confidence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from g287.read.moa.fragments import ImagePlacement
from g287.read.moa.text import PdfPage, PdfText

PageKind = Literal["text", "ocr", "scanned", "partly_scanned", "blank"]
ScanKind = Literal["scanned", "partly_scanned"]

BODY_LINE_WORDS = 6  # a line with fewer words is a field, a label, a heading
MIN_BODY_WORDS = 20  # fewer body words than this under an image: the image is the text
LARGE_IMAGE = 0.25  # share of the page an image must cover to be a scanned block
FULL_PAGE = 0.5  # share of the page a scan covers
_NOT_BODY = frozenset({"field", "note", "ocr"})  # form fields, notes, g287's own OCR


@dataclass(frozen=True)
class PageScan:
    page: int
    kind: PageKind
    body_words: int  # words in body lines (see BODY_LINE_WORDS)
    image_cover: float  # share of the page covered by its largest image, 0..1
    ocr_confidence: float | None = None  # g287 OCR'd the page: mean word confidence

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "page": self.page,
            "kind": self.kind,
            "body_words": self.body_words,
            "image_cover": round(self.image_cover, 2),
        }
        if self.ocr_confidence is not None:
            found["ocr_confidence"] = round(self.ocr_confidence, 1)
        return found


def _cover(image: ImagePlacement, page: PdfPage) -> float:
    area = page.width * page.height
    if area <= 0:
        return 0.0
    clipped = ImagePlacement(
        max(image.x0, 0.0),
        max(image.y0, 0.0),
        min(image.x1, page.width),
        min(image.y1, page.height),
    )
    return min(1.0, clipped.area / area)


def _body_words(page: PdfPage, inside: ImagePlacement | None = None) -> int:
    count = 0
    for line in page.lines:
        words = [
            word
            for fragment in line.fragments
            if fragment.source not in _NOT_BODY
            and (inside is None or inside.contains(fragment.x, fragment.y))
            for word in fragment.text.split()
            if any(ch.isalnum() for ch in word)
        ]
        if len(words) >= BODY_LINE_WORDS:
            count += len(words)
    return count


def page_scan(page: PdfPage) -> PageScan:
    """How ``page`` carries its text (see the module docstring)."""
    body = _body_words(page)
    images = sorted(((_cover(i, page), i) for i in page.images), key=lambda c: -c[0])
    largest = images[0][0] if images else 0.0
    kind: PageKind
    if body < MIN_BODY_WORDS and largest >= LARGE_IMAGE:
        kind = "scanned"
    elif any(
        cover >= LARGE_IMAGE and _body_words(page, image) < MIN_BODY_WORDS
        for cover, image in images
    ):
        kind = "partly_scanned"
    elif largest >= FULL_PAGE:
        kind = "ocr"
    elif not page.has_text and not images:
        kind = "blank"
    else:
        kind = "text"
    return PageScan(page.number, kind, body, largest, page.ocr_confidence)


@dataclass(frozen=True)
class DocumentScan:
    pages: tuple[PageScan, ...]

    @property
    def scanned_pages(self) -> tuple[int, ...]:
        return tuple(p.page for p in self.pages if p.kind == "scanned")

    @property
    def partly_scanned_pages(self) -> tuple[int, ...]:
        return tuple(p.page for p in self.pages if p.kind == "partly_scanned")

    @property
    def kind(self) -> ScanKind | None:
        """``scanned``, ``partly_scanned`` or None (every page has body text)."""
        kinds = [p.kind for p in self.pages if p.kind != "blank"]
        if kinds and all(k == "scanned" for k in kinds):
            return "scanned"
        if any(k in ("scanned", "partly_scanned") for k in kinds):
            return "partly_scanned"
        return None

    @property
    def has_body_text(self) -> bool:
        """Whether any page has text to search (False for an image-only PDF)."""
        return any(p.kind in ("text", "ocr", "partly_scanned") for p in self.pages)

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        """Pages g287 read with OCR (their text is marked as OCR)."""
        return tuple(p.page for p in self.pages if p.ocr_confidence is not None)

    def describe(self) -> str:
        """``'scanned (pages 1-11)'``, ``'partly scanned (page 9), OCR'd (page 9, 94%)'``,
        or ``''``."""
        if self.kind is None:
            return ""
        pages = self.scanned_pages + self.partly_scanned_pages
        label = "scanned" if self.kind == "scanned" else "partly scanned"
        described = f"{label} ({page_list(sorted(pages))})"
        if ocr := [p for p in self.pages if p.ocr_confidence is not None]:
            confidence = sum(p.ocr_confidence or 0 for p in ocr) / len(ocr)
            described += f", OCR'd ({page_list([p.page for p in ocr])}, {confidence:.0f}%)"
        return described


def document_scan(text: PdfText) -> DocumentScan:
    return DocumentScan(tuple(page_scan(page) for page in text.pages))


def page_list(pages: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``'pages 1-3, 7'``; ``[9]`` -> ``'page 9'``."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(parts)
