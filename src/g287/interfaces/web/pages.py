"""Server-rendered pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from g287.interfaces.web.deps import ConnDep
from g287.query import history as h

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False, name="home")
def home(request: Request, conn: ConnDep) -> Response:
    return TEMPLATES.TemplateResponse(request, "home.html", {"status": h.status(conn)})


def error_page(request: Request, status: int, message: str) -> Response:
    return TEMPLATES.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )
