"""Queries over the resolved history: status, one agency, changes, timeline, decisions
(the agreements, as of any date, are :func:`g287.query.catalog.search_agreements`)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from g287.errors import InvalidQuery, NotFound
from g287.model.states import state_code
from g287.query.publications import held, not_held, resolve_publication
from g287.query.records import _jsonable
from g287.store.like import contains
from g287.store.schema import (
    agencies,
    agreements,
    candidates,
    content_agreements,
    decision_agencies,
    decisions,
    events,
    pending_requests,
    publication_rows,
    publications,
    timeline,
)

STATUSES = ("active", "superseded", "removed")
SORTS = {
    "id": agreements.c.id,
    "signed": agreements.c.signed,
    "state": agreements.c.state,
    "name": agreements.c.name,
    "first_listed": agreements.c.first_listed,
    "last_listed": agreements.c.last_listed,
    "model": agreements.c.model,
    "county": agreements.c.county,
    "status": agreements.c.status,
}


def on_list(publication_id: Any) -> Select[Any]:
    """The ids of the agreements printed on one list (its id, or a bound parameter)."""
    return (
        select(content_agreements.c.agreement_id)
        .join(publication_rows, publication_rows.c.content_id == content_agreements.c.content_id)
        .where(publication_rows.c.publication_id == publication_id)
    )


def publication_as_of(conn: Connection, day: date, kind: str = "participating") -> dict[str, Any]:
    """The newest list of ``kind`` published on or before ``day``."""
    row = (
        conn.execute(
            select(publications)
            .where(
                and_(
                    publications.c.kind == kind,
                    publications.c.published_date <= day,
                    not_held(),
                )
            )
            .order_by(publications.c.seq.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no {kind} list was published on or before {day.isoformat()}")
    return _jsonable(row)


def status(conn: Connection) -> dict[str, Any]:
    latest = resolve_publication(conn, "latest")
    active = select(agreements).where(agreements.c.status == "active").subquery()

    def grouped(column: Any) -> dict[str, int]:
        rows = conn.execute(select(column, func.count()).group_by(column)).all()
        return {
            str(k) if k is not None else "blank": n
            for k, n in sorted(rows, key=lambda r: str(r[0]))
        }

    totals: dict[str, int] = dict(
        conn.execute(select(agreements.c.status, func.count()).group_by(agreements.c.status)).all()
    )
    pending: dict[str, int] = dict(
        conn.execute(
            select(pending_requests.c.status, func.count()).group_by(pending_requests.c.status)
        ).all()
    )
    try:
        latest_pending: dict[str, Any] | None = resolve_publication(conn, "latest-pending")
    except NotFound:
        latest_pending = None
    by_model = grouped(active.c.model)
    return {
        "latest_publication": {
            k: latest[k] for k in ("id", "label", "published_date", "file_name", "row_count")
        },
        "latest_pending_publication": (
            {k: latest_pending[k] for k in ("id", "label", "published_date", "row_count")}
            if latest_pending
            else None
        ),
        "active": sum(by_model.values()),
        "by_model": by_model,
        "by_state": grouped(active.c.state),
        "by_type": grouped(active.c.type),
        "states": len(grouped(active.c.state)),
        "agreements": {s: totals.get(s, 0) for s in STATUSES},
        "agencies": int(conn.execute(select(func.count()).select_from(agencies)).scalar_one()),
        "pending": {s: pending.get(s, 0) for s in ("waiting", "converted", "withdrawn")},
        "held": held(conn),
    }


def find_agency(conn: Connection, ref: str) -> dict[str, Any]:
    row = conn.execute(select(agencies).where(agencies.c.id == ref)).mappings().first()
    if row is None:
        matches = (
            conn.execute(
                select(agencies)
                .where(
                    or_(
                        contains(agencies.c.name, ref),
                        contains(agencies.c.spellings, ref),
                        contains(agencies.c.id, ref),
                    )
                )
                .order_by(agencies.c.id)
            )
            .mappings()
            .all()
        )
        exact = [m for m in matches if m["name"].lower() == ref.lower()]
        if len(exact) == 1:
            matches = exact
        if not matches:
            raise NotFound(f"no agency matches {ref!r}")
        if len(matches) > 1:
            shown = ", ".join(m["id"] for m in matches[:8])
            more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
            raise InvalidQuery(f"{ref!r} matches {len(matches)} agencies: {shown}{more}")
        row = matches[0]
    return _jsonable(row)


def agency_history(conn: Connection, ref: str) -> dict[str, Any]:
    """An agency with every agreement, pending request and event, oldest first."""
    agency = find_agency(conn, ref)
    agency["spellings"] = json.loads(agency["spellings"])
    rows = conn.execute(
        select(agreements)
        .where(agreements.c.agency_id == agency["id"])
        .order_by(agreements.c.first_listed, agreements.c.id)
    ).mappings()
    agency["agreement_list"] = [_jsonable(r) for r in rows]
    agency["pending_list"] = [
        _jsonable(r)
        for r in conn.execute(
            select(pending_requests)
            .where(pending_requests.c.agency_id == agency["id"])
            .order_by(pending_requests.c.first_listed)
        ).mappings()
    ]
    agency["events"] = [
        _jsonable(r)
        for r in conn.execute(
            select(events, publications.c.label.label("publication"))
            .join(publications, publications.c.id == events.c.publication_id)
            .where(events.c.agency_id == agency["id"])
            .order_by(events.c.published_date, events.c.kind, events.c.id)
        ).mappings()
    ]
    return agency


EVENT_ORDER = (
    events.c.published_date.desc(),
    publications.c.seq.desc(),
    events.c.kind,
    events.c.state,
    events.c.name,
    events.c.id,
)
"""The change feed's order: newest list first, then kind, state, name."""


