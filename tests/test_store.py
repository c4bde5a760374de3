"""Migrations build exactly the schema the code declares, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from g287.store.database import Database
from g287.store.schema import metadata


def test_migrations_match_schema(db_url):
    db = Database(db_url)
    db.migrate()
    from g287.store.moa import include_object

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, metadata)
    db.dispose()
    assert diff == []


def test_schema_head_is_alembics_head():
    """``SCHEMA_HEAD`` lets an up-to-date database skip alembic: it must name the newest
    migration, or a database one migration behind would be taken as current."""
    from alembic.script import ScriptDirectory

    from g287.store.database import SCHEMA_HEAD

    db = Database("sqlite://")
    assert ScriptDirectory.from_config(db.alembic_config()).get_current_head() == SCHEMA_HEAD
    db.dispose()


def test_a_database_one_migration_behind_is_upgraded(db_url):
    from alembic import command
    from sqlalchemy import inspect

    db = Database(db_url)
    db.migrate()
    with db.engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "-1")
    db.migrate()
    with db.engine.connect() as conn:
        assert "publication_counts" in inspect(conn).get_table_names()
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0012"
    db.dispose()


def test_migrate_is_idempotent_and_drop_all_empties(db_url):
    db = Database(db_url)
    db.migrate()
    db.migrate()
    db.drop_all()
    from sqlalchemy import inspect

    with db.engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
    db.dispose()


def test_the_decision_agencies_migration_fills_what_the_derivation_writes(settings):
    from alembic import command
    from sqlalchemy import select

    from g287.app.importer import Importer
    from g287.store.schema import decision_agencies
    from tests.conftest import SHEETS

    imp = Importer.from_settings(settings)
    imp.import_paths([SHEETS])
    with imp.db.connect() as conn:
        derived = sorted(conn.execute(select(decision_agencies)).all())
    with imp.db.engine.begin() as conn:
        cfg = imp.db.alembic_config(conn)
        command.downgrade(cfg, "0010")
        command.upgrade(cfg, "head")
    with imp.db.connect() as conn:
        migrated = sorted(conn.execute(select(decision_agencies)).all())
    imp.db.dispose()
    assert len(derived) > 10 and migrated == derived


def test_each_lists_counts_are_kept_as_it_is_stored_and_equal_counting_it(shared_history, importer):
    """The counts ``/api/publications`` gives come from ``publication_counts``, written as
    each list was stored; they equal counting the list's rows now, and a database without
    them (stored before they were kept) answers the same by counting."""
    from sqlalchemy import delete

    from g287.query import publication_stats as q
    from g287.store.publications import stored_counts
    from g287.store.schema import publication_counts
    from tests.conftest import SHEETS

    with shared_history.db.connect() as conn:
        kept = stored_counts(conn)
        listed = q.list_publications(conn)
        assert len(kept) == len(listed) == 46
        for pub in listed:
            assert kept[pub["id"]] == q.count_publication(conn, pub["id"])
    # a copy of a few lists, without the kept counts: the same answer, counted
    folders = sorted(p for p in SHEETS.iterdir() if p.is_dir())[:3]
    importer.import_paths(folders)
    with importer.db.connect() as conn:
        before = q.list_publications(conn)
    with importer.db.begin() as conn:
        conn.execute(delete(publication_counts))
    with importer.db.connect() as conn:
        assert stored_counts(conn) == {}
        assert q.list_publications(conn) == before
        assert [p["issues"] for p in before] == [
            q.count_publication(conn, p["id"])["issues"] for p in before
        ]


def test_kept_counts_follow_a_list_dated_again(importer):
    """A list first seen under a name whose date is far from when it was seen carries a
    file-date warning; seen earlier under ICE's own name it is dated again, the warning
    goes, and its kept counts follow."""
    from datetime import UTC, datetime, timedelta

    from g287.query import publication_stats as q
    from g287.store.publications import stored_counts
    from tests.conftest import SHEETS

    path = sorted(SHEETS.glob("*/participating*.xlsx"))[0]
    data = path.read_bytes()
    seen = datetime(2025, 5, 19, 12, tzinfo=UTC)
    first = importer.import_bytes(
        data, name="participatingAgencies01012020am.xlsx", source="/x", seen_at=seen
    )
    with importer.db.connect() as conn:
        before = stored_counts(conn)[first.publication_id]
    importer.import_bytes(data, name=path.name, source=str(path), seen_at=seen - timedelta(hours=1))
    with importer.db.connect() as conn:
        after = stored_counts(conn)[first.publication_id]
        assert after == q.count_publication(conn, first.publication_id)
    assert after["issues"]["warning"] == before["issues"]["warning"] - 1
    assert after["by_model"] == before["by_model"]
