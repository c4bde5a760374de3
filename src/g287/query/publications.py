"""Queries over the archive and the published lists: files, publications, rows, issues."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from g287.errors import InvalidQuery, NotFound
from g287.read.issues import ISSUE_KINDS, SEVERITY_RANK
from g287.store.schema import data_issues, publications, raw_files, sheet_rows

KINDS = ("participating", "pending")


def _jsonable(row: Any) -> dict[str, Any]:
    out = {}
    for key, value in dict(row).items():
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def resolve_publication(conn: Connection, ref: str) -> dict[str, Any]:
    """Find one publication by id, sha256 prefix, label, ICE stamp, file name, or 'latest'."""
    ref = ref.strip()
    q = select(publications)
    lowered = ref.lower()
    if lowered in {"latest", "latest-participating", "latest-pending"}:
        kind = "pending" if lowered.endswith("pending") else "participating"
        row = (
            conn.execute(q.where(publications.c.kind == kind).order_by(publications.c.seq.desc()))
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
                        publications.c.label.like("% " + lowered),
                        publications.c.label.like("% " + lowered + "#%"),
                    )
                )
            )
            .mappings()
            .all()
        )
    if not candidates:
        raise NotFound(f"no publication matches {ref!r} (try `g287 publications`)")
    if len(candidates) > 1:
        labels = ", ".join(sorted(f"{c['label']} ({c['id']})" for c in candidates))
        raise InvalidQuery(f"{ref!r} is ambiguous: {labels}")
    return _jsonable(candidates[0])


def list_publications(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    """Every publication in order, with its counts by model, TYPE and state, and issue counts."""
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(f"kind must be one of {', '.join(KINDS)}")
    q = select(publications).order_by(publications.c.kind, publications.c.seq)
    if kind:
        q = q.where(publications.c.kind == kind)
    pubs = [_jsonable(p) for p in conn.execute(q).mappings()]
    by_model: dict[str, dict[str, int]] = defaultdict(dict)
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    moa: dict[str, dict[str, int]] = defaultdict(dict)
    for pid, model, n in conn.execute(
        select(sheet_rows.c.publication_id, sheet_rows.c.model, func.count()).group_by(
            sheet_rows.c.publication_id, sheet_rows.c.model
        )
    ):
        by_model[pid][model or "unknown"] = n
    for pid, typ, n in conn.execute(
        select(sheet_rows.c.publication_id, sheet_rows.c.type, func.count()).group_by(
            sheet_rows.c.publication_id, sheet_rows.c.type
        )
    ):
        by_type[pid][typ or "blank"] = n
    for pid, status, n in conn.execute(
        select(sheet_rows.c.publication_id, sheet_rows.c.moa_status, func.count())
        .where(sheet_rows.c.moa_status.is_not(None))
        .group_by(sheet_rows.c.publication_id, sheet_rows.c.moa_status)
    ):
        moa[pid][status] = n
    states: dict[str, int] = dict(
        conn.execute(
            select(
                sheet_rows.c.publication_id, func.count(func.distinct(sheet_rows.c.state))
            ).group_by(sheet_rows.c.publication_id)
        ).all()
    )
    signed = {
        pid: (lo, hi)
        for pid, lo, hi in conn.execute(
            select(
                sheet_rows.c.publication_id,
                func.min(sheet_rows.c.signed),
                func.max(sheet_rows.c.signed),
            ).group_by(sheet_rows.c.publication_id)
        )
    }
    issues: dict[str, dict[str, int]] = defaultdict(dict)
    for pid, severity, n in conn.execute(
        select(data_issues.c.publication_id, data_issues.c.severity, func.count()).group_by(
            data_issues.c.publication_id, data_issues.c.severity
        )
    ):
        issues[pid][severity] = n
    for p in pubs:
        pid = p["id"]
        p["by_model"] = dict(sorted(by_model[pid].items()))
        p["by_type"] = dict(sorted(by_type[pid].items()))
        p["states"] = states.get(pid, 0)
        p["moa"] = dict(sorted(moa[pid].items()))
        lo, hi = signed.get(pid, (None, None))
        p["signed_min"] = lo.isoformat() if lo else None
        p["signed_max"] = hi.isoformat() if hi else None
        p["issues"] = {s: issues[pid].get(s, 0) for s in ("error", "warning", "info")}
    return pubs


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
    pub = resolve_publication(conn, ref)
    q = (
        select(sheet_rows)
        .where(sheet_rows.c.publication_id == pub["id"])
        .order_by(sheet_rows.c.row_number)
    )
    if state:
        q = q.where(sheet_rows.c.state == state.upper())
    if model:
        q = q.where(sheet_rows.c.model == model.upper())
    if text:
        q = q.where(func.lower(sheet_rows.c.agency).contains(text.lower()))
    if hidden is not None:
        q = q.where(sheet_rows.c.hidden == hidden)
    if limit:
        q = q.limit(limit)
    return pub, [_jsonable(r) for r in conn.execute(q).mappings()]


def list_issues(
    conn: Connection,
    *,
    publication: str | None = None,
    kind: str | None = None,
    severity: str = "warning",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    if severity not in SEVERITY_RANK:
        raise InvalidQuery("severity must be one of info, warning, error")
    if kind is not None and kind not in ISSUE_KINDS:
        raise InvalidQuery(f"unknown issue kind {kind!r}; known: {', '.join(sorted(ISSUE_KINDS))}")
    allowed = [s for s, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[severity]]
    q = (
        select(
            publications.c.label.label("publication"),
            data_issues.c.publication_id,
            data_issues.c.row_number,
            data_issues.c.column_name.label("column"),
            data_issues.c.raw_value,
            data_issues.c.kind,
            data_issues.c.severity,
            data_issues.c.note,
        )
        .join(publications, publications.c.id == data_issues.c.publication_id)
        .order_by(publications.c.kind, publications.c.seq, data_issues.c.seq)
    )
    if kind:
        q = q.where(data_issues.c.kind == kind)
    else:
        q = q.where(data_issues.c.severity.in_(allowed))
    if publication:
        q = q.where(data_issues.c.publication_id == resolve_publication(conn, publication)["id"])
    if limit:
        q = q.limit(limit)
    return [_jsonable(r) for r in conn.execute(q).mappings()]


def issue_summary(conn: Connection, *, publication: str | None = None) -> list[dict[str, Any]]:
    q = select(
        data_issues.c.kind,
        func.count().label("count"),
        func.count(func.distinct(data_issues.c.publication_id)).label("publications"),
    ).group_by(data_issues.c.kind)
    if publication:
        q = q.where(data_issues.c.publication_id == resolve_publication(conn, publication)["id"])
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
        "rows": n(sheet_rows),
        "issues": n(data_issues),
    }
