"""SQL for raw files, sightings, publications, their rows and data issues."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from g287.model.issues import ISSUE_KINDS, DataIssue
from g287.model.naming import PART_RANK, parse_file_name
from g287.read.publication import Row
from g287.store.bulk import bulk_insert
from g287.store.schema import (
    content_issues,
    content_runs,
    publication_counts,
    publication_issues,
    publication_rows,
    publications,
    raw_files,
    row_contents,
    sightings,
)


def as_utc(value: datetime) -> datetime:
    """Datetimes come back naive from SQLite; they are always stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def get_raw_file(conn: Connection, sha256: str) -> RowMapping | None:
    return conn.execute(select(raw_files).where(raw_files.c.sha256 == sha256)).mappings().first()


def insert_raw_file(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(raw_files).values(**values))


def add_sighting(conn: Connection, sha256: str, name: str, source: str, seen_at: datetime) -> bool:
    """Record a sighting; True if new. A known one seen again *earlier* keeps the earlier
    time (whatever order sightings arrive in, each keeps its earliest)."""
    where = and_(
        sightings.c.sha256 == sha256, sightings.c.name == name, sightings.c.source == source
    )
    current = conn.execute(select(sightings.c.seen_at).where(where)).scalar_one_or_none()
    if current is not None:
        if as_utc(current) > seen_at:
            conn.execute(update(sightings).where(where).values(seen_at=seen_at))
        return False
    conn.execute(insert(sightings).values(sha256=sha256, name=name, source=source, seen_at=seen_at))
    return True


def lower_first_seen(
    conn: Connection,
    sha256: str,
    seen_at: datetime,
    name: str | None = None,
    source: str | None = None,
) -> bool:
    """Move a file's first-seen time earlier (and its first name and source with it, when
    given); True when it changed."""
    current = conn.execute(
        select(raw_files.c.first_seen).where(raw_files.c.sha256 == sha256)
    ).scalar_one()
    if as_utc(current) <= seen_at:
        return False
    values: dict[str, Any] = {"first_seen": seen_at}
    if name is not None and source is not None:
        parsed = parse_file_name(name)
        values.update(
            first_name=name,
            first_source=source,
            ice_date=parsed.ice_date,
            ice_part=parsed.part_of_day,
            ice_suffix=parsed.suffix or None,
        )
    conn.execute(update(raw_files).where(raw_files.c.sha256 == sha256).values(**values))
    return True


def sighting_names(conn: Connection, sha256: str) -> list[str]:
    """The names a file was seen under, earliest sighting first."""
    return list(
        conn.execute(
            select(sightings.c.name)
            .where(sightings.c.sha256 == sha256)
            .order_by(sightings.c.seen_at, sightings.c.name)
        ).scalars()
    )


def replace_issues(conn: Connection, publication_id: str, kind: str, issues: list[Any]) -> None:
    """Replace a publication's issues of one kind (placed after the others)."""
    where = publication_issues.c.publication_id == publication_id
    conn.execute(delete(publication_issues).where(where, publication_issues.c.kind == kind))
    last = conn.execute(select(func.max(publication_issues.c.seq)).where(where)).scalar() or 0
    bulk_insert(
        conn,
        publication_issues,
        [
            {
                "publication_id": publication_id,
                "seq": last + i,
                "row_number": issue.row_number,
                "column_name": issue.column,
                "raw_value": issue.raw_value,
                "kind": issue.kind,
                "severity": issue.severity,
                "note": issue.note,
            }
            for i, issue in enumerate(issues, start=1)
        ],
    )


def insert_publication(
    conn: Connection,
    values: dict[str, Any],
    rows: Sequence[Row],
    issues: Sequence[DataIssue],
    known: set[str] | None = None,
) -> set[str]:
    """Insert a publication, its placed rows, any row contents not yet stored, and its issues.

    ``known`` (content ids already stored, kept by the caller across imports) saves the
    lookup; returns the ids this call added.
    """
    conn.execute(insert(publications).values(**values))
    pid = values["id"]
    new_contents: dict[str, Row] = {}
    for row in rows:
        new_contents.setdefault(row.content_id, row)
    stored = (
        known & set(new_contents)
        if known is not None
        else existing_content_ids(conn, list(new_contents))
    )
    for content_id in stored:
        del new_contents[content_id]
    bulk_insert(
        conn,
        row_contents,
        [{"id": cid, **row.content.as_dict()} for cid, row in sorted(new_contents.items())],
    )
    bulk_insert(
        conn,
        content_issues,
        [
            {
                "content_id": cid,
                "seq": i,
                "column_name": issue.column,
                "raw_value": issue.raw_value,
                "kind": issue.kind,
                "severity": ISSUE_KINDS[issue.kind].severity,
                "note": issue.note,
            }
            for cid, row in sorted(new_contents.items())
            for i, issue in enumerate(row.issues, start=1)
        ],
    )
    # The bulk of every import: plain values the drivers adapt themselves (str, int, bool).
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        "INSERT INTO publication_rows (publication_id, row_number, hidden, content_id) "
        f"VALUES ({marker}, {marker}, {marker}, {marker})",
        [(pid, r.row_number, r.hidden, r.content_id) for r in rows],
    )
    bulk_insert(
        conn,
        publication_issues,
        [
            {
                "publication_id": pid,
                "seq": i,
                "row_number": issue.row_number,
                "column_name": issue.column,
                "raw_value": issue.raw_value,
                "kind": issue.kind,
                "severity": issue.severity,
                "note": issue.note,
            }
            for i, issue in enumerate(issues, start=1)
        ],
    )
    return set(new_contents)


def all_content_ids(conn: Connection) -> set[str]:
    return set(conn.execute(select(row_contents.c.id)).scalars())


