"""Compare an MOA's facts with the row of ICE's sheet that links it.

ICE sometimes links another agency's PDF (Sebastian PD's row points to
Satellite Beach PD's MOA), lists another model, or prints a SIGNED date that
is none of the dates written at the signatures (often one day off). Each such
difference becomes a :class:`Disagreement`; a fact the PDF does not state is
never a disagreement. Date differences are reported in days, not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from g287.model.states import BY_NAME, STATES, match_state
from g287.read.moa.dates import find_dates
from g287.read.moa.facts import MODEL_EVIDENCE as _MODEL_EVIDENCE
from g287.read.moa.facts import MoaFacts, Model
from g287.read.moa.filenames import FileNameFacts, file_name_facts
from g287.read.moa.text import Snippet, word_set

AGENCY_MIN_SIMILARITY = 90.0  # rapidfuzz ratio (0-100) of the names' distinctive words
GENERIC_WORD_SIMILARITY = 80.0  # a word this close to a generic word is generic (typos)

Kind = Literal["agency", "state", "model", "signed", "mislink"]
NEAR_DAYS = 1  # a signing date this close to SIGNED is "near": reported, never an alarm
MISLINK_MARGIN = 5.0  # another agency must match this much better than the row's own

GENERIC_WORDS = word_set(
    "the of and for city town village township borough county parish sheriffs sheriff "
    "office offices police department law enforcement agency state division public safety "
    "services constable constables marshal marshals"
)
_EXPANSIONS = {
    "so": "sheriffs office",
    "pd": "police department",
    "dept": "department",
    "co": "county",
    "twp": "township",
    "&": "and",
}
_STATE_NAMES = "|".join(sorted((re.escape(n) for n in BY_NAME), key=len, reverse=True))
_STATE_SUFFIX = re.compile(
    rf",\s*(?:the\s+)?(?:state of\s+)?(?:{_STATE_NAMES}|[A-Z]{{2}})\.?\s*$", re.I
)
_ICE_HQ = re.compile(
    r"\b20536\b|500 12th St|Immigration and Customs|\bICE\b|\bDHS\b|Homeland", re.I
)
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l", "5": "s"})
_AGENCY_KINDS = {
    "sheriff": "sheriff",
    "sheriffs": "sheriff",
    "police": "police",
    "constable": "constable",
    "constables": "constable",
    "marshal": "marshal",
    "marshals": "marshal",
}
_MODELS: dict[str, Model] = {
    "JEM": "JEM",
    "JAIL ENFORCEMENT MODEL": "JEM",
    "JAIL ENFORCEMENT OFFICER": "JEM",
    "JEO": "JEM",
    "WSO": "WSO",
    "WARRANT SERVICE OFFICER": "WSO",
    "TFM": "TFM",
    "TASK FORCE MODEL": "TFM",
    "TASK FORCE OFFICER": "TFM",
    "TFO": "TFM",
}


Confidence = Literal["high", "medium", "low"]
Source = Literal["text", "file name", "ocr"]


@dataclass(frozen=True)
class Disagreement:
    """One difference between a sheet row and the PDF it links, with its evidence.

    ``evidence`` always shows ``pdf`` (see :func:`shows`): a difference the PDF's
    text (or its file name, ``source="file name"``, page 0) does not show is never
    reported. ``near`` marks a signing date within ``near_days``: a difference to
    know about, never an alarm. ``better`` names, for a ``mislink``, the agency of
    the same list that the PDF matches.
    """

    kind: Kind
    sheet: str  # the sheet's value
    pdf: str  # what the PDF (or its file name) says
    note: str  # the reason, in plain English
    days: int | None = None  # signed: SIGNED minus the nearest signature date
    similarity: float | None = None  # agency, mislink: see AGENCY_MIN_SIMILARITY
    evidence: tuple[Snippet, ...] = ()
    source: Source = "text"
    confidence: Confidence = "high"
    near: bool = False
    better: str | None = None


def compare_with_sheet(
    facts: MoaFacts,
    *,
    agency: str,
    state: str | None,
    model: str | None,
    signed: date | None,
    file_name: str | None = None,
    others: Iterable[str] = (),
    ocr_pages: Iterable[int] = (),
    near_days: int = NEAR_DAYS,
) -> list[Disagreement]:
    """Differences between a sheet row (agency, STATE, SUPPORT TYPE, SIGNED) and its PDF.

    ``file_name`` adds what the PDF's name says (:mod:`g287.read.moa.filenames`);
    ``others`` are the other agencies of the same list (a row linking one of
    theirs is a ``mislink``); evidence on ``ocr_pages`` (scans, their text OCR'd)
    lowers confidence; signing dates within ``near_days`` are ``near``.
    """
    named = file_name_facts(file_name) if file_name else None
    ocr = frozenset(ocr_pages)
    found = [
        _agency(facts, agency, named, list(others), ocr),
        _state(facts, state, named, ocr),
        _model(facts, model, named, ocr),
        _signed(facts, signed, ocr, near_days),
        _file_date(facts, signed, named, near_days),
    ]
    return [d for d in found if d is not None and shows(d)]


def shows(d: Disagreement) -> bool:
    """Whether ``d``'s evidence shows the PDF's value (the rule every report must pass)."""
    return any(_shows(d.kind, d.pdf, e.text) for e in d.evidence)


def _shows(kind: Kind, value: str, text: str) -> bool:
    if not value or not text:
        return False
    named = file_name_facts(text) if text.lower().endswith(".pdf") else None
    if named is not None and kind in ("state", "model"):
        return value in (named.state, named.model)
    if kind == "signed":
        try:
            wanted = date.fromisoformat(value)
        except ValueError:
            return False
        return wanted in find_dates(text) or wanted in _file_dates(text)
    if kind == "state":
        name = STATES[value][0] if value in STATES else ""
        return bool(
            re.search(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", text, re.I)
            or (name and name.lower() in " ".join(text.lower().split()))
        )
    if kind == "model":
        return any(p.search(text) for p in _MODEL_EVIDENCE.get(value, ()))
    words, seen = _words(value), set(_words(text))
    if named is not None:  # a file name: its agency words, camel case split
        seen |= set(_words(named.agency or ""))
    return bool(words) and all(w in seen for w in words)


def _file_dates(text: str) -> list[date]:
    found = file_name_facts(text).date
    return [found] if found else []


def _source(evidence: tuple[Snippet, ...], ocr: frozenset[int]) -> Source:
    return "ocr" if evidence and all(e.page in ocr for e in evidence) else "text"


def agency_similarity(a: str, b: str) -> float:
    """0-100: how alike two agency names are, ignoring generic words and spelling."""
    (all_a, words_a), (all_b, words_b) = _name_words(a), _name_words(b)
    if not words_a or not words_b:
        words_a, words_b = all_a, all_b
    return float(fuzz.ratio(" ".join(words_a), " ".join(words_b)))


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A name's words and its distinctive words (cached: a list's names recur)."""
    words = _words(name)
    return tuple(words), tuple(_distinctive(words))


def agency_kind(name: str) -> str | None:
    """'sheriff', 'police', 'constable', 'marshal' or None."""
    kinds = {_AGENCY_KINDS[w] for w in _words(name) if w in _AGENCY_KINDS}
    return kinds.pop() if len(kinds) == 1 else None


def model_code(text: str) -> Model | None:
    """ICE's SUPPORT TYPE (any case, spacing) as JEM, WSO or TFM."""
    return _MODELS.get(" ".join(text.upper().split()))


def _words(name: str) -> list[str]:
    text = name.lower().replace("’", "").replace("'", "").replace("&", " & ")
    words: list[str] = []
    for word in re.findall(r"[a-z0-9&]+", text):
        if re.search(r"[a-z]", word):  # OCR noise inside a word: Kn0x, F1orida
            word = word.translate(_OCR_DIGITS)
        words += _EXPANSIONS.get(word, word).split()
    return words


def _distinctive(words: list[str]) -> list[str]:
    return [
        w
        for w in words
        if process.extractOne(w, GENERIC_WORDS, scorer=fuzz.ratio)[1] < GENERIC_WORD_SIMILARITY
    ]


def _likeness(a: str, b: str) -> tuple[bool, float]:
    """Ties between equally distinctive names: the same kind of agency, then every word
    ("Palm Beach County Sheriff's Office" is not "Town of Palm Beach Police Department")."""
    kind_a, kind_b = agency_kind(a), agency_kind(b)
    same_kind = kind_a is not None and kind_a == kind_b
    whole = fuzz.ratio(" ".join(_words(_without_state(a))), " ".join(_words(_without_state(b))))
    return same_kind, float(whole)


def _without_state(name: str) -> str:
    """``'Laramie County Sheriff's Office, Wyoming'`` -> without its state suffix."""
    return _STATE_SUFFIX.sub("", name.strip())


def _agency(
    facts: MoaFacts,
    agency: str,
    named: FileNameFacts | None,
    others: list[str],
    ocr: frozenset[int],
) -> Disagreement | None:
    row = _without_state(agency)
    if not row:
        return None
    source: Source
    if facts.agency is not None:
        pdf, evidence = facts.agency, facts.evidence.get("agency", ())
        source = _source(evidence, ocr)
    elif named is not None and named.agency:
        pdf, evidence, source = named.agency, (Snippet(0, named.name),), "file name"
    else:
        return None
    pdf = _without_state(pdf)
    score = agency_similarity(row, pdf)
    rivals = sorted(
        (
            (agency_similarity(other, pdf), _likeness(other, pdf), other.strip())
            for other in others
            if other.strip() and _words(_without_state(other)) != _words(row)
        ),
        reverse=True,
    )
    if rivals:
        best, _like, other = rivals[0]
        if (
            score < AGENCY_MIN_SIMILARITY
            and best >= AGENCY_MIN_SIMILARITY
            and best >= score + MISLINK_MARGIN
        ):
            confidence: Confidence = "high" if source == "text" and best >= 95 else "medium"
            if source == "ocr":
                confidence = "low"
            note = (
                f"the row links another agency's MOA: the PDF names {pdf!r}, which matches "
                f"{other!r} on the same list (similarity {best:.0f}) better than the row's "
                f"own agency (similarity {score:.0f})"
            )
            if source == "file name":
                note += "; read from the file name, the text does not name an agency"
            return Disagreement(
                "mislink", agency.strip(), pdf, note, None, best, evidence, source,
                confidence, better=other,
            )  # fmt: skip
    if source == "file name":
        return None  # a file name's abbreviations are too loose to disagree on their own
    kind_sheet, kind_pdf = agency_kind(row), agency_kind(pdf)
    if kind_sheet and kind_pdf and kind_sheet != kind_pdf:
        note = f"the PDF is a {kind_pdf} agency's MOA, the row a {kind_sheet} agency's"
    elif score < AGENCY_MIN_SIMILARITY:
        note = (
            f"the PDF names another agency (similarity {score:.0f} < {AGENCY_MIN_SIMILARITY:.0f})"
        )
    else:
        return None
    confidence = "low" if source == "ocr" else ("high" if score < 60 else "medium")
    return Disagreement(
        "agency", agency.strip(), pdf, note, None, score, evidence, source, confidence
    )


def _state(
    facts: MoaFacts, state: str | None, named: FileNameFacts | None, ocr: frozenset[int]
) -> Disagreement | None:
    if not state or not state.strip():
        return None
    code, _note = match_state(" ".join(state.upper().split()))
    if code is None:
        return None
    if facts.state is not None:
        evidence = facts.evidence.get("state", ())
        if code == facts.state or _ice_address(facts.state, evidence):
            return None
        source = _source(evidence, ocr)
        note = f"the PDF's agency is in {facts.state}, the row in {code}"
        confidence: Confidence = "low" if source == "ocr" else "high"
        return Disagreement(
            "state", state.strip(), facts.state, note, None, None, evidence, source, confidence
        )
    if named is not None and named.state and named.state != code:
        note = (
            f"the file name carries the state code {named.state}, the row says {code} "
            "(the text does not say)"
        )
        return Disagreement(
            "state", state.strip(), named.state, note, None, None,
            (Snippet(0, named.name),), "file name", "medium",
        )  # fmt: skip
    return None


def _ice_address(code: str, evidence: tuple[Snippet, ...]) -> bool:
    """ICE's own Washington, DC address is never the agency's state."""
    return code == "DC" and any(_ICE_HQ.search(e.text) for e in evidence)


def _model(
    facts: MoaFacts, model: str | None, named: FileNameFacts | None, ocr: frozenset[int]
) -> Disagreement | None:
    code = model_code(model) if model else None
    if code is None or not model:
        return None
    if facts.model is not None:
        if code == facts.model:
            return None
        evidence = facts.evidence.get("model", ())
        source = _source(evidence, ocr)
        by_title = any(e.page == 1 for e in evidence)
        confidence: Confidence = "low" if source == "ocr" else ("high" if by_title else "medium")
        note = f"the PDF is a {facts.model} agreement, the row says {code}"
        return Disagreement(
            "model", model.strip(), facts.model, note, None, None, evidence, source, confidence
        )
    if named is not None and named.model and named.model != code:
        note = f"the file name says {named.model}, the row {code} (the text does not say)"
        return Disagreement(
            "model", model.strip(), named.model, note, None, None,
            (Snippet(0, named.name),), "file name", "medium",
        )  # fmt: skip
    return None


def _signed(
    facts: MoaFacts, signed: date | None, ocr: frozenset[int], near_days: int
) -> Disagreement | None:
    if signed is None or not facts.signing_dates or signed in facts.signing_dates:
        return None
    evidence = facts.evidence.get("signing_dates", ())
    index = min(
        range(len(facts.signing_dates)),
        key=lambda i: (abs((signed - facts.signing_dates[i]).days), facts.signing_dates[i]),
    )
    nearest = facts.signing_dates[index]
    days = (signed - nearest).days
    shown = (evidence[index],) if index < len(evidence) else evidence
    source = _source(shown, ocr)
    plural = "s" if abs(days) != 1 else ""
    note = f"SIGNED is {days:+d} day{plural} from {nearest.isoformat()}"
    if len(facts.signing_dates) > 1:
        others = ", ".join(d.isoformat() for d in facts.signing_dates if d != nearest)
        note += f" (the PDF's other signing date{'s' if ', ' in others else ''}: {others})"
    near = abs(days) <= near_days
    if near:
        note += "; near, not an alarm: ICE's SIGNED is often a day from a signature"
    confidence: Confidence = "low" if near or source == "ocr" else "high"
    return Disagreement(
        "signed", signed.isoformat(), nearest.isoformat(), note, days, None, shown, source,
        confidence, near,
    )  # fmt: skip


def _file_date(
    facts: MoaFacts, signed: date | None, named: FileNameFacts | None, near_days: int
) -> Disagreement | None:
    """The file name's date against SIGNED, when the text's dates do not already say it."""
    if signed is None or named is None or named.date is None:
        return None
    if abs((signed - named.date).days) <= near_days:
        return None
    if any(abs((named.date - d).days) <= near_days for d in facts.signing_dates):
        return None  # the PDF's own signing date: compared above
    days = (signed - named.date).days
    note = (
        f"the file name is dated {named.date.isoformat()}, SIGNED is {days:+d} days from it; "
        "ICE's file-name date is usually the row's SIGNED date, not a signature's"
    )
    if facts.signing_dates:
        note += ", and the PDF's signing dates are " + ", ".join(
            d.isoformat() for d in facts.signing_dates
        )
    return Disagreement(
        "signed", signed.isoformat(), named.date.isoformat(), note, days, None,
        (Snippet(0, named.name),), "file name", "low",
    )  # fmt: skip
