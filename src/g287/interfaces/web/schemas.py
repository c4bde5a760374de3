"""Response models of the JSON API (one family per resource: ``XPublic`` for one item,
``XsPublic`` for a page of them with its total ``count``).

Field names are the library's: an API answer equals what the matching
``g287.query`` function returns (and ``g287 <command> --json`` prints), trimmed to
the fields documented here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
"""A moment in UTC (SQLite hands back naive datetimes, which g287 stores as UTC)."""


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# --- errors -----------------------------------------------------------------------


class ErrorDetail(Model):
    status: int = Field(description="The HTTP status code.")
    code: str = Field(description="A stable slug: not_found, invalid_query, invalid_parameter...")
    message: str = Field(description="One sentence naming what was wrong.")


class ErrorBody(Model):
    """The one error shape of the API."""

    error: ErrorDetail


# --- shared pieces ----------------------------------------------------------------


class PublicationRef(Model):
    id: str
    label: str
    published_date: date


class PageMeta(Model):
    count: int = Field(description="Items matching the filters, on every page.")
    limit: int | None = Field(description="Page size asked for.")
    offset: int = Field(description="Items skipped before this page.")


# --- status -----------------------------------------------------------------------


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


# --- agreements and agencies ------------------------------------------------------


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


# --- publications, rows, issues, files --------------------------------------------


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


class PublicationsPublic(Model):
    count: int
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


# --- changes, timeline, decisions -------------------------------------------------


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


# --- places, policy, claims -------------------------------------------------------


class LookupCity(Model):
    id: str
    name: str
    lat: float
    lng: float


class LookupPlace(Model):
    county_fips: str
    county: str | None
    state: str | None
    how: str
    city: LookupCity | None = None
    point: list[float] | None = None


class CoveringAgreement(AgreementPublic):
    place_id: str | None = None
    powers: str = Field(description="What officers under this model may do, in one line.")


class LookupGroups(Model):
    state: list[CoveringAgreement]
    county: list[CoveringAgreement]
    city: list[CoveringAgreement]
    part_of_county: list[CoveringAgreement]
    other_cities_in_county: list[CoveringAgreement]


class PendingCovering(PendingPublic):
    level: str | None = Field(None, description="Jurisdiction level of the agency.")
    place_id: str | None = None
    place_name: str | None = None
    group: str = Field(
        description="How the agency would cover the place: a key of `covering` "
        "(state, county, city, part_of_county, other_cities_in_county)."
    )


class LookupPublic(Model):
    place: LookupPlace
    as_of: date | None
    publication: PublicationRef | None
    covering: LookupGroups
    count: int = Field(description="Agreements covering the place (other cities excluded).")
    pending_publication: PublicationRef | None = Field(
        description="The pending list `pending` comes from (the newest by `as_of`)."
    )
    pending: list[PendingCovering] = Field(
        description="Requests on ICE's pending list from agencies that would cover the place: "
        "still waiting now, or printed on that pending list."
    )


class CoverageState(Model):
    counties: int
    counties_any_model: int
    counties_tfm: int
    population: int
    population_tfm: int
    state_agency_tfm: bool


class CoveragePublic(Model):
    as_of: date | None
    publication: PublicationRef | None
    counties_any_model: int
    counties_by_model: dict[str, int]
    counties_part_covered_by_model: dict[str, int]
    municipal_agreements_by_model: dict[str, int]
    states_with_state_agency_by_model: dict[str, list[str]]
    population_tfm: int
    population_total: int
    population_tfm_share: float
    by_state: dict[str, CoverageState]
    method: str
    population_source: str


class PolicyRecordPublic(Model):
    id: str
    state: str
    instrument: str
    kind: str
    stance: str
    applies_to: list[str]
    obligation: str | None
    signed: str | None
    effective: str | None
    deadline: str | None
    ends: str | None
    summary: str
    sources: list[str]
    last_checked: date
    confidence: str
    notes: str | None


class StatePolicyPublic(Model):
    state: str
    as_of: date
    stance: str
    explanation: str
    records: list[PolicyRecordPublic] = Field(description="Records in force on the date.")
    all_records: list[PolicyRecordPublic]


class StatePoliciesPublic(Model):
    count: int
    data: list[StatePolicyPublic]


class ConflictPublic(Model):
    rule: str
    status: str
    policy_id: str
    state: str
    agreement_id: str | None
    county_fips: str | None
    jurisdiction: str | None
    explanation: str


class ConflictsPublic(Model):
    as_of: date
    counts: dict[str, int]
    conflicts: list[ConflictPublic]


class ClaimEvidence(Model):
    publication: str
    id: str
    published_date: date
    file_name: str
    sha256: str


class ClaimResultPublic(Model):
    statement: str
    query: str
    params: dict[str, str]
    expected: float | None
    source: str
    verdict: str = Field(description="agree, disagree or cannot_tell.")
    value: float | None
    explanation: str
    evidence: list[ClaimEvidence]


class ClaimResultsPublic(Model):
    count: int
    data: list[ClaimResultPublic]


class ModelsPublic(Model):
    data: list[PowersPublic]


class MoaPassageDocument(Model):
    sha256: str
    file_name: str | None
    page: int | None = Field(description="The page of the passage (1-based).")
    agreements: list[str]


class MoaHit(Model):
    sha256: str
    file_name: str | None
    page: int | None = Field(description="The page of the snippet (1-based).")
    snippet: str = Field(description="The passage, matched words in [brackets].")
    urls: list[str]
    agreements: list[str]
    more_count: int = Field(description="Other documents with this very passage.")
    more: list[MoaPassageDocument]


class MoaHitsPublic(PageMeta):
    """``count`` distinct passages (identical snippets collapsed) in ``documents`` documents."""

    query: str
    mode: Literal["phrase", "all_words"]
    exact: bool = Field(description="Words as typed (true) or stemmed (false).")
    documents: int = Field(description="Documents matching, on every page.")
    data: list[MoaHit]


class MoaEvidence(Model):
    page: int = Field(description="1-based page of the PDF; 0 for its metadata.")
    text: str = Field(description="The text the fact was read from.")


class MoaFact(Model):
    value: str | bool | list[str] | None
    evidence: list[MoaEvidence] | None = Field(
        description="Where it was read; null for documents read before evidence was kept."
    )


class MoaSignatory(Model):
    side: Literal["ice", "agency"]
    name: str | None
    title: str | None
    organization: str | None
    date: str | None
    evidence: MoaEvidence | None


class MoaOcrPage(Model):
    page: int
    confidence: float = Field(description="Mean word confidence of g287's OCR (0-100).")


class MoaScan(Model):
    kind: Literal["scanned", "partly_scanned"] | None
    scanned_pages: list[int] = Field(description="Pages that are images only.")
    partly_scanned_pages: list[int]
    ocr_pages: list[int] = Field(description="Scans that came with a text layer.")
    ocr_by_g287: list[MoaOcrPage]
    note: str


class MoaDocumentFacts(Model):
    sha256: str
    file_name: str
    page_count: int
    has_text: bool
    scan: MoaScan | None
    facts: dict[str, MoaFact] = Field(
        description=(
            "model, agency, state, signing_dates, is_addendum, field_office: value and evidence."
        )
    )
    signatories: list[MoaSignatory]
    urls: list[str]
    agreements: list[str]
    problems: list[str]


class MoaDocumentRow(Model):
    sha256: str
    file_name: str
    page_count: int
    has_text: bool
    scan: Literal["scanned", "partly_scanned"] | None
    scan_note: str
    model: str | None
    agency: str | None
    state: str | None
    signing_dates: list[str]
    is_addendum: bool


class MoaDocumentsPublic(Model):
    count: int
    data: list[MoaDocumentRow]


class MoaCheckRow(Model):
    agency: str = Field(description="The row's LAW ENFORCEMENT AGENCY as printed.")
    state: str | None
    model: str | None = Field(description="The row's SUPPORT TYPE as printed.")
    signed: str | None
    list: str = Field(description="The newest list that printed this row.")
    list_date: str


class MoaCheck(Model):
    sha256: str
    file_name: str
    url: str
    agreement_id: str | None
    row: MoaCheckRow
    field: Literal["agency", "state", "model", "signed", "mislink"]
    sheet: str = Field(description="The sheet's value.")
    pdf: str = Field(description="What the PDF (or its file name) says.")
    better_match: str | None = Field(
        description="For a mislink: the agency of the same list whose MOA this is."
    )
    days: int | None = Field(description="For signed: SIGNED minus the PDF's nearest date.")
    evidence: list[MoaEvidence] = Field(
        description="Where the PDF shows its value (page 0: the file name)."
    )
    source: Literal["text", "file name", "ocr"]
    confidence: Literal["high", "medium", "low"]
    near: bool = Field(description="A signing date within near_days: never an alarm.")
    reason: str


class MoaChecksPublic(Model):
    """Disagreements between sheet rows and the MOAs they link, each with its evidence."""

    checked: int = Field(description="Sheet rows compared with the document they link.")
    documents: int
    near_days: int
    disagreements: list[MoaCheck]
    near: list[MoaCheck] = Field(description="Signing dates within near_days of SIGNED.")


# --- downloads and admin ----------------------------------------------------------


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
