"""Response models of the JSON API: ICE's lists, their rows and issues, files, changes,
the timeline, decisions and candidates."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from g287.interfaces.web.schemas import (
    EventPublic,
    Model,
    NormalizedCells,
    PageMeta,
    PublicationRef,
    RawCells,
    UtcDatetime,
)


class PublicationPublic(Model):
    id: str
    sha256: str
    kind: str
    label: str
    file_name: str
    ice_date: date | None
    part_of_day: str | None
    first_seen: UtcDatetime
    published_date: date
    date_source: str
    date_flag: str | None
    seq: int | None
    sheet_name: str
    header_row: int
    layout: str
    row_count: int
    hidden_rows: int
    filtered: bool
    modified: str | None
    by_model: dict[str, int]
    by_type: dict[str, int]
    states: int
    moa: dict[str, int]
    signed_min: date | None
    signed_max: date | None
    issues: dict[str, int]
    url: str
    raw_url: str
    rows_url: str


class PublicationsPublic(PageMeta):
    data: list[PublicationPublic]


class IssueKindSummary(Model):
    kind: str
    severity: str
    count: int
    publications: int
    description: str


class PublicationDetail(PublicationPublic):
    issue_kinds: list[IssueKindSummary]


class PlacedRowPublic(Model):
    row_number: int
    hidden: bool
    content_id: str
    agreement_id: str | None
    pending_id: str | None
    raw: RawCells
    normalized: NormalizedCells


class PublicationRowsPublic(PageMeta):
    publication: PublicationRef
    data: list[PlacedRowPublic]


class IssuePublic(Model):
    publication: str
    publication_id: str
    row_number: int | None
    column: str | None
    raw_value: str | None
    kind: str
    severity: str
    note: str


class IssuesPublic(PageMeta):
    data: list[IssuePublic]


class IssueSummaryPublic(Model):
    data: list[IssueKindSummary]


class FilePublic(Model):
    sha256: str
    size: int
    role: str
    kind: str
    status: str
    error_kind: str | None
    reason: str | None
    first_name: str
    first_source: str | None = Field(description="Where it came from (URLs only).")
    first_seen: UtcDatetime
    ice_date: date | None
    ice_part: str | None
    ice_suffix: str | None
    publication_id: str | None
    label: str | None


class FilesPublic(Model):
    count: int
    data: list[FilePublic]


class ChangePublic(Model):
    kind: str
    subject_id: str
    agency_id: str
    state: str
    model: str
    name: str
    field: str | None
    before: str | None
    after: str | None
    related_id: str | None


class ChangesPublic(Model):
    from_: PublicationRef = Field(alias="from")
    to: PublicationRef
    counts: dict[str, int]
    changes: list[ChangePublic]


class EventsPublic(PageMeta):
    data: list[EventPublic]


class TimelineList(Model):
    publication_id: str
    label: str
    published_date: date
    by_model: dict[str, int]
    total: int


class SignedMonth(Model):
    month: str = Field(description="YYYY-MM")
    total: int
    active: int
    by_model: dict[str, int]


class TimelinePublic(Model):
    lists: list[TimelineList]
    signed_by_month: list[SignedMonth]


class DecisionPublic(Model):
    seq: int
    rule: str
    subject: str
    detail: str
    evidence: dict[str, Any] | list[Any]


class DecisionsPublic(Model):
    count: int
    data: list[DecisionPublic]


class CandidatePublic(Model):
    seq: int
    kind: str
    a: str
    b: str
    suggestion: str
    detail: str


class CandidatesPublic(Model):
    count: int
    data: list[CandidatePublic]
