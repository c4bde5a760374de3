"""Score the stored resolution against a simulator's true history."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import Connection, func, select

from g287.simulate.score import score
from g287.simulate.score_model import PredictedAgreement, Score
from g287.store.schema import (
    agreements,
    content_agreements,
    held_lists,
    publication_rows,
    publications,
    row_contents,
)


def predictions(
    conn: Connection,
) -> tuple[dict[tuple[str, int], str], dict[str, PredictedAgreement]]:
    """(sha256, Excel row) -> agreement id, and each agreement's status and dates."""
    rows: dict[tuple[str, int], str] = {}
    q = (
        select(
            publications.c.sha256, publication_rows.c.row_number, content_agreements.c.agreement_id
        )
        .join(publication_rows, publication_rows.c.publication_id == publications.c.id)
        .join(content_agreements, content_agreements.c.content_id == publication_rows.c.content_id)
    )
    for sha, row_number, agreement_id in conn.execute(q):
        rows[(sha, row_number)] = agreement_id
    agreed = {
        r.id: PredictedAgreement(r.status, r.signed, r.first_listed, r.last_listed)
        for r in conn.execute(
            select(
                agreements.c.id,
                agreements.c.status,
                agreements.c.signed,
                agreements.c.first_listed,
                agreements.c.last_listed,
            )
        )
    }
    return rows, agreed


def as_of_counts(conn: Connection) -> dict[str, int]:
    """sha256 of each participating list -> the as-of active count once it arrived: the
    distinct agreements printed on the newest believed list up to it (a list held as
    suspect leaves the previous list's count in force)."""
    counts: dict[str, int] = {
        pid: int(n)
        for pid, n in conn.execute(
            select(
                publication_rows.c.publication_id,
                func.count(func.distinct(content_agreements.c.agreement_id)),
            )
            .join(
                content_agreements,
                content_agreements.c.content_id == publication_rows.c.content_id,
            )
            .group_by(publication_rows.c.publication_id)
        )
    }
    held = set(conn.execute(select(held_lists.c.publication_id)).scalars())
    out: dict[str, int] = {}
    current = 0
    for pid, sha in conn.execute(
        select(publications.c.id, publications.c.sha256)
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq)
    ):
        if pid not in held:
            current = int(counts.get(pid, 0))
        out[sha] = current
    return out


def printed_cells(conn: Connection, keys: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(sha256, row) -> 'STATE | agency | model | SIGNED' as printed, for a few rows."""
    if not keys:
        return {}
    shas = {sha for sha, _ in keys}
    q = (
        select(
            publications.c.sha256,
            publication_rows.c.row_number,
            row_contents.c.state_raw,
            row_contents.c.agency_raw,
            row_contents.c.model,
            row_contents.c.signed_raw,
        )
        .join(publication_rows, publication_rows.c.publication_id == publications.c.id)
        .join(row_contents, row_contents.c.id == publication_rows.c.content_id)
        .where(
            publications.c.sha256.in_(shas),
            publication_rows.c.row_number.in_({r for _, r in keys}),
        )
    )
    out = {}
    for sha, row, state, agency, model, signed in conn.execute(q):
        if (sha, row) in keys:
            out[(sha, row)] = " | ".join(str(v) for v in (state, agency, model, signed))
    return out


def score_against(conn: Connection, truth_dir: Path, *, worst: int = 10) -> Score:
    """The resolution's score, per-list counts included, worst cases with printed rows."""
    rows, agreed = predictions(conn)
    result = score(truth_dir, rows, agreed, as_of_counts(conn), worst=worst)
    keys = {(r.sha256, r.row_number) for case in result.worst for r in case.rows}
    printed = printed_cells(conn, keys)
    cases = tuple(
        replace(
            case,
            rows=tuple(
                replace(r, printed=printed.get((r.sha256, r.row_number), "")) for r in case.rows
            ),
        )
        for case in result.worst
    )
    return replace(result, worst=cases)
