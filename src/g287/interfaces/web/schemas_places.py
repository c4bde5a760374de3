"""Response models of the JSON API: place lookups, coverage, state policy, claims, models."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from g287.interfaces.web.schemas import (
    AgreementPublic,
    Model,
    PendingPublic,
    PowersPublic,
    PublicationRef,
)


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
    counties_by_model: dict[str, int]
    counties_own_agency: int = Field(
        description="Counties whose own sheriff or county agency holds an agreement."
    )
    population_own_agency: int
    population_own_agency_share: float
    population_any_model: int
    population_any_model_share: float
    population_by_model: dict[str, int]
    state_agency_models: list[str]
    agencies_by_level: dict[str, int]


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
    population_any_model: int
    population_any_model_share: float
    population_by_model: dict[str, int]
    counties_own_agency: int
    population_own_agency: int
    population_own_agency_share: float
    by_state: dict[str, CoverageState]
    method: str
    population_source: str


class CoveragePoint(Model):
    date: str = Field(description="The list's date (YYYY-MM-DD).")
    publication: str
    counties_any_model: int
    counties_by_model: dict[str, int]
    population_tfm: int
    population_tfm_share: float
    population_any_model: int
    population_any_model_share: float


class CoverageSeriesPublic(Model):
    state: str | None
    count: int
    data: list[CoveragePoint]


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
