"""ICE's 287(g) page: its workbook links, its pre-2025 roster table, and archived copies.

Since 2025 the page links two workbooks (participating and pending agencies);
the links have moved (``/doclib/about/offices/ero/287g/...xlsx`` in 2025,
``/file-download/download/public/<id>`` from April 2026), so they are found by
*reading the page*, never by guessing a path: :func:`find_workbook_links`.

Before 2025 the page carried the roster itself, as an HTML table whose layout
changed across eras (``research/ddp-ice-287g-method.md`` §2.1):

- 2008-09: ``STATE`` as 2-letter codes with footnote marks (``AZ*``, ``NC†``),
  ``AGENCY`` or ``MOA NAME``, ``TYPE`` meaning the *support type* (``TFO``, ``JEO``
  or both), ``OFFICIAL APPROVAL`` dates, no MOA column;
- 2010-17 fact sheets: full upper-case state names (``DELAWARE**``), ``LAW
  ENFORCEMENT AGENCY``, ``SUPPORT TYPE``, ``DATE(S) SIGNED``, MOA links;
- 2017-24: ``STATE, LAW ENFORCEMENT AGENCY, SUPPORT TYPE, SIGNED, MOA`` with
  modern model names and ``<br>`` inside cells (the 2024-12-10 capture had every
  "alt" replaced by "aria-label", reversed here).

:func:`g287.read.roster.parse_roster` reads any of them into :class:`RosterRow` s, and
:func:`~g287.read.roster.roster_list` makes those rows the ``ParsedList`` the workbook
reader would, so :mod:`g287.app.page_import` stores an archived page's roster through the
normal importer and a 2012 list becomes a publication like any other."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from g287.model.naming import Kind, parse_file_name

if TYPE_CHECKING:
    pass


_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}


_SKIP = {"script", "style", "noscript", "template"}


@dataclass
class _Cell:
    parts: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # <sup> text: footnote marks
    rowspan: int = 1
    colspan: int = 1

    def lines(self) -> list[str]:
        text = "".join(self.parts)
        return [s for s in (" ".join(line.split()) for line in text.split("\n")) if s]

    @property
    def text(self) -> str:
        return " ".join(self.lines())


@dataclass
class _Table:
    preceding: str
    caption: list[str] = field(default_factory=list)
    rows: list[list[_Cell]] = field(default_factory=list)
    row: list[_Cell] | None = None
    cell: _Cell | None = None

    def close_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(self.cell)
        self.cell = None

    def close_row(self) -> None:
        self.close_cell()
        if self.row:
            self.rows.append(self.row)
        self.row = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


class _PageParser(HTMLParser):
    """A forgiving single pass over the page: anchors, tables (nested, unclosed cells)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, list[str]]] = []
        self.tables: list[_Table] = []
        self.base_href: str | None = None
        self._open: list[_Table] = []
        self._anchor: list[str] | None = None
        self._skip = 0
        self._sup = 0
        self._in_caption = False
        self._recent: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        top = self._open[-1] if self._open else None
        if tag in _SKIP:
            self._skip += 1
        elif tag == "base" and attr.get("href") and self.base_href is None:
            self.base_href = attr["href"]
        elif tag == "a":
            href = (attr.get("href") or "").strip()
            self._anchor = []
            self.anchors.append((href, self._anchor))
            if top is not None and top.cell is not None and href:
                top.cell.hrefs.append(href)
        elif tag == "table":
            self._open.append(_Table(preceding=" ".join("".join(self._recent).split())[-400:]))
        elif top is None:
            pass
        elif tag == "tr":
            top.close_row()
            top.row = []
        elif tag in ("td", "th"):
            top.close_cell()
            if top.row is None:
                top.row = []
            top.cell = _Cell(rowspan=_span(attr.get("rowspan")), colspan=_span(attr.get("colspan")))
        elif tag == "caption":
            self._in_caption = True
        if tag == "sup":
            self._sup += 1
        elif tag == "br" or tag in _BLOCKS:
            self._text("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "base"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        top = self._open[-1] if self._open else None
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "a":
            self._anchor = None
        elif tag == "sup":
            self._sup = max(0, self._sup - 1)
        elif tag == "caption":
            self._in_caption = False
        elif top is None:
            return
        elif tag in ("td", "th"):
            top.close_cell()
        elif tag == "tr":
            top.close_row()
        elif tag == "table":
            top.close_row()
            self.tables.append(self._open.pop())
        if tag in _BLOCKS:
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._anchor is not None:
            self._anchor.append(data)
        top = self._open[-1] if self._open else None
        if top is not None and self._in_caption:
            top.caption.append(data)
        if top is not None and top.cell is not None and self._sup:
            top.cell.marks.append(data.strip())
            return
        self._text(data)

    def _text(self, data: str) -> None:
        top = self._open[-1] if self._open else None
        if top is not None and top.cell is not None:
            top.cell.parts.append(data)
        self._recent.append(data)
        if len(self._recent) > 200:
            del self._recent[:100]

    def close(self) -> None:
        super().close()
        while self._open:
            table = self._open.pop()
            table.close_row()
            self.tables.append(table)


_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


def decode_html(html: bytes | str) -> str:
    """Page bytes as text: UTF-8, else the declared charset, else Windows-1252 (old ICE pages)."""
    if isinstance(html, str):
        return html
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(html[:4096])
    for encoding in (declared.group(1).decode("ascii") if declared else None, "cp1252"):
        if encoding:
            try:
                return html.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return html.decode("utf-8", errors="replace")


def _parse(html: bytes | str) -> _PageParser:
    parser = _PageParser()
    parser.feed(decode_html(html))
    parser.close()
    return parser


_WORKBOOK_HREF = re.compile(r"\.(xlsx|xlsm|xls)$", re.IGNORECASE)


_DOWNLOAD_HREF = re.compile(r"/file-download/download/public/", re.IGNORECASE)


_LINK_TEXT = re.compile(r"(participating|pending)\s+agenc|view\s+287\s*\(\s*g\s*\)", re.IGNORECASE)


_NOT_A_WORKBOOK = re.compile(r"\.(pdf|html?|aspx?|php|docx?|csv|zip|jpe?g|png)$", re.IGNORECASE)


_WAYBACK = re.compile(
    r"^https?://web\.archive\.org/web/(\d{1,14})([a-z]{2}_)?/+(.+)$", re.IGNORECASE
)


@dataclass(frozen=True)
class WorkbookLink:
    """A link on the page to a participating or pending workbook."""

    url: str
    text: str
    kind: Kind

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "text": self.text, "kind": self.kind}


