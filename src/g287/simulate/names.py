"""Plausible agency names, MOA file names and the misspellings ICE makes.

Counties are real (``_counties.py``); towns are made up from county names of the
same state ("Marionville", "Port Jackson"), so no licensed place list is needed.
Every function takes the caller's ``random.Random`` so a run stays reproducible.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from g287.model.states import STATES
from g287.simulate._counties import COUNTIES

# Rough share of 287(g) agreements by state in 2025 (Florida and Texas dominate).
STATE_WEIGHTS: dict[str, float] = {
    "FL": 30, "TX": 14, "GA": 4, "NC": 4, "TN": 4, "PA": 4, "AL": 3, "SC": 3, "VA": 3,
    "LA": 3, "OK": 2, "MO": 2, "AR": 2, "KS": 2, "MS": 2, "IN": 2, "OH": 2, "KY": 2,
    "WV": 1.5, "UT": 1, "ID": 1, "MT": 1, "WY": 1, "NE": 1, "SD": 1, "ND": 1, "IA": 1,
    "AZ": 1, "NH": 1, "WI": 1, "MI": 1, "MD": 1, "NV": 0.5, "MA": 0.5, "ME": 0.5,
    "MN": 0.5, "NJ": 0.5, "NM": 0.5, "DE": 0.3, "CO": 0.3,
}  # fmt: skip

COASTAL = {"FL", "TX", "LA", "MS", "AL", "GA", "SC", "NC", "VA", "MD", "DE", "NJ", "ME", "NH"}

TOWN_FORMS = (
    ("{r}", 6),
    ("{r}ville", 2),
    ("{r} Springs", 1),
    ("Port {r}", 1),
    ("Lake {r}", 1),
    ("North {r}", 1),
    ("West {r}", 1),
    ("{r} Heights", 1),
    ("Fort {r}", 0.5),
    ("Mount {r}", 0.5),
    ("{r} City", 1),
    ("{r} Park", 0.5),
)

STATE_AGENCIES = (
    "{S} Highway Patrol",
    "{S} State Police",
    "{S} Department of Corrections",
    "{S} Department of Public Safety",
    "{S} Fish and Wildlife Conservation Commission",
    "{S} National Guard",
    "{S} Department of Agriculture",
    "{S} Department of Law Enforcement",
    "{S} Bureau of Investigation",
    "{S} Alcoholic Beverage Control",
    "{S} Attorney General's Office",
    "{S} Department of Wildlife Resources",
)


@dataclass
class AgencySpec:
    """A new agency: its true (final-form) name and, if it will be renamed, its first name."""

    name: str
    type: str  # County | Municipality | State Agency
    county: str | None  # the true county ("Marion County"), None for statewide agencies
    first_name: str | None = None  # printed before a rename, when one is planned
    rename_kind: str | None = None


def state_title(code: str) -> str:
    words = STATES[code][0].title().split()
    return " ".join(w.lower() if w in {"Of", "The"} else w for w in words)


def county_label(state: str, base: str) -> str:
    return f"{base} Parish" if state == "LA" else f"{base} County"


def choose_state(rng: random.Random) -> str:
    states = list(STATE_WEIGHTS)
    return rng.choices(states, weights=[STATE_WEIGHTS[s] for s in states])[0]


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def town_name(rng: random.Random, state: str) -> tuple[str, str]:
    """A made-up town of ``state`` and the county it lies in."""
    root = rng.choice(COUNTIES[state])
    form = _weighted(rng, TOWN_FORMS)
    if state in COASTAL and rng.random() < 0.12:
        form = "{r} Beach"
    town = form.format(r=root)
    if form == "{r}ville":
        town = root.replace(" ", "").replace(".", "") + "ville"
    county_base = root if rng.random() < 0.6 else rng.choice(COUNTIES[state])
    return town, county_label(state, county_base)


def new_agency(rng: random.Random, state: str, taken: set[str], rename_rate: float) -> AgencySpec:
    """Draw an agency of ``state`` whose names are not in ``taken`` (upper-case), and take them."""
    for _ in range(200):
        renamed = rng.random() < rename_rate
        spec = _draw(rng, state, renamed)
        if renamed and spec.first_name is None:
            spec.first_name, spec.rename_kind = typo(rng, spec.name), "typo_fix"
        names = {spec.name.upper()} | ({spec.first_name.upper()} if spec.first_name else set())
        if "Sheriff" in spec.name and spec.county:  # one sheriff per county
            names.add(f"SHERIFF OF {spec.county.upper()}")
        if not names & taken:
            taken.update(names)
            return spec
    # fall back to a numbered precinct: always new
    n = 1 + sum(1 for t in taken if "CONSTABLE PRECINCT" in t)
    county = county_label(state, COUNTIES[state][n % len(COUNTIES[state])])
    name = f"{county} Constable Precinct {n}"
    taken.add(name.upper())
    return AgencySpec(name, "County", county)


def _draw(rng: random.Random, state: str, renamed: bool) -> AgencySpec:
    roll = rng.random()
    if roll < 0.62:  # sheriff's offices
        county = county_label(state, rng.choice(COUNTIES[state]))
        name = f"{county} Sheriff's Office"
        if rng.random() < 0.03:
            name = f"{county} Sheriff's Department"
        if renamed:
            return AgencySpec(name, "County", county, f"{county} SO", "abbreviation")
        return AgencySpec(name, "County", county)
    if roll < 0.66:  # county corrections, jails, constables
        county = county_label(state, rng.choice(COUNTIES[state]))
        if state in {"TX", "PA"} and rng.random() < 0.6:
            if state == "TX":
                name = f"{county} Constable Precinct {rng.randint(1, 8)}"
            else:
                town, _ = town_name(rng, state)
                name = f"{town} Township Constable's Office"
            return AgencySpec(name, "County" if state == "TX" else "Municipality", county)
        name = f"{county} {rng.choice(('Department of Corrections', 'Jail', 'Detention Center'))}"
        return AgencySpec(name, "County", county)
    if roll < 0.92:  # municipal police
        town, county = town_name(rng, state)
        kind = rng.random()
        if kind < 0.06:
            name = f"{town} Marshal's Office"
        elif kind < 0.1 and state in COASTAL:
            name = f"{town} Police Department"
            if renamed:
                return AgencySpec(name, "Municipality", county, f"{town} Beach Patrol", "patrol")
        else:
            name = f"{town} Police Department"
        if renamed:
            prefix = rng.choice(("City of", "City of", "Town of", "Village of"))
            first = f"{prefix} {name}" if rng.random() < 0.7 else f"{town} Police Dept."
            kind_name = "drop_prefix" if first.startswith(prefix) else "abbreviation"
            return AgencySpec(name, "Municipality", county, first, kind_name)
        return AgencySpec(name, "Municipality", county)
    if roll < 0.95:  # colleges, airports, ports
        town, county = town_name(rng, state)
        form = rng.choice(
            (
                "University of {t} Police Department",
                "{t} State College Police Department",
                "{t} Airport Authority Police Department",
                "Port of {t} Police Department",
            )
        )
        name = form.format(t=town)
        if renamed and form.startswith("University"):
            first = f"University of {town} Board of Trustees"
            return AgencySpec(name, "State Agency", county, first, "entity")
        return AgencySpec(name, "Municipality" if "Port" in form else "State Agency", county)
    title = state_title(state)
    name = rng.choice(STATE_AGENCIES).format(S=title)
    if renamed and rng.random() < 0.5:
        return AgencySpec(
            f"{title} Capitol Police Department", "State Agency", None, f"{title} Capitol Patrol",
            "patrol",
        )  # fmt: skip
    return AgencySpec(name, "State Agency", None)


# --- variants ICE prints ---------------------------------------------------


def typo(rng: random.Random, text: str) -> str:
    """One plausible slip of the keyboard in a name (never in its digits)."""
    words = [i for i, w in enumerate(text.split(" ")) if len(w) >= 5 and w.isalpha()]
    if not words:
        return text + "s"
    parts = text.split(" ")
    i = rng.choice(words)
    w = parts[i]
    how = rng.randrange(4)
    j = rng.randrange(1, len(w) - 2)
    if how == 0:  # a letter dropped (Departent)
        w = w[:j] + w[j + 1 :]
    elif how == 1:  # two letters swapped (Constbales)
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif how == 2:  # a vowel changed (Berrian)
        vowels = [k for k, c in enumerate(w) if c in "aeiou" and k > 0]
        if vowels:
            k = rng.choice(vowels)
            w = w[:k] + rng.choice([v for v in "aeiou" if v != w[k]]) + w[k + 1 :]
        else:
            w = w[:j] + w[j] + w[j:]
    else:  # the last letter cut off (Offic)
        w = w[:-1]
    parts[i] = w
    return " ".join(parts)


def state_typo(rng: random.Random, state_text: str) -> str:
    """UTAHJ, AlABAMA: an extra key or a case slip in the STATE cell."""
    if rng.random() < 0.6:
        return state_text + rng.choice("JKLHS")
    k = rng.randrange(1, len(state_text))
    return state_text[:k] + state_text[k].lower() + state_text[k + 1 :]


def near_duplicate_name(name: str) -> str:
    """A second spelling of the same agency, as ICE sometimes lists twice."""
    if name.endswith("Police Department") and not name.startswith(("City of", "Town of")):
        return f"City of {name}"
    if " County " in name:
        return name.replace(" County ", " Co. ", 1)
    if "Department" in name:
        return name.replace("Department", "Dept.", 1)
    if "'" in name:  # Marshal's Office -> Marshals Office
        return name.replace("'", "", 1)
    return name.upper()


def pending_variant(rng: random.Random, name: str, state: str) -> str:
    """How a pending list may spell an agency before it signs (Arkansas State Police)."""
    roll = rng.random()
    if roll < 0.3 and name.endswith(" Department"):
        return name[: -len(" Department")]
    if roll < 0.55:
        return f"{name}, {state}"
    if roll < 0.75 and "Sheriff's" in name:
        return name.replace("Sheriff's", "Sheriff’s")
    if roll < 0.9 and name.endswith("Office"):
        return name.replace("'s Office", "s Office")
    return typo(rng, name)


_CAMEL_SUBS = (
    (re.compile(r"\bCounty\b"), "Co"),
    (re.compile(r"\bParish\b"), "Par"),
    (re.compile(r"\bDepartment\b"), "Dept"),
    (re.compile(r"\bSaint\b"), "St"),
)


def camel(name: str) -> str:
    """'Orange County Sheriff's Office' -> 'OrangeCoSheriffsOffice' (ICE's MOA file names)."""
    text = name.replace("'", "").replace("’", "").replace(".", "")
    for pattern, repl in _CAMEL_SUBS:
        text = pattern.sub(repl, text)
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words if w)
