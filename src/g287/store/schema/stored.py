"""The tables of what was read: raw files, their sightings, lists, rows, MOAs, reviews.

Written by an import, one transaction per file; a rebuild writes them again from the archive.
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
    String,
    Table,
    Text,
)

from g287.store.schema.base import metadata

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

publication_counts = Table(
    "publication_counts",
    metadata,
    Column(
        "publication_id",
        String(16),
        ForeignKey("publications.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("counts", Text, nullable=False),
)
"""Each list's rows by model, TYPE and MOA status, its states, signing-date range and
issues by severity, as JSON (``g287.query.publication_stats.count_publication``): worked out
once, when the list is stored or re-dated, so no web worker counts every list's rows."""

moa_documents = Table(
    "moa_documents",
    metadata,
    Column("sha256", String(64), ForeignKey("raw_files.sha256"), primary_key=True),
    Column("file_name", Text, nullable=False),
    Column("page_count", Integer, nullable=False),
    Column("has_text", Boolean, nullable=False),
    Column("text", Text, nullable=False),
    Column("model", String(4)),
    Column("agency", Text),
    Column("state", String(2)),
    Column("signing_dates", Text, nullable=False),  # JSON list of ISO dates
    Column("signatories", Text, nullable=False),  # JSON list
    Column("is_addendum", Boolean, nullable=False),
    Column("problems", Text, nullable=False),  # JSON list
    Column("pages", Text),  # JSON list: how each page carries its text (g287.read.moa.scans)
    Column("evidence", Text),  # JSON {fact: [{page, text}]}
)
"""One MOA or addendum PDF (by its bytes), its text and the facts read from it. Full-text
search runs on an FTS5 table (SQLite) or a tsvector column (PostgreSQL) kept beside it."""

moa_urls = Table(
    "moa_urls",
    metadata,
    Column("url", Text, primary_key=True),
    Column("file_key", Text, nullable=False),
    Column("sha256", String(64), ForeignKey("moa_documents.sha256")),
    Column("status", String(16), nullable=False),  # fetched | local | dead | error
    Column("http_status", Integer),
    Column("checked_at", DateTime(timezone=True)),
    Column("error", Text),
    Index("ix_moa_urls_file_key", "file_key"),
)

content_runs = Table(
    "content_runs",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("content_id", String(16), ForeignKey("row_contents.id"), primary_key=True),
    Column("first_seq", Integer, primary_key=True),
    Column("last_seq", Integer, nullable=False),
    Index("ix_content_runs_kind_last_seq", "kind", "last_seq"),
)
"""Runs of consecutive lists (by ``seq`` within a kind) each row content was printed on:
a compact index of ``publication_rows``, kept up to date on import and rebuilt from it
whenever publications are re-ordered."""

list_reviews = Table(
    "list_reviews",
    metadata,
    Column("publication_id", String(16), ForeignKey("publications.id"), primary_key=True),
    Column("verdict", String(16), nullable=False),  # accepted
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=False),
)
"""A person's verdict on a list held as suspect (``g287 accept``); kept beside the raw
files too (``reviews.jsonl``), so a rebuild replays it."""
