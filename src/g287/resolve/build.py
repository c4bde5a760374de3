"""Resolve the stored lists into agencies, agreements, pending requests and events.

``resolve(conn)`` is a pure function of what the database holds (row contents and
the lists they were printed on) plus the curated data files; it replaces every
derived table in the caller's transaction. Importing a new list re-reads only
that list; resolution then re-runs over the compact per-content presence, so the
result is always exactly what a full rebuild gives.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection

from g287.enrich.places import agency_place_rows
from g287.read.cells import parse_date_text
from g287.read.links import file_key
from g287.read.states import STATES
from g287.resolve.changes import (
    Change,
    agreement_changes,
    pending_changes,
    touched_by_list,
    touched_requests,
)
from g287.resolve.derivation import fingerprint
from g287.resolve.fixes import Curated, Fix, default_curated
from g287.resolve.identity import resolve_identities
from g287.resolve.lineage import History, build_history, lineage_root
from g287.resolve.model import Decision, Obs, snapshot
from g287.resolve.names import canonical
from g287.resolve.pending import PendingRequest, resolve_pending
from g287.resolve.presence import Presence
from g287.resolve.suspect import Held, find_held, held_rows, suspect_loss, without_held
from g287.store import history as store
from g287.store.history import PublicationRef


@dataclass
class Resolution:
    history: History
    pending: list[PendingRequest]
    publications: dict[str, list[PublicationRef]]
    unresolved: list[tuple[Obs, str]]
    decisions: list[Decision]
    candidates: list[Any]
    events: list[tuple[str, PublicationRef, PublicationRef, Change]] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)


def _apply_fixes(
    content: Mapping[str, Any], fixes: list[Fix], used: set[int]
) -> tuple[str, str | None, date | None, str, list[Fix]]:
    state, model, signed, name = (
        content["state"],
        content["model"],
        content["signed"],
        content["agency"] or "",
    )
    applied: list[Fix] = []
    if not fixes:
        return state, model, signed, name, applied
    for fx in fixes:
        if fx.matches(content["state"], content["agency"], content["model"], content["signed"]):
            used.add(fx.line)
            applied.append(fx)
            if fx.field == "state":
                state = fx.fixed
            elif fx.field == "model":
                model = fx.fixed
            elif fx.field == "signed":
                signed = date.fromisoformat(fx.fixed)
            else:
                name = fx.fixed
    return state, model, signed, name, applied


def printed_signed(raw: str) -> date | None:
    """The date ICE printed, read without the reader's plausibility bounds (None if the
    text is no date at all)."""
    parsed, _note = parse_date_text(raw.strip().split(" ")[0])
    return parsed


def infer_state(
    content: Mapping[str, Any], known: list[Obs], curated: Curated
) -> tuple[str | None, str]:
    """The state of a row whose STATE cell cannot be read: the one state under which the
    same agency name and model are listed elsewhere (with the same signing date, when the
    name and model are listed under several: "Martin County Sheriff's Office" is in five
    states), else a state named in the agency."""
    name = content["agency"] or ""
    same = [o for o in known if o.model == content["model"] and o.canon == canonical(name, o.state)]
    found = {o.state for o in same}
    if len(found) == 1:
        (state,) = found
        return state, f"the same agency and model are listed under {state} only"
    if len(found) > 1:
        dated = {o.state for o in same if content["signed"] and o.signed == content["signed"]}
        if len(dated) == 1:
            (state,) = dated
            return state, (
                f"the same agency and model are listed under {len(found)} states, "
                f"with the same signing date under {state} only"
            )
        return None, f"the same agency name is listed under {len(found)} states"
    upper = f" {' '.join(name.upper().replace(',', ' ').split())} "
    named = {code for code, (full, _f) in STATES.items() if f" {full} " in upper}
    if len(named) == 1:
        (state,) = named
        return state, f"the agency's name names {STATES[state][0].title()}"
    return None, "no listing of this agency under a readable state"


def observations(
    conn: Connection, curated: Curated, known: dict[str, Any] | None = None
) -> tuple[dict[str, list[Obs]], list[Decision], set[tuple[str, str]], list[tuple[Obs, str]]]:
    listed = store.load_listed(conn)
    contents = store.load_contents(conn, sorted({cid for _kind, cid in listed}), known)
    identity_alias = {
        (a.state, a.alias_key): a.canonical_key
        for a in curated.aliases
        if a.relation == "same" and a.scope == "identity"
    }
    used: set[int] = set()
    decisions: list[Decision] = []
    aliased: set[tuple[str, str]] = set()
    out: dict[str, list[Obs]] = defaultdict(list)
    stateless: list[tuple[str, str, Mapping[str, Any], Any]] = []
    unreadable: list[tuple[Obs, str]] = []

    def observe(kind: str, cid: str, c: Mapping[str, Any], runs: Any, printed: str) -> Obs:
        if curated.fixes:
            state, model, signed, name, applied = _apply_fixes(c, curated.fixes, used)
        else:
            state, model, signed, name, applied = (
                c["state"],
                c["model"],
                c["signed"],
                c["agency"] or "",
                [],
            )
        for fx in applied:
            decisions.append(
                Decision(
                    f"fix_{fx.field}",
                    f"{c['state']} | {c['agency']} | {c['model']} | {c['signed']}",
                    f"{fx.field} -> {fx.fixed}: {fx.reason}",
                    {"fixes.csv line": fx.line, "evidence": fx.evidence},
                )
            )
        canon = canonical(name, state) if state else ""
        if (state, canon) in identity_alias:
            canon = identity_alias[(state, canon)]
            aliased.add((state, canon))
        return Obs(
            content_id=cid,
            kind=kind,
            state=state or "",
            model=model,
            signed=signed,
            name=name,
            canon=canon,
            presence=Presence(tuple(runs)),
            printed_state=printed,
            printed_signed=c["signed"],
            linked=c["moa_status"] in ("linked", "unlinked_text"),
            moa_key=file_key(c["moa_url"]) if c["moa_url"] else None,
            moa_url=c["moa_url"],
            moa_status=c["moa_status"],
            county=c["county"],
            type=c["type"],
            addendum_url=c.get("addendum_url"),
        )

    for (kind, cid), runs in sorted(listed.items()):
        c: Mapping[str, Any] = contents[cid]
        if c["signed"] is None and c.get("signed_raw"):
            printed = printed_signed(c["signed_raw"])
            if printed is not None:
                # ICE printed a date the reader would not believe (year 5025, years after
                # the list): carried as printed, for the impossible-date rule to correct.
                c = {**c, "signed": printed}
        if c["state"] is None:
            stateless.append((kind, cid, c, runs))
            continue
        out[kind].append(observe(kind, cid, c, runs, c["state"]))
    for kind, cid, c, runs in stateless:
        state, why = infer_state(c, out["participating"] + out["pending"], curated)
        if state is None:
            unreadable.append(
                (observe(kind, cid, c, runs, ""), f"STATE {c['state_raw']!r} unreadable: {why}")
            )
            continue
        decisions.append(
            Decision(
                "state_inferred",
                f"{c['state_raw']!r} | {c['agency']} | {c['model']} | {c['signed']}",
                f"STATE {c['state_raw']!r} cannot be read; read as {state}: {why}",
                {"content_id": cid, "state": state},
            )
        )
        out[kind].append(observe(kind, cid, {**c, "state": state}, runs, ""))
    for fx in curated.fixes:
        if fx.line not in used:
            decisions.append(
                Decision(
                    "unused_fix",
                    f"{fx.state} | {fx.agency}",
                    f"fixes.csv line {fx.line} matches no row (ICE may have corrected it)",
                    {"field": fx.field, "fixed": fx.fixed},
                )
            )
    return out, decisions, aliased, unreadable


def resolve(
    conn: Connection, curated: Curated | None = None, known: dict[str, Any] | None = None
) -> Resolution:
    curated = curated or default_curated()
    pubs = store.load_publications(conn)
    obs, fix_decisions, aliased, unreadable = observations(conn, curated, known)
    accepted = store.load_accepted(conn)
    threshold = suspect_loss()
    held: list[Held] = []
    participating_names = {(o.state, o.canon) for o in obs["participating"]}
    for kind in ("participating", "pending"):
        explained = participating_names if kind == "pending" else None
        held_here, held_decisions = find_held(
            pubs.get(kind, []), obs[kind], accepted, threshold, explained
        )
        fix_decisions.extend(held_decisions)
        if held_here:
            pubs[kind], obs[kind], only_held = without_held(pubs[kind], obs[kind], held_here)
            held.extend(held_here)
            unreadable.extend((o, "printed only on a list held as suspect") for o in only_held)
    part = pubs.get("participating", [])
    pend = pubs.get("pending", [])
    part_dates = {p.seq: p.published_date for p in part}
    pend_dates = {p.seq: p.published_date for p in pend}
    newest = part[-1].seq if part else 0
    ident = resolve_identities(obs["participating"], curated, newest, part_dates, aliased)
    history = build_history(ident, curated, newest, part_dates)
    requests, pending_unresolved = resolve_pending(
        obs["pending"], history, pend_dates, part_dates, pend[-1].seq if pend else 0
    )
    decisions = fix_decisions + ident.decisions
    result = Resolution(
        history,
        requests,
        pubs,
        ident.unresolved + pending_unresolved + unreadable,
        decisions,
        ident.candidates,
        held=held,
    )
    by_seq = {p.seq: p for p in part}
    touched = touched_by_list(history.agreements)
    for prev, cur in pairwise(part):
        for change in agreement_changes(history, prev.seq, cur.seq, touched.get(cur.seq, set())):
            result.events.append(("participating", by_seq[prev.seq], cur, change))
    touched_pending = touched_requests(requests)
    for prev, cur in pairwise(pend):
        for change in pending_changes(
            requests, prev.seq, cur.seq, touched_pending.get(cur.seq, set())
        ):
            result.events.append(("pending", prev, cur, change))
    return result


def _pub(pubs: list[PublicationRef], seq: int) -> PublicationRef:
    return pubs[seq - 1]


def rows_for_store(res: Resolution) -> dict[str, list[dict[str, Any]]]:
    """The derived tables' rows, ready to insert."""
    part = res.publications.get("participating", [])
    pend = res.publications.get("pending", [])
    h = res.history
    ids = {a.id: a for a in h.agreements}
    converted = {r.agreement_id: r.id for r in res.pending if r.agreement_id}
    agreements = []
    content_agreements = []
    for a in h.agreements:
        first, last = _pub(part, a.presence.first), _pub(part, a.presence.last)
        removed_by = _pub(part, a.presence.last + 1) if a.presence.last < len(part) else None
        latest = snapshot(a.obs, a.presence.last)
        if latest is None:
            raise ValueError(f"agreement {a.id} has no row on its last list")
        agreements.append(
            {
                "id": a.id,
                "agency_id": a.agency_id,
                "state": a.state,
                "model": a.model,
                "signed": a.signed,
                "first_signed": a.first_signed,
                "name": a.name,
                "status": a.status,
                "resolution": a.resolution,
                "first_publication_id": first.id,
                "last_publication_id": last.id,
                "first_listed": first.published_date,
                "last_listed": last.published_date,
                "removed_by_publication_id": removed_by.id if removed_by else None,
                "removed_by": removed_by.published_date if removed_by else None,
                "removal_flag": a.removal_flag,
                "successor_id": a.successor_id,
                "predecessor_id": a.predecessor_id,
                "lineage_id": lineage_root(a, ids),
                "publications": a.presence.count,
                "gaps": sum(b - s + 1 for s, b in a.presence.gaps),
                "type": latest.type,
                "county": latest.county,
                "moa_status": latest.moa_status,
                "moa_url": latest.moa_url,
                "addendum_url": latest.addendum_url,
                "pending_id": converted.get(a.id),
            }
        )
        for o in a.obs:
            content_agreements.append({"content_id": o.content_id, "agreement_id": a.id})
    pending_rows = []
    content_pending = []
    for r in res.pending:
        first, last = _pub(pend, r.presence.first), _pub(pend, r.presence.last)
        pending_rows.append(
            {
                "id": r.id,
                "agency_id": r.agency_id,
                "state": r.state,
                "model": r.model,
                "name": r.name,
                "status": r.status,
                "agreement_id": r.agreement_id,
                "beside_active_id": r.beside_active_id,
                "flags": ",".join(r.flags),
                "first_publication_id": first.id,
                "last_publication_id": last.id,
                "first_listed": first.published_date,
                "last_listed": last.published_date,
                "publications": r.presence.count,
            }
        )
        for o in r.obs:
            content_pending.append({"content_id": o.content_id, "pending_id": r.id})
    agencies = []
    for ag in sorted(h.agencies.values(), key=lambda x: x.id):
        mine = [ids[x] for x in ag.agreement_ids]
        listed_days = [
            d
            for a in mine
            for d in (
                _pub(part, a.presence.first).published_date,
                _pub(part, a.presence.last).published_date,
            )
        ]
        agencies.append(
            {
                "id": ag.id,
                "state": ag.state,
                "name": ag.name,
                "canonical": ag.canon,
                "spellings": json.dumps(sorted(ag.spellings)),
                "agreements": len(mine),
                "active": sum(1 for a in mine if a.status == "active"),
                "pending": len(ag.pending_ids),
                "first_listed": min(listed_days) if listed_days else None,
                "last_listed": max(listed_days) if listed_days else None,
            }
        )
    unresolved = [
        {"content_id": o.content_id, "kind": o.kind, "reason": reason}
        for o, reason in sorted(res.unresolved, key=lambda x: x[0].content_id)
    ]
    decisions = [
        {
            "seq": i,
            "rule": d.rule,
            "subject": d.subject,
            "detail": d.detail,
            "evidence": json.dumps(d.evidence, sort_keys=True, default=str),
        }
        for i, d in enumerate(res.decisions, start=1)
    ]
    candidates = [
        {
            "seq": i,
            "kind": c.kind,
            "a": c.a,
            "b": c.b,
            "suggestion": c.suggestion,
            "detail": c.detail,
        }
        for i, c in enumerate(res.candidates, start=1)
    ]
    events = []
    seen_ids = set()
    for list_kind, prev, cur, change in res.events:
        event_id = change.event_id(cur.id)
        if event_id in seen_ids:
            continue
        seen_ids.add(event_id)
        events.append(
            {
                "id": event_id,
                "kind": change.kind,
                "list_kind": list_kind,
                "publication_id": cur.id,
                "previous_publication_id": prev.id,
                "published_date": cur.published_date,
                **{k: v for k, v in change.as_dict().items() if k != "kind"},
            }
        )
    timeline = []
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in h.agreements:
        for s, b in a.presence.runs:
            for seq in range(s, b + 1):
                counts[seq][a.model] += 1
    for p in part:
        for model, n in sorted(counts[p.seq].items()):
            timeline.append({"publication_id": p.id, "model": model, "agreements": n})
    places, counties = agency_place_rows(h, res.pending)
    return {
        "agency_places": places,
        "agency_counties": counties,
        "agencies": agencies,
        "agreements": agreements,
        "content_agreements": content_agreements,
        "pending_requests": pending_rows,
        "content_pending": content_pending,
        "unresolved_contents": unresolved,
        "decisions": decisions,
        "candidates": candidates,
        "events": events,
        "timeline": timeline,
        "held_lists": [dict(r) for r in held_rows(res.held)],
    }


def rebuild_history(
    conn: Connection, curated: Curated | None = None, cache: store.DerivedCache | None = None
) -> Resolution:
    """Resolve and write every derived table, in the caller's transaction (only what changed
    when ``cache`` holds what this process wrote last and no one wrote since)."""
    source = fingerprint(conn, curated)  # before reading: a list stored meanwhile is stale
    res = resolve(conn, curated, cache.contents if cache is not None else None)
    store.write_derived(conn, rows_for_store(res), cache, source)
    return res
