"""Where every figure comes from: the rows of ICE's lists behind an agreement, and every
placed row with the file it was read from.

A *placed row* is one row of one list: the publication (id, label, date, file name,
sha256 of the archived bytes), the Excel row number, whether the row was hidden, ICE's
cells as printed (``*_raw``) beside the normalized values, and what resolution made of
it (``agreement_id`` or ``pending_id``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Select, select

from g287.enrich.powers import POWERS, Powers
from g287.errors import NotFound
from g287.model.states import state_code
from g287.query.places import agency_place
from g287.query.records import _jsonable
from g287.query.urls import public_row
from g287.store.like import contains
from g287.store.schema import (
    agencies,
    agreements,
    content_agreements,
    content_pending,
    events,
    moa_documents,
    moa_urls,
    pending_requests,
    publication_rows,
    publications,
    row_contents,
)

CELLS = tuple(c.name for c in row_contents.c if c.name != "id")
RAW_CELLS = tuple(c for c in CELLS if c.endswith("_raw"))
NORMALIZED_CELLS = tuple(c for c in CELLS if not c.endswith("_raw"))


def _placed_query() -> Select[Any]:
    return select(
        publications.c.id.label("publication_id"),
        publications.c.label.label("publication_label"),
        publications.c.kind.label("publication_kind"),
        publications.c.published_date,
        publications.c.file_name,
        publications.c.sha256,
        publication_rows.c.row_number,
        publication_rows.c.hidden,
        publication_rows.c.content_id,
        *[row_contents.c[name] for name in CELLS],
        content_agreements.c.agreement_id,
        content_pending.c.pending_id,
    ).select_from(
        publication_rows.join(publications, publications.c.id == publication_rows.c.publication_id)
        .join(row_contents, row_contents.c.id == publication_rows.c.content_id)
        .outerjoin(
            content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
        )
        .outerjoin(content_pending, content_pending.c.content_id == publication_rows.c.content_id)
    )


def placed_rows(
    conn: Connection,
    *,
    publication_id: str | None = None,
    state: str | None = None,
    model: str | None = None,
    text: str | None = None,
    hidden: bool | None = None,
    batch: int = 5000,
) -> Iterator[dict[str, Any]]:
    """Every placed row (of one publication, or of all in list order), streamed."""
    q = _placed_query()
    if publication_id is not None:
        q = q.where(publication_rows.c.publication_id == publication_id)
    if state:
        q = q.where(row_contents.c.state == state_code(state))
    if model:
        q = q.where(row_contents.c.model == model.upper())
    if text:
        q = q.where(contains(row_contents.c.agency, text))
    if hidden is not None:
        q = q.where(publication_rows.c.hidden == hidden)
    q = q.order_by(publications.c.kind, publications.c.seq, publication_rows.c.row_number)
    result = conn.execution_options(yield_per=batch).execute(q).mappings()
    for row in result:
        yield public_row(dict(row))


def agreement_rows(conn: Connection, agreement_id: str) -> list[dict[str, Any]]:
    """Every placed row resolved to this agreement, in list order, with every cell (raw and
    normalized) and the file it came from (a superset of
    :func:`g287.query.layers.agreement_sources`)."""
    q = (
        _placed_query()
        .where(content_agreements.c.agreement_id == agreement_id)
        .order_by(publications.c.seq, publication_rows.c.row_number)
    )
    return [_jsonable(r) for r in conn.execute(q).mappings()]


def _agreement(conn: Connection, agreement_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(agreements).where(agreements.c.id == agreement_id)).mappings().first()
    return _jsonable(row) if row is not None else None


def _moa_documents(conn: Connection, urls: list[str]) -> list[dict[str, Any]]:
    if not urls:
        return []
    q = (
        select(
            moa_urls.c.url,
            moa_urls.c.status,
            moa_documents.c.sha256,
            moa_documents.c.file_name,
            moa_documents.c.page_count,
            moa_documents.c.signing_dates,
            moa_documents.c.is_addendum,
        )
        .select_from(moa_urls.outerjoin(moa_documents, moa_documents.c.sha256 == moa_urls.c.sha256))
        .where(moa_urls.c.url.in_(urls))
        .order_by(moa_urls.c.url)
    )
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        d["signing_dates"] = json.loads(d["signing_dates"]) if d["signing_dates"] else []
        out.append(d)
    return out


def powers_dict(powers: Powers) -> dict[str, Any]:
    """What officers under a model may do, as plain data."""
    return {
        "model": powers.model,
        "name": powers.name,
        "summary": powers.summary,
        "can": list(powers.can),
        "cannot": list(powers.cannot),
        "where": powers.where,
        "source": powers.source,
    }


def agreement_detail(conn: Connection, agreement_id: str) -> dict[str, Any]:
    """One agreement with everything known about it: its agency and place, the rows of
    ICE's lists it was read from, its lineage, its pending request, its events, its MOA
    and the powers of its model."""
    agreement = _agreement(conn, agreement_id)
    if agreement is None:
        raise NotFound(f"no agreement has the id {agreement_id!r}")
    agency = _jsonable(
        conn.execute(select(agencies).where(agencies.c.id == agreement["agency_id"]))
        .mappings()
        .one()
    )
    agency["spellings"] = json.loads(agency["spellings"])
    place = agency_place(conn, agreement["agency_id"])
    lineage = [
        _jsonable(r)
        for r in conn.execute(
            select(agreements)
            .where(agreements.c.lineage_id == agreement["lineage_id"])
            .order_by(agreements.c.first_listed, agreements.c.signed, agreements.c.id)
        ).mappings()
    ]
    pending = None
    if agreement["pending_id"]:
        row = (
            conn.execute(
                select(pending_requests).where(pending_requests.c.id == agreement["pending_id"])
            )
            .mappings()
            .first()
        )
        pending = _jsonable(row) if row is not None else None
    found_events = [
        _jsonable(r)
        for r in conn.execute(
            select(events, publications.c.label.label("publication"))
            .join(publications, publications.c.id == events.c.publication_id)
            .where(events.c.subject_id == agreement_id)
            .order_by(events.c.published_date, publications.c.seq, events.c.kind, events.c.id)
        ).mappings()
    ]
    sources = agreement_rows(conn, agreement_id)
    urls = sorted({u for s in sources for u in (s["moa_url"], s["addendum_url"]) if u})
    powers = POWERS.get(agreement["model"])
    return {
        "agreement": agreement,
        "agency": agency,
        "place": place,
        "predecessor": (
            _agreement(conn, agreement["predecessor_id"]) if agreement["predecessor_id"] else None
        ),
        "successor": (
            _agreement(conn, agreement["successor_id"]) if agreement["successor_id"] else None
        ),
        "lineage": lineage,
        "pending": pending,
        "events": found_events,
        "moa": {
            "status": agreement["moa_status"],
            "url": agreement["moa_url"],
            "addendum_url": agreement["addendum_url"],
            "urls_printed": urls,
            "documents": _moa_documents(conn, urls),
        },
        "powers": powers_dict(powers) if powers else None,
        "sources": sources,
    }
