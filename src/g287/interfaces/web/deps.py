"""Dependencies shared by API routes and pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection

from g287.resolve.derivation import require_current
from g287.store.archive import Archive
from g287.store.archives import open_archive
from g287.store.database import Database
from g287.store.locks import writer_busy

CHECK_TTL = 1.0  # seconds a "the derived history is current" verdict is trusted


class HistoryGate:
    """Refuses (503, one line naming the fix) to serve a derived history that was not
    built from the stored lists; re-checked at most once a second."""

    def __init__(self) -> None:
        self._ok_at = float("-inf")

    def check(self, db: Database) -> None:
        now = time.monotonic()
        if now - self._ok_at <= CHECK_TTL:
            return
        with db.connect() as conn:
            require_current(conn, writing=lambda: writer_busy(db))
        self._ok_at = now


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    gate: HistoryGate | None = getattr(request.app.state, "history_gate", None)
    if gate is not None:
        gate.check(db)
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
