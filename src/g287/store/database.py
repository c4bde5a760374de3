"""The one door to the database: engine, migrations, transactions.

A rebuild must leave the old state whole if it is killed: on a SQLite file it builds
a new file beside the old one (:meth:`Database.beside`) and copies it in, in one
transaction (:meth:`Database.take_rows_of`); elsewhere it runs in one transaction
(:meth:`Database.one_transaction`). Either way readers see the old state until the
commit, and a killed rebuild leaves it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from g287.crash import crash_point
from g287.errors import StoreError
from g287.store.locks import writer_lock
from g287.store.schema import metadata

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA_HEAD = "0012"
"""The newest migration's revision (a test checks that it is alembic's head). A database
already at it needs no migration, and the process never imports alembic (about a tenth of
a second of every command's start-up)."""


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return cast(str | None, conn.execute(text("SELECT version_num FROM alembic_version")).scalar())


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
        self._pinned: Connection | None = None  # inside one_transaction()
        self.sqlite_path: Path | None = (
            Path(parsed.database).expanduser()
            if self.is_sqlite and parsed.database and parsed.database != ":memory:"
            else None
        )

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def alembic_config(self, connection: Connection | None = None) -> Config:
        from alembic.config import Config

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
            reading = nullcontext(self._pinned) if self._pinned else self.engine.connect()
            try:
                with reading as conn:  # a read: no write lock when there is nothing to do
                    if _current_revision(conn) == SCHEMA_HEAD:
                        return
            except OperationalError:
                pass  # a new SQLite file another process is creating: ask under the lock
            from alembic import command

            with writer_lock(self, "migrate"), self._ddl_transaction() as conn:
                cfg = self.alembic_config(conn)
                if _current_revision(conn) != SCHEMA_HEAD:
                    command.upgrade(cfg, "head")
                    crash_point("migrated")  # not yet committed
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot migrate database {self.safe_url}: {_first_line(exc)}"
            ) from None

    def drop_all(self) -> None:
        """Drop every g287 table and the migration marker."""
        self.generation += 1
        try:
            with self._transaction() as conn:
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
        """A transaction: committed when the block ends, rolled back if it raises
        (inside :meth:`one_transaction`, a savepoint of that one transaction)."""
        try:
            with self._transaction() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_first_line(exc)}") from None

    @contextmanager
    def _ddl_transaction(self) -> Iterator[Connection]:
        """A transaction that also holds DDL. The sqlite3 driver commits before each
        CREATE or DROP by itself, so a migration killed half-way would leave tables and no
        version; here it gets an explicit BEGIN ... COMMIT around all of it."""
        if not self.is_sqlite or self._pinned is not None:
            with self._transaction() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
            level = raw.isolation_level
            raw.isolation_level = None
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
            finally:
                raw.isolation_level = level

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        if self._pinned is not None:
            with self._pinned.begin_nested():
                yield self._pinned
            return
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            if self._pinned is not None:
                yield self._pinned
                return
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_first_line(exc)}") from None

    @contextmanager
    def one_transaction(self) -> Iterator[Connection]:
        """Run every :meth:`begin` and :meth:`connect` of the block on one connection, in
        one transaction: all of it is committed at the end, or none of it (PostgreSQL has
        transactional DDL, so even dropped tables come back)."""
        if self._pinned is not None:
            yield self._pinned
            return
        try:
            with self.engine.begin() as conn:
                self._pinned = conn
                try:
                    yield conn
                finally:
                    self._pinned = None
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_first_line(exc)}") from None

    def beside(self) -> Database:
        """A new, empty SQLite database next to this file, for a rebuild to fill."""
        if self.sqlite_path is None:
            raise StoreError(f"{self.safe_url} is not a SQLite file")
        for old in self.sqlite_path.parent.glob(f".{self.sqlite_path.name}.rebuild-*"):
            owner = re.search(r"\.rebuild-(\d+)", old.name)
            if owner is None or not _alive(int(owner.group(1))):  # left by a killed rebuild
                old.unlink(missing_ok=True)
        tmp = self.sqlite_path.with_name(f".{self.sqlite_path.name}.rebuild-{os.getpid()}")
        for leftover in sqlite_files(tmp):
            leftover.unlink(missing_ok=True)
        return Database(f"sqlite:///{tmp}")

    def seal(self) -> None:
        """Fold the write-ahead log into the file and close: the file alone is then the
        whole database."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_first_line(exc)}") from None
        self.engine.dispose()

    def take_rows_of(self, built: Database) -> None:
        """Replace every row of this SQLite database by those of ``built`` (a database of
        the same schema, sealed here) in one transaction: a crash before the commit leaves
        the old rows, and readers never see a half-copied database."""
        if self.sqlite_path is None or built.sqlite_path is None:
            raise StoreError(f"{self.safe_url} is not a SQLite file")
        built.seal()
        self.migrate()
        tables = [(t.name, [c.name for c in t.columns]) for t in metadata.sorted_tables]
        try:
            with self.engine.connect() as conn:
                present = set(inspect(conn).get_table_names())
                if "moa_fts" in present:
                    tables.append(("moa_fts", ["sha256", "body"]))
                raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
                level = raw.isolation_level
                raw.isolation_level = None  # BEGIN and COMMIT by hand, around the whole copy
                cursor = raw.cursor()
                cursor.execute("ATTACH DATABASE ? AS rebuilt", (str(built.sqlite_path),))
                # the built rows satisfy their keys already; unchecked, DELETE truncates
                cursor.execute("PRAGMA foreign_keys=OFF")
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    for name, _ in reversed(tables):
                        cursor.execute(f'DELETE FROM main."{name}"')
                    for name, columns in tables:
                        cols = ", ".join(f'"{c}"' for c in columns)
                        cursor.execute(
                            f'INSERT INTO main."{name}" ({cols}) '
                            f'SELECT {cols} FROM rebuilt."{name}"'
                        )
                    crash_point("rebuild-copying")
                    cursor.execute("COMMIT")
                except BaseException:
                    if raw.in_transaction:
                        cursor.execute("ROLLBACK")
                    raise
                finally:
                    cursor.execute("PRAGMA foreign_keys=ON")
                    cursor.execute("DETACH DATABASE rebuilt")
                    cursor.close()
                    raw.isolation_level = level
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"cannot rebuild {self.safe_url}: {_first_line(exc)}") from None
        self.generation += 1
        for path in sqlite_files(built.sqlite_path):
            path.unlink(missing_ok=True)

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_files(path: Path) -> list[Path]:
    """A SQLite database file, its write-ahead log and its shared-memory index."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
