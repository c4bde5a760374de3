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


def load_listed(conn: Connection) -> dict[tuple[str, str], list[int]]:
    """(kind, content id) -> the sequence numbers of the lists it appears on."""
    listed: dict[tuple[str, str], list[int]] = defaultdict(list)
    q = select(publication_rows.c.content_id, publications.c.kind, publications.c.seq).join(
        publications, publications.c.id == publication_rows.c.publication_id
    )
    for content_id, kind, seq in conn.execute(q):
        listed[(kind, content_id)].append(seq)
    return listed


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
