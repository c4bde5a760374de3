"""Crash consistency: real ``python -m g287`` processes killed with SIGKILL.

A process is killed at a named point (``G287_CRASH_AT``, see :mod:`g287.crash`) or at
a random moment; the next command must then either refuse in one line naming the
repair, or give exactly what a clean run gives. On SQLite always, on PostgreSQL when
``G287_TEST_POSTGRES_URL`` is set (the ``db_url`` fixture runs each test on both).
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from g287.app.importer import Importer
from g287.app.rebuild import rebuild
from g287.config import Settings
from g287.resolve import derivation as d
from g287.resolve.derivation import STALE_MESSAGE, derivation
from g287.store.archive import RawArchive, Sighting, format_utc, sha256_hex
from g287.store.database import Database
from g287.store.schema import derived_state, list_reviews, publications
from tests.api_support import api_client
from tests.conftest import ROOT, SHEETS, dump_database, from_template, make_db_url

KILLED = -signal.SIGKILL
SUBSET = 4  # folders of the bundled sample (a participating and a pending list each)


def subset_of_sample(folder: Path, folders: int = SUBSET) -> Path:
    """The first ``folders`` capture folders of the bundled sample, with their manifest."""
    with open(SHEETS / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    chosen = sorted({r["folder"] for r in rows})[:folders]
    folder.mkdir(parents=True)
    for name in chosen:
        shutil.copytree(SHEETS / name, folder / name)
    with open(folder / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["folder"] in chosen)
    return folder


class Cli:
    """``python -m g287`` on one data folder and database, in a child process."""

    def __init__(self, data_dir: Path, db_url: str) -> None:
        self.data_dir = data_dir
        self.db_url = db_url

    def command(self, *args: str) -> list[str]:
        base = [sys.executable, "-m", "g287", "--data-dir", str(self.data_dir)]
        return [*base, "--db", self.db_url, *args]

    def env(self, crash_at: str | None = None, **extra: str) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}
        env.pop("G287_CRASH_AT", None)
        if crash_at:
            env["G287_CRASH_AT"] = crash_at
        return env

    def run(self, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            env=self.env(crash_at),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def start(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env=self.env(None, **extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def status(self) -> Any:
        done = self.run("status", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def importer(self) -> Importer:
        return Importer(Database(self.db_url), RawArchive(self.data_dir / "archive"))

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        imp = self.importer()
        try:
            return dump_database(imp)
        finally:
            imp.db.dispose()


@pytest.fixture
def cli(tmp_path: Path, db_url: str) -> Cli:
    return Cli(tmp_path / "data", db_url)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """What a clean import of the subset gives (status and every table), per backend."""
    cache: dict[str, tuple[Any, Any, float]] = {}
    generators = []

    def result(db_url: str) -> tuple[Any, Any, float]:
        backend = "sqlite" if db_url.startswith("sqlite") else "postgres"
        if backend not in cache:
            tmp = tmp_path_factory.mktemp(f"clean-{backend}")
            gen = make_db_url(backend, tmp)
            generators.append(gen)
            ref = Cli(tmp / "data", next(gen))
            started = time.monotonic()
            done = ref.run("import", str(subset_of_sample(tmp / "sheets")))
            took = time.monotonic() - started
            assert done.returncode == 0, done.stderr
            cache[backend] = (ref.status(), ref.dump(), took)
        return cache[backend]

    yield result
    for gen in generators:
        for _ in gen:
            pass


def _without_archive_paths(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Tables as compared across two data folders: the sightings name the source file."""
    return {k: v for k, v in dump.items() if k not in ("sightings", "raw_files")}


# --- import ----------------------------------------------------------------------------


IMPORT_POINTS = [
    "migrated",  # the new database's tables created, not committed
    "import-file-stored#1",  # the first list stored, nothing resolved yet
    "import-file-stored#5",  # some lists stored
    "import-before-resolve",  # every list stored, none resolved
    "resolve-start",
    "resolve-before-commit",  # the derived tables written, not committed
]


