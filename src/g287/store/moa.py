"""SQL for MOA documents: their text, the URLs that link them, full-text search."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select, text, update

from g287.store.bulk import bulk_insert
from g287.store.schema import content_agreements, moa_documents, moa_urls, row_contents

FTS_OBJECTS = ("moa_fts", "tsv", "ix_moa_documents_tsv")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """For Alembic: the full-text objects live outside the metadata (migration 0006)."""
    value = name or ""
    return not (value.startswith("moa_fts") or value in FTS_OBJECTS)


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def has_document(conn: Connection, sha256: str) -> bool:
    return (
        conn.execute(select(moa_documents.c.sha256).where(moa_documents.c.sha256 == sha256)).first()
        is not None
    )


def insert_document(conn: Connection, values: dict[str, Any]) -> None:
    bulk_insert(conn, moa_documents, [values])
    if is_sqlite(conn):
        conn.execute(
            text("INSERT INTO moa_fts (sha256, body) VALUES (:s, :b)"),
            {"s": values["sha256"], "b": values["text"]},
        )


def upsert_url(
    conn: Connection,
    url: str,
    file_key: str,
    *,
    sha256: str | None,
    status: str,
    http_status: int | None,
    checked_at: datetime | None,
    error: str | None,
) -> None:
    values = {
        "file_key": file_key,
        "sha256": sha256,
        "status": status,
        "http_status": http_status,
        "checked_at": checked_at,
        "error": error,
    }
    found = conn.execute(select(moa_urls.c.url).where(moa_urls.c.url == url)).first()
    if found:
        conn.execute(update(moa_urls).where(moa_urls.c.url == url).values(**values))
    else:
        conn.execute(moa_urls.insert().values(url=url, **values))


def clear(conn: Connection) -> None:
    if is_sqlite(conn):
        conn.execute(text("DELETE FROM moa_fts"))
    conn.execute(delete(moa_urls))
    conn.execute(delete(moa_documents))


def search(
    conn: Connection, query: str, *, phrase: bool = True, limit: int | None = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Documents matching ``query`` (one phrase, or all its words), best first, with
    highlighted snippets; ``limit=None`` for every match."""
    words = [w for w in query.replace('"', " ").split() if w]
    if not words:
        return []
    page = " LIMIT :n OFFSET :o" if limit is not None else " LIMIT -1 OFFSET :o"
    params: dict[str, Any] = {"n": limit, "o": offset}
    if is_sqlite(conn):
        match = ('"' + " ".join(words) + '"') if phrase else " AND ".join(f'"{w}"' for w in words)
        rows = (
            conn.execute(
                text(
                    "SELECT sha256, snippet(moa_fts, 1, '[', ']', ' … ', 16) AS snippet, "
                    "bm25(moa_fts) AS score FROM moa_fts WHERE moa_fts MATCH :q "
                    "ORDER BY score, sha256" + page
                ),
                {**params, "q": match},
            )
            .mappings()
            .all()
        )
    else:
        fn = "phraseto_tsquery" if phrase else "plainto_tsquery"
        page = " LIMIT :n OFFSET :o" if limit is not None else " OFFSET :o"
        rows = (
            conn.execute(
                text(
                    f"SELECT sha256, ts_headline('english', text, {fn}('english', :q), "
                    "'StartSel=[, StopSel=], MaxWords=24, MinWords=8, MaxFragments=2, "
                    "FragmentDelimiter= … ') AS snippet, "
                    f"ts_rank(tsv, {fn}('english', :q)) AS score FROM moa_documents "
                    f"WHERE tsv @@ {fn}('english', :q) ORDER BY score DESC, sha256" + page
                ),
                {**params, "q": " ".join(words)},
            )
            .mappings()
            .all()
        )
    return [dict(r) for r in rows]


def document_texts(conn: Connection, sha256s: list[str]) -> dict[str, str]:
    """The stored text (pages joined by form feeds) of these documents."""
    if not sha256s:
        return {}
    q = select(moa_documents.c.sha256, moa_documents.c.text).where(
        moa_documents.c.sha256.in_(sha256s)
    )
    return {row.sha256: row.text for row in conn.execute(q)}


def documents(conn: Connection) -> list[dict[str, Any]]:
    out = []
    q = select(moa_documents).order_by(moa_documents.c.file_name)
    for r in conn.execute(q).mappings():
        d = dict(r)
        d.pop("text", None)
        d.pop("tsv", None)
        for key in ("signing_dates", "signatories", "problems"):
            d[key] = json.loads(d[key])
        for key in ("pages", "evidence"):  # NULL for documents read before revision 0010
            d[key] = json.loads(d[key]) if d[key] is not None else None
        out.append(d)
    return out


def linked_urls(conn: Connection) -> dict[str, set[str]]:
    """Every MOA/addendum URL on any list -> the agreements whose rows link it."""
    out: dict[str, set[str]] = defaultdict(set)
    q = (
        select(
            row_contents.c.moa_url, row_contents.c.addendum_url, content_agreements.c.agreement_id
        )
        .join(
            content_agreements, content_agreements.c.content_id == row_contents.c.id, isouter=True
        )
        .where(or_(row_contents.c.moa_url.is_not(None), row_contents.c.addendum_url.is_not(None)))
    )
    for moa, addendum, agreement_id in conn.execute(q):
        for url in (moa, addendum):
            if url:
                if agreement_id:
                    out[url].add(agreement_id)
                else:
                    out.setdefault(url, set())
    return out
