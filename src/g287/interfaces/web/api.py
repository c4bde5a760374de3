"""JSON API routes (/api/...): one router gathering the resource routers.

Every answer is built by a ``g287.query`` function (the same the CLI prints with
``--json``) and described by a response model in :mod:`.schemas`; operation ids are the
route names. Lists are pages ``{data, count, limit, offset}`` where ``count`` is the total.
Errors share one shape: ``{"error": {"status", "code", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from g287.interfaces.web import (
    api_admin,
    api_agreements,
    api_changes,
    api_places,
    api_publications,
    downloads,
)
from g287.interfaces.web.api_common import ERRORS
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.schemas import CountsPublic, StatusPublic
from g287.query import history as h
from g287.query import publications as p

router = APIRouter(prefix="/api")
meta = APIRouter(tags=["status"], responses=ERRORS)


@meta.get("/status", name="get_status", response_model=StatusPublic)
def status(conn: ConnDep) -> dict[str, Any]:
    """The program now: newest list, active agreements by model, state and type, pending."""
    return h.status(conn)


@meta.get("/counts", name="get_counts", response_model=CountsPublic)
def counts(conn: ConnDep) -> dict[str, Any]:
    """What g287 holds: files (and how many were rejected), lists, rows, data problems."""
    return p.counts(conn)


for sub in (
    meta,
    api_agreements.router,
    api_publications.router,
    api_changes.router,
    api_places.router,
    downloads.router,
    api_admin.router,
):
    router.include_router(sub)