def original_url(url: str) -> str:
    """The address a Wayback Machine URL archives (``https://web.archive.org/web/<ts>/<url>``)."""
    match = _WAYBACK.match(url)
    if not match:
        return url
    inner = match.group(3)
    if not re.match(r"^[a-z][a-z0-9+.-]*:", inner, re.IGNORECASE):
        inner = "https://" + inner.lstrip("/")
    return re.sub(r"^(https?):/+", r"\1://", inner, flags=re.IGNORECASE)


def wayback_raw_url(url: str) -> str:
    """The Wayback URL that returns the archived bytes unchanged (the ``id_`` form)."""
    match = _WAYBACK.match(url)
    if not match:
        return url
    return f"https://web.archive.org/web/{match.group(1)}id_/{match.group(3)}"


def capture_time(url: str) -> datetime | None:
    """The capture time a Wayback URL (or a name holding a 14-digit timestamp) carries, UTC."""
    match = _WAYBACK.match(url) or re.search(r"(?<!\d)(\d{14})(?!\d)", url)
    if not match or len(match.group(1)) != 14:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def join_url(base: str, href: str) -> str:
    """``urljoin``, except that a relative link on a Wayback page stays inside its capture.

    (``urljoin`` would fold the ``https://`` inside the Wayback path to ``https:/``.)
    """
    match = _WAYBACK.match(base)
    if match and not re.match(r"^([a-z][a-z0-9+.-]*:|//|/web/)", href, re.IGNORECASE):
        inner = urljoin(original_url(base), href)
        return f"https://web.archive.org/web/{match.group(1)}{match.group(2) or ''}/{inner}"
    return urljoin(base, href)


def _path_name(url: str) -> str:
    return unquote(PurePosixPath(urlsplit(original_url(url)).path).name)


def _link_kind(text: str, url: str) -> Kind:
    lowered = text.lower()
    if "pending" in lowered:
        return "pending"
    if "participating" in lowered:
        return "participating"
    return parse_file_name(_path_name(url)).kind


def find_workbook_links(html: bytes | str, base_url: str) -> list[WorkbookLink]:
    """The participating and pending workbook links on an ICE 287(g) page, in page order.

    A link counts when its address ends ``.xlsx``/``.xls``, is a Drupal
    ``/file-download/download/public/...`` path, or its text names participating
    or pending agencies (and its address is not a PDF, page or anchor). Relative
    addresses are resolved against the page's ``<base href>`` or ``base_url``.
    """
    parsed = _parse(html)
    base = join_url(base_url, parsed.base_href) if parsed.base_href else base_url
    page = urlsplit(base)._replace(fragment="").geturl()
    found: dict[str, WorkbookLink] = {}
    for href, parts in parsed.anchors:
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = join_url(base, href.replace("aria-label", "alt"))
        url = urlsplit(url)._replace(fragment="").geturl()
        if not url.startswith(("http://", "https://")) or url == page:
            continue
        text = " ".join("".join(parts).split())
        path = urlsplit(original_url(url)).path
        by_href = bool(_WORKBOOK_HREF.search(path) or _DOWNLOAD_HREF.search(path))
        by_text = bool(_LINK_TEXT.search(text)) and not _NOT_A_WORKBOOK.search(path)
        if not (by_href or by_text):
            continue
        link = WorkbookLink(url, text, _link_kind(text, url))
        known = found.get(url)
        if known is None or (known.kind == "unknown" and link.kind != "unknown"):
            found[url] = link
    return list(found.values())
