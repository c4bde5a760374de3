"""SQL for resolution: load publications, row contents and where they were listed; write results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, select

from g287.store.bulk import bulk_insert
from g287.store.schema import (
    DERIVED,
    content_runs,
    publication_rows,
    publications,
    row_contents,
)


@dataclass(frozen=True)
class PublicationRef:
    id: str
    kind: str
    seq: int
    published_date: date
    label: str


def load_publications(conn: Connection) -> dict[str, list[PublicationRef]]:
    out: dict[str, list[PublicationRef]] = defaultdict(list)
    rows = conn.execute(
        select(
            publications.c.id,
            publications.c.kind,
            publications.c.seq,
            publications.c.published_date,
            publications.c.label,
        ).order_by(publications.c.kind, publications.c.seq)
    )
    for r in rows:
        out[r.kind].append(PublicationRef(r.id, r.kind, r.seq, r.published_date, r.label))
    return out


def load_listed(conn: Connection) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(kind, content id) -> runs of the lists it appears on (rebuilding a stale index)."""
    kinds = conn.execute(select(publications.c.kind).distinct()).scalars().all()
    for kind in kinds:
        if not conn.execute(
            select(content_runs.c.kind).where(content_runs.c.kind == kind).limit(1)
        ).first():
            rebuild_runs(conn, kind)
    listed: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    q = select(
        content_runs.c.kind,
        content_runs.c.content_id,
        content_runs.c.first_seq,
        content_runs.c.last_seq,
    ).order_by(content_runs.c.kind, content_runs.c.content_id, content_runs.c.first_seq)
    for kind, content_id, first, last in conn.execute(q):
        listed[(kind, content_id)].append((first, last))
    return listed


def rebuild_runs(conn: Connection, kind: str) -> None:
    """Recompute the content-runs index of one kind from every placed row."""
    conn.execute(delete(content_runs).where(content_runs.c.kind == kind))
    q = (
        select(publication_rows.c.content_id, publications.c.seq)
        .join(publications, publications.c.id == publication_rows.c.publication_id)
        .where(publications.c.kind == kind)
        .distinct()
        .order_by(publication_rows.c.content_id, publications.c.seq)
    )
    runs: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for content_id, seq in conn.execute(q):
        if current and current["content_id"] == content_id and current["last_seq"] + 1 == seq:
            current["last_seq"] = seq
            continue
        current = {"kind": kind, "content_id": content_id, "first_seq": seq, "last_seq": seq}
        runs.append(current)
    bulk_insert(conn, content_runs, runs)


def load_contents(conn: Connection, ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    wanted = set(ids)
    for row in conn.execute(select(row_contents)).mappings():
        if row["id"] in wanted:
            out[row["id"]] = dict(row)
    return out


def replace_derived(conn: Connection, tables: Mapping[str, list[dict[str, Any]]]) -> None:
    """Replace every derived table's rows (children first on delete, parents first on insert)."""
    for table in reversed(DERIVED):
        conn.execute(delete(table))
    for table in DERIVED:
        bulk_insert(conn, table, tables.get(table.name, []))
