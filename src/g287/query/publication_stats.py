"""The publications with their counts: rows by model, TYPE and MOA status, states,
signing-date range and issues, for every list (:func:`list_publications`, counted once per
process and kept) or one (:func:`publication_summary`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from g287.errors import InvalidQuery
from g287.query.issues import issue_summary
from g287.query.publications import KINDS, resolve_publication
from g287.query.records import PLACED, PLACED_ISSUES, _iso, _jsonable
from g287.store.publications import stored_counts as store_counts
from g287.store.schema import content_issues, publication_issues, publications, row_contents
from g287.store.schema import publication_rows as placed_rows


def list_publications(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    """Every publication in order, with its counts by model, TYPE and state, and issue counts."""
    return publication_page(conn, kind)["data"]  # type: ignore[no-any-return]


def publication_page(
    conn: Connection, kind: str | None = None, *, limit: int | None = None, offset: int = 0
) -> dict[str, Any]:
    """One page of :func:`list_publications` (by kind, then date) and ``count``, how many
    lists there are in all; only the page's lists are counted."""
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(f"kind must be one of {', '.join(KINDS)}")
    if (limit is not None and limit < 1) or offset < 0:
        raise InvalidQuery("limit must be at least 1 and offset at least 0")
    q = select(publications).order_by(publications.c.kind, publications.c.seq)
    total = select(func.count()).select_from(publications)
    if kind:
        q = q.where(publications.c.kind == kind)
        total = total.where(publications.c.kind == kind)
    if limit is not None or offset:
        q = q.limit(limit).offset(offset)
    pubs = [_jsonable(p) for p in conn.execute(q).mappings()]
    count = len(pubs) if limit is None and not offset else conn.execute(total).scalar_one()
    return {"count": count, "data": _with_stats(conn, pubs)}


def _with_stats(conn: Connection, pubs: list[dict[str, Any]]) -> list[dict[str, Any]]:
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
