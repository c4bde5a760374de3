"""Pages about change and sources: the change feed, data problems in ICE's sheets, the lists."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.errors import InvalidQuery, NotFound
from g287.interfaces.feeds import TITLES as EVENT_TITLES
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import MODELS, parse_day, parse_state, render, state_name
from g287.query import history as h
from g287.query import publications as pubs
from g287.read.issues import ISSUE_KINDS
from g287.read.states import STATES

router = APIRouter(include_in_schema=False)
SHOWN = 200
EXAMPLES = 5


@router.get("/changes", name="changes")
def changes_page(
    request: Request,
    conn: ConnDep,
    state: str | None = None,
    model: str | None = None,
    kind: str | None = None,
    since: str | None = None,
) -> Response:
    st = parse_state(state) if state else None
    if model and model.upper() not in (*MODELS, "TTF", "JTF"):
        raise InvalidQuery(f"model must be one of {', '.join(MODELS)}")
    if kind and kind not in EVENT_TITLES:
        raise InvalidQuery(f"unknown kind of change {kind!r}")
    day = parse_day(since)
    events = h.list_events(
        conn,
        state=st,
        model=model.upper() if model else None,
        kind=kind,
        since=day,
        limit=SHOWN + 1,
    )
    filters = {k: v for k, v in (("state", st), ("model", model), ("kind", kind)) if v}
    feed_query = ("?" + urlencode(filters)) if filters else ""
    counts: dict[str, int] = {}
    for e in events[:SHOWN]:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    return render(
        request,
        "changes.html",
        {
            "events": events[:SHOWN],
            "more": len(events) > SHOWN,
            "shown": SHOWN,
            "counts": counts,
            "filters": {
                "state": st or "",
                "model": (model or "").upper(),
                "kind": kind or "",
                "since": since or "",
            },
            "feed_query": feed_query,
            "titles": EVENT_TITLES,
            "state_choices": sorted(((c, state_name(c)) for c in STATES), key=lambda x: x[1]),
        },
    )


@router.get("/problems", name="problems")
def problems_page(request: Request, conn: ConnDep) -> Response:
    summary = pubs.issue_summary(conn)
    examples = {
        row["kind"]: pubs.list_issues(conn, kind=row["kind"], limit=EXAMPLES) for row in summary
    }
    return render(
        request,
        "problems.html",
        {"summary": summary, "examples": examples, "counts": pubs.counts(conn)},
    )


@router.get("/problems/{kind}", name="problem_kind")
def problem_kind_page(request: Request, conn: ConnDep, kind: str) -> Response:
    if kind not in ISSUE_KINDS:
        raise NotFound(f"no kind of data problem is called {kind!r}")
    found = pubs.list_issues(conn, kind=kind, limit=SHOWN + 1)
    return render(
        request,
        "problem_kind.html",
        {
            "kind": kind,
            "meta": ISSUE_KINDS[kind],
            "issues": found[:SHOWN],
            "more": len(found) > SHOWN,
            "shown": SHOWN,
        },
    )


@router.get("/lists", name="lists")
def lists_page(request: Request, conn: ConnDep) -> Response:
    every = pubs.list_publications(conn)
    return render(
        request,
        "lists.html",
        {
            "participating": [p for p in every if p["kind"] == "participating"][::-1],
            "pending": [p for p in every if p["kind"] == "pending"][::-1],
        },
    )
