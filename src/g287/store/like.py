"""Text search with ``LIKE`` that means what the user typed: ``%`` and ``_`` in a search
are the characters themselves, never wildcards (``?text=%`` matches names containing a
percent sign, not every agreement). The same on SQLite and PostgreSQL: the escape
character is given explicitly in every ``LIKE ... ESCAPE``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    """``text`` with the LIKE wildcards (and the escape character) escaped."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def contains_pattern(text: str) -> str:
    """The LIKE pattern of "contains ``text``, any case" (for lower-cased columns)."""
    return f"%{escape_like(text.lower())}%"


def like(column: Any, pattern: Any) -> Any:
    """``column LIKE pattern ESCAPE '\\'`` (a pattern built by :func:`contains_pattern`
    or :func:`escape_like`)."""
    return column.like(pattern, escape=LIKE_ESCAPE)


def contains(column: Any, text: str) -> Any:
    """``lower(column)`` contains ``text`` (any case, wildcards taken literally)."""
    return like(func.lower(column), contains_pattern(text))
