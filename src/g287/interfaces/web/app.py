"""The FastAPI application: API routes under /api, pages at /, assets under /static."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from g287.config import Settings
from g287.errors import G287Error
from g287.interfaces.web.api_common import error_body
from g287.interfaces.web.deps import HistoryGate
from g287.interfaces.web.http import DataVersion, HttpLayer
from g287.interfaces.web.settings import WebSettings
from g287.model.issues import ISSUE_KINDS
from g287.model.states import state_code
from g287.store.database import Database
from g287.store.history import derived_from
from g287.store.schema import derived_state, raw_files, sightings
from g287.version import __version__

STATIC = Path(__file__).parent / "static"
STATUS = {
    "not_found": 404,
    "invalid_query": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "locked": 409,
    "config": 500,
    "store": 503,
    "stale_history": 503,
    "archive": 503,
}


def _unique_id(route: APIRoute) -> str:
    return route.name


def create_app(
    settings: Settings | None = None, web: WebSettings | None = None, *, migrate: bool = True
) -> Any:
    """Build the app (wrapped in the HTTP layer) for one database."""
    settings = settings or Settings.from_env()
    web = web or WebSettings.from_env()
    web.check()
    db = Database(settings.database_url)
    if migrate:
        db.migrate()
    app = FastAPI(
        title="g287 API",
        version=__version__,
        summary="ICE's 287(g) agreements, reconstructed through time, with their sources.",
        description=(
            "Read-only JSON API of g287: agreements as of any date, agencies, lists ICE "
            "published (with their raw files), changes, lookups by place, state policy, "
            "coverage and MOA search. Every response carries an ETag; errors share one "
            'shape: {"error": {"status", "code", "message"}}.'
        ),
        generate_unique_id_function=_unique_id,
        docs_url=None,  # /api/docs is a page of the site (pages_about.api_docs), CSP-clean
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.db = db
    app.state.history_gate = HistoryGate()
    app.state.settings = settings
    app.state.web = web

    @app.exception_handler(G287Error)
    async def g287_error(request: Request, exc: G287Error) -> Response:
        status = STATUS.get(exc.slug, 400)
        response = _error(request, status, exc.slug, exc.message)
        for name, value in getattr(exc, "headers", {}).items():
            response.headers[name] = value  # WWW-Authenticate on a 401
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 403: "forbidden"}.get(
            exc.status_code, "http_error"
        )
        response = _error(request, exc.status_code, code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value  # e.g. Allow on a 405
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        if where == "state" and first.get("type") == "string_pattern_mismatch":
            try:  # an unknown state: 400 naming the valid codes, as the query layer says
                state_code(str(first.get("input", "")))
            except G287Error as known:
                return _error(request, 400, known.slug, known.message)
        pattern = first.get("type") == "string_pattern_mismatch"
        if pattern and where == "kind" and request.url.path == "/api/issues":
            known_kinds = ", ".join(sorted(ISSUE_KINDS))
            message = f"unknown issue kind {first.get('input')!r}; known: {known_kinds}"
            return _error(request, 400, "invalid_query", message)
        return _error(
            request,
            422,
            "invalid_parameter",
            f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request",
        )

    from g287.interfaces.web import api, pages  # routes register on import

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness for a proxy or supervisor: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        """Readiness: the database answers (503 with the JSON error shape when it does not)."""
        try:
            with db.connect() as conn:
                token = conn.execute(
                    select(derived_state.c.value).where(derived_state.c.key == "token")
                ).scalar()
        except G287Error as exc:
            return JSONResponse(error_body(503, "store", exc.message), status_code=503)
        return JSONResponse({"status": "ready", "derived": token is not None})

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def read_version() -> tuple[str, Any]:
        with db.connect() as conn:
            files, newest = conn.execute(
                select(func.count(), func.max(raw_files.c.first_seen))
            ).one()
            seen = conn.execute(select(func.count()).select_from(sightings)).scalar_one()
            token = conn.execute(
                select(derived_state.c.value).where(derived_state.c.key == "token")
            ).scalar()
            derived = (derived_from(conn) or "")[:12]  # changes with every new derivation
        return f"{files}:{seen}:{newest}:{token}:{derived}", newest

    version = DataVersion(read_version)
    app.state.data_version = version
    return HttpLayer(app, version=version, cors_origins=web.cors_origins)


def _error(request: Request, status: int, code: str, message: str) -> Response:
    if request.url.path.startswith(("/api", "/feeds/")) or "application/json" in (
        request.headers.get("accept", "")
    ):  # feed readers get the JSON error shape, not an HTML page
        return JSONResponse(error_body(status, code, message), status_code=status)
    from g287.interfaces.web.pages import error_page

    return error_page(request, status, message)
