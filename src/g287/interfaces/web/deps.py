"""Dependencies shared by API routes and pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection

from g287.store.database import Database


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_conn(request: Request) -> Iterator[Connection]:
    with get_db(request).connect() as conn:
        yield conn


ConnDep = Annotated[Connection, Depends(get_conn)]
DbDep = Annotated[Database, Depends(get_db)]
