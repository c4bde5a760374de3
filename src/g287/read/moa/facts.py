"""Facts read from an MOA's text: model, agency, state, signatories, dates, addendum.

Every fact comes with evidence (page number and the text around it), so a
reader can check it against the PDF. What a document does not say stays None.

* **model**: the title ("287(g) Jail Enforcement Model", "Warrant Service
  Officer Program", "287(g) Task Force Model"); else the model named most often
  in the body; else the template's telltale phrases (task force officers;
  "delegated the two authorities" of the 2019-2020 WSO template); else the
  PDF's metadata title ("287(g) MOA TF - ...") when it names one model.
* **agency**: the party in "... Homeland Security (DHS), and [the] <agency>
  (<abbreviation>), pursuant to / hereinafter / under ..."; in 2025 fill-in
  forms whose blank is empty in the text, the first filled-in value on page 1.
  The "(DHS)" it follows may be OCR'd as "(OHS)" or "(0HS)".
* **state**: a ", WY" or ", Florida" suffix on the agency's name, a state agency named after
  its state ("Florida Department of Corrections"), "represents the State of
  Kansas", or the agency's own address in a points-of-contact appendix.
* **signing dates**: the dates written in the signature area (see
  :mod:`g287.read.moa.signatures`), never a template's "Revised 3/7/2025" and never
  a date after the PDF was last saved (its metadata), which is impossible.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from g287.model.states import BY_NAME, STATES
from g287.read.moa.signatures import Signatory, read_signatures
from g287.read.moa.text import PdfText, Snippet, clean, snippet, word_set

Model = Literal["JEM", "WSO", "TFM"]

TITLE_LINES = 8  # lines at the top of page 1 searched for the title
ADDRESS_LINES = 8  # lines after "For the <agency>:" searched for its address

_MODEL_NAMES: dict[Model, re.Pattern[str]] = {
    "JEM": re.compile(r"Jail Enforcement (?:Model|Program)", re.I),
    "WSO": re.compile(r"Warrant Service Officer", re.I),
    "TFM": re.compile(r"Task Force Model", re.I),
}
_MODEL_CUES: dict[Model, re.Pattern[str]] = {
    "JEM": re.compile(r"\bJEM\b"),
    "WSO": re.compile(r"delegated the two authorities|facilitate the custodial transfer", re.I),
    "TFM": re.compile(r"task force officers?\b|task forces designated by ICE", re.I),
}
_META_MODELS: dict[Model, re.Pattern[str]] = {
    "JEM": re.compile(r"\bJEM\b|Jail Enforcement", re.I),
    "WSO": re.compile(r"\bWSO\b|Warrant Service", re.I),
    "TFM": re.compile(r"\bTFM?\b|Task Force", re.I),
}
MODEL_EVIDENCE: dict[str, tuple[re.Pattern[str], ...]] = {
    model: (_MODEL_NAMES[model], _MODEL_CUES[model], _META_MODELS[model]) for model in _MODEL_NAMES
}
"""What text shows a model: its name, a telltale phrase, or its code (``JEM``)."""
FIELD_OFFICES = {
    name.upper(): name
    for name in (
        "Atlanta", "Baltimore", "Boston", "Buffalo", "Chicago", "Dallas", "Denver", "Detroit",
        "El Paso", "Harlingen", "Houston", "Los Angeles", "Miami", "New Orleans", "New York City",
        "Newark", "Philadelphia", "Phoenix", "Salt Lake City", "San Antonio", "San Diego",
        "San Francisco", "Seattle", "St. Paul", "Washington",
    )
}  # fmt: skip
"""ICE ERO's 25 field offices (areas of responsibility)."""
_FIELD_OFFICE = re.compile(
    r"\b("
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(FIELD_OFFICES, key=len)[::-1])
    + r")\s+Field\s+Office\b",
    re.I,
)
_ADDENDUM = re.compile(r"\b(ADDEND(?:UM|A)|AMENDMENT|AMENDED)\b", re.I)
_TEMPLATE_2025 = re.compile(r"interchangeably referred to as|^Revised \d{1,2}/\d{1,2}/\d{2,4}")

