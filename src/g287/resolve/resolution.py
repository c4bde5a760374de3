"""Resolve the stored lists into agencies, agreements, pending requests and events.

``resolve(conn)`` is a pure function of what the database holds (row contents and
the lists they were printed on) plus the curated data files. Importing a new list
re-reads only that list; resolution then re-runs over the compact per-content
presence, so the result is always exactly what a full rebuild gives. Writing the
result (with its places) is :mod:`g287.app.derive`'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection

from g287.model.states import STATES
from g287.read.cells import parse_date_text
from g287.read.links import file_key
from g287.resolve.changes import (
    Change,
    agreement_changes,
    pending_changes,
    touched_by_list,
    touched_requests,
)
from g287.resolve.fixes import Curated, Fix, default_curated
from g287.resolve.identity import resolve_identities
from g287.resolve.lineage import History, build_history
from g287.resolve.model import Decision, Obs
from g287.resolve.names import canonical
from g287.resolve.pending import PendingRequest, resolve_pending
from g287.resolve.presence import Presence
from g287.resolve.suspect import Held, find_held, suspect_loss, without_held
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


def _fixes_by_agency(fixes: list[Fix]) -> dict[tuple[str, str], list[Fix]]:
    """The fixes by the (state, agency) they match, in file order: a row is checked only
    against its own agency's fixes (the agency as :meth:`Fix.matches` compares it)."""
    out: dict[tuple[str, str], list[Fix]] = defaultdict(list)
    for fx in fixes:
        out[fx.state, fx.agency.lower()].append(fx)
    return out


def _apply_fixes(
    content: Mapping[str, Any], fixes: dict[tuple[str, str], list[Fix]], used: set[int]
) -> tuple[str, str | None, date | None, str, list[Fix]]:
    state, model, signed, name = (
        content["state"],
        content["model"],
        content["signed"],
        content["agency"] or "",
    )
    applied: list[Fix] = []
    agency = content["agency"]
    if not fixes or agency is None:
        return state, model, signed, name, applied
    for fx in fixes.get((content["state"], " ".join(agency.split()).lower()), ()):
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

    fixes = _fixes_by_agency(curated.fixes)

    def observe(kind: str, cid: str, c: Mapping[str, Any], runs: Any, printed: str) -> Obs:
        if fixes:
            state, model, signed, name, applied = _apply_fixes(c, fixes, used)
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
