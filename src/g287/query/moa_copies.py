"""g287's archived copies of the MOA and addendum PDFs ICE links (ICE's links die):
which linked URLs the archive holds, and one held document."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from g287.errors import NotFound
from g287.store.schema import moa_documents, moa_urls


def moa_copies(conn: Connection) -> dict[str, str]:
    """Every MOA or addendum URL ICE linked whose PDF g287 holds -> the PDF's sha256
    (so a page can link g287's archived copy beside ICE's link)."""
    held = select(moa_urls.c.url, moa_urls.c.sha256).where(moa_urls.c.sha256.is_not(None))
    return {str(url): str(sha) for url, sha in conn.execute(held).all()}


def moa_document(conn: Connection, sha256: str) -> dict[str, Any]:
    """One archived MOA document: its sha256, file name and page count."""
    row = (
        conn.execute(
            select(
                moa_documents.c.sha256, moa_documents.c.file_name, moa_documents.c.page_count
            ).where(moa_documents.c.sha256 == sha256.lower())
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no MOA document has sha256 {sha256!r}")
    return dict(row)


def copy_url(sha256: str) -> str:
    """Where the API serves the archived PDF (``api_publications.get_moa_pdf``)."""
    return f"/api/moas/{sha256}/pdf"
