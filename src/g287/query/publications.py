"""Queries over the archive and the published lists: files, publications, rows, issues."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, union_all

from g287.errors import InvalidQuery, NotFound
from g287.model.issues import ISSUE_KINDS, SEVERITY_RANK
from g287.model.states import state_code
from g287.query.urls import URL_KEYS, public_row
from g287.store.like import contains, escape_like, like
from g287.store.publications import stored_counts as store_counts
from g287.store.schema import (
    content_issues,
    held_lists,
    publication_issues,
    publications,
    raw_files,
    row_contents,
)
from g287.store.schema import publication_rows as placed_rows

PLACED = placed_rows.join(row_contents, row_contents.c.id == placed_rows.c.content_id)
PLACED_ISSUES = placed_rows.join(
    content_issues, content_issues.c.content_id == placed_rows.c.content_id
)

KINDS = ("participating", "pending")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # datetime is a date


def _jsonable(row: Any) -> dict[str, Any]:
    """A row as a dict, its dates and times as ISO text, its links checked
    (:func:`g287.query.urls.public_row`)."""
    return public_row({key: _iso(value) for key, value in row.items()})


def records(result: Any) -> list[dict[str, Any]]:
    """A result's rows as :func:`_jsonable` dicts, zipped from plain rows (several times
    faster than row mappings for the wide pages of the API)."""
    keys = list(result.keys())
    out = [{k: _iso(v) for k, v in zip(keys, row, strict=True)} for row in result]
    if any(k in URL_KEYS or k == "field" for k in keys):
        for item in out:
            public_row(item)
    return out


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


def list_publications(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    """Every publication in order, with its counts by model, TYPE and state, and issue counts."""
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(f"kind must be one of {', '.join(KINDS)}")
    q = select(publications).order_by(publications.c.kind, publications.c.seq)
    if kind:
        q = q.where(publications.c.kind == kind)
    pubs = [_jsonable(p) for p in conn.execute(q).mappings()]
    stats = publication_stats(conn, pubs)
    for p in pubs:  # copies: callers may change what they are given, never the memo
        p.update({k: dict(v) if isinstance(v, dict) else v for k, v in stats[p["id"]].items()})
    return pubs


STATS_MEMO_LIMIT = 50_000
"""Publications whose counts one process keeps (far more than ICE has published)."""
_stats_memo: dict[tuple[Any, ...], dict[str, Any]] = {}


def _stats_key(conn: Connection, pub: dict[str, Any]) -> tuple[Any, ...]:
    """What a list's counts are a function of: its bytes (the id and sha256) read by this
    code, and how that reading went (layout, header row, row counts) in this database."""
    return (
        conn.engine.url.render_as_string(hide_password=True),
        pub["id"],
        pub["sha256"],
        pub["layout"],
        pub["header_row"],
        pub["row_count"],
        pub["hidden_rows"],
        pub["sheet_name"],
    )


def publication_stats(conn: Connection, pubs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each publication's rows by model, TYPE and MOA status, states, signing-date range and
    issues by severity, by publication id.

    The importer keeps each list's counts in ``publication_counts`` as it stores it, so
    they are read, not counted. Lists stored before those were kept are counted here:
    a list's rows never change once stored (they are read from its immutable bytes), so
    its counts are worked out once per process and kept: after an import only the new
    list's rows are counted, not the whole history's (1.6 million rows on the 500-list
    simulated history took seconds per worker after every import).
    """
    kept = store_counts(conn) if pubs else {}
    keys = {p["id"]: _stats_key(conn, p) for p in pubs if p["id"] not in kept}
    missing = [pid for pid, key in keys.items() if key not in _stats_memo]
    if missing:
        if len(_stats_memo) + len(missing) > STATS_MEMO_LIMIT:
            _stats_memo.clear()
        counted = _count_publications(conn, missing, whole=len(missing) > 50)
        for pid in missing:
            _stats_memo[keys[pid]] = counted[pid]
    out = {pid: _stats_memo[key] for pid, key in keys.items()}
    out.update({p["id"]: kept[p["id"]] for p in pubs if p["id"] in kept})
    return out


def count_publication(conn: Connection, publication_id: str) -> dict[str, Any]:
    """One list's counts, as :func:`publication_stats` gives them (what the importer keeps
    in ``publication_counts`` when it stores or re-dates the list)."""
    return _count_publications(conn, [publication_id], whole=False)[publication_id]


