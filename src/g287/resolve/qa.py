"""QA invariants over the resolved history, checked after every build (``g287 check``).

Each check compares two things computed differently (the derived tables against the
stored rows and lists), so each can fail; ``tests/test_qa.py`` builds a database where
each one does."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, and_, func, select

from g287.resolve.qa_identity import (
    Check,
    _co_listed_agencies,
    _examples,
    _folds_are_duplicates,
    _listing_windows,
    _scalar,
)
from g287.resolve.resolution import printed_signed
from g287.store.schema import (
    agreements,
    content_agreements,
    content_pending,
    held_lists,
    pending_requests,
    publication_rows,
    publications,
    row_contents,
    timeline,
    unresolved_contents,
)


def run_checks(conn: Connection) -> list[Check]:
    held = set(conn.execute(select(held_lists.c.publication_id)).scalars())
    part = [
        p
        for p in conn.execute(
            select(
                publications.c.id,
                publications.c.seq,
                publications.c.published_date,
                publications.c.label,
            )
            .where(publications.c.kind == "participating")
            .order_by(publications.c.seq)
        ).all()
        if p.id not in held
    ]
    if not part:
        return [Check("participating lists imported", False, 0, ">= 1", "import a list first")]
    newest = part[-1]
    out = [
        _active_is_newest(conn, newest),
        _rows_add_up(conn, newest),
        _as_of_counts(conn, part),
        _folds_are_duplicates(conn),
        _co_listed_agencies(conn),
        _every_row_accounted(conn),
        _bad_rows_carried(conn, held),
        _converted_pending(conn),
        _listing_windows(conn),
    ]
    bad_superseded = _scalar(
        conn,
        select(func.count())
        .select_from(agreements)
        .where(and_(agreements.c.status == "superseded", agreements.c.successor_id.is_(None))),
    )
    out.append(
        Check(
            "every superseded agreement names its successor",
            bad_superseded == 0,
            bad_superseded,
            0,
            "",
        )
    )
    ids = set(conn.execute(select(agreements.c.id)).scalars())
    dangling = sum(
        1 for s in conn.execute(select(agreements.c.successor_id)).scalars() if s and s not in ids
    )
    out.append(Check("every successor exists", dangling == 0, dangling, 0, ""))
    active_with_successor = _scalar(
        conn,
        select(func.count())
        .select_from(agreements)
        .where(and_(agreements.c.status == "active", agreements.c.successor_id.is_not(None))),
    )
    out.append(
        Check(
            "no active agreement is superseded",
            active_with_successor == 0,
            active_with_successor,
            0,
            "",
        )
    )
    disorder = sum(1 for x, y in pairwise(part) if y.published_date < x.published_date)
    out.append(Check("participating lists in date order", disorder == 0, disorder, 0, ""))
    return out


def _on_list_count(publication_id: str) -> Any:
    return (
        select(func.count(func.distinct(content_agreements.c.agreement_id)))
        .select_from(
            publication_rows.join(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
        )
        .where(publication_rows.c.publication_id == publication_id)
    )


def _active_is_newest(conn: Connection, newest: Any) -> Check:
    """Status 'active' (set by lineage) against the rows of the newest list (stored)."""
    active = set(
        conn.execute(select(agreements.c.id).where(agreements.c.status == "active")).scalars()
    )
    listed = set(
        conn.execute(
            select(content_agreements.c.agreement_id)
            .join(
                publication_rows, publication_rows.c.content_id == content_agreements.c.content_id
            )
            .where(publication_rows.c.publication_id == newest.id)
        ).scalars()
    )
    wrong = sorted(active ^ listed)
    return Check(
        "active agreements = agreements printed on the newest list",
        not wrong,
        len(active),
        len(listed),
        f"newest list {newest.label}; {len(wrong)} differ {_examples(wrong)}".rstrip(),
    )


def _rows_add_up(conn: Connection, newest: Any) -> Check:
    rows = _scalar(
        conn,
        select(func.count())
        .select_from(publication_rows)
        .where(publication_rows.c.publication_id == newest.id),
    )
    listed = _scalar(conn, _on_list_count(newest.id))
    unresolved = _scalar(
        conn,
        select(func.count())
        .select_from(
            publication_rows.join(
                unresolved_contents,
                unresolved_contents.c.content_id == publication_rows.c.content_id,
            )
        )
        .where(publication_rows.c.publication_id == newest.id),
    )
    placed = _scalar(
        conn,
        select(func.count())
        .select_from(
            publication_rows.join(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
        )
        .where(publication_rows.c.publication_id == newest.id),
    )
    duplicates = placed - listed
    return Check(
        "newest list rows = its agreements + duplicate rows + unresolved rows",
        rows == listed + duplicates + unresolved,
        rows,
        f"{listed} + {duplicates} + {unresolved}",
        "duplicate rows: a second row of one agreement on one list",
    )


def _as_of_counts(conn: Connection, part: list[Any]) -> Check:
    """The timeline's count per list (summed by lineage) against the rows on each list."""
    counted: dict[str, int] = defaultdict(int)
    for pid, n in conn.execute(select(timeline.c.publication_id, timeline.c.agreements)):
        counted[pid] += n
    printed: dict[str, int] = dict(
        conn.execute(
            select(
                publication_rows.c.publication_id,
                func.count(func.distinct(content_agreements.c.agreement_id)),
            )
            .join(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
            .group_by(publication_rows.c.publication_id)
        ).all()
    )
    wrong = [
        f"{p.label}: {counted.get(p.id, 0)} vs {printed.get(p.id, 0)}"
        for p in part
        if counted.get(p.id, 0) != printed.get(p.id, 0)
    ]
    return Check(
        "each list's as-of count = the distinct agreements printed on it",
        not wrong,
        len(wrong),
        0,
        _examples(wrong),
    )


def _every_row_accounted(conn: Connection) -> Check:
    orphans = _scalar(
        conn,
        select(func.count())
        .select_from(
            publication_rows.outerjoin(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
            .outerjoin(
                content_pending, content_pending.c.content_id == publication_rows.c.content_id
            )
            .outerjoin(
                unresolved_contents,
                unresolved_contents.c.content_id == publication_rows.c.content_id,
            )
        )
        .where(
            and_(
                content_agreements.c.agreement_id.is_(None),
                content_pending.c.pending_id.is_(None),
                unresolved_contents.c.content_id.is_(None),
            )
        ),
    )
    return Check(
        "every row is an agreement, a request, a duplicate, or unresolved with a reason",
        orphans == 0,
        orphans,
        0,
        "rows with no agreement, request or reason",
    )


def _bad_rows_carried(conn: Connection, held: set[str]) -> Check:
    """A listed participating row with a state, model, name and any printed date is part
    of the program: a bad date or state is carried, never a reason to leave it out."""
    on_held = set(
        conn.execute(
            select(publication_rows.c.content_id).where(publication_rows.c.publication_id.in_(held))
        ).scalars()
        if held
        else []
    )
    on_shown = set(
        conn.execute(
            select(publication_rows.c.content_id).where(
                publication_rows.c.publication_id.not_in(held)
            )
        ).scalars()
        if held
        else []
    )
    bad: list[str] = []
    for r in conn.execute(
        select(
            unresolved_contents.c.content_id,
            unresolved_contents.c.reason,
            row_contents.c.model,
            row_contents.c.agency,
            row_contents.c.signed,
            row_contents.c.signed_raw,
        )
        .join(row_contents, row_contents.c.id == unresolved_contents.c.content_id)
        .where(unresolved_contents.c.kind == "participating")
    ):
        if r.content_id in on_held and r.content_id not in on_shown:
            continue
        dated = r.signed is not None or bool(r.signed_raw and printed_signed(r.signed_raw))
        if r.model and (r.agency or "").strip() and dated and "STATE" not in r.reason:
            bad.append(f"{r.agency} ({r.reason})")
    return Check(
        "no listed row with a model, a name and a printed date is left unresolved",
        not bad,
        len(bad),
        0,
        _examples(bad),
    )


def _converted_pending(conn: Connection) -> Check:
    ids = set(conn.execute(select(agreements.c.id)).scalars())
    bad = [
        rid
        for rid, aid in conn.execute(
            select(pending_requests.c.id, pending_requests.c.agreement_id).where(
                pending_requests.c.status == "converted"
            )
        )
        if not aid or aid not in ids
    ]
    return Check(
        "every converted pending request names an agreement that exists",
        not bad,
        len(bad),
        0,
        _examples(bad),
    )
