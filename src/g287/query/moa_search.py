"""Full-text search across the MOA library that says what it found.

:func:`search_report` counts every matching document, cuts the matches into
*passages*: documents whose snippet is word for word the same (ICE's templates
repeat whole paragraphs; spacing and case aside) are one passage, shown once
with "and N more documents with this passage", then pages through the
passages (``limit``/``offset``). Each
snippet carries the page it is on, found by locating the snippet in the
document's stored text (pages are separated by form feeds).

:func:`search_moas` is the plain list: one hit per document, best first.

Full-text search stems words ("detainer" also finds "detained"). ``exact=True``
keeps only documents where the words stand as typed (case and spacing aside),
with the snippet cut around that very place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from g287.query.urls import public_link
from g287.read.moa.text import snippet as cut_snippet
from g287.store import moa as store
from g287.store.schema import moa_documents, moa_urls

_MARKS = re.compile(r"[\[\]]")
_ELLIPSIS = "…"


def _spaces(text: str) -> str:
    return " ".join(text.split())


def plain_snippet(snippet: str) -> str:
    """The snippet's words without highlight brackets or ellipses, one space apart."""
    return _spaces(_MARKS.sub("", snippet).replace(_ELLIPSIS, " "))


def passage_key(snippet: str) -> str:
    """Snippets with the same key are the same passage: same letters, case and spacing
    aside (``'I CE [SUPERVISION] I mmigration'`` is ``'ICE SUPERVISION Immigration'``)."""
    return "".join(plain_snippet(snippet).lower().split())


def snippet_page(snippet: str, text: str) -> int | None:
    """The page (1-based) of ``text`` on which the snippet's longest piece stands."""
    pieces = [_spaces(_MARKS.sub("", p)) for p in snippet.split(_ELLIPSIS)]
    pieces = sorted((p for p in pieces if p), key=len, reverse=True)
    if not pieces:
        return None
    for number, page in enumerate(text.split("\f"), start=1):
        if pieces[0] in _spaces(page):
            return number
    return None


def _documents(conn: Connection, hits: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each hit as a document: file name, page, one-line snippet, URLs, agreements."""

    shas = [h["sha256"] for h in hits]
    links = store.linked_urls(conn)
    urls_of: dict[str, list[str]] = defaultdict(list)
    for url, sha in conn.execute(
        select(moa_urls.c.url, moa_urls.c.sha256).where(moa_urls.c.sha256.in_(shas))
    ):
        urls_of[sha].append(url)
    names = dict(
        conn.execute(
            select(moa_documents.c.sha256, moa_documents.c.file_name).where(
                moa_documents.c.sha256.in_(shas)
            )
        ).all()
    )
    texts = store.document_texts(conn, shas)
    out = {}
    for hit in hits:
        sha = hit["sha256"]
        held = sorted(urls_of.get(sha, []))
        urls = [u for u in held if public_link(u)]  # only http(s) links to ICE, DHS, archive
        out[sha] = {
            "sha256": sha,
            "file_name": names.get(sha),
            "page": snippet_page(hit["snippet"], texts.get(sha, "")),
            "snippet": _spaces(hit["snippet"]),
            "urls": urls,
            "agreements": sorted({a for u in held for a in links.get(u, set())}),
        }
    return out


def _exact(
    conn: Connection, hits: list[dict[str, Any]], query: str, phrase: bool
) -> list[dict[str, Any]]:
    """The hits whose text has the words as typed, each with a snippet around them."""
    words = [w for w in query.replace('"', " ").split() if w]
    if phrase:
        patterns = [r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)"]
    else:
        patterns = [r"(?<!\w)" + re.escape(w) + r"(?!\w)" for w in words]
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    texts = store.document_texts(conn, [h["sha256"] for h in hits])
    out = []
    for hit in hits:
        pages = [_spaces(page) for page in texts.get(hit["sha256"], "").split("\f")]
        if not all(any(p.search(page) for page in pages) for p in compiled):
            continue
        first = next(
            ((n, pg, m) for n, pg in enumerate(pages, 1) if (m := compiled[0].search(pg))), None
        )
        if first is None:
            continue
        number, page, match = first
        around = cut_snippet(number, page, match.start(), match.end()).text
        marked = around.replace(match.group(0), f"[{match.group(0)}]", 1)
        out.append({**hit, "snippet": f"{_ELLIPSIS} {marked} {_ELLIPSIS}"})
    return out


def _matches(
    conn: Connection, query: str, *, phrase: bool, exact: bool, limit: int | None, offset: int
) -> list[dict[str, Any]]:
    if not exact:
        return store.search(conn, query, phrase=phrase, limit=limit, offset=offset)
    found = _exact(conn, store.search(conn, query, phrase=phrase, limit=None), query, phrase)
    return found[offset : None if limit is None else offset + limit]


def search_moas(
    conn: Connection,
    query: str,
    *,
    phrase: bool = True,
    exact: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Documents containing ``query``, best first, each with a highlighted snippet, its
    page, and the agreements that link the document."""
    hits = _matches(conn, query, phrase=phrase, exact=exact, limit=limit, offset=offset)
    documents = _documents(conn, hits)
    return [documents[h["sha256"]] for h in hits]


def search_report(
    conn: Connection,
    query: str,
    *,
    phrase: bool = True,
    exact: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Every match counted, identical passages collapsed, one page of passages.

    ``documents`` is how many documents match, ``count`` how many distinct passages;
    each passage in ``data`` is its best-ranked document plus ``more``: the other
    documents with the very same passage (file name, page, agreements).
    """
    hits = _matches(conn, query, phrase=phrase, exact=exact, limit=None, offset=0)
    passages: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        passages.setdefault(passage_key(hit["snippet"]), []).append(hit)
    shown = list(passages.values())[offset : offset + limit]
    documents = _documents(conn, [h for group in shown for h in group])
    data = []
    for group in shown:
        first, *others = (documents[h["sha256"]] for h in group)
        more = [{k: d[k] for k in ("sha256", "file_name", "page", "agreements")} for d in others]
        data.append({**first, "more_count": len(more), "more": more})
    return {
        "query": query,
        "mode": "phrase" if phrase else "all_words",
        "exact": exact,
        "documents": len(hits),
        "count": len(passages),
        "limit": limit,
        "offset": offset,
        "data": data,
    }
