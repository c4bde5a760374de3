"""The MOA library on the web: every archived MOA with its facts (``g287 moa list`` /
``moa facts``, ``GET /api/moas``), and full-text search (``g287 moa search``,
``GET /api/moas/search``): the same :func:`g287.query.moa_documents.document_facts` and
:func:`g287.query.moa_search.search_report`, rendered, with g287's archived copy of each PDF
(at the passage's page) beside ICE's link."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.errors import InvalidQuery, NotFound
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_changes import page_numbers
from g287.interfaces.web.pages_common import Page, render
from g287.query.moa_copies import copy_url
from g287.query.moa_documents import document_facts
from g287.query.moa_search import search_report

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
MAX_QUERY = 200
_MARK = re.compile(r"\[([^\[\]]*)\]")
MODES = ("phrase", "all")


def marked(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, highlighted) pieces: the search marks its hits ``[like this]``;
    the template escapes each piece and wraps the highlighted ones in ``<mark>``."""
    out: list[tuple[str, bool]] = []
    at = 0
    for m in _MARK.finditer(snippet):
        if m.start() > at:
            out.append((snippet[at : m.start()], False))
        out.append((m.group(1), True))
        at = m.end()
    if at < len(snippet):
        out.append((snippet[at:], False))
    return out


def pdf_link(sha256: str, page: int | None) -> str:
    """g287's copy of the PDF, opened at ``page`` when the passage's page is known."""
    return copy_url(sha256) + (f"#page={page}" if page else "")


@router.get("/moas", name="moas")
def moas_page(request: Request, conn: ConnDep) -> Response:
    docs = document_facts(conn)
    docs.sort(key=lambda d: (d["facts"]["state"]["value"] or "", d["file_name"].lower()))
    return render(request, "moas.html", {"docs": docs, "pdf_link": pdf_link})


@router.get("/moas/search", name="moa_search")
def moa_search_page(
    request: Request,
    conn: ConnDep,
    q: str | None = None,
    mode: str = "phrase",
    exact: str | None = None,
    page: int = 1,
) -> Response:
    if mode not in MODES:
        raise InvalidQuery(f"mode must be one of {', '.join(MODES)}")
    if page < 1:
        raise InvalidQuery("page must be 1 or more")
    query = (q or "").strip()
    if len(query) > MAX_QUERY:
        raise InvalidQuery(f"the search is at most {MAX_QUERY} characters")
    if any(ord(ch) < 32 for ch in query):
        raise InvalidQuery("the search cannot contain control characters")
    found: dict[str, Any] | None = None
    pages = 1
    here = Page(request)
    listed = {"q": query, "mode": mode if mode != "phrase" else None, "exact": exact and "1"}

    def link(n: int) -> str:
        return here.url("/moas/search", **listed, page=n if n > 1 else None)

    if query:
        found = search_report(
            conn,
            query,
            phrase=mode == "phrase",
            exact=bool(exact),
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
        )
        pages = max(1, -(-found["count"] // PER_PAGE))
        if page > pages:
            raise NotFound(f"there are {pages} pages of passages, not {page}")
        for hit in found["data"]:
            hit["pieces"] = marked(hit["snippet"])
    return render(
        request,
        "moa_search.html",
        {
            "q": query,
            "mode": mode,
            "exact": bool(exact),
            "found": found,
            "page": page,
            "pages": pages,
            "first_shown": (page - 1) * PER_PAGE + 1,
            "page_links": [(n, link(n)) for n in page_numbers(page, pages)],
            "prev_url": link(page - 1) if page > 1 else None,
            "next_url": link(page + 1) if page < pages else None,
            "pdf_link": pdf_link,
            "api_url": "/api/moas/search?"
            + urlencode(
                {
                    k: v
                    for k, v in {
                        "q": query,
                        "any_words": "true" if mode == "all" else None,
                        "exact": "true" if exact else None,
                        "limit": PER_PAGE,
                        "offset": (page - 1) * PER_PAGE or None,
                    }.items()
                    if v
                }
            ),
        },
    )


@router.get("/moas/{sha256}", name="moa")
def moa_page(request: Request, conn: ConnDep, sha256: str) -> Response:
    """One MOA's facts (``g287 moa facts``, ``GET /api/moas/{sha256}``), each linked to the
    page of g287's copy it was read from."""
    if not re.fullmatch(r"[0-9a-f]{8,64}", sha256):
        raise NotFound(f"no MOA document has sha256 {sha256!r}")
    (doc,) = document_facts(conn, sha256)[:1]
    return render(request, "moa.html", {"d": doc, "pdf_link": pdf_link})
