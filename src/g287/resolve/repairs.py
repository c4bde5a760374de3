"""Repairs before the identity tiers: year typos in signing dates (a year one keystroke
off), impossible dates, undated rows attached to their neighbours, and wrong-state
stretches (the same agency printed under another state for a few lists)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from rapidfuzz.distance import OSA

from g287.read.cells import EARLIEST_SIGNED, SIGNED_SLACK
from g287.resolve.model import Decision, Listing, Obs
from g287.resolve.names import canonical, core_key
from g287.resolve.presence import Presence
from g287.resolve.tiers import TYPO_DISTANCE_STRICT

STRETCH_MAX_LISTS = 10


STRETCH_MAX_SHARE = 0.25


YEAR_TYPO_MIN_DAYS = 300


YEAR_TYPO_WINDOW_DAYS = 60


def year_typos(
    observations: list[Obs], seq_dates: dict[int, date]
) -> tuple[list[Obs], list[Decision]]:
    """Re-date a listing first printed more than 300 days before the list that first shows it,
    when the same month and day fall in the 60 days before that list (this year, or the one
    before): ICE typed the wrong year. Skipped for the first list held (its agreements may
    be old), and when a near-identical spelling showed that date earlier.
    """
    first: dict[tuple[str, str | None, date | None, str], int] = {}
    for o in observations:
        key = (o.state, o.model, o.signed, o.canon)
        first[key] = min(first.get(key, o.presence.first), o.presence.first)
    by_bucket: dict[tuple[str, str | None, date | None], list[tuple[str, int]]] = defaultdict(list)
    for (state, model, signed, canon), seq in first.items():
        by_bucket[(state, model, signed)].append((canon, seq))
    fixed: dict[tuple[str, str | None, date | None, str], date] = {}
    decisions = []
    for key, seq in sorted(first.items(), key=lambda kv: str(kv[0])):
        state, model, signed, canon = key
        if signed is None or seq <= 1 or seq not in seq_dates:
            continue
        listed = seq_dates[seq]
        if (listed - signed).days <= YEAR_TYPO_MIN_DAYS:
            continue
        earlier = [
            c
            for c, s in by_bucket[(state, model, signed)]
            if s < seq and c != canon and OSA.distance(c, canon) <= TYPO_DISTANCE_STRICT
        ]
        if earlier:
            continue
        for year in (listed.year, listed.year - 1):
            try:
                candidate = signed.replace(year=year)
            except ValueError:
                continue
            if 0 <= (listed - candidate).days <= YEAR_TYPO_WINDOW_DAYS:
                fixed[key] = candidate
                decisions.append(
                    Decision(
                        "year_typo",
                        f"{state} | {canon} | {model} | {signed}",
                        f"first listed {listed}, {(listed - signed).days} days after its printed "
                        f"date: read as {candidate}",
                        {
                            "printed": signed.isoformat(),
                            "read": candidate.isoformat(),
                            "first_listed": listed.isoformat(),
                        },
                    )
                )
                break
    out = [
        replace(o, signed=fixed[(o.state, o.model, o.signed, o.canon)])
        if (o.state, o.model, o.signed, o.canon) in fixed
        else o
        for o in observations
    ]
    return out, decisions


def _year_edits(year: int) -> set[int]:
    """Years one keystroke from ``year``: one digit changed, or two adjacent digits swapped."""
    text = f"{year:04d}"
    out = set()
    for i in range(len(text)):
        for d in "0123456789":
            out.add(text[:i] + d + text[i + 1 :])
        if i + 1 < len(text):
            out.add(text[:i] + text[i + 1] + text[i] + text[i + 2 :])
    return {int(t) for t in out if t[0] != "0"} - {year}


def impossible_dates(
    observations: list[Obs], seq_dates: dict[int, date]
) -> tuple[list[Obs], list[Decision]]:
    """Correct a signing date ICE could not have meant (before 287(g) existed, or after the
    list that first shows it) to the latest date one keystroke away in the year that falls
    on or before that list; with none, the row is carried with the date as printed. Either
    way it is a decision, and the row stays in the program."""
    first: dict[tuple[str, str | None, date, str], int] = {}
    for o in observations:
        if o.signed is None:
            continue
        key = (o.state, o.model, o.signed, o.canon)
        first[key] = min(first.get(key, o.presence.first), o.presence.first)
    fixed: dict[tuple[str, str | None, date, str], date] = {}
    decisions = []
    for key, seq in sorted(first.items(), key=lambda kv: str(kv[0])):
        state, model, signed, canon = key
        listed = seq_dates.get(seq)
        if listed is None or EARLIEST_SIGNED <= signed <= listed + SIGNED_SLACK:
            continue
        candidates = []
        for year in _year_edits(signed.year):
            try:
                candidate = signed.replace(year=year)
            except ValueError:
                continue
            if EARLIEST_SIGNED <= candidate <= listed:
                candidates.append(candidate)
        subject = f"{state} | {canon} | {model} | {signed}"
        if candidates:
            fixed[key] = max(candidates)
            decisions.append(
                Decision(
                    "impossible_date_corrected",
                    subject,
                    f"SIGNED {signed} cannot be (first listed {listed}): read as {fixed[key]}, "
                    "the latest date one keystroke away on or before that list",
                    {
                        "printed": signed.isoformat(),
                        "read": fixed[key].isoformat(),
                        "first_listed": listed.isoformat(),
                        "candidates": sorted(c.isoformat() for c in candidates),
                    },
                )
            )
        else:
            decisions.append(
                Decision(
                    "impossible_date_kept",
                    subject,
                    f"SIGNED {signed} cannot be (first listed {listed}) and no date one "
                    "keystroke away fits: kept as printed",
                    {"printed": signed.isoformat(), "first_listed": listed.isoformat()},
                )
            )
    out = [
        replace(o, signed=fixed[(o.state, o.model, o.signed, o.canon)])
        if o.signed is not None and (o.state, o.model, o.signed, o.canon) in fixed
        else o
        for o in observations
    ]
    return out, decisions


def attach_undated(
    ident_listings: list[Listing],
    groups: list[list[int]],
    unresolved: list[tuple[Obs, str]],
) -> tuple[list[tuple[Obs, str]], list[Decision]]:
    """Attach a row with no usable date to the one agreement of its agency and model listed
    around it (on the lists just before or after; never one printed on the same lists, as
    two rows printed side by side are two agreements)."""
    by_name: dict[tuple[str, str | None, str], list[int]] = defaultdict(list)
    group_of = {m: g for g, members in enumerate(groups) for m in members}
    group_presence: dict[int, Presence] = {}
    for i, listing in enumerate(ident_listings):
        by_name[(listing.state, listing.model, listing.canon)].append(i)
    still: list[tuple[Obs, str]] = []
    decisions = []
    if not unresolved:
        return [], []
    for o, reason in unresolved:
        candidates = by_name.get((o.state, o.model, o.canon), [])
        near = set()
        for i in candidates:
            gi = group_of[i]
            if gi not in group_presence:
                group_presence[gi] = Presence.union(ident_listings[m].presence for m in groups[gi])
            presence = group_presence[gi]
            adjacent = (
                presence.first - 1 <= o.presence.last and o.presence.first <= presence.last + 1
            )
            if adjacent and not presence.overlaps(o.presence):
                near.add(group_of[i])
        if o.signed is not None or len(near) != 1:
            still.append((o, reason))
            continue
        (chosen,) = near
        target = ident_listings[max(groups[chosen], key=lambda m: ident_listings[m].presence.last)]
        target.obs.append(o)
        target.presence = Presence.union([target.presence, o.presence])
        decisions.append(
            Decision(
                "undated_row_attached",
                f"{o.state} | {o.canon} | {o.model} | (no date)",
                f"a row with no usable date joins the only {o.model} agreement of this agency "
                "listed around it",
                {"content_id": o.content_id, "signed": target.signed.isoformat()},
            )
        )
    return still, decisions


def wrong_state_stretches(observations: list[Obs]) -> tuple[list[Obs], list[Decision]]:
    """Move short runs listed under a wrong state to the state of the long run."""
    groups: dict[tuple[str, str | None, date | None], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for i, o in enumerate(observations):
        if o.signed is None or o.model is None:
            continue
        groups[(core_key(o.canon), o.model, o.signed)][o.state].append(i)
    decisions = []
    out = list(observations)
    for (key, model, signed), by_state in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len(by_state) != 2 or not key:
            continue
        (s1, idx1), (s2, idx2) = sorted(by_state.items())
        p1 = Presence.union(observations[i].presence for i in idx1)
        p2 = Presence.union(observations[i].presence for i in idx2)
        if p1.overlaps(p2):
            continue
        (short_state, short_idx, short_p), (long_state, _, long_p) = sorted(
            [(s1, idx1, p1), (s2, idx2, p2)], key=lambda t: (t[2].count, t[0])
        )
        if short_p.count == long_p.count:
            continue
        if not (
            short_p.count <= STRETCH_MAX_LISTS or short_p.count <= STRETCH_MAX_SHARE * long_p.count
        ):
            continue
        for i in short_idx:
            o = out[i]
            out[i] = replace(o, state=long_state, canon=canonical(o.name, long_state))
        names = sorted({observations[i].name for i in short_idx})
        decisions.append(
            Decision(
                "wrong_state_stretch",
                f"{names[0]} | {model} | {signed}",
                f"listed under {short_state} on {short_p.count} list(s), "
                f"under {long_state} on {long_p.count}: moved to {long_state}",
                {"from": short_state, "to": long_state, "lists": short_p.count},
            )
        )
    return out, decisions
