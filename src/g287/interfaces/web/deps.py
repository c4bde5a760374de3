"""Dependencies shared by API routes and pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection

from g287.acquire.archive import Archive, open_archive
from g287.store.database import Database


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_conn(request: Request) -> Iterator[Connection]:
    with get_db(request).connect() as conn:
        yield conn


def get_archive(request: Request) -> Archive:
    """The raw archive of the settings (local folder or object store), made once per app."""
    archive: Archive | None = getattr(request.app.state, "archive", None)
    if archive is None:
        archive = request.app.state.archive = open_archive(request.app.state.settings)
    return archive


ConnDep = Annotated[Connection, Depends(get_conn)]
DbDep = Annotated[Database, Depends(get_db)]
ArchiveDep = Annotated[Archive, Depends(get_archive)]
