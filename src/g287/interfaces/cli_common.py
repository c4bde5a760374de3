"""What every command shares: the application context, the JSON flag, one-line errors
and the exit-code table.

Exit codes: 0 success; 1 some input was rejected or a check failed; 2 bad usage
or query; 3 configuration or database error; 4 not found.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any, TypeVar

import click

from g287.app.importer import Importer
from g287.config import Settings
from g287.errors import (
    ConfigError,
    G287Error,
    InputError,
    InvalidQuery,
    NotFound,
    StoreError,
)
from g287.interfaces import output
from g287.model.models import MODEL_NAMES
from g287.resolve.derivation import require_current
from g287.store.database import Database, require_database_folder
from g287.store.locks import writer_busy

# Each error's exit code: the first class of the table the error is an instance of.
EXIT_CODES: tuple[tuple[type[G287Error], int], ...] = (
    (InvalidQuery, 2),
    (ConfigError, 3),
    (StoreError, 3),
    (NotFound, 4),
    (InputError, 1),
    (G287Error, 1),
)


def exit_code(exc: G287Error) -> int:
    """The exit code for ``exc`` (see :data:`EXIT_CODES`)."""
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


F = TypeVar("F", bound=Callable[..., Any])

# Commands that write, or read only what was stored (never the derived history): they
# may open a database whose derived history is stale; the others refuse to.
STALE_OK = frozenset({"import", "rebuild", "update", "import-page", "files", "config", "serve"})


@dataclass
class App:
    """What every command needs, built on first use."""

    data_dir: str | None = None
    database_url: str | None = None
    reads_history: bool = True  # refuse a stale derived history (see STALE_OK)
    _settings: Settings | None = field(default=None, repr=False)
    _importer: Importer | None = field(default=None, repr=False)
    _checked: bool = field(default=False, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env(
                data_dir=self.data_dir, database_url=self.database_url
            )
        return self._settings

    @property
    def importer(self) -> Importer:
        if self._importer is None:
            if self.database_url is not None:  # given: a typo must not make folders
                require_database_folder(self.settings.database_url)
            self._importer = Importer.from_settings(self.settings)
        return self._importer

    @property
    def db(self) -> Database:
        """The database; for a command that reads the derived history, checked once to
        have been derived from what is stored now (else a one-line error naming the fix)."""
        db = self.importer.db
        if self.reads_history and not self._checked:
            with db.connect() as conn:
                require_current(conn, writing=lambda: writer_busy(db))
            self._checked = True
        return db

    def close(self) -> None:
        if self._importer is not None:
            self._importer.db.dispose()
            self._importer = None


pass_app = click.make_pass_decorator(App)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def handle_errors(func: F) -> F:
    """Inside CliRunner (which bypasses ``main``), still print one-line errors."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except G287Error as exc:
            output.error(str(exc))
            sys.exit(exit_code(exc))

    return wrapper  # type: ignore[return-value]


def require_web_extra() -> None:
    """Refuse, in one line, to serve without the ``web`` extra (before any work)."""
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"serving the site needs the web extra ({exc.name} is missing): pip install 'g287[web]'"
        ) from None


MODELS = click.Choice(sorted(MODEL_NAMES), case_sensitive=False)


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidQuery(f"{value!r} is not a date (YYYY-MM-DD)") from None
