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
