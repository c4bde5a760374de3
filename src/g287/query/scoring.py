"""Score the stored resolution against a simulator's true history."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, select

from g287.simulate.score import PredictedAgreement, Score, score
from g287.store.schema import agreements, content_agreements, publication_rows, publications


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


def score_against(conn: Connection, truth_dir: Path) -> Score:
    rows, agreed = predictions(conn)
    return score(truth_dir, rows, agreed)
