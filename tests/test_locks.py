"""The writer lock: one writer per database across processes (SQLite and PostgreSQL)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from g287.config import normalize_database_url
from g287.errors import Locked
from g287.store.database import Database
from g287.store.locks import writer_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from g287.store.database import Database
    from g287.store.locks import writer_lock
    db = Database(sys.argv[1])
    with writer_lock(db, "import", wait=30):
        Path(sys.argv[2]).write_text("held")
        time.sleep(float(sys.argv[3]))
    """
)


def hold(url: str, tmp_path: Path, seconds: float) -> subprocess.Popen[bytes]:
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, url, str(ready), str(seconds)])
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None, "the holder died"
        assert time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.05)
    return proc


@pytest.fixture
def db(db_url: str):
    database = Database(normalize_database_url(db_url))
    yield database
    database.dispose()


def test_a_second_writer_is_told_who_holds_the_lock(db, tmp_path):
    proc = hold(db.url, tmp_path, 60)
    try:
        started = time.monotonic()
        with pytest.raises(Locked) as err, writer_lock(db, "rebuild", wait=0.5):
            pass
        assert time.monotonic() - started >= 0.5
        message = str(err.value)
        assert f"g287 import (pid {proc.pid}" in message and "\n" not in message
        assert "waited 0.5 s" in message
    finally:
        proc.kill()
        proc.wait()
    # the holder was killed: the kernel (SQLite) or the server (PostgreSQL) let go
    with writer_lock(db, "rebuild", wait=10):
        pass


def test_a_waiting_writer_gets_the_lock_when_the_holder_ends(db, tmp_path):
    proc = hold(db.url, tmp_path, 1.0)
    started = time.monotonic()
    try:
        with writer_lock(db, "update", wait=30):
            assert time.monotonic() - started > 0.5  # it waited for the holder to let go
    finally:
        proc.wait()


def test_the_lock_is_reentrant_in_one_process_and_released_after(db, tmp_path):
    with writer_lock(db, "import", wait=0), writer_lock(db, "resolve", wait=0):
        pass
    proc = hold(db.url, tmp_path, 0.1)  # another process can take it now
    proc.wait()
    assert proc.returncode == 0


def test_a_sigkilled_holder_in_a_wait_loop_never_leaves_the_lock_behind(db, tmp_path):
    for _ in range(3):
        proc = hold(db.url, tmp_path, 60)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with writer_lock(db, "import", wait=10):
            pass


def test_a_reader_serves_the_last_history_while_a_writer_is_at_work(db, tmp_path):
    """Between storing a list and resolving it the history lags the lists: while a writer
    holds the lock that is an import at work (the last committed history is served); with
    no writer it can only be a crash (refused, naming the repair)."""
    from datetime import UTC, datetime

    from g287.app.importer import Importer
    from g287.errors import StaleHistory
    from g287.resolve.derivation import derivation, require_current
    from g287.store.archive import RawArchive
    from g287.store.locks import writer_busy
    from tests.conftest import SHEETS

    db.migrate()
    book = next(SHEETS.glob("*/participating*.xlsx"))
    Importer(db, RawArchive(tmp_path / "archive")).import_bytes(
        book.read_bytes(), name=book.name, source=str(book), seen_at=datetime.now(UTC)
    )  # stored, not yet resolved
    with db.connect() as conn:
        assert derivation(conn) != "current"
        assert not writer_busy(db)
        with pytest.raises(StaleHistory, match="g287 rebuild"):
            require_current(conn, writing=lambda: writer_busy(db))
    proc = hold(db.url, tmp_path, 60)
    try:
        assert writer_busy(db)
        with db.connect() as conn:
            require_current(conn, writing=lambda: writer_busy(db))
    finally:
        proc.kill()
        proc.wait()
    assert not writer_busy(db)
    with writer_lock(db, "import", wait=0):
        assert writer_busy(db)  # this process writing counts too


def test_checking_the_history_takes_no_lock_only_repairing_it_does(db, tmp_path, monkeypatch):
    """`serve` and `import` check the derived history first: a current one needs no lock
    (a web host starts while another host's updater holds it); a stale one waits for it."""
    from datetime import UTC, datetime

    from g287.app.importer import Importer
    from g287.store.archive import RawArchive
    from tests.conftest import SHEETS

    monkeypatch.setenv("G287_LOCK_WAIT", "0")
    db.migrate()
    imp = Importer(db, RawArchive(tmp_path / "archive"))
    imp.ensure_derived()  # current (nothing stored, nothing derived)
    proc = hold(db.url, tmp_path, 60)
    try:
        assert imp.ensure_derived() is None  # current: no lock asked for
        book = next(SHEETS.glob("*/participating*.xlsx"))
        with pytest.raises(Locked):
            imp.import_bytes(
                book.read_bytes(), name=book.name, source=str(book), seen_at=datetime.now(UTC)
            )
    finally:
        proc.kill()
        proc.wait()
    imp.import_bytes(book.read_bytes(), name=book.name, source=str(book), seen_at=datetime.now(UTC))
    proc = hold(db.url, tmp_path, 60)
    try:
        with pytest.raises(Locked):
            imp.ensure_derived()  # stale: repairing it needs the lock
    finally:
        proc.kill()
        proc.wait()
    assert imp.ensure_derived() is not None
    assert imp.ensure_derived() is None
