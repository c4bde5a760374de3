"""Response models of the JSON API (one family per resource: ``XPublic`` for one item,
``XsPublic`` for a page of them with its total ``count``).

Field names are the library's: an API answer equals what the matching
``g287.query`` function returns (and ``g287 <command> --json`` prints), trimmed to
the fields documented here.

The shared pieces, status, agreements and agencies are here; lists, rows and changes in
:mod:`schemas_lists`, places, policy and claims in :mod:`schemas_places`, MOAs in
:mod:`schemas_moa`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


"""A moment in UTC (SQLite hands back naive datetimes, which g287 stores as UTC)."""


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ErrorDetail(Model):
    status: int = Field(description="The HTTP status code.")
    code: str = Field(description="A stable slug: not_found, invalid_query, invalid_parameter...")
    message: str = Field(description="One sentence naming what was wrong.")


class ErrorBody(Model):
    """The one error shape of the API."""

    error: ErrorDetail


class PublicationRef(Model):
    id: str
    label: str
    published_date: date


class PageMeta(Model):
    count: int = Field(description="Items matching the filters, on every page.")
    limit: int | None = Field(description="Page size asked for.")
    offset: int = Field(description="Items skipped before this page.")


class LatestPublication(Model):
    id: str
    label: str
    published_date: date
    file_name: str | None = None
    row_count: int


class HeldPublic(Model):
    publication_id: str
    label: str
    file_name: str | None = None
    published_date: date
    kind: str
    rows: int
    agreements: int = Field(description="Agreements printed on the held list.")
    loss: float = Field(description="Share of the previous list's agreements it lacks.")
    compared_with_id: str
    compared_with_label: str
    compared_with_rows: int
    message: str = Field(description="One line naming the file and why it is held.")


class StatusPublic(Model):
    latest_publication: LatestPublication
    latest_pending_publication: LatestPublication | None
    active: int = Field(description="Agreements on the newest participating list.")
    by_model: dict[str, int]
    by_state: dict[str, int]
    by_type: dict[str, int]
    states: int
    agreements: dict[str, int] = Field(description="Agreements by status, all time.")
    agencies: int
    pending: dict[str, int] = Field(description="Pending requests by status.")
    held: list[HeldPublic] = Field(
        description="Lists held as suspect (not used until confirmed or accepted)."
    )


class CountsPublic(Model):
    files: int
    rejected_files: int
    publications: int
    participating: int
    pending: int
    rows: int
    distinct_rows: int
    issues: int


class AgreementPublic(Model):
    id: str = Field(description="STATE-agency-slug#MODEL#first-signed-date; never changes.")
    url: str = Field(description="This agreement in the API (the id URL-encoded).")
    agency_id: str
    state: str
    model: str
    signed: date = Field(description="The latest (corrected) signing date ICE printed.")
    first_signed: date
    name: str = Field(description="The agency's name as ICE printed it most recently.")
    status: str = Field(description="active, superseded or removed.")
    status_as_of: str | None = Field(None, description="With as_of: active on that date.")
    resolution: str
    first_publication_id: str
    last_publication_id: str
    first_listed: date
    last_listed: date
    removed_by_publication_id: str | None
    removed_by: date | None
    removal_flag: str | None
    successor_id: str | None
    predecessor_id: str | None
    lineage_id: str
    publications: int = Field(description="Lists it was printed on.")
    gaps: int
    type: str | None
    county: str | None
    moa_status: str | None
    moa_url: str | None
    addendum_url: str | None
    pending_id: str | None
    level: str | None = Field(None, description="Jurisdiction level of the agency.")
    place_name: str | None = None


class AgreementsPublic(PageMeta):
    as_of: date | None
    publication: PublicationRef | None = Field(
        description="With as_of: the newest participating list published by then."
    )
    data: list[AgreementPublic]


class AgencyPublic(Model):
    id: str
    url: str
    state: str
    name: str
    canonical: str
    spellings: list[str]
    agreements: int
    active: int
    pending: int
    first_listed: date | None
    last_listed: date | None
    level: str | None = None
    place_id: str | None = None
    place_name: str | None = None
    unmatched_reason: str | None = None


class AgenciesPublic(PageMeta):
    data: list[AgencyPublic]


class PlacePublic(Model):
    """Where an agency has jurisdiction, and how g287 decided it."""

    level: str
    level_source: str
    rule: str
    county_source: str | None
    place_id: str | None
    place_name: str | None
    place_county_fips: str | None
    place_lat: float | None
    place_lng: float | None
    unmatched_reason: str | None
    notes: list[Any]
    ice_type: str | None
    ice_county: str | None
    counties: list[str] = Field(description="FIPS codes of the counties in its jurisdiction.")


class PendingPublic(Model):
    id: str
    agency_id: str
    state: str
    model: str
    name: str
    status: str
    agreement_id: str | None
    beside_active_id: str | None
    flags: str
    first_publication_id: str
    last_publication_id: str
    first_listed: date
    last_listed: date
    publications: int


class EventPublic(Model):
    id: str
    kind: str
    list_kind: str
    publication_id: str
    publication: str = Field(description="Label of the list the change appeared on.")
    previous_publication_id: str
    published_date: date
    subject_id: str = Field(description="The agreement or pending request that changed.")
    agency_id: str
    state: str
    model: str
    name: str
    field: str | None
    before: str | None
    after: str | None
    related_id: str | None


class AgencyDetail(AgencyPublic):
    place: PlacePublic | None
    agreement_list: list[AgreementPublic]
    pending_list: list[PendingPublic]
    events: list[EventPublic]


class RawCells(Model):
    """ICE's cells exactly as printed."""

    state_raw: str
    agency_raw: str
    type_raw: str | None
    county_raw: str | None
    support_raw: str | None
    signed_raw: str | None
    moa_raw: str | None
    addendum_raw: str | None


