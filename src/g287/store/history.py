"""SQL for resolution: load publications, row contents and where they were listed; write results."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, delete, select, update

from g287.store.bulk import bulk_insert
from g287.store.schema import (
    DERIVED,
    content_runs,
    derived_state,
    list_reviews,
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


def load_accepted(conn: Connection) -> set[str]:
    """Ids of the lists a person accepted after they were held as suspect."""
    return set(
        conn.execute(
            select(list_reviews.c.publication_id).where(list_reviews.c.verdict == "accepted")
        ).scalars()
    )


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


def load_contents(
    conn: Connection, ids: Sequence[str], known: dict[str, Mapping[str, Any]] | None = None
) -> dict[str, Mapping[str, Any]]:
    """Row contents by id. ``known`` (contents never change) saves reading them again:
    only the missing ones are read, and added to it."""
    out: dict[str, Mapping[str, Any]] = {}
    missing = [i for i in ids if known is None or i not in known]
    if known is not None and len(missing) < len(ids) // 2:
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for row in conn.execute(
                select(row_contents).where(row_contents.c.id.in_(chunk))
            ).mappings():
                known[row["id"]] = dict(row)
        return {i: known[i] for i in ids if i in known}
    wanted = set(ids)
    for row in conn.execute(select(row_contents)).mappings():
        if row["id"] in wanted:
            out[row["id"]] = dict(row)
    if known is not None:
        known.update(out)
    return out


def replace_derived(conn: Connection, tables: Mapping[str, list[dict[str, Any]]]) -> None:
    """Replace every derived table's rows (children first on delete, parents first on insert)."""
    for table in reversed(DERIVED):
        conn.execute(delete(table))
    for table in DERIVED:
        bulk_insert(conn, table, tables.get(table.name, []))


@dataclass
class DerivedCache:
    """What this process last wrote to the derived tables (rows by primary key)."""

    token: str | None = None
    rows: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=dict)
    contents: dict[str, Any] = field(default_factory=dict)  # row contents read (immutable)


def source_fingerprint(conn: Connection, version: str) -> str:
    """A hash of everything resolution reads that can change: the stored lists (their ids
    name their bytes, hence their rows), their order and dates, and people's verdicts on
    held lists; ``version`` stands for the code and the curated data."""
    digest = hashlib.sha256(version.encode())
    lists = select(
        publications.c.id,
        publications.c.kind,
        publications.c.seq,
        publications.c.published_date,
        publications.c.first_seen,
        publications.c.label,
    ).order_by(publications.c.id)
    for row in conn.execute(lists):
        digest.update(repr(tuple(row)).encode())
    digest.update(b"|reviews|")
    verdicts = select(list_reviews.c.publication_id, list_reviews.c.verdict).order_by(
        list_reviews.c.publication_id
    )
    for verdict in conn.execute(verdicts):
        digest.update(repr(tuple(verdict)).encode())
    return digest.hexdigest()


def derived_from(conn: Connection) -> str | None:
    """The fingerprint of the inputs the derived tables were last built from (None: never)."""
    value: str | None = conn.execute(
        select(derived_state.c.value).where(derived_state.c.key == SOURCE_KEY)
    ).scalar()
    return value


def has_publications(conn: Connection) -> bool:
    return conn.execute(select(publications.c.id).limit(1)).first() is not None


SOURCE_KEY = "source"


def _set_state(conn: Connection, key: str, value: str, current: str | None) -> None:
    if current is None:
        conn.execute(derived_state.insert().values(key=key, value=value))
    else:
        conn.execute(update(derived_state).where(derived_state.c.key == key).values(value=value))


def write_derived(
    conn: Connection,
    tables: Mapping[str, list[dict[str, Any]]],
    cache: DerivedCache | None,
    source: str | None = None,
) -> None:
    """Write the derived tables: only what changed when ``cache`` still describes the
    database (no one else wrote since), else everything. Updates ``cache``. ``source`` (the
    fingerprint of the inputs, see :func:`source_fingerprint`) is stamped in the same
    transaction, so the stamp and the tables never disagree."""
    current = conn.execute(
        select(derived_state.c.value).where(derived_state.c.key == "token")
    ).scalar()
    keyed = {t.name: _keyed(t, tables.get(t.name, [])) for t in DERIVED}
    if cache is None or cache.token is None or cache.token != current or not cache.rows:
        replace_derived(conn, tables)
    else:
        _write_differences(conn, cache.rows, keyed)
    token = uuid.uuid4().hex
    _set_state(conn, "token", token, current)
    if source is not None:
        _set_state(conn, SOURCE_KEY, source, derived_from(conn))
    if cache is not None:
        cache.token = token
        cache.rows = keyed


def _keyed(table: Table, rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The rows by primary key, each as a tuple in column order (a column a row lacks is
    None)."""
    pk = [c.name for c in table.primary_key.columns]
    names = [c.name for c in table.columns]
    need = set(names)
    if rows and all(need <= r.keys() for r in rows):  # every column given: the fast path
        key, value = _tuple_getter(pk), _tuple_getter(names)
        return {key(r): value(r) for r in rows}
    return {tuple(r.get(k) for k in pk): tuple(r.get(n) for n in names) for r in rows}


def _tuple_getter(names: list[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if len(names) == 1:
        (only,) = names
        return lambda r: (r[only],)
    return cast(Callable[[Mapping[str, Any]], tuple[Any, ...]], itemgetter(*names))


def _write_differences(
    conn: Connection,
    old: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]],
    new: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]],
) -> None:
    for table in DERIVED:  # insertions and updates: parents first
        before, after = old.get(table.name, {}), new[table.name]
        names = [c.name for c in table.columns]
        added = [dict(zip(names, after[k], strict=True)) for k in after.keys() - before.keys()]
        bulk_insert(conn, table, added)
        changed = [k for k in after.keys() & before.keys() if after[k] != before[k]]
        if changed:
            pk = list(table.primary_key.columns)
            pk_names = {c.name for c in pk}
            values: dict[str, Any] = {n: bindparam(f"v_{n}") for n in names if n not in pk_names}
            conn.execute(
                update(table)
                .where(and_(*[c == bindparam(f"k_{c.name}") for c in pk]))
                .values(**values),
                [
                    {
                        **{f"k_{c.name}": k[i] for i, c in enumerate(pk)},
                        **{
                            f"v_{n}": v
                            for n, v in zip(names, after[k], strict=True)
                            if n not in pk_names
                        },
                    }
                    for k in changed
                ],
            )
    for table in reversed(
        DERIVED
    ):  # then deletions, children first: nothing refers to them any more
        gone = old.get(table.name, {}).keys() - new[table.name].keys()
        if gone:
            pk = list(table.primary_key.columns)
            conn.execute(
                delete(table).where(and_(*[c == bindparam(f"k_{c.name}") for c in pk])),
                [
                    {f"k_{c.name}": key[i] for i, c in enumerate(pk)}
                    for key in sorted(gone, key=repr)
                ],
            )
