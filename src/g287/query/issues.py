"""Data issues recorded on the published lists: each one, counts by kind and by severity."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, union_all

from g287.errors import InvalidQuery
from g287.model.issues import ISSUE_KINDS, SEVERITY_RANK
from g287.query.publications import resolve_publication
from g287.query.records import PLACED_ISSUES, _jsonable
from g287.store.schema import content_issues, publication_issues, publications
from g287.store.schema import publication_rows as placed_rows


def _issue_selects(publication_id: str | None) -> list[Any]:
    """Issues as (publication, row, column, raw value, kind, severity, note), both sources."""
    placed = select(
        placed_rows.c.publication_id.label("publication_id"),
        placed_rows.c.row_number.label("row_number"),
        content_issues.c.column_name.label("column"),
        content_issues.c.raw_value.label("raw_value"),
        content_issues.c.kind.label("kind"),
        content_issues.c.severity.label("severity"),
        content_issues.c.note.label("note"),
        content_issues.c.seq.label("seq"),
    ).select_from(PLACED_ISSUES)
    listed = select(
        publication_issues.c.publication_id.label("publication_id"),
        publication_issues.c.row_number.label("row_number"),
        publication_issues.c.column_name.label("column"),
        publication_issues.c.raw_value.label("raw_value"),
        publication_issues.c.kind.label("kind"),
        publication_issues.c.severity.label("severity"),
        publication_issues.c.note.label("note"),
        (publication_issues.c.seq + 1000).label("seq"),
    )
    if publication_id:
        placed = placed.where(placed_rows.c.publication_id == publication_id)
        listed = listed.where(publication_issues.c.publication_id == publication_id)
    return [placed, listed]


def list_issues(
    conn: Connection,
    *,
    publication: str | None = None,
    kind: str | None = None,
    severity: str = "warning",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Data problems, by publication (in order), Excel row and column."""
    if severity not in SEVERITY_RANK:
        raise InvalidQuery("severity must be one of info, warning, error")
    if kind is not None and kind not in ISSUE_KINDS:
        raise InvalidQuery(f"unknown issue kind {kind!r}; known: {', '.join(sorted(ISSUE_KINDS))}")
    allowed = [s for s, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[severity]]
    pid = resolve_publication(conn, publication)["id"] if publication else None
    both = union_all(*_issue_selects(pid)).subquery()
    q = (
        select(
            publications.c.label.label("publication"),
            both.c.publication_id,
            both.c.row_number,
            both.c.column,
            both.c.raw_value,
            both.c.kind,
            both.c.severity,
            both.c.note,
        )
        .join(publications, publications.c.id == both.c.publication_id)
        .order_by(
            publications.c.kind,
            publications.c.seq,
            both.c.row_number.asc().nulls_first(),
            both.c.seq,
        )
    )
    q = q.where(both.c.kind == kind) if kind else q.where(both.c.severity.in_(allowed))
    if limit:
        q = q.limit(limit)
    return [_jsonable(r) for r in conn.execute(q).mappings()]


def issue_summary(conn: Connection, *, publication: str | None = None) -> list[dict[str, Any]]:
    """Issue counts by kind (occurrences in lists, and how many lists)."""
    pid = resolve_publication(conn, publication)["id"] if publication else None
    both = union_all(*_issue_selects(pid)).subquery()
    q = select(
        both.c.kind,
        func.count().label("count"),
        func.count(func.distinct(both.c.publication_id)).label("publications"),
    ).group_by(both.c.kind)
    out = []
    for kind, count, pubs in conn.execute(q):
        meta = ISSUE_KINDS[kind]
        out.append(
            {
                "kind": kind,
                "severity": meta.severity,
                "count": count,
                "publications": pubs,
                "description": meta.description,
            }
        )
    out.sort(key=lambda r: (-SEVERITY_RANK[r["severity"]], -r["count"], r["kind"]))
    return out


def issue_severities(conn: Connection) -> dict[str, int]:
    """Issues recorded by severity: ``{"error": n, "warning": n, "info": n}`` (most are
    info-level notes such as whitespace, curly quotes and ``#N/A`` cells)."""
    out = dict.fromkeys(("error", "warning", "info"), 0)
    for row in issue_summary(conn):
        out[row["severity"]] += row["count"]
    return out
