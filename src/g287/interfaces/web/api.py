"""JSON API routes (/api/...)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from g287.interfaces.web.deps import ConnDep
from g287.query import history as h

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/status", name="get_status")
def status(conn: ConnDep) -> dict[str, Any]:
    """The program now: newest list, active agreements by model, state and type, pending."""
    return h.status(conn)
