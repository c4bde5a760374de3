"""The knobs of a simulation: sizes, rates, and the quirk classes it guarantees."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SimulationConfig:
    """Sizes and rates of a simulation. Rates marked *per step* apply to each listed
    agreement at each step; *per new* to each agreement when it is signed."""

    publications: int = 60  # participating workbooks written (captured)
    agreements: int = 400  # approximate size of the final participating list
    pending: bool = True  # simulate pending lists too
    start: date = date(2025, 5, 16)
    # population
    initial_fraction: float = 0.65  # share of the final list already on the first list
    legacy_fraction: float = 0.25  # initial agreements signed years before the start
    pending_fraction: float = 0.1  # initial pending list, relative to ``agreements``
    pending_share: float = 0.45  # new agreements that are pending first
    pending_withdraw: float = 0.12  # pending entries that never sign
    pending_name_change: float = 0.3  # new agencies spelt differently while pending
    existing_agency: float = 0.3  # new agreements of an agency already listed (new model)
    # lifecycle, per step
    renewal: float = 0.0006
    # A renewal re-signs an agreement in force at least this long (days). A "renewal" days
    # after the first signing, its MOA still pending, reads exactly like ICE correcting the
    # printed date, which the resolver folds by design (T4), so no resolver could tell.
    renewal_after: int = 365
    model_switch: float = 0.0002
    removal: float = 0.0004
    rename: float = 0.08  # share of new agencies first printed under an older name ...
    rename_hazard: float = 0.03  # ... and the chance per step that ICE renames them
    link_fill: float = 0.02  # a pending MOA link is filled in
    link_batch: float = 0.08  # chance a step fills many links at once
    safelink: float = 0.4  # share of links filled after the safelink era begins
    county_fill: float = 0.003  # a #N/A COUNTY gets its county
    # printed-date mistakes, per new agreement
    redate: float = 0.08  # SIGNED off by a few days, corrected later (often with the link)
    year_typo: float = 0.01  # SIGNED a year early, corrected later
    impossible_year: float = 0.003  # SIGNED in year 5025, corrected later
    malformed_signed: float = 0.006  # SIGNED typed as text without a separator (05/082025)
    text_signed: float = 0.004  # SIGNED typed as text (5/8/2025)
    first_typo: float = 0.01  # first listed with a typo in the name, fixed later
    # display episodes
    name_typo: float = 0.0002  # per step: a typo introduced, then reverted
    state_typo: float = 0.04  # per list: one row's STATE mistyped (UTAHJ)
    wrong_state: float = 0.04  # per list: one row under another state
    duplicate: float = 0.02  # per list: one row listed twice
    near_duplicate: float = 0.03  # per list: one agreement listed twice under two names
    # publications
    skip: float = 0.08  # a step the scraper missed
    missing_list: float = 0.05  # one of the two lists not captured at a step
    same_name: float = 0.02  # a second, different file under the previous name
    same_bytes: float = 0.025  # the previous file's bytes again under a new name
    filtered: float = 0.03  # saved with a filter hiding all but Task Force Model rows
    appended_order: float = 0.15  # new rows appended at the bottom, not sorted in
    ensure_each: bool = True  # force at least one occurrence of every quirk class
    hard: bool = False  # also stage every hard case of HARD_SCENARIOS (see simulate.hard)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


# Classes whose occurrence ``ensure_each`` guarantees.
FORCED = (
    "renewal",
    "model_switch",
    "removal",
    "rename",
    "redate",
    "year_typo",
    "impossible_year",
    "malformed_signed",
    "text_signed",
    "first_typo",
    "name_typo",
    "state_typo",
    "wrong_state",
    "duplicate",
    "near_duplicate",
    "skip",
    "same_name",
    "same_bytes_pending",
    "same_bytes_participating",
    "filtered",
    "withdraw",
    "pending_name_change",
    "county_fill",
    "type_fix",
)


# The hard cases ``hard=True`` stages, each at least once, as named scenarios. The truth
# records the scenario(s) of every agreement (``agreements.csv``: ``scenario``), and the
# score reports exactness per scenario. Agreements caught in an ordinary quirk (a renewal,
# a typo episode ...) carry that quirk's name as their scenario too.
HARD_SCENARIOS = (
    "colisted_state_division",  # a state department and its division, side by side
    "colisted_sheriff_jail",  # a sheriff's office and its jail, side by side
    "chained_rename",  # a state agency renamed twice (A -> B -> C)
    "uncorrected_impossible_year",  # SIGNED 2205 for 2025, never corrected
    "exact_duplicate_rows",  # one row printed twice on several lists
    "near_duplicate_rows",  # one agreement printed under two spellings on several lists
    "unreadable_state",  # STATE #N/A on some lists (or from the first listing)
    "wrong_state_stretch",  # a row under another state for a stretch of lists
    "truncated_list",  # a list with only a few rows: held as suspect
)
