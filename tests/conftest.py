"""Fixtures: real SQLite files and, when G287_TEST_POSTGRES_URL is set, real PostgreSQL.

Every test that takes ``db_url`` (directly or through ``settings``/``importer``)
runs once per backend. On PostgreSQL each test gets its own schema, dropped
afterwards, so tests never see each other's tables.
"""

from __future__ import annotations

import atexit
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from g287.app.importer import Importer
from g287.config import Settings, normalize_database_url
from g287.sample import sheets_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHEETS = sheets_dir()
POSTGRES_URL = os.environ.get("G287_TEST_POSTGRES_URL")

BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def _postgres_schema_url(schema: str) -> str:
    assert POSTGRES_URL
    base = normalize_database_url(POSTGRES_URL)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def make_db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'g287.sqlite'}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(normalize_database_url(POSTGRES_URL or ""))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from make_db_url(request.param, tmp_path)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data", database_url=db_url)


@pytest.fixture
def importer(settings: Settings) -> Iterator[Importer]:
    imp = Importer.from_settings(settings)
    yield imp
    imp.db.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def shared_history(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Importer]:
    """All 46 bundled real workbooks, imported once per backend; read-only for tests."""
    tmp = tmp_path_factory.mktemp(f"shared-{request.param}")
    gen = make_db_url(request.param, tmp)
    url = next(gen)
    settings = Settings.from_env({}, data_dir=tmp / "data", database_url=url)
    imp = Importer.from_settings(settings)
    results = imp.import_paths([SHEETS])
    assert all(r.outcome == "accepted" for r in results), [
        r for r in results if r.outcome != "accepted"
    ]
    yield imp
    imp.db.dispose()
    for _ in gen:
        pass


_TEMPLATES: dict[str, Path] = {}
_PG_TEMPLATES: dict[str, tuple[Path, str]] = {}


def _drop_pg_templates() -> None:
    if not _PG_TEMPLATES:
        return
    admin = create_engine(normalize_database_url(POSTGRES_URL or ""))
    with admin.begin() as conn:
        for _root, schema in _PG_TEMPLATES.values():
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()
    _PG_TEMPLATES.clear()


atexit.register(_drop_pg_templates)


def _pg_from_template(
    key: str,
    settings: Settings,
    fill: Callable[[Importer], None],
    factory: pytest.TempPathFactory,
) -> Importer:
    """PostgreSQL's copy of a template: ``fill`` runs once per test process into a schema of
    its own; each test's schema is migrated as usual and gets the template's rows, table by
    table in foreign-key order (generated columns, such as the MOA text's tsvector, are
    computed again by the server)."""
    from g287.store.schema import metadata

    found = _PG_TEMPLATES.get(key)
    if found is None:
        root = factory.mktemp(f"template-pg-{key}")
        schema = "tmpl_" + uuid.uuid4().hex[:12]
        admin = create_engine(normalize_database_url(POSTGRES_URL or ""))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        _PG_TEMPLATES[key] = (root, schema)  # dropped at exit, even if fill fails
        made = Settings.from_env(
            {}, data_dir=root / "data", database_url=_postgres_schema_url(schema)
        )
        imp = Importer.from_settings(made)
        fill(imp)
        imp.db.dispose()
        found = (root, schema)
    root, schema = found
    shutil.copytree(root / "data", settings.data_dir, dirs_exist_ok=True)
    imp = Importer.from_settings(settings)
    with imp.db.begin() as conn:
        for table in metadata.sorted_tables:
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            conn.execute(
                text(
                    f'INSERT INTO "{table.name}" ({columns}) '
                    f'SELECT {columns} FROM "{schema}"."{table.name}"'
                )
            )
    return imp


def from_template(
    key: str,
    settings: Settings,
    fill: Callable[[Importer], None],
    factory: pytest.TempPathFactory,
) -> Importer:
    """An importer over ``settings`` whose database and archive hold what ``fill`` puts
    there. ``fill`` runs once per test process, into a template (on SQLite a folder with
    the database file and the archive; on PostgreSQL a schema and the archive's folder),
    and each test gets a copy of it."""
    if not settings.database_url.startswith("sqlite"):
        return _pg_from_template(key, settings, fill, factory)
    template = _TEMPLATES.get(key)
    if template is None:
        root = factory.mktemp(f"template-{key}")
        made = Settings.from_env(
            {}, data_dir=root / "data", database_url=f"sqlite:///{root / 'g287.sqlite'}"
        )
        imp = Importer.from_settings(made)
        fill(imp)
        imp.db.seal()  # the write-ahead log folded in: the file alone is the database
        _TEMPLATES[key] = template = root
    database = make_url(settings.database_url).database
    assert database, settings.database_url
    shutil.copytree(template / "data", settings.data_dir, dirs_exist_ok=True)
    shutil.copyfile(template / "g287.sqlite", database)
    return Importer.from_settings(settings)


MOA_T0 = datetime(2025, 7, 8, tzinfo=UTC)


def fill_moa_library(imp: Importer) -> None:
    """The list of 8 July 2025 and the nine real MOA PDFs bundled with g287."""
    from g287.app.moa_library import import_moa
    from g287.sample import moa_dir

    imp.import_paths([SHEETS / "sheets_20250708_151823"], now=MOA_T0)
    for pdf in sorted(moa_dir().glob("*.pdf")):
        import_moa(imp, pdf.read_bytes(), name=pdf.name, source=str(pdf), seen_at=MOA_T0)


@pytest.fixture
def moa_library(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Importer]:
    """:func:`fill_moa_library` in this test's database and archive (copied from a
    template made once per test process)."""
    imp = from_template("moa-library", settings, fill_moa_library, tmp_path_factory)
    yield imp
    imp.db.dispose()


def dump_database(imp: Importer, *, derived: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every g287 table's rows, in primary-key order: for 'nothing changed' assertions."""
    from sqlalchemy import select

    from g287.store.schema import DERIVED, TABLES

    out = {}
    with imp.db.connect() as conn:
        for table in TABLES + (DERIVED if derived else ()):
            keys = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*keys))]
    return out


@pytest.fixture
def served(shared_history: Importer, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    """A test client and the HTTP layer over the shared real history, with a 2 MiB cache."""
    from tests.api_support import ApiClient, api_app

    monkeypatch.setenv("G287_CACHE_BYTES", str(2 * 1024 * 1024))
    with api_app(shared_history) as app:
        client = ApiClient(app)
        try:
            yield client, app
        finally:
            client.close()
