"""Agency names: canonical forms for matching, slugs for ids, tokens for evidence.

``canonical("Alamance County Sheriff's Office", "NC")`` is
``"alamance county sheriff office"``. The steps, in order:

1. transliterate to ASCII, lower-case, delete apostrophes;
2. a leading own-state abbreviation becomes the state name ("FL Highway Patrol");
3. abbreviations expand (``so`` -> sheriffs office, ``pd`` -> police department,
   ``co``/``cnty`` -> county, ``dept`` -> department, ``st`` -> saint, ``twp`` ->
   township, ``&`` -> and, ...);
4. punctuation becomes spaces; whitespace collapses;
5. a trailing own-state abbreviation or name is dropped ("..., LA"), a leading full
   state name only before an agency word is kept (it names state agencies);
6. a leading "city/town/village/borough/township/county of" is dropped;
7. plurals are singularized (sheriffs -> sheriff, constables -> constable, ...);
8. in Louisiana, "county" -> "parish" (ICE writes both for one parish);
   "sheriff department" -> "sheriff office" (a county has one sheriff);
   "correction department" -> "department of correction";
9. a trailing "addendum"/"amendment" names a document, not an agency: dropped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from g287.model.states import STATES, state_name

_ABBREVIATIONS: dict[str, str] = {
    "&": "and",
    "ste": "sainte",
    "st": "saint",
    "ft": "fort",
    "mt": "mount",
    "co": "county",
    "cnty": "county",
    "cty": "county",
    "dept": "department",
    "so": "sheriffs office",
    "pd": "police department",
    "twp": "township",
    "boro": "borough",
    "hwy": "highway",
    "univ": "university",
    "pct": "precinct",
    "bocc": "board of county commissioners",
    "dps": "department of public safety",
    "doc": "department of corrections",
    "da": "district attorney",
    "ofc": "office",
}


def _spellings() -> dict[str, str]:
    """ICE's misspellings of agency words (``data/resolve/spellings.csv``: each with its
    reason and evidence), read once: the word as printed -> the word meant."""
    text = (
        Path(__file__).resolve().parent.parent / "data" / "resolve" / "spellings.csv"
    ).read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        wrong, right = row["misspelling"].strip().lower(), row["word"].strip().lower()
        if not wrong or not right or not row["reason"].strip() or not row["evidence"].strip():
            raise ValueError(f"spellings.csv: {row!r} lacks a word, a reason or evidence")
        out[wrong] = right
    return out


_ABBREVIATIONS.update(_spellings())

_SINGULAR: dict[str, str] = {
    "sheriffs": "sheriff",
    "marshals": "marshal",
    "constables": "constable",
    "services": "service",
    "corrections": "correction",
    "attorneys": "attorney",
    "commissioners": "commissioner",
}
_AGENCY_WORDS = {
    "department",
    "state",
    "highway",
    "office",
    "bureau",
    "division",
    "attorney",
    "correction",
    "corrections",
    "police",
    "patrol",
    "fish",
    "game",
    "wildlife",
    "national",
    "board",
    "commission",
    "agency",
}
_LEADING_GOVERNMENT = re.compile(r"^(?:the )?(?:city|town|village|borough|township|county) of ")
_TRAILING_DOCUMENT = re.compile(r" (?:addendum|amendment)$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

GENERIC_WORDS = frozenset(
    [
        "county",
        "parish",
        "sheriff",
        "sheriffs",
        "office",
        "police",
        "department",
        "of",
        "the",
        "and",
        "city",
        "town",
        "board",
        "commissioners",
        "commissioner",
        "state",
        "dept",
        "jail",
        "correction",
        "corrections",
        "task",
        "force",
        "model",
        "law",
        "enforcement",
        "division",
    ]
)
# Words that describe what kind of body an agency is, dropped for the aggressive key.
_KIND_WORDS = frozenset(
    [
        "county",
        "parish",
        "city",
        "town",
        "village",
        "borough",
        "township",
        "police",
        "department",
        "office",
        "sheriff",
        "sheriffs",
        "of",
        "the",
        "and",
    ]
)


def ascii_lower(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower()


@lru_cache(maxsize=65536)
def canonical(name: str, state: str | None = None) -> str:
    """The canonical matching form of an agency name in a state (USPS code).

    The steps are applied until nothing changes, so canonical forms are fixed points.
    """
    text = _canonical_once(name, state)
    for _ in range(5):
        again = _canonical_once(text, state)
        if again == text:
            break
        text = again
    return text


def _canonical_once(name: str, state: str | None) -> str:
    text = ascii_lower(name).replace("'", "").replace("`", "")
    text = text.replace("&", " and ")
    words = [w for w in _NON_ALNUM.sub(" ", text).split() if w]
    if not words:
        return ""
    state_words = state_name(state).lower().split() if state and state in STATES else []
    code = state.lower() if state else None
    if code and words[0] == code and len(words) > 1:
        words = state_words + words[1:]
    expanded: list[str] = []
    for w in words:
        expanded.extend(_ABBREVIATIONS.get(w, w).split())
    words = expanded
    if state_words and len(words) > len(state_words) and words[-len(state_words) :] == state_words:
        tail_start = len(words) - len(state_words)
        if tail_start > 0 and words[tail_start - 1] not in {"of", "university", "college"}:
            words = words[:tail_start]
    if code and len(words) > 1 and words[-1] == code:
        words = words[:-1]
    words = [_SINGULAR.get(w, w) for w in words]
    if state == "LA":  # Louisiana's counties are parishes; ICE writes both
        words = ["parish" if w == "county" else w for w in words]
    text = " ".join(words)
    previous = None
    while text != previous:  # "City of City of ...", "... Addendum Addendum"
        previous = text
        text = _LEADING_GOVERNMENT.sub("", text)
        text = _TRAILING_DOCUMENT.sub("", text)
    text = text.replace("sheriff department", "sheriff office")
    text = text.replace("correction department", "department of correction")
    return text.strip()


def is_addendum_name(name: str) -> bool:
    return bool(re.search(r"\b(addendum|amendment)\s*\)?\s*$", name, re.IGNORECASE))


def slug(text: str) -> str:
    """Lower-case ASCII with each run of non-alphanumerics as one '-'."""
    return _NON_ALNUM.sub("-", ascii_lower(text)).strip("-")


def digit_signature(canon: str) -> tuple[str, ...]:
    """All digit runs: 'precinct 1' never merges with 'precinct 2'."""
    return tuple(re.findall(r"\d+", canon))


def naming_tokens(canon: str) -> set[str]:
    """Distinctive words (4+ letters, not generic) that name this agency."""
    return {w for w in canon.split() if len(w) >= 4 and w not in GENERIC_WORDS}


@lru_cache(maxsize=65536)
def core_key(canon: str) -> str:
    """Aggressive key: the name without words that only say what kind of body it is."""
    return "".join(w for w in canon.split() if w not in _KIND_WORDS)


def tokens(canon: str) -> frozenset[str]:
    return frozenset(canon.split())
