"""Agency and agreement pages: full history, with the rows of ICE's lists behind each."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from g287.enrich.powers import POWERS
from g287.errors import InvalidQuery, NotFound
from g287.interfaces.feeds import TITLES as EVENT_TITLES
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import Page, county_label, render
from g287.interfaces.web.pages_feeds import agency_feed_paths
from g287.interfaces.web.pages_moas import pdf_link
from g287.query import history as h
from g287.query.layers import agreement_sources, source_runs
from g287.query.moa_documents import agreement_documents
from g287.query.places import agency_place

router = APIRouter(include_in_schema=False)


def _agency(conn: Connection, agency_id: str) -> dict[str, Any]:
    """The agency with this exact id (never a fuzzy match: ids are permanent links)."""
    try:
        found = h.agency_history(conn, agency_id)
    except InvalidQuery as exc:  # a partial id matching several agencies
        raise NotFound(f"no agency has the id {agency_id!r}") from exc
    if found["id"] != agency_id:
        raise NotFound(f"no agency has the id {agency_id!r}")
    return found


def _place(conn: Connection, agency_id: str) -> dict[str, Any] | None:
    place = agency_place(conn, agency_id)
    if place is not None:
        place["county_names"] = [(c, county_label(c)) for c in place["counties"]]
    return place


@router.get("/agencies/{agency_id}", name="agency")
def agency_page(request: Request, conn: ConnDep, agency_id: str) -> Response:
    agency = _agency(conn, agency_id)
    by_id = {a["id"]: a for a in agency["agreement_list"]}
    return render(
        request,
        "agency.html",
        {
            "agency": agency,
            "place": _place(conn, agency_id),
            "by_id": by_id,
            "decisions": h.agency_decisions(conn, agency["id"]),
            "titles": EVENT_TITLES,
            "powers": POWERS,
            "feeds": agency_feed_paths(agency["id"]),
            "moas": agreement_documents(conn, by_id),
            "pdf_link": pdf_link,
        },
    )


@router.get("/agreements/{agreement_id:path}", name="agreement")
def agreement_page(request: Request, conn: ConnDep, agreement_id: str) -> Response:
    if "#" not in agreement_id:
        # ``/agreements/AGENCY#MODEL#DATE`` written unencoded: the browser kept
        # ``#MODEL#DATE`` as a fragment, which names the agreement on the agency page.
        return RedirectResponse(
            Page(request).url("/agencies/" + quote(agreement_id, safe="")), status_code=307
        )
    agency_id = agreement_id.split("#", 1)[0]
    agency = _agency(conn, agency_id)
    by_id = {a["id"]: a for a in agency["agreement_list"]}
    agreement = by_id.get(agreement_id)
    if agreement is None:
        pending = [p for p in agency["pending_list"] if p["id"] == agreement_id]
        if pending:
            return RedirectResponse(
                Page(request).url("/agencies/" + quote(agency_id, safe="")) + "#pending",
                status_code=307,
            )
        raise NotFound(f"no agreement has the id {agreement_id!r}")
    rows = agreement_sources(conn, agreement_id)
    chain: list[dict[str, Any]] = []
    seen = set()
    cursor: dict[str, Any] | None = agreement
    while cursor is not None and cursor["predecessor_id"] and cursor["id"] not in seen:
        seen.add(cursor["id"])
        cursor = by_id.get(cursor["predecessor_id"])
        if cursor is not None:
            chain.insert(0, cursor)
    chain.append(agreement)
    cursor = agreement
    while cursor is not None and cursor["successor_id"] and cursor["successor_id"] not in seen:
        seen.add(cursor["id"])
        cursor = by_id.get(cursor["successor_id"])
        if cursor is not None:
            chain.append(cursor)
    return render(
        request,
        "agreement.html",
        {
            "agency": agency,
            "a": agreement,
            "place": _place(conn, agency_id),
            "runs": source_runs(rows),
            "rows": rows,
            "chain": chain,
            "events": [e for e in agency["events"] if e["subject_id"] == agreement_id],
            "decisions": h.agency_decisions(conn, agency["id"]),
            "titles": EVENT_TITLES,
            "powers": POWERS.get(agreement["model"]),
            "moas": agreement_documents(conn, [agreement_id]).get(agreement_id, []),
            "pdf_link": pdf_link,
        },
    )
