"""The text of an MOA PDF: pages of positioned lines, metadata, phrase search.

:func:`pdf_text` reads PDF bytes with pypdf (no OCR). Each page becomes lines
of :class:`~g287.read.moa.fragments.Fragment` s grouped by height and ordered left to
right, so two signature columns stay side by side and filled-in form values sit
on the line they were typed on. A scanned page without a text layer has no
lines; a document without any text has ``has_text=False``. Where images are
drawn is kept too, so :mod:`g287.read.moa.scans` can find scanned pages.

Text is normalized enough for phrase search (:meth:`PdfText.find`): Unicode
NFKC, straight quotes, collapsed whitespace, and words hyphenated across a line
break joined again.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import Protocol

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from g287.errors import InputError
from g287.read.moa.fragments import Fragment, ImagePlacement, page_content

LINE_TOLERANCE = 3.0  # points: fragments whose baselines differ less share a line
SNIPPET_CONTEXT = 60  # characters either side of a phrase found by PdfText.find
_EOF_WINDOW = 2048  # a complete PDF ends with %%EOF within this many bytes
MAX_PROBLEMS = 20  # pypdf warnings kept per document

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_SPACES = re.compile(r"\s+")
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])- ?\n(?=[a-z])")  # immigra-\ntion
_KEPT_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z0-9])- ?\n(?=[a-z0-9])")  # 70-\npercent, 107-\n276


class NotAPdf(InputError):
    """Bytes that pypdf cannot read as a complete, unencrypted PDF."""

    slug = "not_a_pdf"


def word_set(words: str) -> frozenset[str]:
    """``'a b c'`` -> ``frozenset({'a', 'b', 'c'})``, for readable word lists."""
    return frozenset(words.split())


def clean(text: str) -> str:
    """NFKC, straight quotes, one space between words, no ends."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class TextLine:
    """Fragments sharing one baseline, left to right."""

    y: float
    fragments: tuple[Fragment, ...]

    @property
    def text(self) -> str:
        return clean(" ".join(f.text for f in self.fragments))


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[TextLine, ...]
    images: tuple[ImagePlacement, ...] = ()  # where images are drawn, in page points
    ocr_confidence: float | None = None  # mean word confidence (0-100) of OCR'd text

    @cached_property
    def text(self) -> str:
        """The page's lines, top to bottom, one per text line."""
        return "\n".join(line.text for line in self.lines if line.text)

    @cached_property
    def flat(self) -> str:
        """The page as one line for phrase search, hyphenated words rejoined."""
        text = _HYPHEN_BREAK.sub("", self.text)
        text = _KEPT_HYPHEN_BREAK.sub("-", text)
        return text.replace("\n", " ")

    @property
    def has_text(self) -> bool:
        return any(line.text for line in self.lines)


@dataclass(frozen=True)
class Snippet:
    """Where a fact was read: the page number and the text around it.

    Page 0 stands for the PDF's metadata (its title).
    """

    page: int
    text: str


@dataclass(frozen=True)
class PdfText:
    pages: tuple[PdfPage, ...]
    title: str | None = None
    author: str | None = None
    creator: str | None = None
    producer: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    problems: tuple[str, ...] = ()  # damage pypdf worked around (broken xref ...)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def has_text(self) -> bool:
        """False for a scan without a text layer (or an empty document)."""
        return any(page.has_text for page in self.pages)

    @property
    def text(self) -> str:
        return "\n\f".join(page.text for page in self.pages)

    def page(self, number: int) -> PdfPage:
        return self.pages[number - 1]

    def find(self, phrase: str) -> list[Snippet]:
        """Every place ``phrase`` occurs (case and spacing ignored), with context."""
        words = clean(phrase).split(" ")
        if words == [""]:
            return []
        pattern = re.compile(r"\s*".join(re.escape(w) for w in words), re.IGNORECASE)
        return [
            snippet(page.number, page.flat, match.start(), match.end())
            for page in self.pages
            for match in pattern.finditer(page.flat)
        ]


def snippet(page: int, text: str, start: int, end: int) -> Snippet:
    """The text around ``text[start:end]``, cut at word boundaries."""
    left = max(0, start - SNIPPET_CONTEXT)
    right = min(len(text), end + SNIPPET_CONTEXT)
    while left > 0 and text[left - 1] != " ":
        left += 1
    while right < len(text) and text[right] != " ":
        right -= 1
    return Snippet(page, text[left:right].strip())


