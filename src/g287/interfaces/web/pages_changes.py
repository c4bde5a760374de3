"""Pages about change and sources: the change feed, data problems in ICE's sheets, the lists."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.errors import InvalidQuery, NotFound
from g287.interfaces.feeds import TITLES as EVENT_TITLES
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import (
    MODELS,
    Page,
    parse_day,
    parse_state,
    render,
    state_name,
)
from g287.model.issues import ISSUE_KINDS
from g287.model.states import STATES
from g287.query import catalog
from g287.query import publications as pubs
from g287.query.issues import issue_severities, issue_summary, list_issues
from g287.query.publication_stats import list_publications

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
    until: str | None = None,
    page: int = 1,
) -> Response:
    st = parse_state(state) if state else None
    if model and model.upper() not in (*MODELS, "TTF", "JTF"):
        raise InvalidQuery(f"model must be one of {', '.join(MODELS)}")
    if kind and kind not in EVENT_TITLES:
        raise InvalidQuery(f"unknown kind of change {kind!r}")
    if page < 1:
        raise InvalidQuery("page must be 1 or more")
    day = parse_day(since)
    last_day = parse_day(until)
    code = model.upper() if model else None
    found = catalog.events_page(
        conn,
        state=st,
        model=code,
        kind=kind,
        since=day,
        until=last_day,
        limit=SHOWN,
        offset=(page - 1) * SHOWN,
    )
    pages = max(1, -(-found["count"] // SHOWN))
    if page > pages:
        raise NotFound(f"there are {pages} pages of these changes, not {page}")
    filters = {k: v for k, v in (("state", st), ("model", model), ("kind", kind)) if v}
    feed_query = ("?" + urlencode(filters)) if filters else ""
    listed = {**filters, "since": since or None, "until": until or None}
    here = Page(request)

    def link(n: int) -> str:
        return here.url("/changes", **listed, page=n if n > 1 else None)

    return render(
        request,
        "changes.html",
        {
            "events": found["data"],
            "total": found["count"],
            "page": page,
            "pages": pages,
            "first_shown": (page - 1) * SHOWN + 1,
            "last_shown": (page - 1) * SHOWN + len(found["data"]),
            "page_links": [(n, link(n)) for n in page_numbers(page, pages)],
            "prev_url": link(page - 1) if page > 1 else None,
            "next_url": link(page + 1) if page < pages else None,
            "counts": catalog.event_kinds(
                conn, state=st, model=code, kind=kind, since=day, until=last_day
            ),
            "filters": {
                "state": st or "",
                "model": (model or "").upper(),
                "kind": kind or "",
                "since": since or "",
                "until": until or "",
            },
            "feed_query": feed_query,
            "titles": EVENT_TITLES,
            "state_choices": sorted(((c, state_name(c)) for c in STATES), key=lambda x: x[1]),
        },
    )


def page_numbers(page: int, pages: int, around: int = 2) -> list[int]:
    """The page numbers a pager shows: the first, the last, and those near ``page``
    (0 stands for a gap)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    out: list[int] = []
    for n in shown:
        if out and n > out[-1] + 1:
            out.append(0)
        out.append(n)
    return out


@router.get("/problems", name="problems")
def problems_page(request: Request, conn: ConnDep) -> Response:
    summary = issue_summary(conn)
    examples = {row["kind"]: list_issues(conn, kind=row["kind"], limit=EXAMPLES) for row in summary}
    return render(
        request,
        "problems.html",
        {
            "summary": summary,
            "examples": examples,
            "counts": pubs.counts(conn),
            "severities": issue_severities(conn),
        },
    )


@router.get("/problems/{kind}", name="problem_kind")
def problem_kind_page(request: Request, conn: ConnDep, kind: str) -> Response:
    if kind not in ISSUE_KINDS:
        raise NotFound(f"no kind of data problem is called {kind!r}")
    found = list_issues(conn, kind=kind, limit=SHOWN + 1)
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
    every = list_publications(conn)
    return render(
        request,
        "lists.html",
        {
            "participating": [p for p in every if p["kind"] == "participating"][::-1],
            "pending": [p for p in every if p["kind"] == "pending"][::-1],
        },
    )
