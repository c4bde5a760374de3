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


def test_a_second_writer_that_will_not_wait_says_who_holds_the_lock(db_url, tmp_path):
    holder = g287(db_url, tmp_path / "host-a", "import", *map(str, FOLDERS[:12]))
    try:
        # wait until the holder is writing (its lock is taken once migrations are done)
        for _ in range(600):
            # a writer that changes nothing when it gets the lock: accepting no list
            probe = g287(db_url, tmp_path / "host-b", "accept", "pb_000000000000", wait="0")
            _out, err = probe.communicate(timeout=120)
            if probe.returncode == 3 and "being written by" in err:
                break
            assert holder.poll() is None, "the import ended before the lock was seen"
        else:
            pytest.fail("never saw the lock")
        (line,) = err.strip().splitlines()
        assert "being written by g287 " in line and f"(pid {holder.pid} on " in line
        assert line.endswith("try again when it ends")
    finally:
        holder.communicate(timeout=600)
    assert holder.returncode == 0


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
