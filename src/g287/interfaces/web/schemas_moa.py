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
        description="model, agency, state, signing_dates, is_addendum: value and evidence."
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
