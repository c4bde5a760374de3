"""Which published rows are the same agreement: the identity tiers.

Rows are keyed on (state, model, signing date, canonical agency name). Tiers then
merge keys that are one agreement printed differently, each gated so that two
real agencies never merge (their listing windows overlap, and neither spelling
is dominated):

* **wrong-state stretch** — the same name, model and date under two states that
  never appear on one list; the shorter run (≤ 10 lists or ≤ 25 % of the longer)
  moves to the longer run's state;
* **T2 typo** — optimal-string-alignment distance ≤ 2 (or 3 with both gates),
  same digits, and windows disjoint or one spelling dominated;
* **T3 modifier** — one name's words contain the other's ("City of", "Dept"),
  same digits, windows disjoint or dominated;
* **T3b rename** — one spelling's last list is immediately followed by the
  other's first, and both rows link the same MOA file, whose name carries a
  word of either spelling;
* **T3c relabel** — a never-linked agreement that left the list, and exactly one
  other of the same state, model and date that first appears on the very next
  list;
* **T4 signing-date corrections** — an agreement whose date ICE re-printed: it
  leaves the list and the same agency and model appear on the next list under
  another date, and either its MOA was still pending (and the new row is linked,
  within 180 days, or within 30 days otherwise), or both rows link the same MOA
  file (≤ 30 days, or exactly a year: a year typo), or its last MOA cell had no
  link (≤ 90 days).

Curated aliases (``same``/``distinct``) act first and veto tiers. Every merge is
a :class:`Decision`; near-misses are :class:`Candidate` rows for review.

The name tiers are in :mod:`g287.resolve.tiers`, the date and state repairs that run
before them in :mod:`g287.resolve.repairs`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from g287.resolve.fixes import Curated
from g287.resolve.model import Candidate, Decision, Listing, Obs
from g287.resolve.presence import Presence
from g287.resolve.repairs import attach_undated, impossible_dates, wrong_state_stretches, year_typos
from g287.resolve.tiers import UnionFind, _Tiers

FOLD_PENDING_POSTED_DAYS = 180


FOLD_PENDING_DAYS = 30


FOLD_SAME_FILE_DAYS = 30


FOLD_UNLINKED_DAYS = 90


RESOLUTION_ORDER = (
    "alias",
    "rename",
    "relabel",
    "modifier",
    "typo",
    "near_duplicate",
    "date_corrected",
    "exact",
)


@dataclass
class Identities:
    """The result: listings grouped into agreements, with every decision taken."""

    listings: list[Listing]
    groups: list[list[int]]  # listing indexes per agreement, each sorted by first listing
    rules: list[set[str]]  # tiers that shaped each group
    agency_of: dict[tuple[str, str], int]  # (state, canon) -> agency root
    decisions: list[Decision] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    unresolved: list[tuple[Obs, str]] = field(default_factory=list)


def make_listings(observations: Iterable[Obs]) -> list[Listing]:
    grouped: dict[tuple[str, str, date, str], list[Obs]] = defaultdict(list)
    for o in observations:
        if o.model is None or o.signed is None:
            continue
        grouped[(o.state, o.model, o.signed, o.canon)].append(o)
    listings = []
    for key in sorted(grouped):
        obs = sorted(grouped[key], key=lambda o: (o.presence.first, o.content_id))
        presence = Presence.union(o.presence for o in obs)
        spellings: dict[str, int] = defaultdict(int)
        for o in obs:
            spellings[o.name] += o.presence.count
        at_first = [o for o in obs if presence.first in o.presence]
        at_last = [o for o in obs if presence.last in o.presence]
        first_keys = sorted(o.moa_key for o in at_first if o.moa_key)
        last_keys = sorted(o.moa_key for o in at_last if o.moa_key)
        listings.append(
            Listing(
                key=key,
                obs=obs,
                presence=presence,
                spellings=dict(spellings),
                first_moa_key=first_keys[0] if first_keys else None,
                first_linked=any(o.linked for o in at_first),
                last_moa_key=last_keys[-1] if last_keys else None,
                last_linked=any(o.linked for o in at_last),
                ever_linked=any(o.linked for o in obs),
            )
        )
    return listings


def resolve_identities(
    observations: list[Obs],
    curated: Curated,
    newest: int,
    seq_dates: dict[int, date],
    aliased: set[tuple[str, str]] | None = None,
) -> Identities:
    """Group participating observations into agreements (see the module docstring).

    ``aliased`` holds the (state, canonical name) pairs produced by a curated
    identity alias, so agreements containing them are labelled ``alias``.
    """
    usable = []
    unresolved = []
    for o in observations:
        if o.signed is None:
            unresolved.append((o, "no usable signing date"))
        elif o.model is None:
            unresolved.append((o, "no known model (SUPPORT TYPE)"))
        elif not o.canon:
            unresolved.append((o, "no agency name"))
        else:
            usable.append(o)
    usable, impossible = impossible_dates(usable, seq_dates)
    redated, typo_decisions = year_typos(usable, seq_dates)
    moved, decisions = wrong_state_stretches(redated)
    decisions = impossible + typo_decisions + decisions
    listings = make_listings(moved)
    tiers = _Tiers(listings, curated, newest)
    tiers.decisions.extend(decisions)
    for i, listing in enumerate(listings):
        if aliased and (listing.state, listing.canon) in aliased:
            tiers.mark(i, "alias")
    tiers.name_tiers()
    tiers.relabels()
    agency_uf, agency_of = _agencies(listings, tiers, curated)
    _date_folds(listings, tiers, agency_of, agency_uf, newest, seq_dates)
    groups = []
    rules = []
    for root, members in tiers.uf.groups().items():
        members.sort(
            key=lambda m: (listings[m].presence.first, listings[m].signed, listings[m].canon)
        )
        groups.append(members)
        rules.append(tiers.component_rules(root))
    unresolved, attached = attach_undated(listings, groups, unresolved)
    tiers.decisions.extend(attached)
    order = sorted(range(len(groups)), key=lambda g: listings[groups[g][0]].key)
    final_agency = {k: agency_uf.find(v) for k, v in agency_of.items()}
    return Identities(
        listings,
        [groups[g] for g in order],
        [rules[g] for g in order],
        final_agency,
        tiers.decisions,
        tiers.candidates,
        unresolved,
    )


def _agencies(
    listings: list[Listing], tiers: _Tiers, curated: Curated
) -> tuple[UnionFind, dict[tuple[str, str], int]]:
    """Group spellings into agencies: every merged agreement joins its spellings."""
    nodes = sorted({(x.state, x.canon) for x in listings})
    index = {n: i for i, n in enumerate(nodes)}
    for a in curated.aliases:
        if a.relation == "same" and a.scope == "agency":
            for n in ((a.state, a.alias_key), (a.state, a.canonical_key)):
                if n not in index:
                    index[n] = len(nodes)
                    nodes.append(n)
    uf = UnionFind(len(nodes))
    for members in tiers.uf.groups().values():
        first = index[(listings[members[0]].state, listings[members[0]].canon)]
        for m in members[1:]:
            uf.union(first, index[(listings[m].state, listings[m].canon)])
    for a in curated.aliases:
        if a.relation == "same" and a.scope == "agency":
            uf.union(index[(a.state, a.alias_key)], index[(a.state, a.canonical_key)])
    return uf, index


def _date_folds(
    listings: list[Listing],
    tiers: _Tiers,
    agency_of: dict[tuple[str, str], int],
    agency_uf: UnionFind,
    newest: int,
    seq_dates: dict[int, date],
) -> None:
    """T4: fold an agreement into the same agency's next-list agreement under another date."""
    comps = []
    for root, members in tiers.uf.groups().items():
        lst = [listings[m] for m in members]
        presence = Presence.union(x.presence for x in lst)
        agency = agency_uf.find(agency_of[(lst[0].state, lst[0].canon)])
        comps.append((root, lst, presence, agency))
    by_agency: dict[tuple[int, str], list[tuple[int, list[Listing], Presence, int]]] = defaultdict(
        list
    )
    for c in comps:
        by_agency[(c[3], c[1][0].model)].append(c)
    for _key, group in sorted(by_agency.items()):
        if len(group) < 2:
            continue
        group.sort(key=lambda c: (c[2].first, c[1][0].signed))
        for root, lst, presence, _ in group:
            if presence.last >= newest:
                continue
            old_signed = max(lst, key=lambda x: x.presence.last).signed
            last_listing = max(lst, key=lambda x: x.presence.last)
            successors = [
                c
                for c in group
                if c[0] != root
                and c[2].first == presence.last + 1
                and all(x.signed != old_signed for x in c[1])
            ]
            straddle = [
                c
                for c in group
                if c[0] != root and c[2].first <= presence.last and c[2].last > presence.last
            ]
            if not successors or straddle:
                continue
            for other_root, other, other_presence, _ in sorted(
                successors, key=lambda c: c[2].first
            ):
                first_new = min(other, key=lambda x: (x.presence.first, x.signed))
                delta = abs((first_new.signed - old_signed).days)
                rule = _fold_rule(last_listing, lst, first_new, delta)
                if rule is None:
                    continue
                if not tiers.merge(
                    root,
                    other_root,
                    "date_corrected",
                    f"{rule}: SIGNED {old_signed} re-printed as {first_new.signed} "
                    f"({delta} days) on the next list",
                    {
                        "rule": rule,
                        "from": old_signed.isoformat(),
                        "to": first_new.signed.isoformat(),
                        "days": delta,
                        "list": seq_dates.get(other_presence.first, date.min).isoformat(),
                    },
                ):
                    continue
                break


def _fold_rule(old_last: Listing, old: list[Listing], new_first: Listing, delta: int) -> str | None:
    same_day = (old_last.signed.month, old_last.signed.day) == (
        new_first.signed.month,
        new_first.signed.day,
    )
    if delta in (365, 366) and same_day:
        return "year_typo"
    never_linked = not any(x.ever_linked for x in old)
    if never_linked and new_first.first_linked and delta <= FOLD_PENDING_POSTED_DAYS:
        return "link_pending_then_posted"
    if never_linked and not new_first.first_linked and delta <= FOLD_PENDING_DAYS:
        return "link_pending_redated"
    if (
        old_last.last_moa_key
        and old_last.last_moa_key == new_first.first_moa_key
        and (delta <= FOLD_SAME_FILE_DAYS or delta in (365, 366))
    ):
        return "same_moa_file"
    if not old_last.last_linked and delta <= FOLD_UNLINKED_DAYS:
        return "unlinked_redated"
    return None


def resolution_label(rules: set[str]) -> str:
    for label in RESOLUTION_ORDER:
        if label in rules:
            return label
    return "exact"
