"""Two writers on one database (two data folders, as two hosts): the second waits for
the writer lock or says who holds it; the end state is what one serial run gives."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from g287.app.importer import Importer
from g287.config import Settings
from g287.store.schema import DERIVED
from tests.conftest import SHEETS, dump_database

pytestmark = pytest.mark.slow

FOLDERS = sorted(p for p in SHEETS.iterdir() if p.is_dir())


def g287(db_url: str, data_dir: Path, *args: str, wait: str = "120") -> subprocess.Popen[str]:
    env = {**os.environ, "G287_LOCK_WAIT": wait}
    env.pop("G287_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "g287", "--db", db_url, "--data-dir", str(data_dir), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def derived(imp: Importer) -> dict[str, list[tuple]]:
    names = {t.name for t in DERIVED}
    return {k: v for k, v in dump_database(imp).items() if k in names}


def test_two_imports_at_once_end_as_one_serial_run(db_url, tmp_path):
    first, second = FOLDERS[:8], FOLDERS[8:16]
    a = g287(db_url, tmp_path / "host-a", "import", *map(str, first))
    b = g287(db_url, tmp_path / "host-b", "import", *map(str, second))
    outs = [p.communicate(timeout=600) for p in (a, b)]
    assert [a.returncode, b.returncode] == [0, 0], outs
    assert not any("Traceback" in err for _out, err in outs)
    together = Importer.from_settings(
        Settings.from_env({}, data_dir=tmp_path / "host-a", database_url=db_url)
    )
    serial_url = f"sqlite:///{tmp_path / 'serial.sqlite'}"
    serial = Importer.from_settings(
        Settings.from_env({}, data_dir=tmp_path / "serial", database_url=serial_url)
    )
    serial.import_paths(first + second)
    try:
        assert derived(together) == derived(serial)
    finally:
        together.db.dispose()
        serial.db.dispose()


HOLD = """
import sys
from g287.store.database import Database
from g287.store.locks import writer_lock
db = Database(sys.argv[1])
db.migrate()
with writer_lock(db, "import"):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our stdin
"""


def test_a_second_writer_that_will_not_wait_says_who_holds_the_lock(db_url, tmp_path):
    """Another process holds the writer lock (as an import does for each file; held here
    until the test lets go, so the test never races a fast import): a writer on another
    data folder that will not wait says in one line who holds it, and exits 3."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        # a writer that changes nothing when it gets the lock: accepting no list
        probe = g287(db_url, tmp_path / "host-b", "accept", "pb_000000000000", wait="0")
        _out, err = probe.communicate(timeout=120)
        assert probe.returncode == 3, err
        (line,) = err.strip().splitlines()
        assert "being written by g287 import" in line and f"(pid {holder.pid} on " in line
        assert line.endswith("try again when it ends")
    finally:
        holder.communicate(input="", timeout=60)
    assert holder.returncode == 0
    # once the holder is gone the same writer gets the lock (and finds no such list)
    probe = g287(db_url, tmp_path / "host-b", "accept", "pb_000000000000", wait="0")
    _out, err = probe.communicate(timeout=120)
    assert "being written by" not in err and probe.returncode == 4, err


def test_writers_taking_turns_file_by_file_never_trust_a_stale_view_of_the_rows(db_url, tmp_path):
    """`g287 import` takes the lock once per file, so another host's import can store rows
    between two of its files; the rows it already knows must then be read again (before,
    the second host re-inserted rows the first had stored: a duplicate-key error)."""
    folders = FOLDERS[:6]
    a, b = (
        Importer.from_settings(Settings.from_env({}, data_dir=tmp_path / h, database_url=db_url))
        for h in ("host-a", "host-b")
    )
    try:
        for i, folder in enumerate(folders):
            writer = a if i % 2 == 0 else b  # turns alternate, as two hosts' runs do
            results = writer.import_paths([folder])
            assert [r.outcome for r in results] == ["accepted"] * len(results), results
        serial_url = f"sqlite:///{tmp_path / 'serial.sqlite'}"
        serial = Importer.from_settings(
            Settings.from_env({}, data_dir=tmp_path / "serial", database_url=serial_url)
        )
        serial.import_paths(folders)
        assert derived(a) == derived(serial)
        serial.db.dispose()
    finally:
        a.db.dispose()
        b.db.dispose()
