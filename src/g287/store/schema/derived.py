"""The resolved history, derived from the stored lists (rebuilt by :mod:`g287.app.derive`):
agencies, agreements, pending requests, decisions, events, places, the timeline.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from g287.store.schema.base import metadata

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