_CONNECTOR = r"(?:of|the|and|for|&)"
_CAPITALIZED = r"(?:[A-Z][\w.'&-]*)"
_PARTY = re.compile(
    rf"((?:{_CAPITALIZED}|{_CONNECTOR})(?:\s+(?:{_CAPITALIZED}|{_CONNECTOR}))*)\s*[({{]\s*([A-Z]{{2,8}})\s*\)"
)
_STATE_NAMES = "|".join(sorted((n.title() for n in BY_NAME if " OF " not in n), key=len)[::-1])
_AGENCY = re.compile(
    r"\(\s*[DO0]\s*H\s*S\s*\)\s*,?\s+and\s+(?:the\b\s*)?(?P<name>[^,()]{3,150}?)\s*"
    rf"(?:,\s*(?:the\s+)?(?:State of\s+)?(?P<state>{_STATE_NAMES}|[A-Z]{{2}})\.?\s*)?"
    r"(?:[({]\s*(?P<abbr>[A-Z][A-Za-z]{1,15})\s*\))?\s*,\s*(?:hereinafter|pursuant|under)"
)
_ABBREVIATION = re.compile(r"\s*\(\s*([A-Z][A-Za-z]{1,15})\s*\)\s*$")
_STATE_SUFFIX = re.compile(r",\s*([A-Z]{2})\s*$")
_STATE_NAME_SUFFIX = re.compile(rf",\s*(?:the\s+)?(?:State of\s+)?({_STATE_NAMES})\.?\s*$", re.I)
_REPRESENTS = re.compile(r"represents the State of ([A-Z][a-z]+(?: [A-Z][a-z]+)?)")
_ADDRESS = re.compile(rf",\s*([A-Z]{{2}}|{_STATE_NAMES})\.?\s+\d{{5}}\b")
_FOR_PARTY = re.compile(r"^For (?:the )?(.+?):")
_STATE_AGENCY_WORDS = word_set(
    "department dept bureau office highway state division national attorney fish game "
    "commission board alcohol wildlife parks public capitol agency general"
)


@dataclass(frozen=True)
class MoaFacts:
    model: Model | None
    agency: str | None
    state: str | None  # USPS code
    signatories: tuple[Signatory, ...]
    signing_dates: tuple[date, ...]
    is_addendum: bool
    evidence: dict[str, tuple[Snippet, ...]] = field(default_factory=dict, hash=False)
    field_office: str | None = None  # ICE ERO's field office ("Miami"), when named


def moa_facts(text: PdfText) -> MoaFacts:
    """Read the facts of one MOA from its text (see the module docstring)."""
    evidence: dict[str, tuple[Snippet, ...]] = {}

    def note(fact: str, *found: Snippet) -> None:
        if found:
            evidence[fact] = found

    model, model_evidence = _model(text)
    note("model", *model_evidence)
    agency, state, agency_evidence = _agency(text)
    note("agency", *agency_evidence)
    if state is None:
        state, state_evidence = _state(text, agency)
    else:
        state_evidence = agency_evidence
    note("state", *state_evidence)
    addendum = _addendum(text)
    note("is_addendum", *addendum)
    signatories, dates = read_signatures(
        text,
        agency=agency,
        parties=_parties(text),
        lea_on_left=any(_TEMPLATE_2025.search(p.text) for p in text.pages),
        not_after=latest_possible_date(text),
    )
    note("signing_dates", *(found for _, found in dates))
    office, office_evidence = _field_office(text)
    note("field_office", *office_evidence)
    return MoaFacts(
        model=model,
        agency=agency,
        state=state,
        signatories=tuple(signatories),
        signing_dates=tuple(value for value, _ in dates),
        is_addendum=bool(addendum),
        evidence=evidence,
        field_office=office,
    )


def latest_possible_date(text: PdfText) -> date:
    """No signature can be dated after the PDF was last saved (nor after today)."""
    saved = [moment.date() for moment in (text.created, text.modified) if moment is not None]
    return min(max(saved), date.today()) if saved else date.today()


def _find(text: PdfText, pattern: re.Pattern[str], pages: range | None = None) -> list[Snippet]:
    return [
        snippet(page.number, page.flat, m.start(), m.end())
        for page in text.pages
        if pages is None or page.number in pages
        for m in pattern.finditer(page.flat)
    ]


def _title_text(text: PdfText) -> str:
    if not text.pages:
        return ""
    return "\n".join(line.text for line in text.pages[0].lines[:TITLE_LINES])


def _model(text: PdfText) -> tuple[Model | None, list[Snippet]]:
    title = _title_text(text)
    for model, pattern in _MODEL_NAMES.items():
        if match := pattern.search(title):
            return model, [Snippet(1, clean(match.group(0)))]
    for patterns in (_MODEL_NAMES, _MODEL_CUES):
        found = {model: _find(text, pattern) for model, pattern in patterns.items()}
        ranked = Counter({model: len(hits) for model, hits in found.items() if hits}).most_common()
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            model = ranked[0][0]
            return model, found[model][:3]
    meta = [model for model, pattern in _META_MODELS.items() if pattern.search(text.title or "")]
    if len(meta) == 1:
        return meta[0], [Snippet(0, f"PDF title: {text.title}")]
    return None, []


