"""Compare an MOA's facts with the row of ICE's sheet that links it.

ICE sometimes links another agency's PDF (Sebastian PD's row points to
Satellite Beach PD's MOA), lists another model, or prints a SIGNED date that
is none of the dates written at the signatures (often one day off). Each such
difference becomes a :class:`Disagreement`; a fact the PDF does not state is
never a disagreement. Date differences are reported in days, not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process

from g287.moa.facts import MoaFacts, Model
from g287.moa.text import Snippet, word_set
from g287.model.states import match_state

AGENCY_MIN_SIMILARITY = 90.0  # rapidfuzz ratio (0-100) of the names' distinctive words
GENERIC_WORD_SIMILARITY = 80.0  # a word this close to a generic word is generic (typos)

Kind = Literal["agency", "state", "model", "signed"]

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


@dataclass(frozen=True)
class Disagreement:
    kind: Kind
    sheet: str  # the sheet's value
    pdf: str  # what the PDF says
    note: str
    days: int | None = None  # signed: SIGNED minus the nearest signature date
    similarity: float | None = None  # agency: see AGENCY_MIN_SIMILARITY
    evidence: tuple[Snippet, ...] = ()


def compare_with_sheet(
    facts: MoaFacts,
    *,
    agency: str,
    state: str | None,
    model: str | None,
    signed: date | None,
) -> list[Disagreement]:
    """Differences between a sheet row (agency, STATE, SUPPORT TYPE, SIGNED) and its PDF."""
    found = [
        _agency(facts, agency),
        _state(facts, state),
        _model(facts, model),
        _signed(facts, signed),
    ]
    return [d for d in found if d is not None]


def agency_similarity(a: str, b: str) -> float:
    """0-100: how alike two agency names are, ignoring generic words and spelling."""
    words_a, words_b = _distinctive(_words(a)), _distinctive(_words(b))
    if not words_a or not words_b:
        words_a, words_b = _words(a), _words(b)
    return float(fuzz.ratio(" ".join(words_a), " ".join(words_b)))


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
        words += _EXPANSIONS.get(word, word).split()
    return words


def _distinctive(words: list[str]) -> list[str]:
    return [
        w
        for w in words
        if process.extractOne(w, GENERIC_WORDS, scorer=fuzz.ratio)[1] < GENERIC_WORD_SIMILARITY
    ]


def _agency(facts: MoaFacts, agency: str) -> Disagreement | None:
    if facts.agency is None or not agency.strip():
        return None
    evidence = facts.evidence.get("agency", ())
    kind_sheet, kind_pdf = agency_kind(agency), agency_kind(facts.agency)
    score = agency_similarity(agency, facts.agency)
    if kind_sheet and kind_pdf and kind_sheet != kind_pdf:
        note = f"the PDF is a {kind_pdf} agency's MOA, the row a {kind_sheet} agency's"
    elif score < AGENCY_MIN_SIMILARITY:
        note = (
            f"the PDF names another agency (similarity {score:.0f} < {AGENCY_MIN_SIMILARITY:.0f})"
        )
    else:
        return None
    return Disagreement("agency", agency.strip(), facts.agency, note, None, score, evidence)


def _state(facts: MoaFacts, state: str | None) -> Disagreement | None:
    if facts.state is None or not state or not state.strip():
        return None
    code, _note = match_state(" ".join(state.upper().split()))
    if code is None or code == facts.state:
        return None
    note = f"the PDF's agency is in {facts.state}, the row in {code}"
    return Disagreement(
        "state", state.strip(), facts.state, note, None, None, facts.evidence.get("state", ())
    )


def _model(facts: MoaFacts, model: str | None) -> Disagreement | None:
    code = model_code(model) if model else None
    if facts.model is None or code is None or code == facts.model:
        return None
    note = f"the PDF is a {facts.model} agreement, the row says {code}"
    return Disagreement(
        "model",
        model.strip() if model else "",
        facts.model,
        note,
        None,
        None,
        facts.evidence.get("model", ()),
    )


def _signed(facts: MoaFacts, signed: date | None) -> Disagreement | None:
    if signed is None or not facts.signing_dates or signed in facts.signing_dates:
        return None
    nearest = min(facts.signing_dates, key=lambda d: (abs((signed - d).days), d))
    days = (signed - nearest).days
    dates = ", ".join(d.isoformat() for d in facts.signing_dates)
    note = f"SIGNED is {days:+d} day{'s' if abs(days) != 1 else ''} from {nearest.isoformat()}"
    return Disagreement(
        "signed",
        signed.isoformat(),
        dates,
        note,
        days,
        None,
        facts.evidence.get("signing_dates", ()),
    )
