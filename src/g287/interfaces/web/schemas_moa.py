"""Response models of the JSON API: MOA documents, their facts with evidence, and search."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from g287.interfaces.web.schemas import Model, PageMeta


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