def count_contents(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(row_contents)).scalar_one())


def existing_content_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            conn.execute(select(row_contents.c.id).where(row_contents.c.id.in_(chunk))).scalars()
        )
    return found


def update_publication(conn: Connection, pid: str, values: dict[str, Any]) -> None:
    conn.execute(update(publications).where(publications.c.id == pid).values(**values))


def newest_signed(conn: Connection, publication_id: str) -> date | None:
    value: date | None = conn.execute(
        select(func.max(row_contents.c.signed))
        .select_from(publication_rows.join(row_contents))
        .where(publication_rows.c.publication_id == publication_id)
    ).scalar()
    return value


def publication_by_sha(conn: Connection, sha256: str) -> RowMapping | None:
    return (
        conn.execute(select(publications).where(publications.c.sha256 == sha256)).mappings().first()
    )


def reorder(conn: Connection, kind: str) -> bool:
    """Recompute ``seq`` and ``label`` for every publication of one kind.

    Returns True when a publication that already had a place moved (so indexes built
    on sequence numbers, such as content runs, must be rebuilt).
    """
    pubs = conn.execute(
        select(
            publications.c.id,
            publications.c.sha256,
            publications.c.file_name,
            publications.c.published_date,
            publications.c.part_of_day,
            publications.c.first_seen,
            publications.c.seq,
            publications.c.label,
        ).where(publications.c.kind == kind)
    ).all()
    ordered = sorted(
        pubs,
        key=lambda p: (
            p.published_date,
            PART_RANK.get(p.part_of_day, 2),
            as_utc(p.first_seen),
            p.sha256,
        ),
    )
    base = [_base_label(kind, p.file_name, p.published_date.isoformat()) for p in ordered]
    counts: dict[str, int] = {}
    for b in base:
        counts[b] = counts.get(b, 0) + 1
    used: dict[str, int] = {}
    changes = []
    for seq, (p, b) in enumerate(zip(ordered, base, strict=True), start=1):
        label = b
        if counts[b] > 1:
            used[b] = used.get(b, 0) + 1
            label = f"{b}#{used[b]}"
        if p.seq != seq or p.label != label:
            changes.append({"pid": p.id, "seq": seq, "label": label})
    for change in changes:
        conn.execute(
            update(publications)
            .where(publications.c.id == change["pid"])
            .values(seq=change["seq"], label=change["label"])
        )
    return any(
        p.seq is not None and p.seq != seq
        for p, seq in ((p, n) for n, p in enumerate(ordered, start=1))
    )


def _base_label(kind: str, file_name: str, published: str) -> str:
    prefix = {"participating": "part", "pending": "pend"}.get(kind, "list")
    m = re.search(r"agenc(?:y|ies)[\s_-]*(\d{6,9}[\s_-]*(?:am|pm|mid)?)", file_name, re.IGNORECASE)
    if m:
        stamp = re.sub(r"[\s_-]", "", m.group(1)).lower()
        return f"{prefix} {stamp}"
    return f"{prefix} {published}"


def iter_dicts(result: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in result]


def extend_runs(conn: Connection, kind: str, publication_id: str, seq: int) -> None:
    """Add one newly appended list (the newest of its kind) to the content runs.

    The list's contents and the runs ending on the list before are read by index and
    matched here, then written by primary key: one plan on every engine (PostgreSQL
    chose a nested-loop semi join for the ``IN (SELECT ...)`` form, 4x SQLite's time)."""
    on_list = set(
        conn.execute(
            select(publication_rows.c.content_id)
            .where(publication_rows.c.publication_id == publication_id)
            .distinct()
        ).scalars()
    )
    ending = conn.execute(
        select(content_runs.c.content_id, content_runs.c.first_seq, content_runs.c.last_seq).where(
            and_(content_runs.c.kind == kind, content_runs.c.last_seq.in_((seq - 1, seq)))
        )
    ).all()
    extended = [
        {"k": kind, "c": content_id, "f": first}
        for content_id, first, last in ending
        if last == seq - 1 and content_id in on_list
    ]
    covered = {c for c, _f, last in ending if last == seq} | {e["c"] for e in extended}
    if extended:
        conn.execute(
            update(content_runs)
            .where(
                and_(
                    content_runs.c.kind == bindparam("k"),
                    content_runs.c.content_id == bindparam("c"),
                    content_runs.c.first_seq == bindparam("f"),
                )
            )
            .values(last_seq=seq),
            extended,
        )
    fresh = sorted(on_list - covered)
    if fresh:
        conn.execute(
            insert(content_runs),
            [{"kind": kind, "content_id": c, "first_seq": seq, "last_seq": seq} for c in fresh],
        )


def clear_runs(conn: Connection, kind: str) -> None:
    conn.execute(delete(content_runs).where(content_runs.c.kind == kind))


def has_runs(conn: Connection, kind: str) -> bool:
    return (
        conn.execute(
            select(content_runs.c.kind).where(content_runs.c.kind == kind).limit(1)
        ).first()
        is not None
    )


def count_publications(conn: Connection, kind: str) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(publications).where(publications.c.kind == kind)
        ).scalar_one()
    )


def save_counts(conn: Connection, publication_id: str, counts: dict[str, Any]) -> None:
    """Keep a list's counts (replacing any kept before)."""
    conn.execute(
        delete(publication_counts).where(publication_counts.c.publication_id == publication_id)
    )
    conn.execute(
        insert(publication_counts).values(
            publication_id=publication_id, counts=json.dumps(counts, sort_keys=True)
        )
    )


def stored_counts(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every list's kept counts, by publication id (lists stored before they were kept
    have none)."""
    return {
        pid: json.loads(text)
        for pid, text in conn.execute(
            select(publication_counts.c.publication_id, publication_counts.c.counts)
        )
    }
