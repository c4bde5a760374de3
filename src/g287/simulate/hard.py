"""The hard cases, staged as named scenarios (``SimulationConfig(hard=True)``).

Each scenario of :data:`~g287.simulate.config.HARD_SCENARIOS` happens once, at a step
fixed by :func:`plan` (spread over the history, never the first or the last list), and
tags the agreements it involves (``World.tag``), so the truth can say which scenario
every true agreement belongs to and the score can report each one:

* ``colisted_state_division`` — a state department and its division (the division's
  name contains the department's), same model and signing date, side by side;
* ``colisted_sheriff_jail`` — a sheriff's office and its jail ("... Sheriff's Office
  Jail"), both Jail Enforcement, same date, side by side;
* ``chained_rename`` — two state agencies renamed twice each (A -> B -> C), one with a
  linked MOA, one never linked; the first starts under a name that contains the
  department's of the first scenario;
* ``uncorrected_impossible_year`` — SIGNED printed 2205 for 2025, never corrected;
* ``exact_duplicate_rows`` / ``near_duplicate_rows`` — one agreement printed twice (the
  same row, or two spellings) on a stretch of lists, one of them from its first list;
* ``unreadable_state`` — STATE ``#N/A`` for a few lists, once on a listed agreement and
  once on a new agreement's first lists;
* ``wrong_state_stretch`` — a row printed under another state for a stretch of 3 to 6
  steps (one of them from its first listing);
* ``truncated_list`` — one participating list with only 3 to 5 of its rows (built in
  :meth:`g287.simulate.history.Simulator.build`): the truth marks it suspect, with the
  previous list's true count.

Everything random comes from the world's generator, so one seed gives one history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from g287.model.states import STATES
from g287.simulate import links, names
from g287.simulate._counties import COUNTIES
from g287.simulate.config import HARD_SCENARIOS
from g287.simulate.model import NA, Agency, Agreement, Episode, replace_year

if TYPE_CHECKING:
    from g287.simulate.world import World

DIVISIONS = (
    ("{S} Department of Law Enforcement", "{S} Department of Law Enforcement Office of Statewide Intelligence"),  # noqa: E501
    ("{S} Department of Corrections", "{S} Department of Corrections Office of Inspector General"),
    ("{S} Highway Patrol", "{S} Highway Patrol Criminal Interdiction Unit"),
    ("{S} Department of Public Safety", "{S} Department of Public Safety, Division of Capitol Police"),  # noqa: E501
)  # fmt: skip
STATE_CHOICES = ("FL", "TX", "GA", "TN", "LA", "OK")


def plan(w: World) -> dict[str, int]:
    """The step at which each scenario is staged: spread from 10 % to 50 % of the steps, so
    every stretch ends (and the history goes on) before the newest list."""
    n = w.expected_steps
    k = len(HARD_SCENARIOS)
    return {
        name: max(1, round(n * (0.1 + 0.4 * i / max(1, k - 1))))
        for i, name in enumerate(HARD_SCENARIOS)
    }


def stage(w: World, t: int) -> None:
    """Stage every scenario that is due at step ``t`` (or was due on a quiet step)."""
    for name, at in w.hard_at.items():
        if name in w.hard_done or t < at or name not in STAGES:
            continue
        w.hard_done.add(name)
        STAGES[name](w, t)


# -- helpers ---------------------------------------------------------------------------


def _free(w: World, state: str, *candidates: str) -> bool:
    taken = w.taken.setdefault(state, set())
    return not any(c.upper() in taken for c in candidates)


def _agency(w: World, state: str, kind: str, county: str | None, name: str) -> Agency:
    """An agency printed plainly (no quirks), its name taken in its state."""
    w.taken.setdefault(state, set()).add(name.upper())
    agency = Agency(
        id=f"agy-{len(w.agencies) + 1:05d}",
        state=state,
        type=kind,
        county=county,
        name=name,
        final_name=name,
        rename_kind=None,
        state_text=STATES[state][0],
        type_text=kind,
        county_cell=county if county else NA,
    )
    agency.names_seen.append(name)
    w.agencies.append(agency)
    return agency


def _list(w: World, t: int, a: Agreement, scenario: str) -> None:
    """List ``a`` at step ``t`` (with no first-listing typo) and tag it."""
    a.listed = True
    a.listed_since = t
    w.listed[a.id] = a
    w.log("listed", a, f"{a.model} signed {a.signed}")
    w.tag(a, scenario)


def _new(
    w: World, t: int, agency: Agency, model: str, signed: date, scenario: str, *, link: bool
) -> Agreement:
    a = w.new_agreement(t, agency=agency, model=model)
    if link:
        a.url = links.moa_url(w.rng, a, legacy=False, safelink=False, signed=signed)
    w.sign(t, a, signed, quirks=False)
    _list(w, t, a, scenario)
    w.log("hard_case", a, scenario)
    return a


def _recent(w: World) -> date:
    return w.today() - timedelta(days=w.rng.randint(1, 20))


def _episode(w: World, t: int, a: Agreement, scenario: str, episode: Episode) -> None:
    a.episodes.append(episode)
    w.tag(a, scenario)
    w.log("hard_case", a, f"{scenario}: {episode.kind} {episode.value!r} until {episode.end}")


def _pick(w: World, t: int) -> Agreement | None:
    """A listed agreement in no scenario yet (no other quirk either), so each hard case is
    scored on its own; hard-case agreements get no ordinary quirk later (``pick_listed``)."""
    return w.pick_listed(t, set(w.scenarios))


def _other_state(w: World, state: str) -> str:
    other = names.choose_state(w.rng)
    while other == state:
        other = names.choose_state(w.rng)
    return other


# -- the scenarios -----------------------------------------------------------------------


def colisted_state_division(w: World, t: int) -> None:
    rng = w.rng
    state = rng.choice(STATE_CHOICES)
    title = names.state_title(state)
    for parent_form, division_form in rng.sample(DIVISIONS, len(DIVISIONS)):
        parent, division = parent_form.format(S=title), division_form.format(S=title)
        if _free(w, state, parent, division):
            break
    else:  # every pair is taken in this state: number the division
        parent = f"{title} Department of State Security {t}"
        division = f"{parent} Division of Investigations"
    signed, link = _recent(w), rng.random() < 0.5
    for name in (parent, division):
        agency = _agency(w, state, "State Agency", None, name)
        _new(w, t, agency, "TFM", signed, "colisted_state_division", link=link)
    w.hard_parent = (state, parent)


def colisted_sheriff_jail(w: World, t: int) -> None:
    rng = w.rng
    state = rng.choice(STATE_CHOICES)
    counties = list(COUNTIES[state])
    rng.shuffle(counties)
    for base in counties:
        county = names.county_label(state, base)
        sheriff, jail = f"{county} Sheriff's Office", f"{county} Sheriff's Office Jail"
        if _free(w, state, sheriff, jail, f"SHERIFF OF {county}"):
            break
    w.taken[state].add(f"SHERIFF OF {county}".upper())
    signed, link = _recent(w), rng.random() < 0.5
    for name in (sheriff, jail):
        agency = _agency(w, state, "County", county, name)
        _new(w, t, agency, "JEM", signed, "colisted_sheriff_jail", link=link)


def chained_rename(w: World, t: int) -> None:
    rng = w.rng
    state, parent = w.hard_parent or ("FL", "Florida Department of Public Safety")
    title = names.state_title(state)
    chains: tuple[tuple[str, ...], ...] = (
        (f"{parent} Capitol Police", f"{title} Capitol Police", f"{title} Capitol Police Department"),  # noqa: E501
        (
            f"{title} Division of Investigative and Forensic Services",
            f"{title} Department of Financial Services Division of Investigative and Forensic Services",  # noqa: E501
            f"{title} Office of Investigative and Forensic Services",
        ),
    )  # fmt: skip
    for i, names_ in enumerate(chains):
        chain = names_ if _free(w, state, *names_) else tuple(f"{n} {t}" for n in names_)
        agency = _agency(w, state, "State Agency", None, chain[0])
        agency.final_name = chain[-1]
        w.taken[state].update(n.upper() for n in chain)
        a = _new(w, t, agency, "TFM", _recent(w), "chained_rename", link=i == 0)
        first = t + rng.randint(2, 5)
        second = first + rng.randint(2, 5)
        for when, new_name in ((first, chain[1]), (second, chain[2])):
            w.scheduled.setdefault(when, []).append(_renamer(w, agency, a, new_name))


def _renamer(w: World, agency: Agency, a: Agreement, new_name: str) -> Callable[[int], None]:
    def rename(now: int) -> None:
        w.log("renamed", agency=agency, detail=f"{agency.name!r} -> {new_name!r}")
        agency.name = new_name
        agency.names_seen.append(new_name)
        agency.touch()
        w.tag(a, "chained_rename")

    return rename


def uncorrected_impossible_year(w: World, t: int) -> None:
    for link in (True, False):
        signed = _recent(w)
        a = _new(w, t, w.new_agency(), "TFM", signed, "uncorrected_impossible_year", link=link)
        year = str(signed.year)  # 2025 -> 2205: two digits swapped, never corrected
        typo = int(year[0] + year[2] + year[1] + year[3])
        a.set_printed_signed(replace_year(signed, typo))
        w.log("printed_signed", a, f"true {signed}, printed {a.printed_variants[-1]} (kept)")


def exact_duplicate_rows(w: World, t: int) -> None:
    rng = w.rng
    old = _pick(w, t)
    if old is not None:
        _episode(w, t, old, "exact_duplicate_rows", Episode(t, t + rng.randint(3, 8), "duplicate"))
    new = _new(w, t, w.new_agency(), "WSO", _recent(w), "exact_duplicate_rows", link=False)
    _episode(w, t, new, "exact_duplicate_rows", Episode(t, t + rng.randint(2, 6), "duplicate"))


def near_duplicate_rows(w: World, t: int) -> None:
    old = _pick(w, t)
    if old is not None:
        value = names.near_duplicate_name(old.agency.name)
        end = t + w.rng.randint(3, 10)
        _episode(w, t, old, "near_duplicate_rows", Episode(t, end, "near_duplicate", value))


def unreadable_state(w: World, t: int) -> None:
    rng = w.rng
    old = _pick(w, t)
    if old is not None:
        _episode(w, t, old, "unreadable_state", Episode(t, t + rng.randint(1, 4), "state", NA))
    new = _new(w, t, w.new_agency(), "TFM", _recent(w), "unreadable_state", link=False)
    _episode(w, t, new, "unreadable_state", Episode(t, t + rng.randint(2, 3), "state", NA))


def wrong_state_stretch(w: World, t: int) -> None:
    rng = w.rng
    old = _pick(w, t)
    if old is not None:
        other = STATES[_other_state(w, old.agency.state)][0]
        episode = Episode(t, t + rng.randint(3, 6), "state", other)
        _episode(w, t, old, "wrong_state_stretch", episode)
    new = _new(w, t, w.new_agency(), "WSO", _recent(w), "wrong_state_stretch", link=False)
    other = STATES[_other_state(w, new.agency.state)][0]
    _episode(w, t, new, "wrong_state_stretch", Episode(t, t + rng.randint(3, 6), "state", other))


STAGES: dict[str, Callable[[World, int], None]] = {
    "colisted_state_division": colisted_state_division,
    "colisted_sheriff_jail": colisted_sheriff_jail,
    "chained_rename": chained_rename,
    "uncorrected_impossible_year": uncorrected_impossible_year,
    "exact_duplicate_rows": exact_duplicate_rows,
    "near_duplicate_rows": near_duplicate_rows,
    "unreadable_state": unreadable_state,
    "wrong_state_stretch": wrong_state_stretch,
}  # truncated_list is staged when the list is built
