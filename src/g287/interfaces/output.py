"""Rendering helpers shared by CLI commands: JSON, tables, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import click
from rich.console import Console
from rich.table import Table


def to_json(value: Any) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, date | datetime):
            return obj.isoformat()
        if hasattr(obj, "as_dict"):
            return obj.as_dict()
        if isinstance(obj, PurePath):
            return str(obj)
        raise TypeError(f"not JSON serializable: {type(obj).__name__}")

    return json.dumps(value, default=default, indent=2, ensure_ascii=False)


def emit_json(value: Any) -> None:
    click.echo(to_json(value))


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160  # pipes and files get wide, unwrapped tables
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    title: str | None = None,
) -> None:
    """Print ``rows`` as a table; ``columns`` are (key, header) pairs."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for _key, header in columns:
        t.add_column(header, overflow="fold")
    for row in rows:
        t.add_row(*[_cell(row.get(key)) for key, _ in columns])
    console().print(t)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value).replace("[", "\\[")


def error(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
