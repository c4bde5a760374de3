"""MOA documents: the text of ICE's 287(g) agreement PDFs and the facts read from them.

    data = Path("LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf").read_bytes()
    facts = moa_facts(pdf_text(data))
    compare_with_sheet(facts, agency="Sebastian Police Department", state="FLORIDA",
                       model="Task Force Model", signed=date(2025, 4, 15))

    document_scan(pdf_text(data)).describe()   # 'partly scanned (page 9)'

Modules: ``text`` (pages, lines, metadata, phrase search), ``fragments``
(positioned text and images from pypdf), ``scans`` (scanned pages, by body text),
``ocr`` (optional Tesseract OCR of scans, cached), ``dates``, ``signatures``,
``facts``, ``compare``; ``library``, ``documents`` and ``search`` work on the
database.
"""

from g287.moa.compare import Disagreement, compare_with_sheet
from g287.moa.facts import MoaFacts, Model, moa_facts
from g287.moa.scans import DocumentScan, PageScan, document_scan
from g287.moa.signatures import Signatory
from g287.moa.text import NotAPdf, PdfPage, PdfText, Snippet, pdf_text

__all__ = [
    "Disagreement",
    "DocumentScan",
    "MoaFacts",
    "Model",
    "NotAPdf",
    "PageScan",
    "PdfPage",
    "PdfText",
    "Signatory",
    "Snippet",
    "compare_with_sheet",
    "document_scan",
    "moa_facts",
    "pdf_text",
]