def _agency(text: PdfText) -> tuple[str | None, str | None, list[Snippet]]:
    """The agency's name, a state written after it, and the evidence."""
    for page in text.pages[:2]:
        match = _AGENCY.search(page.flat)
        if match and re.search(r"[A-Za-z]{3}", match["name"]) and "_" not in match["name"]:
            end = match.end("state") if match["state"] else match.end("name")
            found = snippet(page.number, page.flat, match.start("name"), end)
            raw = f"{match['name']}, {match['state']}" if match["state"] else match["name"]
            return (*_name_and_state(raw), [found])
    if text.pages:  # a 2025 fill-in form: the agency is typed into the blanks
        for line in text.pages[0].lines:
            for fragment in line.fragments:
                value = clean(fragment.text)
                if (
                    fragment.source != "text"
                    and len(value.split()) >= 2
                    and not value.lower().startswith("revised")
                ):
                    return (*_name_and_state(value), [Snippet(1, value)])
    return None, None, []


def _name_and_state(raw: str) -> tuple[str, str | None]:
    name = clean(raw)
    name = _ABBREVIATION.sub("", name)
    state = None
    if (suffix := _STATE_SUFFIX.search(name)) and suffix.group(1) in STATES:
        state, name = suffix.group(1), name[: suffix.start()]
    elif suffix := _STATE_NAME_SUFFIX.search(name):
        state, name = BY_NAME[suffix.group(1).upper()], name[: suffix.start()]
    return clean(name), state


def _state(text: PdfText, agency: str | None) -> tuple[str | None, list[Snippet]]:
    if agency:
        words = agency.split()
        for size in (2, 1):
            head = " ".join(words[:size]).upper()
            rest = words[size].lower() if len(words) > size else ""
            if head in BY_NAME and rest in _STATE_AGENCY_WORDS:
                return BY_NAME[head], [Snippet(1, agency)]
    if found := _find(text, _REPRESENTS):
        match = _REPRESENTS.search(found[0].text)
        if match and match.group(1).upper() in BY_NAME:
            return BY_NAME[match.group(1).upper()], found[:1]
    return _address_state(text)


def _address_state(text: PdfText) -> tuple[str | None, list[Snippet]]:
    """The state in the agency's address under "For the <agency>:"."""
    for page in text.pages:
        lines = [line.text for line in page.lines]
        for i, line in enumerate(lines):
            party = _FOR_PARTY.match(line)
            if party is None or re.search(r"\b(ICE|DHS)\b", party.group(1)):
                continue
            for nearby in lines[i : i + ADDRESS_LINES]:
                if nearby is not line and _FOR_PARTY.match(nearby):
                    break
                if match := _ADDRESS.search(nearby):
                    value = match.group(1)
                    code = value if len(value) == 2 else BY_NAME.get(value.upper())
                    if code in STATES:
                        return code, [Snippet(page.number, nearby)]
    return None, []


def _field_office(text: PdfText) -> tuple[str | None, list[Snippet]]:
    """The ERO field office the MOA names most often ("the Miami Field Office", "Chicago
    Field Office Director"); None when it names none, or two equally often."""
    found: dict[str, list[Snippet]] = {}
    for page in text.pages:
        for m in _FIELD_OFFICE.finditer(page.flat):
            name = FIELD_OFFICES.get(" ".join(m.group(1).split()).upper())
            if name is not None:
                found.setdefault(name, []).append(
                    snippet(page.number, page.flat, m.start(), m.end())
                )
    ranked = sorted(found.items(), key=lambda item: -len(item[1]))
    if not ranked or (len(ranked) > 1 and len(ranked[0][1]) == len(ranked[1][1])):
        return None, []
    office, evidence = ranked[0]
    return office, evidence[:2]


def field_office_in(text: str) -> str | None:
    """The first ERO field office named in ``text`` (the evidence kept for it), or None."""
    match = _FIELD_OFFICE.search(" ".join(text.split()))
    return FIELD_OFFICES.get(match.group(1).upper()) if match else None


def _addendum(text: PdfText) -> list[Snippet]:
    found = [Snippet(1, m.group(0)) for m in _ADDENDUM.finditer(_title_text(text))]
    if text.title and _ADDENDUM.search(text.title):
        found.append(Snippet(0, f"PDF title: {text.title}"))
    return found


def _parties(text: PdfText) -> dict[str, str]:
    """Abbreviations defined on page 1: ``{'ICE': 'U.S. Immigration and ...', 'OAG': ...}``."""
    parties: dict[str, str] = {}
    if not text.pages:
        return parties
    for match in _PARTY.finditer(text.pages[0].flat):
        name = re.sub(rf"^(?:{_CONNECTOR}\s+)+", "", match.group(1))
        parties.setdefault(match.group(2), clean(name))
    return parties