@pytest.mark.slow
@pytest.mark.parametrize("point", IMPORT_POINTS)
def test_killed_import_is_refused_then_repaired_by_rerunning_it(cli, tmp_path, clean, point):
    sheets = subset_of_sample(tmp_path / "sheets")
    killed = cli.run("import", str(sheets), crash_at=point)
    assert killed.returncode == KILLED, killed.stderr

    if point == "migrated":  # nothing was stored: an empty database, no half schema
        assert json.loads(cli.run("files", "--json").stdout) == []
    else:
        refused = cli.run("status", "--json")
        assert refused.returncode == 3
        assert refused.stderr.strip() == f"Error: {STALE_MESSAGE}"
        assert cli.run("agreements", "--json").returncode == 3
        assert cli.run("files").returncode == 0  # what was stored can still be listed

    again = cli.run("import", str(sheets))
    assert again.returncode == 0, again.stderr
    expected_status, expected_dump, _ = clean(cli.db_url)
    assert cli.status() == expected_status
    assert _without_archive_paths(cli.dump()) == _without_archive_paths(expected_dump)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_import_killed_at_a_random_moment_converges(cli, tmp_path, clean, seed):
    sheets = subset_of_sample(tmp_path / "sheets")
    *_, clean_seconds = clean(cli.db_url)
    proc = cli.start("import", str(sheets))
    time.sleep(random.Random(seed).uniform(0.1, 0.9) * clean_seconds)  # within a clean run
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) in (KILLED, 0)
    again = cli.run("import", str(sheets))
    assert again.returncode == 0, again.stderr
    expected_status, expected_dump, _ = clean(cli.db_url)
    assert cli.status() == expected_status
    assert _without_archive_paths(cli.dump()) == _without_archive_paths(expected_dump)


# --- rebuild ---------------------------------------------------------------------------


REBUILD_POINTS = [
    "rebuild-start",
    "rebuild-file#3",  # lists replayed into the new state
    "resolve-start",
    "resolve-before-commit",
    "rebuild-before-copy",  # SQLite: the new file built beside, not copied in
    "rebuild-copying",  # SQLite: the old rows deleted and the new ones copied, not committed
    "rebuild-before-commit",  # PostgreSQL: all of it done, not committed
]
SQLITE_ONLY = ("rebuild-before-copy", "rebuild-copying")
POSTGRES_ONLY = ("rebuild-before-commit",)


def _with_the_subset(cli: Cli, factory: pytest.TempPathFactory) -> None:
    """The subset imported into ``cli``'s data folder and database (a copy of a template
    imported once per test process: what is tested is the rebuild that follows)."""

    def fill(imp: Importer) -> None:
        results = imp.import_paths([subset_of_sample(factory.mktemp("subset") / "sheets")])
        assert all(r.outcome == "accepted" for r in results)

    settings = Settings.from_env({}, data_dir=cli.data_dir, database_url=cli.db_url)
    from_template("crash-subset", settings, fill, factory).db.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("point", REBUILD_POINTS)
def test_killed_rebuild_leaves_the_old_state(cli, tmp_path_factory, point):
    _with_the_subset(cli, tmp_path_factory)
    before_status, before = cli.status(), cli.dump()

    killed = cli.run("rebuild", "--yes", crash_at=point)
    on_this_backend = point not in (
        POSTGRES_ONLY if cli.db_url.startswith("sqlite") else SQLITE_ONLY
    )
    assert killed.returncode == (KILLED if on_this_backend else 0), killed.stderr
    assert cli.status() == before_status
    assert cli.dump() == before

    assert cli.run("rebuild", "--yes").returncode == 0
    assert cli.status() == before_status
    assert cli.dump() == before
    if cli.db_url.startswith("sqlite"):  # what the killed rebuild left beside is gone
        assert sorted(p.name for p in cli.data_dir.glob(".g287.sqlite.rebuild-*")) == []


@pytest.mark.slow
def test_rebuild_killed_at_random_moments_leaves_old_or_new_state(cli, tmp_path_factory):
    _with_the_subset(cli, tmp_path_factory)
    before_status, before = cli.status(), cli.dump()
    started = time.monotonic()
    assert cli.run("rebuild", "--yes").returncode == 0
    clean_seconds = time.monotonic() - started
    assert cli.dump() == before
    rng = random.Random(7)
    for _ in range(3):
        proc = cli.start("rebuild", "--yes")
        time.sleep(rng.uniform(0.1, 0.9) * clean_seconds)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) in (KILLED, 0)
        assert cli.status() == before_status
        assert cli.dump() == before


# --- parser workers --------------------------------------------------------------------


