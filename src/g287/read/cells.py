"""Normalizers for each column of ICE's sheets.

Every function takes one raw cell and returns the normalized value plus a list
of ``(issue kind, note)`` pairs describing what had to be done to it. None of
them raises on bad data: what cannot be read is returned as ``None`` with an
issue, and the raw value is kept by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any, Literal, TypeVar

from g287.model.models import MODEL_NAMES
from g287.model.states import match_state
from g287.read.links import CleanLink, clean_link, climbs_out

Found = list[tuple[str, str]]
R = TypeVar("R")


def memoized(func: Callable[..., R]) -> Callable[..., R]:
    """Cache a pure normalizer on its cell's (type, value, error) and its other arguments.

    ICE's lists repeat the same few thousand values; the callers never mutate results.
    """
    cache: dict[tuple[Any, ...], R] = {}

    @wraps(func)
    def wrapper(*args: Any) -> R:
        first = args[0]
        value = first.value
        key: tuple[Any, ...] = (type(value), value, first.error, *args[1:])
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: compute without caching
            return func(*args)
        if len(cache) > 200_000:
            cache.clear()
        result = cache[key] = func(*args)
        return result

    return wrapper


EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST_SIGNED = date(1996, 9, 30)  # IIRIRA created section 287(g)
SIGNED_SLACK = timedelta(days=366)


@dataclass(frozen=True)
class RawCell:
    """One cell as the workbook holds it: a Python value, or an Excel error code."""

    value: object
    error: str | None = None

    @property
    def text(self) -> str:
        """The raw value as text, faithful to what ICE typed."""
        if self.error:
            return self.error
        return raw_text(self.value)

    @property
    def is_blank(self) -> bool:
        return self.error is None and (self.value is None or self.value == "")


def raw_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SPACES = re.compile(r"\s+")
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def clean_text(raw: str) -> tuple[str, Found]:
    """NFKC, fold NBSP and curly quotes, collapse whitespace, strip."""
    found: Found = []
    text = unicodedata.normalize("NFKC", raw.replace("\xa0", " "))
    if "\xa0" in raw:
        found.append(("whitespace", "non-breaking space"))
    folded = text.translate(_CURLY)
    if folded != text:
        found.append(("curly_apostrophe", "typographic quote folded to '"))
    squished = _SPACES.sub(" ", folded).strip()
    if squished != folded and not any(k == "whitespace" for k, _ in found):
        found.append(("whitespace", "extra spaces removed"))
    return squished, found


_MISSING_TEXT = {"N/A", "#N/A", "#NA", "NA", "N.A.", "NONE", "-", "--"}


def missing_marker(text: str) -> bool:
    return text.upper() in _MISSING_TEXT


def smart_case(text: str) -> str:
    """Capitalize words typed all-lower or all-upper; leave mixed case (McCormick, DeKalb)."""
    out = []
    for word in text.split(" "):
        letters = [c for c in word if c.isalpha()]
        if letters and (word.islower() or (word.isupper() and len(letters) > 2)):
            word = word[:1].upper() + word[1:].lower()
        out.append(word)
    return " ".join(out)


# --- STATE -----------------------------------------------------------------


@memoized
def normalize_state(cell: RawCell) -> tuple[str | None, Found]:
    if cell.is_blank or cell.error:
        return None, [("missing_value", "STATE is blank")]
    text, found = clean_text(cell.text)
    upper = text.upper()
    code, how = match_state(upper)
    if code is None:
        return None, [*found, ("unknown_state", f"{text!r} is not a state or territory")]
    if how and how != "two-letter code":
        found.append(("state_snapped", f"{text!r} read as {code} ({how})"))
    elif upper != text and not how:
        found.append(("case", "STATE not in upper case"))
    return code, found


# --- LAW ENFORCEMENT AGENCY -------------------------------------------------


@memoized
def normalize_agency(cell: RawCell) -> tuple[str | None, Found]:
    if cell.is_blank or cell.error:
        return None, [("missing_value", "agency name is blank")]
    text, found = clean_text(cell.text)
    return (text or None), found


# --- TYPE ------------------------------------------------------------------

JURISDICTION_TYPES = {
    "county": "County",
    "municipality": "Municipality",
    "state agency": "State Agency",
}
_TYPE_VARIANTS = {
    "municipal": "Municipality",
    "city": "Municipality",
    "town": "Municipality",
    "state": "State Agency",
    "state agencies": "State Agency",
    "counties": "County",
    "tribal": "Tribal",
    "tribe": "Tribal",
}


@memoized
def normalize_type(cell: RawCell) -> tuple[str | None, Found]:
    if cell.is_blank:
        return None, [("missing_value", "TYPE is blank")]
    if cell.error:
        return None, [("error_cell", f"TYPE is the error {cell.error}")]
    text, found = clean_text(cell.text)
    key = text.lower()
    if key in JURISDICTION_TYPES:
        value = JURISDICTION_TYPES[key]
        if text != value:
            found.append(("case", f"TYPE {text!r} written as {value!r}"))
        return value, found
    if key in _TYPE_VARIANTS:
        value = _TYPE_VARIANTS[key]
        return value, [*found, ("variant_value", f"TYPE {text!r} read as {value!r}")]
    if missing_marker(text):
        return None, [*found, ("missing_text", f"TYPE {text!r} read as missing")]
    return None, [*found, ("unknown_value", f"TYPE {text!r} is not County/Municipality/State")]


# --- COUNTY ----------------------------------------------------------------


@memoized
def normalize_county(cell: RawCell) -> tuple[str | None, Found]:
    if cell.error:
        return None, [("error_cell", f"COUNTY is the Excel error {cell.error}")]
    if cell.is_blank:
        return None, []
    text, found = clean_text(cell.text)
    if not text:
        return None, found
    if missing_marker(text):
        return None, [*found, ("missing_text", f"COUNTY {text!r} read as missing")]
    cased = smart_case(text)
    if cased != text:
        found.append(("case", f"COUNTY {text!r} written as {cased!r}"))
    return cased, found


# --- SUPPORT TYPE ----------------------------------------------------------

_MODEL_KEYS: dict[str, str] = {
    "JAIL ENFORCEMENT MODEL": "JEM",
    "JAIL ENFORCEMENT": "JEM",
    "JAIL ENFORCEMENT OFFICER": "JEM",
    "JAIL MODEL": "JEM",
    "JEO": "JEM",
    "JEM": "JEM",
    "WARRANT SERVICE OFFICER": "WSO",
    "WARRANT SERVICE OFFICERS": "WSO",
    "WARRANT SERVICES OFFICER": "WSO",
    "WARRANT SERVICE OFFICE": "WSO",
    "WARRANT SERVICE": "WSO",
    "WSO": "WSO",
    "TASK FORCE MODEL": "TFM",
    "TASK FORCE": "TFM",
    "TASK FORCE OFFICER": "TFM",
    "TFO": "TFM",
    "TFM": "TFM",
    "TRIBAL TASK FORCE MODEL": "TTF",
    "TRIBAL TASK FORCE": "TTF",
    "JAIL & TASK FORCE": "JTF",
    "JAIL AND TASK FORCE": "JTF",
    "JEO/TFO": "JTF",
    "TFO/JEO": "JTF",
    "JEO TFO": "JTF",
}


@memoized
def normalize_model(cell: RawCell) -> tuple[str | None, Found]:
    if cell.is_blank:
        return None, [("missing_value", "SUPPORT TYPE is blank")]
    if cell.error:
        return None, [("error_cell", f"SUPPORT TYPE is the error {cell.error}")]
    text, found = clean_text(cell.text)
    key = text.upper().replace("-", " ")
    key = _SPACES.sub(" ", key)
    code = _MODEL_KEYS.get(key)
    if code is None:
        return None, [*found, ("unknown_value", f"SUPPORT TYPE {text!r} is not a known model")]
    if text != MODEL_NAMES[code] and key != MODEL_NAMES[code].upper():
        found.append(("variant_value", f"SUPPORT TYPE {text!r} read as {MODEL_NAMES[code]}"))
    return code, found


# --- SIGNED ----------------------------------------------------------------

_MDY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_MD_YEAR_GLUED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(\d{4})$")
_FIVE_DIGIT_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](20)0(\d{2})$")
_MONTH_NAME = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


LATEST_SIGNED = date(2099, 12, 31)


SignedKind = Literal["date", "serial", "text", "blank", "error"]


@memoized
def normalize_signed(cell: RawCell) -> tuple[date | None, SignedKind, Found]:
    """Read SIGNED: a date cell, an Excel serial, or text, parsing only what is unambiguous.

    Dates before 287(g) existed or after 2099 are impossible here; a date too far
    after the list's own date is caught by the reader, which knows that date.
    """
    if cell.error:
        return None, "error", [("error_cell", f"SIGNED is the Excel error {cell.error}")]
    value = cell.value
    low, high = EARLIEST_SIGNED, LATEST_SIGNED

    def check(
        d: date | None, kind: SignedKind, found: Found
    ) -> tuple[date | None, SignedKind, Found]:
        if d is None:
            return None, kind, found
        if not low <= d <= high:
            return (
                None,
                kind,
                [*found, ("impossible_date", f"SIGNED {d.isoformat()} is outside {low}..{high}")],
            )
        return d, kind, found

    if value is None or value == "":
        return None, "blank", [("missing_value", "SIGNED is blank")]
    if isinstance(value, datetime):
        return check(value.date(), "date", [])
    if isinstance(value, date):
        return check(value, "date", [])
    if isinstance(value, bool):
        return None, "text", [("unparseable_date", f"SIGNED {value!r} is not a date")]
    if isinstance(value, (int, float)):
        serial = float(value)
        if not serial.is_integer() and serial % 1 > 1e-6:
            serial = float(int(serial))
        if 1 <= serial <= 2958465:  # Excel's 9999-12-31
            day = EXCEL_EPOCH + timedelta(days=int(serial))
            return check(day, "serial", [("serial_date", f"serial {int(serial)} read as {day}")])
        return None, "serial", [("unparseable_date", f"SIGNED number {value!r} is not a date")]
    if isinstance(value, timedelta | time):
        return None, "text", [("unparseable_date", f"SIGNED {value!r} is a time, not a date")]
    text, found = clean_text(str(value))
    parsed, note = parse_date_text(text)
    if parsed is None:
        return (
            None,
            "text",
            [*found, ("unparseable_date", note or f"SIGNED {text!r} is not a date")],
        )
    kind = "malformed_date" if note else "text_date"
    return check(parsed, "text", [*found, (kind, note or f"SIGNED typed as text {text!r}")])


def parse_date_text(text: str) -> tuple[date | None, str | None]:
    """Parse SIGNED text. Returns (date, repair note) or (None, reason)."""
    t = text.strip()
    if m := _YMD.match(t):
        return _safe_date(int(m[1]), int(m[2]), int(m[3])), None
    if m := _FIVE_DIGIT_YEAR.match(t):
        d = _safe_date(int("20" + m[4]), int(m[1]), int(m[2]))
        return (d, f"five-digit year in {t!r} read as {d}") if d else (None, None)
    if m := _MDY.match(t):
        year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
        return _safe_date(year, int(m[1]), int(m[2])), None
    if m := _MD_YEAR_GLUED.match(t):
        d = _safe_date(int(m[3]), int(m[1]), int(m[2]))
        return (d, f"missing separator in {t!r} read as {d}") if d else (None, None)
    if m := _MONTH_NAME.match(t):
        month = _MONTHS.get(m[1][:3].lower())
        if month:
            return _safe_date(int(m[3]), month, int(m[2])), None
    if re.fullmatch(r"\d{5}", t):
        serial = int(t)
        if 20000 <= serial <= 60000:
            d = EXCEL_EPOCH + timedelta(days=serial)
            return d, f"serial {serial} typed as text read as {d}"
    return None, f"SIGNED {t!r} is not an unambiguous date"


# --- MOA / ADDENDUM --------------------------------------------------------

LinkStatus = Literal["linked", "pending", "unlinked_text", "none", "other"]


@dataclass(frozen=True)
class LinkCell:
    text: str  # normalized text: 'link', 'link pending', 'link | addendum', ...
    status: LinkStatus
    url: str | None


@memoized
def normalize_link(cell: RawCell, hyperlink: str | None) -> tuple[LinkCell, Found]:
    text, found = clean_text(cell.text) if not cell.error else (cell.error, [])
    lower = text.lower()
    link: CleanLink | None = None
    if hyperlink:
        link = clean_link(hyperlink)
    elif re.match(r"^https?:/", lower):
        link = clean_link(text)
    if link is not None and link.url:
        for note in link.notes:
            kind = "safelink_unwrapped" if "safelink" in note else "link_repaired"
            found.append((kind, note))
        if not link.is_ice:
            found.append(("non_ice_link", f"link points at {link.url!r}"))
        if climbs_out(link.url):
            found.append(("link_path_escapes", f"link path climbs out of its folder: {link.url!r}"))
        if "pending" in lower:
            found.append(("pending_with_hyperlink", f"{text!r} carries a hyperlink"))
        return LinkCell(lower, "linked", link.url), found
    if not text:
        return LinkCell("", "none", None), found
    if "pending" in lower:
        return LinkCell(lower, "pending", None), found
    if lower.startswith("link") or lower in {"moa", "addendum"}:
        found.append(("link_text_without_hyperlink", f"{text!r} has no hyperlink"))
        return LinkCell(lower, "unlinked_text", None), found
    if missing_marker(text):
        return LinkCell(lower, "none", None), [*found, ("missing_text", f"{text!r} read as none")]
    found.append(("unexpected_link_text", f"{text!r} is neither a link nor 'link pending'"))
    return LinkCell(lower, "other", None), found
