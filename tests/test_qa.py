"""Every QA check can fail: each test breaks one relation in a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from g287.app.importer import Importer
from g287.resolve.qa import run_checks
from g287.store.schema import (
    agreements,
    content_agreements,
    pending_requests,
    publication_rows,
    publications,
    timeline,
    unresolved_contents,
)
from tests.conftest import SHEETS


@pytest.fixture
def imp(importer: Importer) -> Importer:
    importer.import_paths([SHEETS / "sheets_20250519_024330", SHEETS / "sheets_20250519_151802"])
    assert failing(importer) == set()
    return importer


def run_checks_now(imp: Importer) -> dict[str, bool]:
    with imp.db.connect() as conn:
        return {c.name: c.passed for c in run_checks(conn)}


def failing(imp: Importer) -> set[str]:
    return {name for name, ok in run_checks_now(imp).items() if not ok}


def newest_agreements(conn) -> list[str]:
    newest = (
        conn.execute(
            select(publications.c.id)
            .where(publications.c.kind == "participating")
            .order_by(publications.c.seq.desc())
        )
        .scalars()
        .first()
    )
    return sorted(
        set(
            conn.execute(
                select(content_agreements.c.agreement_id)
                .join(
                    publication_rows,
                    publication_rows.c.content_id == content_agreements.c.content_id,
                )
                .where(publication_rows.c.publication_id == newest)
            ).scalars()
        )
    )


def contents_of(conn, agreement_id: str) -> list[str]:
    return list(
        conn.execute(
            select(content_agreements.c.content_id).where(
                content_agreements.c.agreement_id == agreement_id
            )
        ).scalars()
    )


def test_active_must_be_the_newest_list(imp):
    with imp.db.begin() as conn:
        first = newest_agreements(conn)[0]
        conn.execute(update(agreements).where(agreements.c.id == first).values(status="removed"))
    assert "active agreements = agreements printed on the newest list" in failing(imp)


def test_as_of_counts_must_match_the_rows(imp):
    with imp.db.begin() as conn:
        pid, model = conn.execute(select(timeline.c.publication_id, timeline.c.model)).first()
        conn.execute(
            update(timeline)
            .where(timeline.c.publication_id == pid, timeline.c.model == model)
            .values(agreements=timeline.c.agreements + 1)
        )
    assert "each list's as-of count = the distinct agreements printed on it" in failing(imp)


def test_a_row_folded_into_another_agreement_is_caught(imp):
    with imp.db.begin() as conn:
        a, b = newest_agreements(conn)[:2]
        moved = contents_of(conn, b)
        conn.execute(
            update(content_agreements)
            .where(content_agreements.c.content_id.in_(moved))
            .values(agreement_id=a)
        )
    broken = failing(imp)
    assert "rows of one list in one agreement are duplicates (same agency, model, date)" in broken


def test_two_co_listed_agencies_under_one_id_are_caught(imp):
    with imp.db.begin() as conn:
        a, b = newest_agreements(conn)[:2]
        agency_a = conn.execute(select(agreements.c.agency_id).where(agreements.c.id == a))
        conn.execute(
            update(agreements).where(agreements.c.id == b).values(agency_id=agency_a.scalar_one())
        )
    assert "no two agencies printed side by side share an agency id" in failing(imp)


def test_a_row_with_nothing_is_caught(imp):
    with imp.db.begin() as conn:
        first = newest_agreements(conn)[0]
        conn.execute(content_agreements.delete().where(content_agreements.c.agreement_id == first))
    broken = failing(imp)
    assert "every row is an agreement, a request, a duplicate, or unresolved with a reason" in (
        broken
    )
    assert "newest list rows = its agreements + duplicate rows + unresolved rows" in broken


def test_a_good_row_left_unresolved_is_caught(imp):
    with imp.db.begin() as conn:
        first = newest_agreements(conn)[0]
        cids = contents_of(conn, first)
        conn.execute(content_agreements.delete().where(content_agreements.c.agreement_id == first))
        conn.execute(
            unresolved_contents.insert(),
            [{"content_id": c, "kind": "participating", "reason": "no reason"} for c in cids],
        )
    assert "no listed row with a model, a name and a printed date is left unresolved" in failing(
        imp
    )


def test_a_converted_request_without_its_agreement_is_caught(imp):
    with imp.db.begin() as conn:
        rid = conn.execute(select(pending_requests.c.id)).scalars().first()
        conn.execute(
            update(pending_requests)
            .where(pending_requests.c.id == rid)
            .values(status="converted", agreement_id="FL-nobody#TFM#2025-01-01")
        )
    assert "every converted pending request names an agreement that exists" in failing(imp)


def test_a_listing_window_backwards_is_caught(imp):
    with imp.db.begin() as conn:
        aid, last = conn.execute(select(agreements.c.id, agreements.c.last_listed)).first()
        conn.execute(
            update(agreements)
            .where(agreements.c.id == aid)
            .values(first_listed=last + timedelta(days=1))
        )
    assert "every agreement's first listing is on or before its last" in failing(imp)


def test_lineage_checks_fail_on_broken_successors(imp):
    with imp.db.begin() as conn:
        a, b = newest_agreements(conn)[:2]
        conn.execute(update(agreements).where(agreements.c.id == a).values(status="superseded"))
        conn.execute(update(agreements).where(agreements.c.id == b).values(successor_id="nope"))
    broken = failing(imp)
    assert {
        "every superseded agreement names its successor",
        "every successor exists",
        "no active agreement is superseded",
    } <= broken


def test_lists_out_of_date_order_are_caught(imp):
    with imp.db.begin() as conn:
        pid, day = conn.execute(
            select(publications.c.id, publications.c.published_date)
            .where(publications.c.kind == "participating")
            .order_by(publications.c.seq)
        ).first()
        conn.execute(
            update(publications)
            .where(publications.c.id == pid)
            .values(published_date=day + timedelta(days=30))
        )
    assert "participating lists in date order" in failing(imp)


def test_a_misprinted_second_row_is_folded_only_with_its_recorded_decision(
    importer: Importer, tmp_path
):
    """ICE prints one agreement twice on a new list, once one keystroke off: the resolver
    folds it (near_duplicate, with the two spellings as evidence) and the checks pass;
    without that recorded decision the same fold fails them."""
    from datetime import UTC, datetime

    from sqlalchemy import delete

    from g287.query import publications as q
    from g287.store.schema import decisions
    from tests.test_suspect import newest_rows
    from tests.workbooks import build

    importer.import_paths(sorted(p for p in SHEETS.iterdir() if p.is_dir())[:4])
    rows = newest_rows(importer, 10_000)
    (i, row) = next(
        (i, r)
        for i, r in enumerate(rows)
        if r[3] and "#" not in str(r[3]) and "Police" in str(r[1])
    )
    misprint = [*row]
    misprint[1] = str(row[1]).replace("Police", "Polcie")
    rows.insert(i + 1, misprint)
    path = build(tmp_path / "participatingAgencies06012025am.xlsx", rows)
    importer.import_bytes(
        path.read_bytes(),
        name=path.name,
        source=str(path),
        seen_at=datetime(2025, 6, 1, 15, tzinfo=UTC),
    )
    importer.resolve()
    assert failing(importer) == set()
    with importer.db.connect() as conn:
        folds = [d for d in conn.execute(select(decisions)) if d.rule == "near_duplicate"]
        latest = q.resolve_publication(conn, "latest")
    assert len(folds) == 1 and "polcie" in folds[0].evidence
    assert latest["file_name"] == path.name
    with importer.db.begin() as conn:
        conn.execute(delete(decisions).where(decisions.c.rule == "near_duplicate"))
    assert "rows of one list in one agreement are duplicates (same agency, model, date)" in (
        failing(importer)
    )
