"""Signature blocks of an MOA: who signed, with which title, for whom, and when.

The signature page is the one with "By signing this MOA, each party
represents ..." (or, when that page is a scan, the page before Appendix A).
What follows that sentence is read as two columns, split at
:data:`COLUMN_SPLIT` of the page width, then cut into blocks:

* 2025 templates head each block "For the LEA:", "For ICE:", "For OAG:" and
  label "Date:", "Signature:", "Name:", "Title:", "Agency:", with the values
  typed in, filled into form fields or stamped by Fill & Sign;
* 2019-2020 templates have one unlabeled block per column: a date line, then
  the typed name, title and organization. ICE signs on the left there, the
  agency on the right; 2025 templates put the LEA on the left.

A block belongs to ICE when its header says so or its text names ICE
(Immigration and Customs Enforcement, Enforcement and Removal Operations,
Homeland Security); otherwise to the agency side. Handwritten names and dates
are images: they stay None.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process

from g287.read.moa.dates import find_dates, first_date
from g287.read.moa.text import PdfPage, PdfText, Snippet, clean, word_set

Side = Literal["ice", "agency"]

COLUMN_SPLIT = 0.40  # share of page width: right column text starts beyond it (273+ of 612 pt)
FOOTER_MARGIN = 72.0  # points from the bottom: footers and page numbers live below

_BY_SIGNING = re.compile(r"By signing this MOA", re.I)
_BY_LAW = re.compile(r"extent allowed by law", re.I)
_APPENDIX_A = re.compile(r"^APPENDIX A\b")
_LABEL = re.compile(
    r"(For\s*(?:the\s+)?[A-Z][A-Za-z]{1,10}\s*:|(?:Date|Signature|Title|Name|Agency)\s*:)"
)
_HEADER = re.compile(r"^For\s*(?:the\s+)?([A-Z][A-Za-z]{1,10})\s*:\s*(.*)$")
_FIELD = re.compile(r"^(Date|Signature|Title|Name|Agency)\s*:\s*(.*)$", re.I)
_BLANK = re.compile(r"^[\s_\-–~.,:;=|/\\]+|[\s_\-–~.,:;=|/\\]+$")
_REVISION = re.compile(r"^Rev(?:ised)?\b", re.I)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-z'-]+|[A-Z]\.(?:[A-Z]\.)*|[A-Z]|(?:Mc|Mac|O')[A-Z][a-z]+)$")
_ICE_WORDS = re.compile(
    r"Immigration and Customs|Enforcement and Removal|Homeland Security|\bICE\b|\bDHS\b"
)
_DANGLING = re.compile(r"(?:\b(?:and|of|the|for)|,)$", re.I)

TITLE_WORDS = word_set(
    "director sheriff secretary chief commissioner marshal colonel superintendent deputy "
    "captain administrator executive mayor constable warden commander president chairman "
    "chair judge undersheriff major lieutenant sergeant general attorney acting assistant "
    "associate manager"
)
ORGANIZATION_WORDS = word_set(
    "department office enforcement operations security county agency bureau immigration "
    "police division commission government city board authority university patrol customs "
    "corrections sheriff's sheriffs investigation"
)


@dataclass(frozen=True)
class Signatory:
    side: Side
    name: str | None
    title: str | None
    organization: str | None
    date: date | None
    evidence: Snippet


@dataclass(frozen=True)
class _Item:
    y: float
    text: str
    right: bool


@dataclass
class _Block:
    party: str | None  # the header's party (LEA, ICE, OAG ...), None without headers
    right: bool
    items: list[_Item] = field(default_factory=list)
    name: str | None = None


def signature_page(text: PdfText) -> PdfPage | None:
    """The page carrying the signatures, or None."""
    for page in text.pages:
        if _BY_SIGNING.search(page.flat):
            return page
    for page in text.pages[1:]:
        if any(_APPENDIX_A.match(line.text) for line in page.lines[:6]):
            return text.pages[page.number - 2]
    return None


def read_signatures(
    text: PdfText,
    *,
    agency: str | None,
    parties: dict[str, str],
    lea_on_left: bool,
    not_after: date | None = None,
) -> tuple[list[Signatory], list[tuple[date, Snippet]]]:
    """Signatories, and every date written in the signature area with its evidence.

    ``parties`` expands header abbreviations (``ICE``, ``OAG``) to names;
    ``lea_on_left`` is the column convention for blocks without a header;
    dates after ``not_after`` (the day the PDF was saved) are impossible and dropped.
    """
    page = signature_page(text)
    if page is None:
        return [], []
    items = _signature_items(page)
    blocks = _blocks(items)
    signatories = [
        s
        for block in blocks
        if (s := _signatory(block, page.number, agency, parties, lea_on_left, not_after))
        is not None
    ]
    dates: list[tuple[date, Snippet]] = []
    for item in items:
        for value in find_dates(item.text, not_after=not_after):
            if value not in [d for d, _ in dates]:
                dates.append((value, Snippet(page.number, item.text)))
    return signatories, sorted(dates, key=lambda pair: pair[0])


def _signature_items(page: PdfPage) -> list[_Item]:
    lines = list(page.lines)
    start = next((i for i, line in enumerate(lines) if _BY_SIGNING.search(line.text)), None)
    if start is not None:
        end = next((i for i in range(start, len(lines)) if _BY_LAW.search(lines[i].text)), start)
        lines = lines[end + 1 :]
    split_x = page.width * COLUMN_SPLIT
    items: list[_Item] = []
    for line in lines:
        if line.y < FOOTER_MARGIN:
            continue
        cells: dict[bool, list[str]] = {False: [], True: []}  # right column?
        for fragment in line.fragments:
            for i, part in enumerate(_split_labels(fragment.text)):
                cells[i > 0 or fragment.x >= split_x].append(part)
        for right, parts in cells.items():
            cell = clean(" ".join(parts))
            if cell and not cell.isdigit() and not _REVISION.match(cell):
                items.append(_Item(line.y, cell, right))
    return items


def _split_labels(text: str) -> list[str]:
    """``'Date: 01/30/2025  Date: 01/31/2025'`` -> one part per column."""
    starts = [m.start() for m in _LABEL.finditer(text)]
    if len(starts) < 2:
        return [text]
    cuts = [0, *starts[1:], len(text)]
    return [text[a:b] for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


def _blocks(items: list[_Item]) -> list[_Block]:
    labeled = any(_HEADER.match(item.text) for item in items)
    blocks: list[_Block] = []
    for right in (False, True):
        current: _Block | None = None if labeled else _Block(None, right)
        if current is not None:
            blocks.append(current)
        for item in (i for i in items if i.right == right):
            header = _HEADER.match(item.text)
            if header:
                current = _Block(header.group(1).upper(), right)
                current.name = _as_name(header.group(2))
                blocks.append(current)
            elif current is not None:
                current.items.append(item)
    return blocks


def _signatory(
    block: _Block,
    page: int,
    agency: str | None,
    parties: dict[str, str],
    lea_on_left: bool,
    not_after: date | None,
) -> Signatory | None:
    name, title, when = block.name, None, None
    organizations: list[str] = []
    last = ""
    for item in block.items:
        label, value = _field(item.text)
        if label in (None, "title"):
            value = repair_ocr_words(value)
        when = when or first_date(item.text, not_after=not_after)
        if label == "title" or (label is None and not title and _is_title(value)):
            if value and not title:
                title, organization = _title_and_organization(value)
                organizations += [organization] if organization else []
            last = "title"
        elif label is None and last == "title" and title and _DANGLING.search(title) and value:
            title = f"{title} {value}"
        elif label in {"name", "signature"} or (label is None and _as_name(value)):
            name = name or _as_name(value)
            last = "name"
        elif label == "agency" and value:
            organizations.append(value)
        elif label is None and _has_word(value, ORGANIZATION_WORDS):
            if last == "organization" and (
                _DANGLING.search(organizations[-1]) or len(value.split()) == 1
            ):
                organizations[-1] = f"{organizations[-1]} {value}"
            else:
                organizations.append(value)
            last = "organization"
    if not (name or title or when):
        return None
    if title:
        title, organization = _title_and_organization(repair_ocr_words(title))
        if organization and organization not in organizations:
            organizations.insert(0, organization)
    side = _side(block, lea_on_left)
    organization = ", ".join(organizations) or _party_name(block.party, side, agency, parties)
    evidence_text = " / ".join(item.text for item in block.items)
    if block.party:
        evidence_text = f"For {block.party}: {block.name or ''} / {evidence_text}"
    return Signatory(side, name, title, organization, when, Snippet(page, evidence_text[:240]))


def _field(text: str) -> tuple[str | None, str]:
    match = _FIELD.match(text)
    if match is None:
        return None, _BLANK.sub("", text)
    return match.group(1).lower(), _BLANK.sub("", match.group(2))


def _side(block: _Block, lea_on_left: bool) -> Side:
    if block.party is not None:
        return "ice" if block.party in {"ICE", "DHS"} else "agency"
    if any(_ICE_WORDS.search(item.text) for item in block.items):
        return "ice"
    return "agency" if block.right != lea_on_left else "ice"


def _party_name(
    party: str | None, side: Side, agency: str | None, parties: dict[str, str]
) -> str | None:
    if party is None:
        return None
    if party == "LEA" or (side == "agency" and party not in parties):
        return agency
    return parties.get(party, party)


def _title_and_organization(value: str) -> tuple[str, str | None]:
    """``'Sheriff: Finney County'`` -> (``'Sheriff'``, ``'Finney County'``); so is
    ``'Acting Director, U.S. Immigration and Customs Enforcement'``: after a comma, two
    or more words naming an organization are the organization (``'Assistant Director,
    Enforcement'`` stays a title)."""
    title, _, rest = value.partition(":")
    if not rest.strip():
        head, comma, tail = value.partition(",")
        if comma and len(tail.split()) >= 2 and _has_word(tail, ORGANIZATION_WORDS):
            title, rest = head, tail
    return clean(title), clean(rest) or None


_NOISE = re.compile(r"[;|~{}\[\]<>^`]|(?<=[A-Za-z])[0-9]|[0-9](?=[A-Za-z])")
OCR_WORD_SIMILARITY = 85.0  # rapidfuzz ratio to a known title word to repair a noisy one


def repair_ocr_words(text: str) -> str:
    """Title words OCR broke with stray marks: ``'Executive Associate Dire ;tor'`` ->
    ``'Executive Associate Director'``. A token with a stray mark (``;``, ``|``, a digit
    inside letters) is read together with the token before it, then alone; it is replaced
    when its letters are close to one word of :data:`TITLE_WORDS`. Other text is kept."""
    tokens = text.split()
    out: list[str] = []
    for token in tokens:
        if not _NOISE.search(token):
            out.append(token)
            continue
        letters = re.sub(r"[^A-Za-z]", "", token)
        trail = token[len(token.rstrip(",.:")) :]  # "Dire ;tor," keeps its comma
        previous = out[-1] if out else ""
        joined = re.sub(r"[^A-Za-z]", "", previous) + letters
        if previous and previous.lower() not in TITLE_WORDS and (word := _known(joined)):
            out[-1] = _like(previous, word) + trail
        elif word := _known(letters):
            out.append(_like(token, word) + trail)
        else:
            out.append(token)
    return " ".join(out)


def _known(letters: str) -> str | None:
    if len(letters) < 4:
        return None
    found = process.extractOne(letters.lower(), TITLE_WORDS, scorer=fuzz.ratio)
    return found[0] if found and found[1] >= OCR_WORD_SIMILARITY else None


def _like(original: str, word: str) -> str:
    return word.capitalize() if original[:1].isupper() else word


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _has_word(text: str, words: frozenset[str]) -> bool:
    return any(word in words for word in _words(text))


def _is_title(text: str) -> bool:
    return bool(text) and _has_word(text, TITLE_WORDS) and not first_date(text)


def _as_name(text: str) -> str | None:
    """A person's name (``C.M. Cronen``, ``Kevin Bascue``), or None."""
    tokens = clean(text).split(" ")
    if not 2 <= len(tokens) <= 4 or len(tokens[-1]) < 2:
        return None
    if not all(_NAME_TOKEN.match(token) for token in tokens):
        return None
    if _has_word(text, TITLE_WORDS | ORGANIZATION_WORDS):
        return None
    return clean(text)
