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