def _processes_with(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"G287_TEST_MARKER={marker}".encode() not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def _wait_until_none(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


linux_only = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


@linux_only
@pytest.mark.slow
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="rebuild parses in-process on one CPU")
def test_parser_workers_die_with_a_killed_rebuild(tmp_path):
    gen = make_db_url("sqlite", tmp_path)
    cli = Cli(tmp_path / "data", next(gen))
    assert cli.run("import", str(SHEETS)).returncode == 0  # 46 lists: rebuild uses workers
    marker = uuid.uuid4().hex
    proc = cli.start("rebuild", "--yes", G287_TEST_MARKER=marker)
    deadline = time.monotonic() + 60
    while len(_processes_with(marker)) < 3 and time.monotonic() < deadline:  # parent + 2
        time.sleep(0.02)
    workers = [p for p in _processes_with(marker) if p != proc.pid]
    assert len(workers) == 2, "the rebuild never started its parser workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _wait_until_none(marker, 5.0) == []


@linux_only
def test_die_with_parent_ends_a_worker_whose_parent_was_killed():
    marker = uuid.uuid4().hex
    code = (
        "import os, sys, time\n"
        "from g287.app.parsing import die_with_parent\n"
        "parent = os.getpid()\n"
        "if os.fork() == 0:\n"
        "    die_with_parent(parent)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print('forked', flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "G287_TEST_MARKER": marker}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"forked"
    assert len(_processes_with(marker)) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert _wait_until_none(marker, 5.0) == []


# --- the stamp -------------------------------------------------------------------------


def test_derivation_follows_lists_verdicts_and_code(importer, monkeypatch):
    with importer.db.connect() as conn:
        assert derivation(conn) == "current"  # nothing stored, nothing derived
    importer.import_paths([subset_of_sample(importer.archive.root.parent / "s", 2)])
    with importer.db.connect() as conn:
        assert derivation(conn) == "current"
    with importer.db.begin() as conn:  # a verdict given, not yet resolved
        pid = conn.execute(publications.select().limit(1)).first().id
        conn.execute(
            list_reviews.insert().values(
                publication_id=pid,
                verdict="accepted",
                reviewed_at=datetime(2025, 7, 8, tzinfo=UTC),
                note="",
            )
        )
    with importer.db.connect() as conn:
        assert derivation(conn) == "stale"
    assert importer.ensure_derived() is not None
    assert importer.ensure_derived() is None  # current: nothing to do
    monkeypatch.setattr(d, "RESOLVER_VERSION", d.RESOLVER_VERSION + "-next")
    with importer.db.connect() as conn:
        assert derivation(conn) == "stale"  # another resolver derives something else


def test_the_api_refuses_a_stale_history_in_one_line(importer):
    importer.import_paths([subset_of_sample(importer.archive.root.parent / "s", 2)])
    with importer.db.begin() as conn:  # as if the lists were stored, never resolved
        conn.execute(delete(derived_state))
    with api_client(importer) as client:
        response = client.get("/api/status")
        assert response.status_code == 503
        assert response.json()["error"] == {
            "status": 503,
            "code": "stale_history",
            "message": STALE_MESSAGE,
        }
    importer.ensure_derived()
    with api_client(importer) as client:
        assert client.get("/api/status").status_code == 200


def test_a_rebuild_is_seen_by_a_database_already_open(importer, tmp_path):
    """A server keeps its connections across a rebuild, and sees the rebuilt rows."""
    importer.import_paths([subset_of_sample(tmp_path / "s", 1)])
    reader = Database(importer.db.url)
    try:
        with reader.connect() as conn:
            assert len(conn.execute(publications.select()).all()) == 2
        extra = next((SHEETS / "sheets_20250519_151802").glob("participating*.xlsx"))
        seen = datetime(2025, 5, 19, 15, 18, 2, tzinfo=UTC)
        importer.archive.put(extra.read_bytes(), sha := sha256_hex(extra.read_bytes()))
        importer.archive.record(
            Sighting(sha, extra.name, str(extra), format_utc(seen), extra.stat().st_size, "list")
        )
        rebuild(importer)  # the archive holds one list more than the database
        with reader.connect() as conn:
            assert len(conn.execute(publications.select()).all()) == 3
            assert derivation(conn) == "current"
    finally:
        reader.dispose()


def test_a_reader_opens_the_database_while_a_writer_holds_it(tmp_path):
    """Opening a migrated database (every command does) takes no write lock: a status
    during an import, or during a rebuild's long copy transaction, is not blocked."""
    gen = make_db_url("sqlite", tmp_path)
    cli = Cli(tmp_path / "data", next(gen))
    assert cli.run("import", str(subset_of_sample(tmp_path / "sheets", 1))).returncode == 0
    expected = cli.status()
    writer = sqlite3.connect(str(tmp_path / "g287.sqlite"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM derived_state")  # uncommitted: readers do not see it
        started = time.monotonic()
        assert cli.status() == expected
        assert time.monotonic() - started < 4  # no wait for the lock (sqlite3 waits 5 s)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
