"""Pending requests: who is waiting to join, and which agreement each becomes.

Pending rows carry no date or link, so a request is keyed by (state, agency,
model). Its agency is the participating agency with the same canonical name,
else the unique close name in the state (similarity ≥ 0.9 with the same first
word, or the same core words once Constable/Office/Township are dropped), else
a pending-only agency.

A request is ``converted`` when an agreement of its agency and model is first
listed between a week before the request was first seen and 30 days after it
was last seen; else ``waiting`` while on the newest pending list; else
``withdrawn`` (it vanished). Flags: ``returned`` (it left the pending list and
came back) and ``beside_active`` (the agency already had an active agreement of
that model when the request appeared).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz

from g287.resolve.lineage import History
from g287.resolve.model import Agency, Agreement, Obs
from g287.resolve.names import slug
from g287.resolve.presence import Presence

SIMILARITY = 90.0
CONVERT_BEFORE = timedelta(days=7)
CONVERT_AFTER = timedelta(days=30)
_NOISE = {"constable", "constables", "office", "township", "department", "the", "of"}


@dataclass
class PendingRequest:
    id: str
    agency_id: str
    state: str
    model: str
    name: str
    canon: str
    presence: Presence
    obs: list[Obs]
    status: str = "waiting"
    agreement_id: str | None = None
    beside_active_id: str | None = None
    flags: list[str] = field(default_factory=list)


def _core(canon: str) -> frozenset[str]:
    return frozenset(w for w in canon.split() if w not in _NOISE)


def match_agency(
    state: str,
    canon: str,
    history: History,
    by_state: dict[str, list[tuple[str, str, frozenset[str]]]] | None = None,
) -> str | None:
    exact = history.agency_by_name.get((state, canon))
    if exact:
        return exact
    first = canon.split()[0] if canon else ""
    core = _core(canon)
    found = set()
    names = (
        (by_state or {}).get(state)
        if by_state is not None
        else [
            (name, agency_id, _core(name))
            for (st, name), agency_id in history.agency_by_name.items()
            if st == state
        ]
    )
    for name, agency_id, name_core in names or []:
        if not name:
            continue
        if core and name_core == core:
            found.add(agency_id)
            continue
        if name.split()[0] == first and fuzz.ratio(canon, name) >= SIMILARITY:
            found.add(agency_id)
    return found.pop() if len(found) == 1 else None


def resolve_pending(
    observations: list[Obs],
    history: History,
    pending_dates: dict[int, date],
    participating_dates: dict[int, date],
    newest_pending: int,
) -> tuple[list[PendingRequest], list[tuple[Obs, str]]]:
    unresolved: list[tuple[Obs, str]] = []
    grouped: dict[tuple[str, str, str], list[Obs]] = defaultdict(list)
    for o in observations:
        if o.model is None:
            unresolved.append((o, "no known model (SUPPORT TYPE)"))
        elif not o.canon:
            unresolved.append((o, "no agency name"))
        else:
            grouped[(o.state, o.canon, o.model)].append(o)
    by_agency: dict[str, list[Agreement]] = defaultdict(list)
    for a in history.agreements:
        by_agency[a.agency_id].append(a)
    requests: dict[str, PendingRequest] = {}
    by_state: dict[str, list[tuple[str, str, frozenset[str]]]] = defaultdict(list)
    for (st, name), known_id in history.agency_by_name.items():
        by_state[st].append((name, known_id, _core(name)))
    for (state, canon, model), obs in sorted(grouped.items()):
        agency_id = match_agency(state, canon, history, by_state)
        if agency_id is None:
            agency_id = f"{state}-{slug(canon)}"
            if agency_id not in history.agencies:
                history.agencies[agency_id] = Agency(agency_id, state, obs[0].name, canon, {canon})
            history.agency_by_name.setdefault((state, canon), agency_id)
        presence = Presence.union(o.presence for o in obs)
        latest = max(obs, key=lambda o: (o.presence.last, o.presence.count))
        request_id = f"{agency_id}#{model}#pending"
        if request_id in requests:  # two spellings of one agency: merge them
            merged = requests[request_id]
            merged.obs.extend(obs)
            merged.presence = Presence.union([merged.presence, presence])
            continue
        requests[request_id] = PendingRequest(
            request_id, agency_id, state, model, latest.name, canon, presence, list(obs)
        )
    for request in requests.values():
        _classify(
            request,
            by_agency[request.agency_id],
            pending_dates,
            participating_dates,
            newest_pending,
        )
        history.agencies[request.agency_id].pending_ids.append(request.id)
    return sorted(requests.values(), key=lambda r: r.id), unresolved


def _classify(
    request: PendingRequest,
    agreements: list[Agreement],
    pending_dates: dict[int, date],
    participating_dates: dict[int, date],
    newest_pending: int,
) -> None:
    first_day = pending_dates[request.presence.first]
    last_day = pending_dates[request.presence.last]
    same_model = sorted(
        (a for a in agreements if a.model == request.model),
        key=lambda a: (a.presence.first, a.id),
    )
    for a in same_model:
        listed = participating_dates[a.presence.first]
        if first_day - CONVERT_BEFORE <= listed <= last_day + CONVERT_AFTER:
            request.agreement_id = a.id
            break
    for a in same_model:
        if a.id == request.agreement_id:
            continue
        start, end = participating_dates[a.presence.first], participating_dates[a.presence.last]
        if start < first_day <= end:
            request.beside_active_id = a.id
            request.flags.append("beside_active")
            break
    if request.presence.gaps:
        request.flags.append("returned")
    if request.agreement_id:
        request.status = "converted"
    elif request.presence.last >= newest_pending:
        request.status = "waiting"
    else:
        request.status = "withdrawn"