def group_lines(fragments: list[Fragment]) -> tuple[TextLine, ...]:
    """Group fragments into lines, top to bottom, each left to right."""
    lines: list[list[Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: (-f.y, f.x)):
        if lines and abs(lines[-1][0].y - fragment.y) < LINE_TOLERANCE:
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    return tuple(TextLine(group[0].y, tuple(sorted(group, key=lambda f: f.x))) for group in lines)


class PageOcr(Protocol):
    """Reads a page's images when it is a scan (see :class:`g287.read.moa.ocr.Ocr`)."""

    def __call__(self, page: PdfPage, obj: PageObject) -> PdfPage: ...


def pdf_text(data: bytes, *, source: str | None = None, ocr: PageOcr | None = None) -> PdfText:
    """Read the text layer and metadata of a PDF.

    Raises :class:`NotAPdf` (one line) for bytes that are not a PDF, a
    truncated or damaged file (whatever pypdf raised, never a traceback), or
    an encrypted one that needs a password. Encrypted PDFs with an empty user
    password (RC4 or AES, the latter with ``cryptography``) are read. ``ocr``,
    when given, may add OCR'd words to scanned pages (:mod:`g287.read.moa.ocr`).
    """
    if b"%PDF-" not in data[:1024]:
        raise NotAPdf("not a PDF (no %PDF- header)", source=source)
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise NotAPdf("truncated PDF (no %%EOF at the end)", source=source)
    problems: list[str] = []
    try:
        with _pypdf_problems(problems):
            reader = PdfReader(io.BytesIO(data))
            _decrypt(reader, source)
            pages = tuple(
                ocr(_read_page(n, page), page) if ocr else _read_page(n, page)
                for n, page in enumerate(reader.pages, start=1)
            )
            meta = reader.metadata
            text = PdfText(
                pages=pages,
                title=_meta(meta.title) if meta else None,
                author=_meta(meta.author) if meta else None,
                creator=_meta(meta.creator) if meta else None,
                producer=_meta(meta.producer) if meta else None,
                created=_meta_date(meta, "creation_date") if meta else None,
                modified=_meta_date(meta, "modification_date") if meta else None,
            )
    except NotAPdf:
        raise
    except Exception as exc:  # any failure of the PDF library means a bad file
        reason = clean(str(exc)) or type(exc).__name__
        if not isinstance(exc, PyPdfError):
            reason = f"{type(exc).__name__}: {reason}" if str(exc) else reason
        raise NotAPdf(f"damaged PDF ({reason[:120]})", source=source) from exc
    return replace(text, problems=tuple(dict.fromkeys(problems))[:MAX_PROBLEMS])


def _decrypt(reader: PdfReader, source: str | None) -> None:
    if not reader.is_encrypted:
        return
    try:
        if reader.decrypt(""):
            return  # an owner password only: readable by anyone (RC4 or AES)
    except DependencyError as exc:  # AES without the cryptography package
        raise NotAPdf(f"encrypted PDF ({clean(str(exc))})", source=source) from exc
    except (FileNotDecryptedError, NotImplementedError):
        pass
    raise NotAPdf("encrypted PDF (needs a password)", source=source)


def _read_page(number: int, page: PageObject) -> PdfPage:
    box = page.mediabox
    fragments, images = page_content(page)
    return PdfPage(
        number=number,
        width=float(box.width),
        height=float(box.height),
        lines=group_lines(fragments),
        images=tuple(images),  # in the same space as the fragments
    )


def _meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return clean(value) or None


def _meta_date(meta: object, attribute: str) -> datetime | None:
    try:
        value = getattr(meta, attribute)
    except (ValueError, TypeError):
        return None  # a malformed D:... string
    return value if isinstance(value, datetime) else None


class _Collect(logging.Handler):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.problems = problems

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(clean(record.getMessage()))


@contextmanager
def _pypdf_problems(problems: list[str]) -> Iterator[None]:
    """Collect pypdf's warnings about damage it repaired, instead of printing them."""
    logger = logging.getLogger("pypdf")
    handler, propagate = _Collect(problems), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        problems.extend(clean(str(w.message)) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
