"""QA invariants over the resolved history, checked after every build (``g287 check``)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, and_, func, select

from g287.store.schema import (
    agreements,
    content_agreements,
    content_pending,
    publication_rows,
    publications,
    unresolved_contents,
)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    value: Any
    expected: Any
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "status": "pass" if self.passed else "fail",
            "value": self.value,
            "expected": self.expected,
            "detail": self.detail,
        }


def _scalar(conn: Connection, q: Any) -> int:
    return int(conn.execute(q).scalar_one() or 0)


def run_checks(conn: Connection) -> list[Check]:
    out: list[Check] = []
    part = conn.execute(
        select(
            publications.c.id,
            publications.c.seq,
            publications.c.published_date,
            publications.c.label,
        )
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq)
    ).all()
    if not part:
        return [Check("participating lists imported", False, 0, ">= 1", "import a list first")]
    newest = part[-1].id
    on_newest = (
        select(func.count(func.distinct(content_agreements.c.agreement_id)))
        .select_from(
            publication_rows.join(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
        )
        .where(publication_rows.c.publication_id == newest)
    )
    active = _scalar(
        conn, select(func.count()).select_from(agreements).where(agreements.c.status == "active")
    )
    listed = _scalar(conn, on_newest)
    out.append(
        Check(
            "active agreements = agreements on the newest list",
            active == listed,
            active,
            listed,
            f"newest list {part[-1].label}",
        )
    )
    rows_newest = _scalar(
        conn,
        select(func.count())
        .select_from(publication_rows)
        .where(publication_rows.c.publication_id == newest),
    )
    unresolved_newest = _scalar(
        conn,
        select(func.count())
        .select_from(
            publication_rows.join(
                unresolved_contents,
                unresolved_contents.c.content_id == publication_rows.c.content_id,
            )
        )
        .where(publication_rows.c.publication_id == newest),
    )
    folded = rows_newest - unresolved_newest - listed
    out.append(
        Check(
            "newest list rows = active + rows folded into one + unresolved rows",
            folded >= 0,
            rows_newest,
            f"{listed} + {folded} + {unresolved_newest}",
            "rows folded: two rows of one list that are one agreement",
        )
    )
    orphans = _scalar(
        conn,
        select(func.count())
        .select_from(
            publication_rows.join(
                publications, publications.c.id == publication_rows.c.publication_id
            )
            .outerjoin(
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
    out.append(
        Check(
            "every row resolves to one agreement or request, or is reported unresolved",
            orphans == 0,
            orphans,
            0,
            "rows with no agreement, request or reason",
        )
    )
    dup = _scalar(
        conn,
        select(func.count()).select_from(
            select(agreements.c.id).group_by(agreements.c.id).having(func.count() > 1).subquery()
        ),
    )
    out.append(Check("no duplicate agreement ids", dup == 0, dup, 0, ""))
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
    statuses: dict[str, int] = dict(
        conn.execute(select(agreements.c.status, func.count()).group_by(agreements.c.status)).all()
    )
    total = _scalar(conn, select(func.count()).select_from(agreements))
    out.append(
        Check(
            "statuses add up to the agreements",
            sum(statuses.values()) == total,
            sum(statuses.values()),
            total,
            str(dict(sorted(statuses.items()))),
        )
    )
    return out
