"""Stored rows as plain records (dates as ISO text, links checked), and the joins of a
list's placed rows with their contents and with their issues."""

from __future__ import annotations

from datetime import date
from typing import Any

from g287.query.urls import URL_KEYS, public_row
from g287.store.schema import content_issues, row_contents
from g287.store.schema import publication_rows as placed_rows

PLACED = placed_rows.join(row_contents, row_contents.c.id == placed_rows.c.content_id)
PLACED_ISSUES = placed_rows.join(
    content_issues, content_issues.c.content_id == placed_rows.c.content_id
)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # datetime is a date


def _jsonable(row: Any) -> dict[str, Any]:
    """A row as a dict, its dates and times as ISO text, its links checked
    (:func:`g287.query.urls.public_row`)."""
    return public_row({key: _iso(value) for key, value in row.items()})


def records(result: Any) -> list[dict[str, Any]]:
    """A result's rows as :func:`_jsonable` dicts, zipped from plain rows (several times
    faster than row mappings for the wide pages of the API)."""
    keys = list(result.keys())
    out = [{k: _iso(v) for k, v in zip(keys, row, strict=True)} for row in result]
    if any(k in URL_KEYS or k == "field" for k in keys):
        for item in out:
            public_row(item)
    return out
