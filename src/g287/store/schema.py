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
    Float,
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

# --- resolved history (derived; rebuilt by g287.app.derive) ---------------------

agencies = Table(
    "agencies",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("state", String(2), nullable=False),
    Column("name", Text, nullable=False),
    Column("canonical", Text, nullable=False),
    Column("spellings", Text, nullable=False),  # JSON list of canonical spellings
    Column("agreements", Integer, nullable=False),
    Column("active", Integer, nullable=False),
    Column("pending", Integer, nullable=False),
    Column("first_listed", Date),
    Column("last_listed", Date),
    Index("ix_agencies_state", "state"),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(240), primary_key=True),
    Column("agency_id", String(200), ForeignKey("agencies.id"), nullable=False),
    Column("state", String(2), nullable=False),
    Column("model", String(4), nullable=False),
    Column("signed", Date, nullable=False),
    Column("first_signed", Date, nullable=False),
    Column("name", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("resolution", String(16), nullable=False),
    Column("first_publication_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("last_publication_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("first_listed", Date, nullable=False),
    Column("last_listed", Date, nullable=False),
    Column("removed_by_publication_id", String(16), ForeignKey("publications.id")),
    Column("removed_by", Date),
    Column("removal_flag", String(32)),
    Column("successor_id", String(240)),
    Column("predecessor_id", String(240)),
    Column("lineage_id", String(240), nullable=False),
    Column("publications", Integer, nullable=False),
    Column("gaps", Integer, nullable=False),
    Column("type", String(16)),
    Column("county", Text),
    Column("moa_status", String(16)),
    Column("moa_url", Text),
    Column("addendum_url", Text),
    Column("pending_id", String(240)),
    Index("ix_agreements_state_model_status_id", "state", "model", "status", "id"),
    Index("ix_agreements_agency_id", "agency_id"),
)

content_agreements = Table(
    "content_agreements",
    metadata,
    Column("content_id", String(16), ForeignKey("row_contents.id"), primary_key=True),
    Column("agreement_id", String(240), ForeignKey("agreements.id"), nullable=False),
    Index("ix_content_agreements_agreement_id", "agreement_id"),
)

pending_requests = Table(
    "pending_requests",
    metadata,
    Column("id", String(240), primary_key=True),
    Column("agency_id", String(200), ForeignKey("agencies.id"), nullable=False),
    Column("state", String(2), nullable=False),
    Column("model", String(4), nullable=False),
    Column("name", Text, nullable=False),
    Column("status", String(12), nullable=False),  # waiting | converted | withdrawn
    Column("agreement_id", String(240)),
    Column("beside_active_id", String(240)),
    Column("flags", Text, nullable=False),  # comma-separated
    Column("first_publication_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("last_publication_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("first_listed", Date, nullable=False),
    Column("last_listed", Date, nullable=False),
    Column("publications", Integer, nullable=False),
)

content_pending = Table(
    "content_pending",
    metadata,
    Column("content_id", String(16), ForeignKey("row_contents.id"), primary_key=True),
    Column("pending_id", String(240), ForeignKey("pending_requests.id"), nullable=False),
)

unresolved_contents = Table(
    "unresolved_contents",
    metadata,
    Column("content_id", String(16), ForeignKey("row_contents.id"), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("reason", Text, nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("rule", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON
)

decision_agencies = Table(
    "decision_agencies",
    metadata,
    Column(
        "decision_seq",
        Integer,
        ForeignKey("decisions.seq", ondelete="CASCADE"),  # a decision takes its rows along
        primary_key=True,
    ),
    Column("agency_id", String(200), ForeignKey("agencies.id"), primary_key=True),
    Index("ix_decision_agencies_agency_id", "agency_id"),
)
"""Which agencies each decision is about: those of its state whose canonical name or a
spelling is one of the names its subject prints (written with the decisions)."""

candidates = Table(
    "candidates",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("a", Text, nullable=False),
    Column("b", Text, nullable=False),
    Column("suggestion", String(16), nullable=False),
    Column("detail", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("list_kind", String(16), nullable=False),
    Column("publication_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("previous_publication_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("published_date", Date, nullable=False),
    Column("subject_id", String(240), nullable=False),
    Column("agency_id", String(200), nullable=False),
    Column("state", String(2), nullable=False),
    Column("model", String(4), nullable=False),
    Column("name", Text, nullable=False),
    Column("field", String(16)),
    Column("before", Text),
    Column("after", Text),
    Column("related_id", String(240)),
    Index("ix_events_published_date", "published_date"),
    Index("ix_events_subject_id", "subject_id"),
)

agency_places = Table(
    "agency_places",
    metadata,
    Column("agency_id", String(200), ForeignKey("agencies.id"), primary_key=True),
    Column("level", String(24), nullable=False),
    Column("level_source", String(16), nullable=False),
    Column("rule", Text, nullable=False),
    Column("county_source", String(32)),
    Column("place_id", String(24)),
    Column("place_name", Text),
    Column("place_county_fips", String(5)),
    Column("place_lat", Float),
    Column("place_lng", Float),
    Column("unmatched_reason", Text),
    Column("notes", Text, nullable=False),  # JSON list
    Column("ice_type", String(16)),
    Column("ice_county", Text),
    Index("ix_agency_places_level", "level"),
)

agency_counties = Table(
    "agency_counties",
    metadata,
    Column("agency_id", String(200), ForeignKey("agencies.id"), primary_key=True),
    Column("county_fips", String(5), primary_key=True),
    Index("ix_agency_counties_county_fips", "county_fips"),
)

timeline = Table(
    "timeline",
    metadata,
    Column("publication_id", String(16), ForeignKey("publications.id"), primary_key=True),
    Column("model", String(4), primary_key=True),
    Column("agreements", Integer, nullable=False),
)

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

held_lists = Table(
    "held_lists",
    metadata,
    Column("publication_id", String(16), ForeignKey("publications.id"), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("compared_with_id", String(16), ForeignKey("publications.id"), nullable=False),
    Column("loss", Float, nullable=False),
    Column("agreements", Integer, nullable=False),
    Column("rows", Integer, nullable=False),
)
"""Lists held as suspect: left out of the history until confirmed or accepted."""

derived_state = Table(
    "derived_state",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)
"""A token rewritten with every resolution: a process that wrote the derived tables and
still sees its own token may write only the differences next time."""

# Tables in the order a full dump (or a delete) should visit them.
TABLES = (
    raw_files,
    sightings,
    publications,
    row_contents,
    content_issues,
    publication_rows,
    publication_issues,
    publication_counts,
    content_runs,
    moa_documents,
    moa_urls,
    list_reviews,
)
DERIVED = (
    agencies,
    agreements,
    content_agreements,
    pending_requests,
    content_pending,
    unresolved_contents,
    decisions,
    decision_agencies,
    candidates,
    events,
    timeline,
    agency_places,
    agency_counties,
    held_lists,
)
