"""One writer at a time per database, across processes and hosts.

Every command that writes (import, update, rebuild, accept, MOA fetch, webhook
delivery) holds the *writer lock* of its database for its whole run:

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock(287, hashtext(schema))``)
  on a connection of its own, named after its holder (``application_name``), so every
  host sees who holds it; the server drops it when that connection ends, however the
  holder died.
* SQLite (one host by nature): an ``fcntl`` lock on ``<database>.writer.lock`` beside
  the file, which holds the holder's description; the kernel drops it with the process.

A second writer waits up to ``wait`` seconds (``G287_LOCK_WAIT``, default 10) and then
raises :class:`~g287.errors.Locked` naming the holder, in one line. The lock is
re-entrant within a process, so a use case may call another.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, make_url, text

from g287.errors import ConfigError, Locked


class Database(Protocol):
    """What the lock needs of :class:`g287.store.database.Database` (which takes it)."""

    @property
    def url(self) -> str: ...

    @property
    def is_sqlite(self) -> bool: ...

    @property
    def engine(self) -> Engine: ...


LOCK_CLASS = 287  # first key of the advisory lock: g287's namespace
POLL = 0.2  # seconds between attempts while waiting
DEFAULT_WAIT = 10.0

_held: dict[str, int] = {}  # database url -> depth, in this process
_guard = threading.Lock()


def lock_wait() -> float:
    """Seconds a writer waits for the lock (``G287_LOCK_WAIT``)."""
    raw = os.environ.get("G287_LOCK_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT
    except ValueError:
        raise ConfigError(f"G287_LOCK_WAIT={raw!r} is not a number of seconds") from None


def holder_label(what: str) -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"g287 {what} (pid {os.getpid()} on {socket.gethostname()}, since {started})"


@contextlib.contextmanager
def writer_lock(db: Database, what: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the database's writer lock for the ``with`` block (see the module docstring)."""
    with _guard:
        depth = _held.get(db.url, 0)
        if depth:
            _held[db.url] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _guard:
                _held[db.url] -= 1
        return
    hold = _sqlite_lock if db.is_sqlite else _postgres_lock
    with hold(db, holder_label(what), lock_wait() if wait is None else wait):
        with _guard:
            _held[db.url] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(db.url, None)


def _deadline_passed(deadline: float) -> bool:
    if time.monotonic() >= deadline:
        return True
    time.sleep(POLL)
    return False


@contextlib.contextmanager
def _sqlite_lock(db: Database, label: str, wait: float) -> Iterator[None]:
    database = make_url(db.url).database
    if not database or database == ":memory:":
        yield  # a private in-memory database has no other writer
        return
    path = Path(database).expanduser()
    path = path.with_name(path.name + ".writer.lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConfigError(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _deadline_passed(deadline):
                    holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
                    raise Locked(_busy(holder or "another g287 process", wait)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, label.encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def _postgres_lock(db: Database, label: str, wait: float) -> Iterator[None]:
    conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        conn.execute(
            text("SELECT set_config('application_name', :label, false)"), {"label": label[:63]}
        )
        key = conn.execute(text("SELECT hashtext(current_schema())")).scalar_one()
        deadline = time.monotonic() + wait
        while not conn.execute(
            text("SELECT pg_try_advisory_lock(:a, :b)"), {"a": LOCK_CLASS, "b": key}
        ).scalar_one():
            if _deadline_passed(deadline):
                holder = conn.execute(
                    text(
                        "SELECT a.application_name, a.client_addr FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.classid = :a AND l.objid = :b "
                        "AND l.objsubid = 2 AND l.granted AND l.database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    ),
                    {"a": LOCK_CLASS, "b": key & 0xFFFFFFFF},
                ).first()
                who = "another g287 process"
                if holder is not None and holder[0]:
                    who = holder[0] + (f" from {holder[1]}" if holder[1] else "")
                raise Locked(_busy(who, wait))
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"), {"a": LOCK_CLASS, "b": key})
    finally:
        conn.close()


def held_here(db: Database) -> bool:
    """Whether this process holds the database's writer lock now."""
    with _guard:
        return bool(_held.get(db.url))


def _busy(holder: str, wait: float) -> str:
    waited = f" (waited {wait:g} s)" if wait else ""
    return f"the database is being written by {holder}{waited}; try again when it ends"


def writer_busy(db: Database) -> bool:
    """Whether a writer (this process or another) holds the database's writer lock now:
    a reader that finds the derived history behind the stored lists while a writer is at
    work sees an import between storing a list and resolving it, not a crash."""
    with _guard:
        if _held.get(db.url):
            return True
    if db.is_sqlite:
        database = make_url(db.url).database
        if not database or database == ":memory:":
            return False
        path = Path(database).expanduser()
        path = path.with_name(path.name + ".writer.lock")
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False  # never locked
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False
    with db.engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :a "
                "AND objid = (hashtext(current_schema()) & 4294967295)::oid "
                "AND objsubid = 2 AND granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"a": LOCK_CLASS},
        ).scalar_one()
    return bool(found)
