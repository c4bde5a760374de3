"""API: what changed (net changes, the event feed, Atom / JSON Feed), the timeline, and the
resolution's decisions."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from g287.interfaces.feeds import atom_feed, feed_title, json_feed
from g287.interfaces.web.api_common import (
    ERRORS,
    NO_CONTROL,
    Day,
    LimitQ,
    ModelQ,
    OffsetQ,
    StateQ,
)
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.schemas_lists import (
    CandidatesPublic,
    ChangesPublic,
    DecisionsPublic,
    EventsPublic,
    TimelinePublic,
)
from g287.query import catalog
from g287.query import history as h
from g287.query.changes import changes as net_changes

router = APIRouter(tags=["changes"], responses=ERRORS)

PubQ = Annotated[
    str | None,
    Query(
        description="A participating list (id, label, file name, `latest` ...).",
        max_length=300,
        pattern=NO_CONTROL,
    ),
]
KindQ = Annotated[
    str | None,
    Query(
        description="One kind of change: added, renewed, returned, removed, missing, renamed, "
        "re_dated, state_corrected, county_changed, type_changed, moa_posted, moa_withdrawn, "
        "moa_changed, addendum_posted, addendum_changed, addendum_withdrawn, pending_added, "
        "pending_returned, pending_converted, "
        "pending_dropped.",
        pattern="^[a-z_]{1,24}$",
    ),
]
SinceQ = Annotated[Day | None, Query(description="Lists published on or after this date.")]


@router.get("/changes", name="get_changes", response_model=ChangesPublic)
def get_changes(
    conn: ConnDep,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            description="The earlier participating list (id, label, file name ...).",
            max_length=300,
            pattern=NO_CONTROL,
        ),
    ] = None,
    to: PubQ = None,
    since: Annotated[
        Day | None, Query(description="From the newest list published by this date.")
    ] = None,
) -> dict[str, Any]:
    """Net changes from one participating list to a later one (`to` defaults to the
    newest): give `from`, or `since` a date. Pending requests are compared between the
    pending lists of the same two dates. A rename is a rename, never a removal plus an
    addition; a list missing one row is `missing`, not `removed`."""
    return net_changes(conn, from_ref=from_, to_ref=to, since=since)


@router.get("/events", name="list_events", response_model=EventsPublic)
def list_events(
    conn: ConnDep,
    since: SinceQ = None,
    until: Annotated[Day | None, Query(description="Lists published up to this date.")] = None,
    kind: KindQ = None,
    state: StateQ = None,
    model: ModelQ = None,
    list_kind: Annotated[Literal["participating", "pending"] | None, Query()] = None,
    limit: LimitQ = 100,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """The change feed: every change between consecutive lists, newest first, each with a
    stable id, the list it appeared on and the one before."""
    found = catalog.events_page(
        conn,
        since=since,
        until=until,
        kind=kind,
        state=state,
        model=model,
        list_kind=list_kind,
        limit=limit,
        offset=offset,
    )
    return {**found, "limit": limit, "offset": offset}


@router.get("/timeline", name="get_timeline", response_model=TimelinePublic)
def get_timeline(conn: ConnDep) -> dict[str, Any]:
    """Agreements on each participating list by model, and agreements by signing month
    (all, and still active)."""
    series = h.timeline_series(conn)
    months = []
    for m in series["signed_by_month"]:
        counts = {k: v for k, v in m.items() if k not in ("month", "total", "active")}
        months.append(
            {
                "month": m["month"],
                "total": m.get("total", 0),
                "active": m.get("active", 0),
                "by_model": counts,
            }
        )
    return {"lists": series["lists"], "signed_by_month": months}


@router.get("/decisions", name="list_decisions", response_model=DecisionsPublic)
def list_decisions(
    conn: ConnDep,
    rule: Annotated[
        str | None, Query(description="Only this rule (typo, rename ...).", pattern="^[a-z_]*$")
    ] = None,
) -> dict[str, Any]:
    """Every merge and correction the resolution made, with its rule and evidence."""
    found = h.list_decisions(conn, rule)
    return {"count": len(found), "data": found}


@router.get("/candidates", name="list_candidates", response_model=CandidatesPublic)
def list_candidates(conn: ConnDep) -> dict[str, Any]:
    """Near-misses the rules declined to merge, for review."""
    found = h.list_candidates(conn)
    return {"count": len(found), "data": found}


def _feed_events(
    conn: Any, state: str | None, model: str | None, since: date | None, limit: int
) -> tuple[list[dict[str, Any]], str]:
    found = catalog.events_page(conn, since=since, state=state, model=model, limit=limit)["data"]
    return found, feed_title(state, model)


FEED_LIMIT = Annotated[int, Query(ge=1, le=1000, description="Entries (newest first).")]


@router.get(
    "/feed.atom",
    name="get_feed_atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}}},
)
def get_feed_atom(
    request: Request,
    conn: ConnDep,
    state: StateQ = None,
    model: ModelQ = None,
    since: SinceQ = None,
    limit: FEED_LIMIT = 200,
) -> Response:
    """The change feed as Atom 1.0 (entry ids are the events' stable ids)."""
    found, title = _feed_events(conn, state, model, since, limit)
    site = request.app.state.web.site_url
    body = atom_feed(
        found, title=title, site_url=site, self_url=f"{site}{request.url.path}" if site else ""
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get(
    "/feed.json",
    name="get_feed_json",
    response_class=Response,
    responses={200: {"content": {"application/feed+json": {"schema": {"type": "object"}}}}},
)
def get_feed_json(
    request: Request,
    conn: ConnDep,
    state: StateQ = None,
    model: ModelQ = None,
    since: SinceQ = None,
    limit: FEED_LIMIT = 200,
) -> Response:
    """The change feed as JSON Feed 1.1."""
    found, title = _feed_events(conn, state, model, since, limit)
    site = request.app.state.web.site_url
    body = json_feed(
        found, title=title, site_url=site, self_url=f"{site}{request.url.path}" if site else ""
    )
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/feed+json")
