"""Derive the history: resolve the stored lists, place every agency, and write every
derived table in the caller's transaction (only what changed, when the cache says so)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from g287.enrich.places import agency_place_rows
from g287.resolve.derivation import fingerprint
from g287.resolve.fixes import Curated
from g287.resolve.lineage import lineage_root
from g287.resolve.model import Agency, Decision, snapshot
from g287.resolve.resolution import Resolution, resolve
from g287.resolve.suspect import held_rows
from g287.store import history as store
from g287.store.history import PublicationRef


def _pub(pubs: list[PublicationRef], seq: int) -> PublicationRef:
    return pubs[seq - 1]


def subject_names(subject: str) -> tuple[str | None, set[str]]:
    """A decision's subject (``ST | name | MODEL | date = name``, ``ST | name``) as its
    state (the text before the first `` | ``, if any) and the lowered parts it prints."""
    state = subject.split(" | ", 1)[0] if " | " in subject else None
    lowered = subject.lower()
    return state, {part.strip() for side in lowered.split(" = ") for part in side.split(" | ")}


def decision_agency_rows(
    decisions: list[Decision], agencies: Iterable[Agency]
) -> list[dict[str, Any]]:
    """Which agencies each decision (numbered from 1, as stored) is about: those of the
    subject's state whose canonical name or a spelling ICE printed is one of the names
    the subject prints."""
    named: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for ag in agencies:
        for name in {s.lower() for s in ag.spellings} | {ag.canon.lower()}:
            named[(ag.state, name)].add(ag.id)
    rows = []
    for seq, d in enumerate(decisions, start=1):
        state, names = subject_names(d.subject)
        found = set().union(*(named.get((state, n), set()) for n in names))
        rows += [{"decision_seq": seq, "agency_id": a} for a in sorted(found)]
    return rows


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
        "decision_agencies": decision_agency_rows(res.decisions, h.agencies.values()),
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