class NormalizedCells(Model):
    state: str | None
    agency: str | None
    type: str | None
    county: str | None
    model: str | None
    signed: date | None
    signed_kind: str | None
    moa_status: str | None
    moa_url: str | None
    addendum_status: str | None
    addendum_url: str | None
    extra: str | None


class SourceRow(Model):
    """One row of one ICE list: the file, the Excel row, the cells."""

    publication_id: str
    publication_label: str
    publication_kind: str
    published_date: date
    file_name: str
    sha256: str = Field(description="sha256 of the archived file.")
    raw_url: str = Field(description="Download the archived file, byte for byte.")
    row_number: int = Field(description="The Excel row number (1 is the first row).")
    hidden: bool
    content_id: str
    raw: RawCells
    normalized: NormalizedCells


class MoaDocument(Model):
    url: str
    status: str
    sha256: str | None
    file_name: str | None
    page_count: int | None
    signing_dates: list[str]
    is_addendum: bool | None


class MoaPublic(Model):
    status: str | None
    url: str | None
    addendum_url: str | None
    urls_printed: list[str] = Field(description="Every MOA or addendum link its rows carried.")
    documents: list[MoaDocument] = Field(description="Archived copies of those documents.")


class PowersPublic(Model):
    model: str
    name: str
    summary: str
    can: list[str]
    cannot: list[str]
    where: str
    source: str


class AgreementDetail(Model):
    agreement: AgreementPublic
    agency: AgencyPublic
    place: PlacePublic | None
    predecessor: AgreementPublic | None
    successor: AgreementPublic | None
    lineage: list[AgreementPublic] = Field(description="Every agreement of its renewal chain.")
    pending: PendingPublic | None = Field(description="The pending request it came from.")
    events: list[EventPublic]
    moa: MoaPublic
    powers: PowersPublic | None
    sources: list[SourceRow]


class DownloadLink(Model):
    format: str
    media_type: str
    url: str


class DownloadDataset(Model):
    name: str
    title: str
    description: str
    columns: list[dict[str, str]]
    links: list[DownloadLink]


class DownloadsPublic(Model):
    as_of: date | None = Field(description="Date of the newest list the files are built from.")
    g287_version: str
    citation: str
    data: list[DownloadDataset]


class UpdatePublic(Model):
    agreements: int
    agencies: int
    pending_requests: int
    events: int
    decisions: int
    seconds: float
