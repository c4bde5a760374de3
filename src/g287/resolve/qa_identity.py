"""The identity checks of QA (no two spellings printed on one list are one agency unless a
recorded exception says so, folds are duplicates, listing windows hold) and the
:class:`Check` result every check returns (see :mod:`g287.resolve.qa`)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from g287.resolve.fixes import default_curated
from g287.resolve.names import canonical
from g287.store.schema import (
    agreements,
    content_agreements,
    content_runs,
    decisions,
    publication_rows,
    publications,
    row_contents,
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


def _examples(items: list[str], n: int = 3) -> str:
    return ("e.g. " + "; ".join(items[:n])) if items else ""


def _contents(conn: Connection) -> dict[str, Any]:
    return {
        r.id: r
        for r in conn.execute(
            select(
                row_contents.c.id,
                row_contents.c.state,
                row_contents.c.agency,
                row_contents.c.model,
                row_contents.c.signed,
                row_contents.c.signed_raw,
            )
        )
    }


def _names(state: str | None, agency: str | None) -> str:
    curated = default_curated()
    canon = canonical(agency or "", state or "")
    for a in curated.aliases:
        if a.relation == "same" and a.state == state and a.alias_key == canon:
            return a.canonical_key
    return canon


def _recorded_spellings(conn: Connection, rules: tuple[str, ...]) -> set[frozenset[str]]:
    """Pairs of spellings a decision of ``rules`` joined although ICE printed them side by
    side (its evidence names them): the only exceptions the checks below allow."""
    recorded: set[frozenset[str]] = set()
    for (evidence,) in conn.execute(
        select(decisions.c.evidence).where(decisions.c.rule.in_(rules))
    ):
        pair = json.loads(evidence).get("co_listed_spellings")
        if pair:
            recorded.add(frozenset(pair))
    return recorded


def _folds_are_duplicates(conn: Connection) -> Check:
    """Two rows of one list in one agreement must be one agency, model and date printed
    twice (a duplicate), never two different names or dates."""
    groups = conn.execute(
        select(publication_rows.c.publication_id, content_agreements.c.agreement_id)
        .join(content_agreements, content_agreements.c.content_id == publication_rows.c.content_id)
        .group_by(publication_rows.c.publication_id, content_agreements.c.agreement_id)
        .having(func.count() > 1)
    ).all()
    bad: list[str] = []
    if groups:
        contents = _contents(conn)
        wanted = {(g.publication_id, g.agreement_id) for g in groups}
        rows: dict[tuple[str, str], set[tuple[Any, ...]]] = defaultdict(set)
        for pid, aid, cid in conn.execute(
            select(
                publication_rows.c.publication_id,
                content_agreements.c.agreement_id,
                publication_rows.c.content_id,
            ).join(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
        ):
            if (pid, aid) in wanted:
                c = contents[cid]
                rows[(pid, aid)].add((c.state, c.model, c.signed, _names(c.state, c.agency)))
        misprints = _recorded_spellings(conn, ("near_duplicate",))

        def folded(keys: set[tuple[Any, ...]]) -> bool:
            if len(keys) == 1:
                return True
            if len({k[:3] for k in keys}) != 1:
                return False  # another state, model or date is never a duplicate
            return frozenset(k[3] for k in keys) in misprints

        bad = sorted(f"{aid} on {pid}" for (pid, aid), keys in rows.items() if not folded(keys))
    return Check(
        "rows of one list in one agreement are duplicates (same agency, model, date)",
        not bad,
        len(bad),
        0,
        _examples(bad),
    )


def _co_listed_agencies(conn: Connection) -> Check:
    """No agency holds two names printed side by side on one list (unless curated)."""
    runs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for cid, first, last in conn.execute(
        select(content_runs.c.content_id, content_runs.c.first_seq, content_runs.c.last_seq).where(
            content_runs.c.kind == "participating"
        )
    ):
        runs[cid].append((first, last))
    contents = _contents(conn)
    spellings: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for cid, agency_id in conn.execute(
        select(content_agreements.c.content_id, agreements.c.agency_id).join(
            agreements, agreements.c.id == content_agreements.c.agreement_id
        )
    ):
        c = contents[cid]
        spellings[agency_id][_names(c.state, c.agency)].extend(runs.get(cid, []))
    # a typo merge may join two spellings printed beside each other on *different*
    # agreements of one agency (same county); it says so in its evidence
    recorded = _recorded_spellings(conn, ("typo", "near_duplicate"))
    bad: list[str] = []
    for agency_id, names in spellings.items():
        if len(names) < 2:
            continue
        items = sorted(names.items())
        for i, (n1, r1) in enumerate(items):
            for n2, r2 in items[i + 1 :]:
                if frozenset({n1, n2}) in recorded:
                    continue
                if any(a1 <= b2 and a2 <= b1 for a1, b1 in r1 for a2, b2 in r2):
                    bad.append(f"{agency_id}: {n1!r} and {n2!r}")
    return Check(
        "no two agencies printed side by side share an agency id",
        not bad,
        len(bad),
        0,
        _examples(sorted(bad)),
    )


def _listing_windows(conn: Connection) -> Check:
    seq = dict(conn.execute(select(publications.c.id, publications.c.seq)).all())
    bad = [
        aid
        for aid, first, last, d1, d2 in conn.execute(
            select(
                agreements.c.id,
                agreements.c.first_publication_id,
                agreements.c.last_publication_id,
                agreements.c.first_listed,
                agreements.c.last_listed,
            )
        )
        if seq.get(first, 0) > seq.get(last, 0) or d1 > d2
    ]
    return Check(
        "every agreement's first listing is on or before its last",
        not bad,
        len(bad),
        0,
        _examples(bad),
    )
