"""MOA documents, read: the text of ICE's 287(g) agreement PDFs and the facts read from
them (bytes to text to facts; no database).

    from g287.read.moa.compare import compare_with_sheet
    from g287.read.moa.facts import moa_facts
    from g287.read.moa.scans import document_scan
    from g287.read.moa.text import pdf_text

    data = Path("LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf").read_bytes()
    facts = moa_facts(pdf_text(data))
    compare_with_sheet(facts, agency="Sebastian Police Department", state="FLORIDA",
                       model="Task Force Model", signed=date(2025, 4, 15))

    document_scan(pdf_text(data)).describe()   # 'partly scanned (page 9)'

Modules: ``content`` (page content streams, parsed fast), ``text`` (pages, lines,
metadata, phrase search), ``fragments`` (positioned text and images from pypdf),
``scans`` (scanned pages, by body text), ``ocr`` (optional Tesseract OCR of scans,
cached), ``dates``, ``signatures``, ``facts``, ``filenames``, ``compare``. Importing
MOAs and fetching them are use cases (``g287.app.moa_library``, ``g287.app.moa_fetching``);
the questions asked of the stored MOAs are in ``g287.query`` (``moa_search``,
``moa_documents``, ``moa_copies``, ``moa_checks``).
"""