def _count_publications(
    conn: Connection, ids: Sequence[str], *, whole: bool
) -> dict[str, dict[str, Any]]:
    """The counts of the lists ``ids`` (``whole``: in one pass over every list's rows, which
    beats a long ``IN`` list when most are wanted)."""
    wanted = set(ids)
    pid_col = placed_rows.c.publication_id
    issue_pid = publication_issues.c.publication_id

    def only(q: Any, column: Any) -> Any:
        return q if whole else q.where(column.in_(ids))

    by_model: dict[str, dict[str, int]] = defaultdict(dict)
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    moa: dict[str, dict[str, int]] = defaultdict(dict)
    for pid, model, typ, status, n in conn.execute(
        only(
            select(
                pid_col,
                row_contents.c.model,
                row_contents.c.type,
                row_contents.c.moa_status,
                func.count(),
            ).select_from(PLACED),
            pid_col,
        ).group_by(pid_col, row_contents.c.model, row_contents.c.type, row_contents.c.moa_status)
    ):
        model_key, type_key = model or "unknown", typ or "blank"
        by_model[pid][model_key] = by_model[pid].get(model_key, 0) + n
        by_type[pid][type_key] = by_type[pid].get(type_key, 0) + n
        if status is not None:
            moa[pid][status] = moa[pid].get(status, 0) + n
    states: dict[str, int] = {}
    signed: dict[str, tuple[Any, Any]] = {}
    for pid, n_states, lo, hi in conn.execute(
        only(
            select(
                pid_col,
                func.count(func.distinct(row_contents.c.state)),
                func.min(row_contents.c.signed),
                func.max(row_contents.c.signed),
            ).select_from(PLACED),
            pid_col,
        ).group_by(pid_col)
    ):
        states[pid] = n_states
        signed[pid] = (lo, hi)
    issues: dict[str, dict[str, int]] = defaultdict(dict)
    for query in (
        only(
            select(pid_col, content_issues.c.severity, func.count()).select_from(PLACED_ISSUES),
            pid_col,
        ).group_by(pid_col, content_issues.c.severity),
        only(
            select(issue_pid, publication_issues.c.severity, func.count()),
            issue_pid,
        ).group_by(issue_pid, publication_issues.c.severity),
    ):
        for pid, severity, n in conn.execute(query):
            issues[pid][severity] = issues[pid].get(severity, 0) + n
    out: dict[str, dict[str, Any]] = {}
    for pid in wanted:
        lo, hi = signed.get(pid, (None, None))
        out[pid] = {
            "by_model": dict(sorted(by_model[pid].items())),
            "by_type": dict(sorted(by_type[pid].items())),
            "states": states.get(pid, 0),
            "moa": dict(sorted(moa[pid].items())),
            "signed_min": _iso(lo) if lo else None,
            "signed_max": _iso(hi) if hi else None,
            "issues": {s: issues[pid].get(s, 0) for s in ("error", "warning", "info")},
        }
    return out


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
        .order_by(publications.c.kind, publications.c.seq, both.c.row_number, both.c.seq)
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


def publication_summary(conn: Connection, ref: str) -> dict[str, Any]:
    """One publication with the counts :func:`list_publications` gives each (rows by model,
    TYPE and MOA status, states, signing dates, issues by severity) and its issues by kind."""
    pub = resolve_publication(conn, ref)
    pid = pub["id"]
    by_model: dict[str, int] = {}
    by_type: dict[str, int] = {}
    moa: dict[str, int] = {}
    for model, typ, status, n in conn.execute(
        select(row_contents.c.model, row_contents.c.type, row_contents.c.moa_status, func.count())
        .select_from(PLACED)
        .where(placed_rows.c.publication_id == pid)
        .group_by(row_contents.c.model, row_contents.c.type, row_contents.c.moa_status)
    ):
        by_model[model or "unknown"] = by_model.get(model or "unknown", 0) + n
        by_type[typ or "blank"] = by_type.get(typ or "blank", 0) + n
        if status is not None:
            moa[status] = moa.get(status, 0) + n
    n_states, lo, hi = conn.execute(
        select(
            func.count(func.distinct(row_contents.c.state)),
            func.min(row_contents.c.signed),
            func.max(row_contents.c.signed),
        )
        .select_from(PLACED)
        .where(placed_rows.c.publication_id == pid)
    ).one()
    kinds = issue_summary(conn, publication=pid)
    severities = dict.fromkeys(("error", "warning", "info"), 0)
    for k in kinds:
        severities[k["severity"]] = severities.get(k["severity"], 0) + k["count"]
    pub.update(
        by_model=dict(sorted(by_model.items())),
        by_type=dict(sorted(by_type.items())),
        states=int(n_states or 0),
        moa=dict(sorted(moa.items())),
        signed_min=lo.isoformat() if lo else None,
        signed_max=hi.isoformat() if hi else None,
        issues=severities,
        issue_kinds=kinds,
    )
    return pub
