"""API writes, each behind the admin token (``Authorization: Bearer <G287_ADMIN_TOKEN>``)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer

from g287.acquire.lock import LOCK_NAME, UpdateLocked, exclusive_lock
from g287.app.importer import Importer
from g287.interfaces.web.api_common import ERRORS, error_body
from g287.interfaces.web.deps import get_archive
from g287.interfaces.web.schemas import ErrorBody, UpdatePublic
from g287.interfaces.web.security import require_token
from g287.query import catalog
from g287.query import history as h

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="adminToken",
    description="G287_ADMIN_TOKEN, as `Authorization: Bearer <token>`.",
)
"""Documents the token in the OpenAPI schema; :func:`require_token` checks it."""

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Security(BEARER), Depends(require_token)],
    responses={
        **ERRORS,
        401: {"model": ErrorBody, "description": "No admin token (`WWW-Authenticate: Bearer`)."},
        403: {"model": ErrorBody, "description": "A token that is not the admin token."},
    },
)


@router.post(
    "/update",
    name="run_update",
    response_model=UpdatePublic,
    responses={409: {"model": ErrorBody, "description": "Another update is running."}},
)
def run_update(request: Request) -> Any:
    """Re-run resolution over the stored lists (agencies, agreements, pending requests,
    events), as an import does; for after a change to the curated corrections. Needs the
    admin token. Fetching ICE's page is `g287 update`'s job, not this endpoint's."""
    state = request.app.state
    importer = Importer(state.db, get_archive(request))
    started = time.perf_counter()
    try:
        with exclusive_lock(importer.archive.root / LOCK_NAME):
            res = importer.resolve()
    except UpdateLocked as exc:
        return JSONResponse(error_body(409, "locked", exc.message), status_code=409)
    seconds = round(time.perf_counter() - started, 3)
    state.data_version.invalidate()  # the resolve wrote a new derived-state token
    with state.db.connect() as conn:
        status = h.status(conn)
        events = catalog.events_page(conn, limit=1)["count"]
    return {
        "agreements": sum(status["agreements"].values()),
        "agencies": status["agencies"],
        "pending_requests": len(res.pending),
        "events": events,
        "decisions": len(res.decisions),
        "seconds": seconds,
    }
