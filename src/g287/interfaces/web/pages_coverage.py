"""Population covered: counties, people and agencies under an agreement, by state and
model, on any date and over time (what ``g287 coverage`` and ``GET /api/coverage`` answer:
the page calls the same :func:`g287.query.coverage.coverage` and only renders it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import (
    LEVELS,
    MODELS,
    parse_day,
    parse_state,
    render,
    state_name,
)
from g287.query import coverage as cov
from g287.query import history as h

router = APIRouter(include_in_schema=False)


def _view(conn: Connection, date: str | None) -> dict[str, Any]:
    asked = parse_day(date)
    found = cov.coverage(conn, as_of=asked)
    newest = h.status(conn)["latest_publication"]
    pub = found["publication"] or {
        k: newest[k] for k in ("id", "label", "published_date") if newest
    }
    after = asked is not None and newest and asked.isoformat() > str(newest["published_date"])
    return {"coverage": found, "publication": pub, "asked": date or "", "after_newest": after}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@router.get("/coverage", name="coverage")
def coverage_page(request: Request, conn: ConnDep, date: str | None = None) -> Response:
    view = _view(conn, date)
    found = view["coverage"]
    rows = [
        {
            "code": code,
            "name": state_name(code),
            **s,
            "county_share": _share(s["counties_any_model"], s["counties"]),
            "own_share": _share(s["counties_own_agency"], s["counties"]),
            "agencies": sum(s["agencies_by_level"].values()),
        }
        for code, s in found["by_state"].items()
    ]
    rows.sort(
        key=lambda r: (
            -r["population_any_model_share"],
            -r["population_own_agency_share"],
            r["name"],
        )
    )
    return render(
        request,
        "coverage.html",
        {
            **view,
            "rows": rows,
            "series": cov.coverage_series(conn, monthly=True),
            "state": None,
        },
    )


@router.get("/coverage/{state}", name="state_coverage")
def state_coverage_page(
    request: Request, conn: ConnDep, state: str, date: str | None = None
) -> Response:
    code = parse_state(state)
    view = _view(conn, date)
    s = view["coverage"]["by_state"].get(code)
    return render(
        request,
        "coverage_state.html",
        {
            **view,
            "code": code,
            "name": state_name(code),
            "s": s,
            "levels": [lv for lv in LEVELS if s and s["agencies_by_level"].get(lv)],
            "series": cov.coverage_series(conn, state=code, monthly=True),
            "models": MODELS,
        },
    )
