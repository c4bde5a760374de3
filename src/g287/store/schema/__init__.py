"""Table definitions (SQLAlchemy Core). Alembic migrations build exactly these.

Keys are natural or content-derived, never insertion order, so importing files
in any order and rebuilding from the archive give identical tables.

:mod:`.stored` holds the tables of what was read, :mod:`.derived` those of the resolved
history, :mod:`.base` the metadata they share.
"""

from __future__ import annotations

from g287.store.schema.base import metadata
from g287.store.schema.derived import (
    agencies,
    agency_counties,
    agency_places,
    agreements,
    candidates,
    content_agreements,
    content_pending,
    decision_agencies,
    decisions,
    derived_state,
    events,
    held_lists,
    pending_requests,
    timeline,
    unresolved_contents,
)
from g287.store.schema.stored import (
    content_issues,
    content_runs,
    list_reviews,
    moa_documents,
    moa_urls,
    publication_counts,
    publication_issues,
    publication_rows,
    publications,
    raw_files,
    row_contents,
    sightings,
)

__all__ = [
    "DERIVED",
    "TABLES",
    "agencies",
    "agency_counties",
    "agency_places",
    "agreements",
    "candidates",
    "content_agreements",
    "content_issues",
    "content_pending",
    "content_runs",
    "decision_agencies",
    "decisions",
    "derived_state",
    "events",
    "held_lists",
    "list_reviews",
    "metadata",
    "moa_documents",
    "moa_urls",
    "pending_requests",
    "publication_counts",
    "publication_issues",
    "publication_rows",
    "publications",
    "raw_files",
    "row_contents",
    "sightings",
    "timeline",
    "unresolved_contents",
]

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
