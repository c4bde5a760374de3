"""What changed between two lists of one kind, from the resolved history.

Between list ``a`` and a later list ``b`` (sequence numbers), per agreement:

* on ``b`` only: ``added`` (first listed after ``a``), ``renewed`` (its predecessor
  was on ``a``), or ``returned`` (listed before ``a``, missing from it);
* on ``a`` only: ``removed``; or ``missing`` when it is listed again after ``b``
  (one missing list is not a termination); nothing when its successor is on ``b``
  (that is the ``renewed`` change);
* on both: ``renamed``, ``re_dated``, ``state_corrected``, ``county_changed``,
  ``type_changed``, ``moa_posted``, ``moa_withdrawn``, ``moa_changed``,
  ``addendum_posted``, ``addendum_changed``, ``addendum_withdrawn`` — comparing what
  ICE printed on each list.

Pending requests give ``pending_added``, ``pending_returned``,
``pending_converted`` and ``pending_dropped``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from g287.resolve.lineage import History
from g287.resolve.model import Agreement, Obs, snapshot
from g287.resolve.pending import PendingRequest

AGREEMENT_KINDS = (
    "added",
    "renewed",
    "returned",
    "removed",
    "missing",
    "renamed",
    "re_dated",
    "state_corrected",
    "county_changed",
    "type_changed",
    "moa_posted",
    "moa_withdrawn",
    "moa_changed",
    "addendum_posted",
    "addendum_changed",
    "addendum_withdrawn",
)
PENDING_KINDS = ("pending_added", "pending_returned", "pending_converted", "pending_dropped")
CHANGE_KINDS = AGREEMENT_KINDS + PENDING_KINDS
_RANK = {kind: i for i, kind in enumerate(CHANGE_KINDS)}


@dataclass(frozen=True)
class Change:
    kind: str
    subject_id: str  # agreement id or pending request id
    agency_id: str
    state: str
    model: str
    name: str
    field: str | None = None
    before: str | None = None
    after: str | None = None
    related_id: str | None = None  # predecessor, successor or resulting agreement

    def event_id(self, publication_id: str) -> str:
        text = "\x1f".join(
            str(x) for x in (self.kind, self.subject_id, publication_id, self.field, self.after)
        )
        return "ev_" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject_id": self.subject_id,
            "agency_id": self.agency_id,
            "state": self.state,
            "model": self.model,
            "name": self.name,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "related_id": self.related_id,
        }


def _order(c: Change) -> tuple[int, str, str, str]:
    return (_RANK[c.kind], c.state, c.name, c.subject_id)


def _moa_state(o: Obs) -> str:
    return "linked" if o.moa_url else ("pending" if o.moa_status == "pending" else "none")


def _field_changes(a: Agreement, old: Obs, new: Obs) -> list[Change]:
    out = []

    def change(kind: str, fld: str, before: object, after: object) -> None:
        out.append(
            Change(
                kind,
                a.id,
                a.agency_id,
                a.state,
                a.model,
                new.name,
                fld,
                None if before is None else str(before),
                None if after is None else str(after),
            )
        )

    if old.name != new.name:
        change("renamed", "agency", old.name, new.name)
    if old.printed_signed != new.printed_signed:
        change("re_dated", "signed", old.printed_signed, new.printed_signed)
    if old.printed_state != new.printed_state:
        change("state_corrected", "state", old.printed_state, new.printed_state)
    if (old.county or None) != (new.county or None):
        change("county_changed", "county", old.county, new.county)
    if (old.type or None) != (new.type or None):
        change("type_changed", "type", old.type, new.type)
    before, after = _moa_state(old), _moa_state(new)
    if before != "linked" and after == "linked":
        change("moa_posted", "moa", old.moa_status, new.moa_url)
    elif before == "linked" and after != "linked":
        change("moa_withdrawn", "moa", old.moa_url, new.moa_status)
    elif before == after == "linked" and old.moa_url != new.moa_url:
        change("moa_changed", "moa", old.moa_url, new.moa_url)
    if not old.addendum_url and new.addendum_url:
        change("addendum_posted", "addendum", None, new.addendum_url)
    elif old.addendum_url and not new.addendum_url:
        change("addendum_withdrawn", "addendum", old.addendum_url, None)
    elif old.addendum_url != new.addendum_url:
        change("addendum_changed", "addendum", old.addendum_url, new.addendum_url)
    return out


def agreement_changes(
    history: History, a: int, b: int, only: set[str] | None = None
) -> list[Change]:
    """Changes between participating lists ``a`` < ``b`` (optionally only some agreements)."""
    ids = history.by_id
    out: list[Change] = []
    chosen = history.agreements if only is None else [ids[i] for i in sorted(only) if i in ids]
    for ag in chosen:
        was, now = a in ag.presence, b in ag.presence
        if not was and not now:
            continue
        obs = ag.obs
        if now and not was:
            pred = ids.get(ag.predecessor_id or "")
            if pred is not None and a in pred.presence and b not in pred.presence:
                kind, related = "renewed", pred.id
            elif ag.presence.first < a:
                kind, related = "returned", None
            else:
                kind, related = "added", None
            new = snapshot(obs, b)
            out.append(
                Change(
                    kind,
                    ag.id,
                    ag.agency_id,
                    ag.state,
                    ag.model,
                    new.name if new else ag.name,
                    related_id=related,
                )
            )
        elif was and not now:
            succ = ids.get(ag.successor_id or "")
            if succ is not None and b in succ.presence and a not in succ.presence:
                continue  # reported as the successor's "renewed"
            kind = "missing" if ag.presence.last > b else "removed"
            old = snapshot(obs, a)
            flag = ag.removal_flag if kind == "removed" else "listed again later"
            out.append(
                Change(
                    kind,
                    ag.id,
                    ag.agency_id,
                    ag.state,
                    ag.model,
                    old.name if old else ag.name,
                    None,
                    None,
                    flag,
                )
            )
        else:
            old, new = snapshot(obs, a), snapshot(obs, b)
            if old is not None and new is not None and old.content_id != new.content_id:
                out.extend(_field_changes(ag, old, new))
    return sorted(out, key=_order)


def pending_changes(
    requests: list[PendingRequest], a: int, b: int, only: set[str] | None = None
) -> list[Change]:
    """Changes between pending lists ``a`` < ``b`` (optionally only some requests)."""
    out = []
    if only is not None:
        by_id = _request_index(requests)
        requests = [by_id[i] for i in sorted(only) if i in by_id]
    for r in requests:
        was, now = a in r.presence, b in r.presence
        if now and not was:
            kind = "pending_returned" if r.presence.first < a else "pending_added"
            out.append(Change(kind, r.id, r.agency_id, r.state, r.model, r.name))
        elif was and not now and r.presence.last < b:
            kind = "pending_converted" if r.agreement_id else "pending_dropped"
            out.append(
                Change(kind, r.id, r.agency_id, r.state, r.model, r.name, related_id=r.agreement_id)
            )
    return sorted(out, key=_order)


def touched_by_list(agreements: list[Agreement]) -> dict[int, set[str]]:
    """For each list b, the agreements that may change between b-1 and b (run edges)."""
    touched: dict[int, set[str]] = defaultdict(set)
    for ag in agreements:
        for start, end in ag.presence.runs:
            touched[start].add(ag.id)
            touched[end + 1].add(ag.id)
        for o in ag.obs:
            for start, end in o.presence.runs:
                touched[start].add(ag.id)
                touched[end + 1].add(ag.id)
    return touched


_INDEX: dict[int, tuple[list[PendingRequest], dict[str, PendingRequest]]] = {}


def _request_index(requests: list[PendingRequest]) -> dict[str, PendingRequest]:
    """Requests by id, built once per request list (resolution calls this per list pair)."""
    cached = _INDEX.get(id(requests))
    if cached is None or cached[0] is not requests:
        _INDEX.clear()
        cached = (requests, {r.id: r for r in requests})
        _INDEX[id(requests)] = cached
    return cached[1]


def touched_requests(requests: list[PendingRequest]) -> dict[int, set[str]]:
    """For each pending list b, the requests that may change between b-1 and b."""
    touched: dict[int, set[str]] = defaultdict(set)
    for r in requests:
        for start, end in r.presence.runs:
            touched[start].add(r.id)
            touched[end + 1].add(r.id)
    return touched
