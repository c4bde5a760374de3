"""The one door to the database: engine, migrations, transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from g287.errors import StoreError
from g287.store.locks import writer_lock
from g287.store.schema import metadata

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def require_database_folder(url: str) -> None:
    """Refuse a SQLite file whose folder does not exist (a mistyped ``--db`` path), rather
    than create folders and an empty database there. Other databases pass."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    folder = Path(parsed.database).expanduser().parent
    if not folder.is_dir():
        raise StoreError(
            f"cannot open database {url}: the folder {folder} does not exist (create it first)"
        )


class Database:
    """A g287 database at ``url``; :meth:`migrate` brings its schema to the newest version."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.safe_url}: {exc}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.generation = 0  # bumped whenever tables are dropped: callers drop their caches

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def alembic_config(self, connection: Connection | None = None) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        if connection is not None:
            cfg.attributes["connection"] = connection
        return cfg

    def migrate(self) -> None:
        """Create or upgrade every table to the newest migration (under the writer lock,
        so two processes starting on a new database never both create it)."""
        try:
            if self._at_head():
                return
            with writer_lock(self, "migrate"), self.engine.begin() as conn:
                cfg = self.alembic_config(conn)
                current = MigrationContext.configure(conn).get_current_revision()
                if current != ScriptDirectory.from_config(cfg).get_current_head():
                    command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot migrate database {self.safe_url}: {_first_line(exc)}"
            ) from None

    def _at_head(self) -> bool:
        with self.engine.connect() as conn:
            cfg = self.alembic_config(conn)
            current = MigrationContext.configure(conn).get_current_revision()
            return current == ScriptDirectory.from_config(cfg).get_current_head()

    def drop_all(self) -> None:
        """Drop every g287 table and the migration marker."""
        self.generation += 1
        try:
            with self.engine.begin() as conn:
                if self.is_sqlite:
                    conn.execute(text("DROP TABLE IF EXISTS moa_fts"))
                metadata.drop_all(conn)
                names = set(inspect(conn).get_table_names())
                for name in sorted(names):
                    if name == "moa_fts" or name.startswith("g287_") or name == "alembic_version":
                        conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot reset database {self.safe_url}: {_first_line(exc)}") from None

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_first_line(exc)}") from None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_first_line(exc)}") from None

    def dispose(self) -> None:
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
