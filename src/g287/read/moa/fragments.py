"""Positioned text fragments of one PDF page, read with pypdf.

pypdf's ``extract_text`` gives text in content-stream order, which interleaves
the two signature columns of an MOA and puts filled-in form values (flattened
"Fill & Sign" fields) at the top of the page. Its ``visitor_text`` callback
gives each chunk of text with its matrices, but inside a form XObject it
ignores the form's ``/Matrix`` and the ``cm`` in force at ``Do``; this module
tracks those itself so that every fragment gets a page position.

Images drawn on the page (``Do`` of an image XObject) are recorded as
:class:`ImagePlacement` boxes in page space, so that a scanned page (a
full-page image, perhaps with a few stamped form fields over it) can be told
from a page of text (see :mod:`g287.read.moa.scans`).

Three more sources of text are added as fragments:

* form-field widgets with a text value (``/V``), placed at their rectangle;
* free-text annotations (``/FreeText`` ``/Contents``), e.g. a typed signer name;
* nothing else: images stay images here (OCR of scanned pages, optional, is
  :mod:`g287.read.moa.ocr`; its words are fragments of source ``ocr``).

Some MOAs were written with TrueType subsets that have no ToUnicode map, so
the text comes out as glyph ids offset by 29 (``)RU,&(`` for ``For ICE``);
:func:`repair_glyph_offset` shifts such fragments back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pypdf import PageObject
from pypdf.generic import DictionaryObject, NameObject

from g287.read.moa.content import prepared

Matrix = tuple[float, float, float, float, float, float]
FragmentSource = Literal["text", "form", "field", "note", "ocr"]  # ocr: g287.read.moa.ocr

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
GLYPH_OFFSET = 29  # Word's TrueType subsets: glyph id = character code - 29
_B_RUN = re.compile(r"^\s*B{3,}\s*$")
_CONTROL = frozenset(chr(c) for c in range(1, 32)) - {"\n", "\r", "\t"}


@dataclass(frozen=True)
class Fragment:
    """A piece of text at a position in PDF points (origin bottom left)."""

    x: float
    y: float
    text: str
    source: FragmentSource = "text"


@dataclass(frozen=True)
class ImagePlacement:
    """The bounding box, in page points, of one image drawn on a page."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


