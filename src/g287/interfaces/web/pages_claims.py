"""Check a published figure: the form for ``g287 claim`` and ``GET /api/claims/check``,
and the bundled public figures checked (``GET /api/claims/domain``). The page builds the
claim with :func:`g287.query.claims.claim_from` and checks it with
:func:`g287.query.claims.check`, as the API does, and renders the answer with its evidence:
the ICE files (label, date, file name, sha256) it was computed from."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from g287.errors import InvalidQuery
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import MODELS, parse_day, parse_state, render, state_name
from g287.model.states import STATES
from g287.query import claims as c

router = APIRouter(include_in_schema=False)
QUERY_LABELS = {
    "active_agreements": "Agreements on ICE's list on a date (optionally one model or state)",
    "states": "States and territories with at least one agreement on a date",
    "signed_in_year": "Agreements signed in a year (still listed on a date, or ever listed)",
    "model_share": "Share of a date's agreements of one model (percent)",
    "growth": "Agreements added between two dates (net)",
    "pending": "Pending requests on ICE's pending list on a date",
}
VERDICT_LABELS = {
    "agree": "Agrees with ICE's files",
    "disagree": "Disagrees with ICE's files",
    "cannot_tell": "Cannot tell",
}


def _int(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidQuery(f"{name} must be a whole number, not {value!r}") from exc


def _float(value: str | None, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError as exc:
        raise InvalidQuery(f"{name} must be a number, not {value!r}") from exc


@router.get("/claims", name="claims")
def claims_page(
    request: Request,
    conn: ConnDep,
    query: str | None = None,
    as_of: str | None = None,
    model: str | None = None,
    state: str | None = None,
    year: str | None = None,
    ever: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    expected: str | None = None,
    statement: str | None = None,
) -> Response:
    form = {
        "query": query or "",
        "as_of": as_of or "",
        "model": (model or "").upper(),
        "state": (state or "").upper(),
        "year": year or "",
        "ever": bool(ever),
        "from": from_ or "",
        "to": to or "",
        "expected": expected or "",
        "statement": statement or "",
    }
    result: dict[str, Any] | None = None
    error: str | None = None
    if query:
        try:
            result = _answer(conn, form)
        except InvalidQuery as exc:  # shown beside the form, which keeps what was typed
            error = str(exc)
    domain = [c.check(conn, claim).as_dict() for claim in c.load_claims(c.DEFAULT_FILE)]
    return render(
        request,
        "claims.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "domain": domain,
            "query_labels": QUERY_LABELS,
            "verdicts": VERDICT_LABELS,
            "state_choices": sorted(((k, state_name(k)) for k in STATES), key=lambda x: x[1]),
        },
        status_code=400 if error else 200,
    )


def _answer(conn: Any, form: dict[str, Any]) -> dict[str, Any]:
    """The check of the claim the form describes, as the API answers it."""
    if form["model"] and form["model"] not in MODELS:
        raise InvalidQuery(f"model must be one of {', '.join(MODELS)}")
    claim = c.claim_from(
        form["query"],
        as_of=parse_day(form["as_of"]),
        model=form["model"] or None,
        state=parse_state(form["state"]) if form["state"] else None,
        year=_int(form["year"], "year"),
        ever=form["ever"],
        from_=parse_day(form["from"]),
        to=parse_day(form["to"]),
        expected=_float(form["expected"], "expected"),
        statement=form["statement"] or None,
    )
    result = c.check(conn, claim).as_dict()
    asked = {k: v for k, v in form.items() if v and k != "ever"}
    result["api_url"] = "/api/claims/check?" + urlencode(
        {**asked, **({"ever": "true"} if form["ever"] else {})}
    )
    return result