def events_query(
    *,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
    state: str | None = None,
    model: str | None = None,
    list_kind: str | None = None,
    subject_id: str | None = None,
) -> Select[Any]:
    """The change events matching the filters, each with its list's label (unordered)."""
    q = select(events, publications.c.label.label("publication")).join(
        publications, publications.c.id == events.c.publication_id
    )
    if since:
        q = q.where(events.c.published_date >= since)
    if until:
        q = q.where(events.c.published_date <= until)
    if kind:
        q = q.where(events.c.kind == kind)
    if state:
        q = q.where(events.c.state == state_code(state))
    if model:
        q = q.where(events.c.model == model.upper())
    if list_kind:
        q = q.where(events.c.list_kind == list_kind)
    if subject_id:
        q = q.where(events.c.subject_id == subject_id)
    return q


def timeline_series(conn: Connection) -> dict[str, Any]:
    """Agreements on each participating list by model, and agreements by signing month."""
    per_list: dict[str, dict[str, Any]] = {}
    q = (
        select(
            publications.c.id,
            publications.c.label,
            publications.c.published_date,
            timeline.c.model,
            timeline.c.agreements,
        )
        .join(timeline, timeline.c.publication_id == publications.c.id)
        .order_by(publications.c.seq, timeline.c.model)
    )
    for pid, label, day, model, n in conn.execute(q):
        entry = per_list.setdefault(
            pid,
            {
                "publication_id": pid,
                "label": label,
                "published_date": day.isoformat(),
                "by_model": {},
                "total": 0,
            },
        )
        entry["by_model"][model] = n
        entry["total"] += n
    months: dict[str, Counter[str]] = defaultdict(Counter)
    for signed, model, status in conn.execute(
        select(agreements.c.signed, agreements.c.model, agreements.c.status)
    ):
        month = signed.strftime("%Y-%m")
        months[month][model] += 1
        months[month]["total"] += 1
        if status == "active":
            months[month]["active"] += 1
    return {
        "lists": list(per_list.values()),
        "signed_by_month": [
            {"month": m, **dict(sorted(c.items()))} for m, c in sorted(months.items())
        ],
    }


def list_decisions(conn: Connection, rule: str | None = None) -> list[dict[str, Any]]:
    q = select(decisions).order_by(decisions.c.seq)
    if rule:
        q = q.where(decisions.c.rule == rule)
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        d["evidence"] = json.loads(d["evidence"])
        out.append(d)
    return out


def agency_decisions(conn: Connection, agency_id: str) -> list[dict[str, Any]]:
    """The merges and corrections about one agency (``decision_agencies``), in order."""
    q = (
        select(decisions)
        .join(decision_agencies, decision_agencies.c.decision_seq == decisions.c.seq)
        .where(decision_agencies.c.agency_id == agency_id)
        .order_by(decisions.c.seq)
    )
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        d["evidence"] = json.loads(d["evidence"])
        out.append(d)
    return out


def list_candidates(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(candidates).order_by(candidates.c.seq)).mappings()]
