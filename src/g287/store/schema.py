"""Table definitions (SQLAlchemy Core). Alembic migrations build exactly these.

Keys are natural or content-derived, never insertion order, so importing files
in any order and rebuilding from the archive give identical tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

raw_files = Table(
    "raw_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("role", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # accepted | rejected
    Column("error_kind", String(32)),
    Column("reason", Text),
    Column("first_name", Text, nullable=False),
    Column("first_source", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("ice_date", Date),
    Column("ice_part", String(8)),
    Column("ice_suffix", Text),
)

sightings = Table(
    "sightings",
    metadata,
    Column("sha256", String(64), ForeignKey("raw_files.sha256"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

publications = Table(
    "publications",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("sha256", String(64), ForeignKey("raw_files.sha256"), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("label", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("ice_date", Date),
    Column("part_of_day", String(8)),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("published_date", Date, nullable=False),
    Column("date_source", String(16), nullable=False),
    Column("date_flag", Text),
    Column("seq", Integer),
    Column("sheet_name", Text, nullable=False),
    Column("header_row", Integer, nullable=False),
    Column("layout", Text, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("hidden_rows", Integer, nullable=False),
    Column("filtered", Boolean, nullable=False),
    Column("modified", String(40)),
    Index("ix_publications_kind_seq", "kind", "seq"),
)

row_contents = Table(
    "row_contents",
    metadata,
    Column("id", String(16), primary_key=True),  # hash of every field below
    Column("state_raw", Text, nullable=False),
    Column("state", String(2)),
    Column("agency_raw", Text, nullable=False),
    Column("agency", Text),
    Column("type_raw", Text),
    Column("type", String(16)),
    Column("county_raw", Text),
    Column("county", Text),
    Column("support_raw", Text),
    Column("model", String(4)),
    Column("signed_raw", Text),
    Column("signed_kind", String(8)),
    Column("signed", Date),
    Column("moa_raw", Text),
    Column("moa_status", String(16)),
    Column("moa_url", Text),
    Column("addendum_raw", Text),
    Column("addendum_status", String(16)),
    Column("addendum_url", Text),
    Column("extra", Text),
    Index("ix_row_contents_state_model", "state", "model"),
)

content_issues = Table(
    "content_issues",
    metadata,
    Column("content_id", String(16), ForeignKey("row_contents.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("column_name", Text),
    Column("raw_value", Text),
    Column("kind", String(40), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("note", Text, nullable=False),
)

publication_rows = Table(
    "publication_rows",
    metadata,
    Column("publication_id", String(16), ForeignKey("publications.id"), primary_key=True),
    Column("row_number", Integer, primary_key=True),  # the Excel row number
    Column("hidden", Boolean, nullable=False),
    Column("content_id", String(16), ForeignKey("row_contents.id"), nullable=False),
    Index("ix_publication_rows_content_id", "content_id"),
)

publication_issues = Table(
    "publication_issues",
    metadata,
    Column("publication_id", String(16), ForeignKey("publications.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("row_number", Integer),
    Column("column_name", Text),
    Column("raw_value", Text),
    Column("kind", String(40), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("note", Text, nullable=False),
)

# Tables in the order a full dump (or a delete) should visit them.
TABLES = (
    raw_files,
    sightings,
    publications,
    row_contents,
    content_issues,
    publication_rows,
    publication_issues,
)
