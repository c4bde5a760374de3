"""What an ICE MOA file name says: the agency (abbreviated), a state code, the model, a date.

ICE names its PDFs by hand, so no two follow quite the same pattern::

    ArcadiaPDFL_TFM_MOA_030425.pdf                 Arcadia PD, FL, TFM, 03/04/25
    287gWSO_FinneyCoKs2020-03-17.pdf               Finney Co, KS, WSO, 2020-03-17
    KansasBureauOfInv_TFM_MOA_02182025.pdf         Kansas Bureau Of Inv, TFM, 02/18/2025
    LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf Laramie Co Sheriffs Office, WY, TFM
    287gJEM_FL_DOC_FL_08-21-2020.pdf               FL DOC, FL, JEM, 08/21/2020
    TexasOfficeAttorneyGeneral_TFM_MOA_01.30.25.pdf

:func:`file_name_facts` reads them tolerantly: a 287(g) prefix and the word MOA
are dropped; JEM, WSO, TFM (and JEO, TFO) anywhere give the model; a date in any
of ``MMDDYY``, ``MMDDYYYY``, ``M-D-YYYY``, ``YYYY-MM-DD``, ``MM.DD.YY`` gives the
date; the remaining words, split at camel case, are the agency, and a two-letter
state code glued to its end (``PDFL``, ``CoKs``, ``OfficeWY``) or standing alone
(``_FL_``) gives the state. Whatever cannot be read stays None.

The date is *ICE's* date for the file, which is usually the SIGNED date of the sheet
row (often the later signature, sometimes a day off), not necessarily a signing date
written in the PDF; :mod:`g287.read.moa.compare` weighs it accordingly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from g287.model.states import STATES
from g287.read.moa.dates import EARLIEST_YEAR, LATEST_YEAR
from g287.read.moa.facts import Model

_MODEL_TOKENS: dict[str, Model] = {
    "JEM": "JEM",
    "JEO": "JEM",
    "WSO": "WSO",
    "TFM": "TFM",
    "TFO": "TFM",
    "TF": "TFM",
}
_DROP = {"MOA", "287G", "287", "G", "PDF", "FINAL", "SIGNED", "AND", "ADDENDUM", "AMENDMENT"}
_DATE_PATTERNS = (
    (re.compile(r"(?<!\d)(\d{4})[-.](\d{1,2})[-.](\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{1,2})[-.](\d{1,2})[-.](\d{4}|\d{2})(?!\d)"), "mdy"),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)"), "mdy"),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)"), "mdy"),
)
_CAMEL = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|\b|$)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_ABBREVIATIONS = {"PD", "SO", "DOC", "DPS", "CO", "SD", "DA", "HP", "SP", "DSO", "CSO"}
# glued in title case these are words, not states: "FinneyCo" is a county, "Of", "In" ...
_WORD_LIKE = {"Co", "In", "Or", "Me", "Ok", "Hi", "De", "La", "Pa", "Al", "Ma", "Oh", "Mo", "Id"}
_NOT_ALONE = {"CO"}  # "Collier_CO_SO": County


@dataclass(frozen=True)
class FileNameFacts:
    name: str  # the file name as given
    agency: str | None  # words of the agency as the name writes them ("Arcadia PD")
    state: str | None  # USPS code
    model: Model | None
    date: date | None
    date_text: str | None  # the characters the date was read from ("030425")


def _date(text: str) -> tuple[date | None, str | None, tuple[int, int] | None]:
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            a, b, c = (int(g) for g in match.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c, a, b)
            if year < 100:
                year += 2000
            if not EARLIEST_YEAR <= year <= LATEST_YEAR:
                continue
            try:
                return date(year, month, day), match.group(0), match.span()
            except ValueError:
                continue
    return None, None, None


def file_name_facts(name: str) -> FileNameFacts:
    """Agency words, state, model and date from an MOA file name (see the module docstring)."""
    stem = re.sub(r"\.pdf$", "", name.rsplit("/", 1)[-1], flags=re.I)
    stem = re.sub(r"^287\(?g\)?", "", stem, flags=re.I)
    when, date_text, span = _date(stem)
    if span is not None:
        stem = stem[: span[0]] + " " + stem[span[1] :]
    model: Model | None = None
    state: str | None = None
    words: list[str] = []
    for token in re.split(r"[\s_\-.,()]+", stem):
        if not token or token.isdigit():
            continue
        upper = token.upper()
        if upper in _MODEL_TOKENS:
            model = model or _MODEL_TOKENS[upper]
            continue
        if upper in _DROP:
            continue
        if upper in STATES and len(token) == 2 and token.isupper() and upper not in _NOT_ALONE:
            state = state or upper  # a state code standing alone: _FL_
            if not words:
                words.append(token)  # "FL_DOC": the code also names the agency
            continue
        parts = _CAMEL.findall(token)
        glued = _glued_state(token, parts)
        if glued:
            state = state or glued[0]
            parts = glued[1]
        for part in parts:
            if part.upper() in _MODEL_TOKENS and not part.islower():
                model = model or _MODEL_TOKENS[part.upper()]
            elif part.upper() not in _DROP and not part.isdigit():
                words.append(part)
    agency = " ".join(words) or None
    return FileNameFacts(name, agency, state, model, when, date_text)


def _glued_state(token: str, parts: list[str]) -> tuple[str, list[str]] | None:
    """A state code glued to the end of the agency: ``PDFL``, ``CoKs``, ``OfficeWY``."""
    if len(parts) < 2:
        return None
    last = parts[-1]
    if len(last) == 2 and last.upper() in STATES and (last.isupper() or last.istitle()):
        if last.istitle() and last in _WORD_LIKE:
            return None
        return last.upper(), parts[:-1]
    # "PDFL": an abbreviation and a state code run together in capitals
    if last.isupper() and len(last) >= 4 and last[-2:] in STATES and last[:-2] in _ABBREVIATIONS:
        return last[-2:], [*parts[:-1], last[:-2]]
    return None
