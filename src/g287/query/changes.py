"""Net changes between any two lists (or since a date), from the resolved history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from g287.errors import InvalidQuery, NotFound
from g287.query.history import publication_as_of
from g287.query.publications import resolve_publication
from g287.query.urls import public_row
from g287.resolve.changes import agreement_changes, pending_changes
from g287.resolve.resolution import resolve


def _seq_of(pubs: list[Any], pid: str) -> int:
    for p in pubs:
        if p.id == pid:
            return int(p.seq)
    raise NotFound(f"publication {pid} is not in the history")


def changes(
    conn: Connection,
    *,
    from_ref: str | None = None,
    to_ref: str | None = None,
    since: date | None = None,
) -> dict[str, Any]:
    """What changed from one participating list to a later one.

    Give two publications (``from_ref``, ``to_ref``; ``to_ref`` defaults to the
    newest), or ``since`` a date: from the newest list published on or before that
    date to the newest list. Pending requests are compared between the newest
    pending lists as of the same two dates.
    """
    if since is not None:
        if from_ref is not None:
            raise InvalidQuery("give either since (a date) or from (a list), not both")
        start = publication_as_of(conn, since)
    elif from_ref is not None:
        start = resolve_publication(conn, from_ref)
    else:
        raise InvalidQuery("give since (a date) or from (a list)")
    end = resolve_publication(conn, to_ref or "latest")
    if start["kind"] != "participating" or end["kind"] != "participating":
        raise InvalidQuery("compare participating lists (pending changes come with them)")
    res = resolve(conn)
    part = res.publications["participating"]
    a, b = _seq_of(part, start["id"]), _seq_of(part, end["id"])
    if a >= b:
        raise InvalidQuery(f"{start['label']} is not before {end['label']}")
    found = [public_row(c.as_dict()) for c in agreement_changes(res.history, a, b)]
    pend = res.publications.get("pending", [])
    pending_found: list[dict[str, Any]] = []
    pa = [p for p in pend if p.published_date <= date.fromisoformat(start["published_date"])]
    pb = [p for p in pend if p.published_date <= date.fromisoformat(end["published_date"])]
    if pa and pb and pa[-1].seq < pb[-1].seq:
        pending_found = [
            public_row(c.as_dict()) for c in pending_changes(res.pending, pa[-1].seq, pb[-1].seq)
        ]
    counts: dict[str, int] = {}
    for c in found + pending_found:
        counts[c["kind"]] = counts.get(c["kind"], 0) + 1
    return {
        "from": {k: start[k] for k in ("id", "label", "published_date")},
        "to": {k: end[k] for k in ("id", "label", "published_date")},
        "counts": dict(sorted(counts.items())),
        "changes": found + pending_found,
    }
