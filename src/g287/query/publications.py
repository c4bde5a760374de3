"""Queries over the archive and the published lists: files, which lists are held, one
publication found by reference, its rows, table sizes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from g287.errors import InvalidQuery, NotFound
from g287.model.states import state_code
from g287.query.records import PLACED, _jsonable
from g287.store.like import contains, escape_like, like
from g287.store.schema import (
    content_issues,
    held_lists,
    publication_issues,
    publications,
    raw_files,
    row_contents,
)
from g287.store.schema import publication_rows as placed_rows

KINDS = ("participating", "pending")


def not_held() -> Any:
    """A condition: the publication is not a list held as suspect."""
    return publications.c.id.not_in(select(held_lists.c.publication_id))


def held(conn: Connection) -> list[dict[str, Any]]:
    """Lists held as suspect, newest first, with the list each was compared with."""
    other = publications.alias("compared")
    rows = conn.execute(
        select(
            held_lists,
            publications.c.label,
            publications.c.file_name,
            publications.c.published_date,
            other.c.label.label("compared_with_label"),
            other.c.row_count.label("compared_with_rows"),
        )
        .join(publications, publications.c.id == held_lists.c.publication_id)
        .join(other, other.c.id == held_lists.c.compared_with_id)
        .order_by(publications.c.seq.desc())
    ).mappings()
    found = [_jsonable(r) for r in rows]
    for item in found:
        item["message"] = held_line(item)
    return found


def held_line(item: dict[str, Any]) -> str:
    """One line that says a list is held, naming its file."""
    return (
        f"held as suspect: {item['file_name']} ({item['label']}, {item['rows']} rows) lacks "
        f"{item['loss']:.0%} of the agreements on {item['compared_with_label']}; not used "
        f"until a later list confirms it or `g287 accept {item['publication_id']}`"
    )


def resolve_publication(conn: Connection, ref: str) -> dict[str, Any]:
    """Find one publication by id, sha256 prefix, label, ICE stamp, file name, or 'latest'."""
    ref = ref.strip()
    q = select(publications)
    lowered = ref.lower()
    if lowered in {"latest", "latest-participating", "latest-pending"}:
        kind = "pending" if lowered.endswith("pending") else "participating"
        row = (
            conn.execute(
                q.where(publications.c.kind == kind, not_held()).order_by(publications.c.seq.desc())
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"no {kind} publication has been imported")
        return _jsonable(row)
    candidates: Sequence[Any] = []
    if re.fullmatch(r"pb_[0-9a-f]{4,12}", lowered):
        candidates = conn.execute(q.where(publications.c.id.like(lowered + "%"))).mappings().all()
    elif re.fullmatch(r"[0-9a-f]{6,64}", lowered):
        candidates = (
            conn.execute(q.where(publications.c.sha256.like(lowered + "%"))).mappings().all()
        )
    if not candidates:
        candidates = (
            conn.execute(
                q.where(
                    or_(
                        func.lower(publications.c.label) == lowered,
                        func.lower(publications.c.file_name) == lowered,
                        like(publications.c.label, "% " + escape_like(lowered)),
                        like(publications.c.label, "% " + escape_like(lowered) + "#%"),
                    )
                )
            )
            .mappings()
            .all()
        )
    if not candidates:
        raise NotFound(
            f"no publication matches {ref!r} (give an id, sha256 prefix, label, ICE's date "
            "stamp, file name or latest)"
        )
    if len(candidates) > 1:
        labels = ", ".join(sorted(f"{c['label']} ({c['id']})" for c in candidates))
        raise InvalidQuery(f"{ref!r} is ambiguous: {labels}")
    return _jsonable(candidates[0])


def publication_rows(
    conn: Connection,
    ref: str,
    *,
    state: str | None = None,
    model: str | None = None,
    text: str | None = None,
    hidden: bool | None = None,
    limit: int | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One publication and its rows: placement (row number, hidden) plus content fields."""
    pub = resolve_publication(conn, ref)
    q = (
        select(
            placed_rows.c.row_number,
            placed_rows.c.hidden,
            placed_rows.c.content_id,
            *[c for c in row_contents.c if c.name != "id"],
        )
        .select_from(PLACED)
        .where(placed_rows.c.publication_id == pub["id"])
        .order_by(placed_rows.c.row_number)
    )
    if state:
        q = q.where(row_contents.c.state == state_code(state))
    if model:
        q = q.where(row_contents.c.model == model.upper())
    if text:
        q = q.where(contains(row_contents.c.agency, text))
    if hidden is not None:
        q = q.where(placed_rows.c.hidden == hidden)
    if limit:
        q = q.limit(limit)
    return pub, [_jsonable(r) for r in conn.execute(q).mappings()]


def list_files(conn: Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    q = (
        select(raw_files, publications.c.id.label("publication_id"), publications.c.label)
        .select_from(raw_files.outerjoin(publications, publications.c.sha256 == raw_files.c.sha256))
        .order_by(raw_files.c.first_seen, raw_files.c.sha256)
    )
    if status:
        q = q.where(raw_files.c.status == status)
    return [_jsonable(r) for r in conn.execute(q).mappings()]


def counts(conn: Connection) -> dict[str, int]:
    """Table sizes, for summaries."""

    def n(table: Any, *where: Any) -> int:
        q = select(func.count()).select_from(table)
        if where:
            q = q.where(and_(*where))
        return int(conn.execute(q).scalar_one())

    return {
        "files": n(raw_files),
        "rejected_files": n(raw_files, raw_files.c.status == "rejected"),
        "publications": n(publications),
        "participating": n(publications, publications.c.kind == "participating"),
        "pending": n(publications, publications.c.kind == "pending"),
        "rows": n(placed_rows),
        "distinct_rows": n(row_contents),
        "issues": n(
            content_issues.join(
                placed_rows, placed_rows.c.content_id == content_issues.c.content_id
            )
        )
        + n(publication_issues),
    }
