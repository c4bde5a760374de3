"""What the API routers share: query parameters, documented error answers, links."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Annotated, Any, Literal, get_args
from urllib.parse import quote

from fastapi import Query
from pydantic import BeforeValidator

from g287.interfaces.web.schemas import ErrorBody
from g287.model.levels import Level
from g287.model.states import STATES
from g287.query.provenance import NORMALIZED_CELLS, RAW_CELLS

NO_CONTROL = r"^[^\x00-\x1f]*$"
"""Free text may hold anything but control characters (PostgreSQL refuses NUL)."""


def _iso_day(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar date, written YYYY-MM-DD (and nothing else: no timestamps)."""

ModelCode = Literal["JEM", "WSO", "TFM", "TTF", "JTF"]
LevelName = Level
StatusName = Literal["active", "superseded", "removed"]
AgreementSort = Literal[
    "id",
    "signed",
    "state",
    "name",
    "first_listed",
    "last_listed",
    "model",
    "county",
    "status",
    "-id",
    "-signed",
    "-state",
    "-name",
    "-first_listed",
    "-last_listed",
]
AgencySort = Literal[
    "id",
    "name",
    "state",
    "agreements",
    "first_listed",
    "last_listed",
    "-id",
    "-name",
    "-state",
    "-agreements",
    "-first_listed",
    "-last_listed",
]

MODEL_CODES: tuple[str, ...] = get_args(ModelCode)
LEVEL_NAMES: tuple[str, ...] = get_args(LevelName)


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one JSON error shape: {"error": {"status", "code", "message"}}."""
    return {"error": {"status": status, "code": code, "message": message}}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A filter or argument that cannot be answered."},
    404: {"model": ErrorBody, "description": "Nothing has that id, or no list by that date."},
    422: {"model": ErrorBody, "description": "A parameter of the wrong type or out of range."},
}

# Only the codes g287 knows (any case), so that the schema and the validation agree: an
# unknown code is still answered 400 naming the valid ones (app.validation_error).
STATE_PATTERN = (
    "^(?:"
    + "|".join(f"[{c[0]}{c[0].lower()}][{c[1]}{c[1].lower()}]" for c in sorted(STATES))
    + ")$"
)
StateQ = Annotated[
    str | None,
    Query(description="Two-letter state code.", pattern=STATE_PATTERN, examples=["FL"]),
]
ModelQ = Annotated[ModelCode | None, Query(description="287(g) model code.")]
LevelQ = Annotated[
    LevelName | None, Query(description="Jurisdiction level of the agency (state, county ...).")
]
TextQ = Annotated[
    str | None,
    Query(
        description="Case-insensitive substring of the name or id.",
        max_length=200,
        pattern=NO_CONTROL,
    ),
]
AsOfQ = Annotated[
    Day | None,
    Query(
        description="A date (YYYY-MM-DD): answer from the newest list published by then.",
        examples=["2025-06-01"],
    ),
]
LimitQ = Annotated[int, Query(ge=1, le=1000, description="Page size (at most 1000).")]
OffsetQ = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]


@functools.lru_cache(maxsize=1 << 16)
def agreement_url(agreement_id: str) -> str:
    return "/api/agreements/" + quote(agreement_id, safe="")


@functools.lru_cache(maxsize=1 << 16)
def agency_url(agency_id: str) -> str:
    return "/api/agencies/" + quote(agency_id, safe="")


def publication_urls(publication_id: str) -> dict[str, str]:
    base = "/api/publications/" + quote(publication_id, safe="")
    return {"url": base, "raw_url": base + "/raw", "rows_url": base + "/rows"}


def with_agreement_url(row: dict[str, Any]) -> dict[str, Any]:
    row["url"] = agreement_url(row["id"])
    return row


def with_agency_url(row: dict[str, Any]) -> dict[str, Any]:
    row["url"] = agency_url(row["id"])
    return row


def agreement_id_from_path(raw: str) -> str:
    """Agreement ids hold ``#`` (``FL-tampa-police-department#TFM#2025-02-28``). In a URL
    it is ``%23``; ``~`` or ``/`` may stand for it too (ids never contain either)."""
    return raw.replace("~", "#").replace("/", "#")


def split_cells(row: dict[str, Any]) -> dict[str, Any]:
    """A placed row with ICE's cells under ``raw`` and the normalized ones under
    ``normalized`` (the other fields unchanged)."""
    out = {k: v for k, v in row.items() if k not in RAW_CELLS and k not in NORMALIZED_CELLS}
    out["raw"] = {k: row.get(k) for k in RAW_CELLS}
    out["normalized"] = {k: row.get(k) for k in NORMALIZED_CELLS}
    return out
