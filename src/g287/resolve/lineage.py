"""From identity groups to agreements and agencies with ids, lineage and status.

* **Ids** are minted from content and never move with ICE's later edits: an
  agency is ``<ST>-<slug>`` of its curated canonical name, else of its earliest
  listed spelling; an agreement is ``<agency id>#<MODEL>#<date>`` with the date it
  was first listed under. Its ``signed`` is the latest (corrected) printed date.
* **Successor** A → B: same agency, A off the newest list, B of the same model
  or the same signing date, first listed on the list right after A's last or
  within 60 days of it, with no third agreement of that agency and model listed
  across the handover. A takes its earliest such B (same model first); B keeps
  the predecessor last seen latest.
* **Status**: ``active`` on the newest participating list; ``superseded`` with a
  successor; else ``removed``, flagged ``possible_resigning`` (an active agreement
  of the same agency and model signed within 365 days after it left) or
  ``model_switch`` (another model's agreement first listed within 60 days).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from g287.resolve.fixes import Curated
from g287.resolve.identity import Identities, resolution_label
from g287.resolve.model import Agency, Agreement, Decision, Listing, snapshot
from g287.resolve.names import slug
from g287.resolve.presence import Presence

LINEAGE_MAX_DAYS = 60
RESIGNING_DAYS = 365


@dataclass
class History:
    agreements: list[Agreement]
    agencies: dict[str, Agency]
    agency_by_name: dict[tuple[str, str], str]  # (state, canonical) -> agency id
    decisions: list[Decision] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Agreement]:
        cached: dict[str, Agreement] | None = getattr(self, "_by_id", None)
        if cached is None or len(cached) != len(self.agreements):
            cached = {a.id: a for a in self.agreements}
            self._by_id = cached
        return cached


def build_history(
    ident: Identities, curated: Curated, newest: int, seq_dates: dict[int, date]
) -> History:
    listings = ident.listings
    # -- agencies -------------------------------------------------------------
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for name, root in ident.agency_of.items():
        members[root].append(name)
    targets = {
        (a.state, a.alias_key): a.canonical_key for a in curated.aliases if a.relation == "same"
    }
    first_seen: dict[tuple[str, str], tuple[int, int]] = {}
    for listing in listings:
        k = (listing.state, listing.canon)
        seen = (listing.presence.first, -listing.presence.count)
        if k not in first_seen or seen < first_seen[k]:
            first_seen[k] = seen
    agencies: dict[str, Agency] = {}
    agency_by_name: dict[tuple[str, str], str] = {}
    for _root, names in sorted(members.items(), key=lambda kv: sorted(kv[1])):
        state = names[0][0]
        curated_names = sorted(targets[n] for n in names if n in targets)
        listed = [n for n in names if n in first_seen]
        if curated_names:
            basis = curated_names[0]
        elif listed:
            basis = min(listed, key=lambda n: (first_seen[n], n[1]))[1]
        else:
            basis = sorted(names)[0][1]
        agency_id = _unique(f"{state}-{slug(basis)}", agencies)
        agencies[agency_id] = Agency(agency_id, state, basis, basis, {n[1] for n in names})
        for n in names:
            agency_by_name[n] = agency_id
    # -- agreements -------------------------------------------------------------
    agreements: list[Agreement] = []
    ids: dict[str, Agreement] = {}
    for members_idx, rules in zip(ident.groups, ident.rules, strict=True):
        group = [listings[i] for i in members_idx]
        first = group[0]
        presence = Presence.union(x.presence for x in group)
        latest = max(group, key=lambda x: (x.presence.last, x.presence.first))
        agency_id = agency_by_name[(first.state, first.canon)]
        agreement_id = _unique(f"{agency_id}#{first.model}#{first.signed.isoformat()}", ids)
        agreement = Agreement(
            id=agreement_id,
            agency_id=agency_id,
            state=first.state,
            model=first.model,
            signed=_corrected_signed(group, latest.signed),
            first_signed=first.signed,
            name=_latest_name(group, presence.last),
            listings=group,
            presence=presence,
            resolution=resolution_label(rules),
        )
        ids[agreement_id] = agreement
        agreements.append(agreement)
        agencies[agency_id].agreement_ids.append(agreement_id)
    for agency in agencies.values():
        mine = [ids[a] for a in agency.agreement_ids]
        if mine:
            agency.name = max(mine, key=lambda a: (a.presence.last, a.presence.count)).name
    _lineage(agreements, agencies, ids, newest, seq_dates)
    return History(agreements, agencies, agency_by_name)


def _corrected_signed(group: list[Listing], latest: date) -> date:
    """The latest printed date, unless the same day a year later was also printed for this
    agreement: then ICE typed the year one too early at some point, and the later year wins."""
    for listing in group:
        d = listing.signed
        if (d.month, d.day) == (latest.month, latest.day) and d.year == latest.year + 1:
            return d
    return latest


def _unique(base: str, taken: Mapping[str, object]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}~{n}" in taken:
        n += 1
    return f"{base}~{n}"


def _latest_name(group: list[Listing], last: int) -> str:
    best = snapshot([o for x in group for o in x.obs], last)
    return best.name if best else group[-1].canon


def _day(seq_dates: dict[int, date], seq: int) -> date:
    return seq_dates.get(seq, date.max)


def _lineage(
    agreements: list[Agreement],
    agencies: dict[str, Agency],
    ids: dict[str, Agreement],
    newest: int,
    seq_dates: dict[int, date],
) -> None:
    successor: dict[str, Agreement] = {}
    for agency in agencies.values():
        mine = [ids[a] for a in agency.agreement_ids]
        for a in mine:
            if a.presence.last >= newest:
                continue
            gone = _day(seq_dates, a.presence.last)
            options = []
            for b in mine:
                if b is a or b.presence.first <= a.presence.last:
                    continue
                if b.model != a.model and b.signed != a.signed:
                    continue
                near = b.presence.first == a.presence.last + 1 or (
                    (_day(seq_dates, b.presence.first) - gone).days <= LINEAGE_MAX_DAYS
                )
                straddled = any(
                    c is not a
                    and c is not b
                    and c.model == a.model
                    and c.presence.first <= a.presence.last
                    and c.presence.last >= b.presence.first
                    for c in mine
                )
                if near and not straddled:
                    options.append(b)
            if options:
                successor[a.id] = min(
                    options, key=lambda b: (b.presence.first, b.model != a.model, b.signed, b.id)
                )
    predecessor: dict[str, Agreement] = {}
    for a_id, b in sorted(successor.items()):
        a = ids[a_id]
        current = predecessor.get(b.id)
        if current is None or (a.presence.last, a.id) > (current.presence.last, current.id):
            predecessor[b.id] = a
    for b_id, a in predecessor.items():
        a.successor_id = b_id
        ids[b_id].predecessor_id = a.id
    for a in agreements:
        if a.presence.last >= newest:
            a.status = "active"
        elif a.successor_id:
            a.status = "superseded"
        else:
            a.status = "removed"
    for a in agreements:
        if a.status == "removed":
            mine = [ids[x] for x in agencies[a.agency_id].agreement_ids]
            a.removal_flag = _removal_flag(a, mine, newest, seq_dates)


def _removal_flag(
    a: Agreement, mine: list[Agreement], newest: int, seq_dates: dict[int, date]
) -> str | None:
    removed_by = _day(seq_dates, a.presence.last + 1)
    for b in mine:
        if b is a or b.status != "active" or b.model != a.model:
            continue
        if (b.signed - removed_by).days <= RESIGNING_DAYS:
            return "possible_resigning"
    gone = _day(seq_dates, a.presence.last)
    for b in mine:
        if b is a or b.model == a.model or b.signed == a.signed:
            continue
        if b.presence.first > a.presence.last and (
            b.presence.first == a.presence.last + 1
            or (_day(seq_dates, b.presence.first) - gone).days <= LINEAGE_MAX_DAYS
        ):
            return "model_switch"
    if a.presence.last == newest - 1:
        return "missing_from_newest_list_only"
    return None


def lineage_root(a: Agreement, ids: dict[str, Agreement]) -> str:
    seen = set()
    while a.predecessor_id and a.predecessor_id not in seen:
        seen.add(a.id)
        a = ids[a.predecessor_id]
    return a.id
