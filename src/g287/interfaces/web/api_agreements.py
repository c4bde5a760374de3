"""API: agreements and agencies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from g287.errors import NotFound
from g287.interfaces.web.api_common import (
    ERRORS,
    NO_CONTROL,
    AgencySort,
    AgreementSort,
    AsOfQ,
    Day,
    LevelQ,
    LimitQ,
    ModelQ,
    OffsetQ,
    StateQ,
    StatusName,
    TextQ,
    agreement_id_from_path,
    split_cells,
    with_agency_url,
    with_agreement_url,
)
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.schemas import (
    AgenciesPublic,
    AgencyDetail,
    AgreementDetail,
    AgreementsPublic,
)
from g287.query import catalog
from g287.query import history as h
from g287.query.places import agency_place
from g287.query.provenance import agreement_detail

router = APIRouter(tags=["agreements"], responses=ERRORS)

TAMPA = "FL-tampa-police-department#TFM#2025-02-28"
ID_DOC = (
    "An agreement id, such as `FL-tampa-police-department#TFM#2025-02-28`. Its `#` must be "
    "URL-encoded as `%23` (an unencoded `#` starts a fragment and never reaches the server); "
    "`~` or `/` may stand for `#` instead: `FL-tampa-police-department~TFM~2025-02-28`, "
    "`FL-tampa-police-department/TFM/2025-02-28`."
)


@router.get("/agreements", name="list_agreements", response_model=AgreementsPublic)
def list_agreements(
    conn: ConnDep,
    state: StateQ = None,
    model: ModelQ = None,
    level: LevelQ = None,
    status: Annotated[
        StatusName | None, Query(description="Without as_of: the status now.")
    ] = None,
    text: TextQ = None,
    county: Annotated[
        str | None,
        Query(description="ICE's COUNTY text contains this.", max_length=120, pattern=NO_CONTROL),
    ] = None,
    signed_from: Annotated[Day | None, Query(description="Signed on or after this date.")] = None,
    signed_to: Annotated[Day | None, Query(description="Signed on or before this date.")] = None,
    as_of: AsOfQ = None,
    sort: AgreementSort = "id",
    limit: LimitQ = 100,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """Agreements, filtered and paged, with the total `count`.

    Without `as_of`, every agreement g287 has seen (filter `status`: active on the newest
    list, superseded by a renewal, or removed). With `as_of`, exactly the agreements on the
    newest participating list ICE published by that date, which is named in
    `publication`. `level` is the jurisdiction of the agency (state, county, municipal,
    campus ...). `sort` by a field, `-` first to reverse.
    """
    found = catalog.search_agreements(
        conn,
        state=state,
        model=model,
        level=level,
        status=status,
        text=text,
        county=county,
        signed_from=signed_from,
        signed_to=signed_to,
        as_of=as_of,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    found["data"] = [with_agreement_url(r) for r in found["data"]]
    return {**found, "limit": limit, "offset": offset}


@router.get("/agreements/{agreement_id:path}", name="get_agreement", response_model=AgreementDetail)
def get_agreement(
    conn: ConnDep,
    agreement_id: Annotated[str, Path(description=ID_DOC, examples=[TAMPA], max_length=300)],
) -> dict[str, Any]:
    """One agreement with its full history and evidence.

    `sources` lists every row of every ICE list it was read from: the list (label, date,
    file name, sha256) with a `raw_url` to download the archived file byte for byte, the
    Excel row number, ICE's cells as printed (`raw`) and as read (`normalized`).
    Also: its agency and jurisdiction, its renewal chain (`predecessor`, `successor`,
    `lineage`), the pending request it came from, every change event, the MOA links
    (with archived copies) and what officers under its model may do (`powers`).
    """
    ref = agreement_id_from_path(agreement_id)
    try:
        found = agreement_detail(conn, ref)
    except NotFound:
        if "#" not in ref and catalog.has_agency(conn, ref):
            raise NotFound(
                f"{ref!r} is an agency id: see /api/agencies/{ref}. Agreement ids hold '#', "
                "which must be sent as %23 (or written as ~)"
            ) from None
        raise
    for key in ("agreement", "predecessor", "successor"):
        if found[key] is not None:
            with_agreement_url(found[key])
    found["lineage"] = [with_agreement_url(a) for a in found["lineage"]]
    with_agency_url(found["agency"])
    if found["place"] is not None:
        found["agency"]["level"] = found["place"]["level"]
        found["agreement"]["level"] = found["place"]["level"]
    found["sources"] = [
        {**split_cells(s), "raw_url": f"/api/publications/{s['publication_id']}/raw"}
        for s in found["sources"]
    ]
    return found


@router.get("/agencies", name="list_agencies", response_model=AgenciesPublic)
def list_agencies(
    conn: ConnDep,
    state: StateQ = None,
    level: LevelQ = None,
    text: TextQ = None,
    sort: AgencySort = "id",
    limit: LimitQ = 100,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """Agencies (one body in one state across all the names ICE printed), filtered and
    paged, with their jurisdiction level and place. `text` also matches old spellings."""
    found = catalog.list_agencies(
        conn, state=state, level=level, text=text, sort=sort, limit=limit, offset=offset
    )
    found["data"] = [with_agency_url(r) for r in found["data"]]
    return {**found, "limit": limit, "offset": offset}


@router.get("/agencies/{agency_id}", name="get_agency", response_model=AgencyDetail)
def get_agency(
    conn: ConnDep,
    agency_id: Annotated[
        str,
        Path(
            description="An agency id, such as `FL-tampa-police-department`.",
            examples=["FL-tampa-police-department"],
            max_length=300,
        ),
    ],
) -> dict[str, Any]:
    """One agency with every agreement, pending request and change event, oldest first,
    and its jurisdiction (`place`: level, counties, and how g287 decided)."""
    if not catalog.has_agency(conn, agency_id):
        raise NotFound(f"no agency has the id {agency_id!r}")
    found = h.agency_history(conn, agency_id)
    place = agency_place(conn, agency_id)
    found["place"] = place
    if place is not None:
        found["level"], found["place_id"] = place["level"], place["place_id"]
        found["place_name"], found["unmatched_reason"] = (
            place["place_name"],
            place["unmatched_reason"],
        )
    found["agreement_list"] = [with_agreement_url(a) for a in found["agreement_list"]]
    return with_agency_url(found)