def image_box(m: Matrix) -> ImagePlacement:
    """Where the unit square of an image lands under the matrix ``m``."""
    a, b, c, d, e, f = m
    xs = (e, a + e, c + e, a + c + e)
    ys = (f, b + f, d + f, b + d + f)
    return ImagePlacement(min(xs), min(ys), max(xs), max(ys))


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """The PDF matrix product ``m × n`` (apply ``m`` first, then ``n``)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(value: Any) -> Matrix:
    try:
        a, b, c, d, e, f = (float(v) for v in value)
    except (TypeError, ValueError):
        return IDENTITY
    return (a, b, c, d, e, f)


def repair_glyph_offset(text: str) -> str:
    """Shift text drawn as glyph ids back to characters, when it looks like that.

    The tell is a control character (glyph 3 is the space, 29 the colon) in a
    chunk whose every character is below ``^``.
    """
    if not any(ch in _CONTROL for ch in text):
        return text
    if any(ord(ch) > ord("]") for ch in text):
        return text
    return "".join(ch if ch in " \n\r\t" else chr(ord(ch) + GLYPH_OFFSET) for ch in text)


class _FragmentCollector:
    """pypdf visitors that mirror its form-XObject traversal to place text."""

    def __init__(self, page: PageObject) -> None:
        resources = page.get("/Resources")
        self.fragments: list[Fragment] = []
        # (form space -> page space, resources of that form), one per open Do
        self._forms: list[tuple[Matrix, Any]] = [
            (IDENTITY, resources.get_object() if resources is not None else None)
        ]
        self._pushed: list[bool] = []
        self.images: list[ImagePlacement] = []
        self.repaired = False

    def before(self, operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        if operator != b"Do":
            return
        to_page, resources = self._forms[-1]
        xobject = None
        try:
            if resources is not None and operands:
                xobject = resources["/XObject"][operands[0]].get_object()
        except (KeyError, TypeError, AttributeError):
            xobject = None
        if xobject is not None and xobject.get("/Subtype") == "/Image":
            self.images.append(image_box(multiply(_matrix(cm), to_page)))
        if xobject is None or xobject.get("/Subtype") != "/Form":
            self._pushed.append(False)
            return
        placed = multiply(_matrix(xobject.get("/Matrix", IDENTITY)), _matrix(cm))
        inner = xobject.get("/Resources")
        self._forms.append(
            (multiply(placed, to_page), inner.get_object() if inner is not None else resources)
        )
        self._pushed.append(True)

    def after(self, operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        if operator == b"Do" and self._pushed and self._pushed.pop():
            self._forms.pop()

    def text(self, text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text.strip():
            return
        to_page = multiply(multiply(_matrix(tm), _matrix(cm)), self._forms[-1][0])
        source: FragmentSource = "form" if len(self._forms) > 1 else "text"
        line_height = abs(to_page[3]) * float(size or 1) * 1.15 or 12.0
        repaired = repair_glyph_offset(text)
        self.repaired = self.repaired or repaired != text
        lines = [line for line in repaired.split("\n") if line.strip()]
        for i, line in enumerate(lines):
            self.fragments.append(Fragment(to_page[4], to_page[5] - i * line_height, line, source))


def _annotation_fragments(page: PageObject) -> list[Fragment]:
    found: list[Fragment] = []
    annotations: Any = page.get("/Annots")
    if annotations is None:
        return found
    for ref in annotations.get_object():
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject):
            continue
        subtype = annot.get("/Subtype")
        if subtype == "/Widget":
            value = annot.get("/V")
            parent = annot.get("/Parent")
            if value is None and parent is not None:
                value = parent.get_object().get("/V")
            kind: FragmentSource = "field"
        elif subtype == "/FreeText":
            value, kind = annot.get("/Contents"), "note"
        else:
            continue
        if not isinstance(value, str) or not value.strip():
            continue  # check boxes carry names (/Yes, /Off), not text
        try:
            rect: Any = annot["/Rect"]
            x0, y0, _x1, y1 = (float(v) for v in rect)
        except (KeyError, TypeError, ValueError):
            continue
        found.append(Fragment(x0 + 2, y0 + (y1 - y0) * 0.3, value.strip(), kind))
    return found


def _parse_contents_fast(page: PageObject) -> None:
    """Give pypdf the page's content stream already parsed by :mod:`g287.read.moa.content`
    (the same operations, about twice as fast); pypdf parses what that cannot."""
    try:
        contents = page.get("/Contents")
        if contents is None:
            return
        stream = prepared(contents, page.pdf)
    except Exception:  # a damaged stream: pypdf reads it (and reports) as before
        return
    if stream is not None:
        page[NameObject("/Contents")] = stream


def page_fragments(page: PageObject) -> list[Fragment]:
    """Every piece of text on ``page`` with its position, in drawing order."""
    return page_content(page)[0]


def page_content(page: PageObject) -> tuple[list[Fragment], list[ImagePlacement]]:
    """The text fragments of ``page`` (see :func:`page_fragments`) and its images."""
    collector = _FragmentCollector(page)
    _parse_contents_fast(page)
    page.extract_text(
        visitor_text=collector.text,
        visitor_operand_before=collector.before,
        visitor_operand_after=collector.after,
    )
    fragments = collector.fragments
    if collector.repaired:  # the same font also drew runs of underscores, as "BBBB"
        fragments = [
            Fragment(f.x, f.y, "_" * len(f.text), f.source) if _B_RUN.match(f.text) else f
            for f in fragments
        ]
    return fragments + _annotation_fragments(page), collector.images
