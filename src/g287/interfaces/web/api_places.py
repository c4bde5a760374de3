"""API: who covers a place, coverage, state law, claims checks, models and MOA search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from g287.enrich.powers import POWERS
from g287.errors import InvalidQuery
from g287.interfaces.web.api_common import (
    ERRORS,
    NO_CONTROL,
    AsOfQ,
    Day,
    ModelQ,
    OffsetQ,
    StateQ,
    with_agreement_url,
)
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.schemas_moa import (
    MoaChecksPublic,
    MoaDocumentFacts,
    MoaDocumentsPublic,
    MoaHitsPublic,
)
from g287.interfaces.web.schemas_places import (
    ClaimResultPublic,
    ClaimResultsPublic,
    ConflictsPublic,
    CoveragePublic,
    CoverageSeriesPublic,
    LookupPublic,
    ModelsPublic,
    StatePoliciesPublic,
)
from g287.model.states import STATES
from g287.query import claims as c
from g287.query import coverage as cov
from g287.query import places
from g287.query import policy as pol
from g287.query.moa_checks import check_moas
from g287.query.moa_documents import document_facts, document_list
from g287.query.moa_search import search_report
from g287.query.provenance import powers_dict

router = APIRouter(tags=["places"], responses=ERRORS)

ClaimQuery = Literal[
    "active_agreements", "states", "signed_in_year", "model_share", "growth", "pending"
]
NameQ = Annotated[str | None, Query(max_length=120, pattern=NO_CONTROL)]


def _state(state: str | None) -> str | None:
    if state is not None and state.upper() not in STATES:
        raise InvalidQuery(f"{state!r} is not a two-letter state code")
    return state.upper() if state else None


@router.get("/lookup", name="lookup_place", response_model=LookupPublic)
def lookup_place(
    conn: ConnDep,
    county: Annotated[
        str | None,
        Query(description="County name (with state).", max_length=120, pattern=NO_CONTROL),
    ] = None,
    state: StateQ = None,
    fips: Annotated[
        str | None, Query(description="Five-digit county FIPS code.", pattern=r"^\d{5}$")
    ] = None,
    city: Annotated[
        str | None,
        Query(description="City or town name (with state).", max_length=120, pattern=NO_CONTROL),
    ] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="Latitude (with lon).")] = None,
    lon: Annotated[
        float | None, Query(ge=-180, le=180, description="Longitude (with lat).")
    ] = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    """Every agreement covering a place: a county (`county` + `state`, or `fips`), a city
    (`city` + `state`) or a point (`lat` + `lon`), now or `as_of` a date, grouped by how
    it covers it (state agencies, the county's sheriff, the city's police, agencies
    covering part of the county, other cities), each with what its officers may do."""
    found = places.lookup(
        conn,
        county=county,
        state=_state(state),
        fips=fips,
        city=city,
        lat=lat,
        lon=lon,
        as_of=as_of,
    )
    for group in found["covering"].values():
        for item in group:
            with_agreement_url(item)
    return found


@router.get("/coverage", name="get_coverage", response_model=CoveragePublic)
def get_coverage(conn: ConnDep, as_of: AsOfQ = None) -> dict[str, Any]:
    """Counties covered by each model (by an agency whose jurisdiction is the whole county
    or state), counties covered in part, and the population living under Task Force
    coverage, overall and by state."""
    return cov.coverage(conn, as_of=as_of)


@router.get("/coverage/series", name="get_coverage_series", response_model=CoverageSeriesPublic)
def get_coverage_series(
    conn: ConnDep,
    state: StateQ = None,
    monthly: Annotated[bool, Query(description="Only the last list date of each month.")] = False,
) -> dict[str, Any]:
    """Coverage on each participating list's date, nationally or in one `state`: counties
    and people covered by a whole-county or statewide agreement, and by the Task Force
    Model (as `g287 coverage --series`)."""
    rows = cov.coverage_series(conn, state=_state(state), monthly=monthly)
    return {"state": _state(state), "count": len(rows), "data": rows}


@router.get("/policy", name="list_state_policies", response_model=StatePoliciesPublic)
def list_state_policies(
    state: StateQ = None,
    as_of: Annotated[
        Day | None, Query(description="State law in force on this date (default today).")
    ] = None,
) -> dict[str, Any]:
    """Each state's stance on 287(g) on a date (mandates, limits, prohibits or none), with
    the laws and orders behind it and their sources."""
    found = pol.state_policies(_state(state), as_of)
    return {"count": len(found), "data": found}


@router.get("/policy/conflicts", name="list_policy_conflicts", response_model=ConflictsPublic)
def list_policy_conflicts(
    conn: ConnDep, state: StateQ = None, as_of: AsOfQ = None
) -> dict[str, Any]:
    """Agreements a state's law prohibits or limits, and counties a state mandates an
    agreement for that have none, now or as of a date."""
    return pol.conflicts(conn, as_of=as_of, state=_state(state))


@router.get("/claims/check", name="check_claim", response_model=ClaimResultPublic)
def check_claim(
    conn: ConnDep,
    query: Annotated[
        ClaimQuery,
        Query(description="What the figure counts."),
    ],
    as_of: Annotated[Day | None, Query(description="The date the claim speaks of.")] = None,
    model: ModelQ = None,
    state: StateQ = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="signed_in_year")] = None,
    ever: Annotated[bool, Query(description="signed_in_year: ever listed")] = False,
    from_: Annotated[Day | None, Query(alias="from", description="growth: from")] = None,
    to: Annotated[Day | None, Query(description="growth: to")] = None,
    expected: Annotated[float | None, Query(description="The published figure.")] = None,
    statement: NameQ = None,
) -> dict[str, Any]:
    """Check a published figure against the stored history: `agree`, `disagree` or
    `cannot_tell` (no list near that date), with the figure g287 computes and the ICE
    lists it used as evidence (label, date, file name, sha256)."""
    claim = c.claim_from(
        query,
        as_of=as_of,
        model=model,
        state=_state(state),
        year=year,
        ever=ever,
        from_=from_,
        to=to,
        expected=expected,
        statement=statement,
    )
    return c.check(conn, claim).as_dict()


@router.get("/claims/domain", name="check_domain_claims", response_model=ClaimResultsPublic)
def check_domain_claims(conn: ConnDep) -> dict[str, Any]:
    """The public figures g287 ships (DHS, ICE and press statements), each checked."""
    results = [c.check(conn, claim).as_dict() for claim in c.load_claims(c.DEFAULT_FILE)]
    return {"count": len(results), "data": results}


@router.get("/models", name="list_models", response_model=ModelsPublic)
async def list_models() -> dict[str, Any]:
    """What officers under each 287(g) model may and may not do, in plain language."""
    return {"data": [powers_dict(p) for p in POWERS.values()]}


@router.get("/moas/search", name="search_moas", response_model=MoaHitsPublic)
def search_moa_text(
    conn: ConnDep,
    q: Annotated[
        str,
        Query(
            description="Words to find in the MOA texts.",
            min_length=1,
            max_length=200,
            pattern=NO_CONTROL,
            examples=["48 hours"],
        ),
    ],
    any_words: Annotated[bool, Query(description="All the words, not the phrase.")] = False,
    exact: Annotated[
        bool, Query(description="The words as typed, not stemmed ('detainer', not 'detained').")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=200, description="Passages per page.")] = 50,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """Full-text search across every archived MOA: how many documents match (`documents`),
    each distinct passage once (`count` of them, paged) with its page, the documents that
    repeat it word for word (`more`), and the agreements that link them."""
    return search_report(conn, q, phrase=not any_words, exact=exact, limit=limit, offset=offset)


@router.get("/moas", name="list_moa_documents", response_model=MoaDocumentsPublic)
def list_moa_documents(conn: ConnDep) -> dict[str, Any]:
    """Every archived MOA document: pages, scanned pages, model, agency, state, dates."""
    rows = document_list(conn)
    return {"count": len(rows), "data": rows}


@router.get("/moas/checks", name="check_moas", response_model=MoaChecksPublic)
def check_moa_links(
    conn: ConnDep,
    near_days: Annotated[
        int, Query(ge=0, le=30, description="Signing dates this close are 'near', not alarms.")
    ] = 1,
) -> dict[str, Any]:
    """Where a linked MOA disagrees with the sheet row that links it (agency, state, model,
    signing date, another agency's MOA), each with the page and text that show it, its
    source and a confidence; near signing dates listed apart."""
    return check_moas(conn, near_days=near_days)


@router.get(
    "/moas/{sha256}",
    name="get_moa_facts",
    response_model=MoaDocumentFacts,
)
def get_moa_facts(
    conn: ConnDep,
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{8,64}$", description="sha256 or a prefix")],
) -> dict[str, Any]:
    """One MOA document's facts, each with the page and text it was read from."""
    return document_facts(conn, sha256)[0]
