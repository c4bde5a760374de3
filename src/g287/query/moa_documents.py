"""What the library holds about each MOA document: its facts with their evidence, its scans.

:func:`document_facts` builds the one data shape that ``g287 moa facts`` prints (as
text or JSON) and :func:`document_list` the rows of ``g287 moa list``. Every fact
carries the evidence it was read from: the page (0 for the PDF's metadata) and the
text there. Documents read before migration 0010 have no stored evidence or page
kinds (``None``) until ``g287 rebuild``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from g287.errors import NotFound
from g287.read.moa.facts import field_office_in
from g287.read.moa.scans import DocumentScan, PageScan
from g287.store import moa as store
from g287.store.schema import moa_urls

FACTS = ("model", "agency", "state", "signing_dates", "is_addendum")


def _links(conn: Connection) -> tuple[dict[str, list[str]], dict[str, set[str]]]:

    urls: dict[str, list[str]] = defaultdict(list)
    for url, sha in conn.execute(select(moa_urls.c.url, moa_urls.c.sha256)):
        if sha:
            urls[sha].append(url)
    return urls, store.linked_urls(conn)


def scan_summary(pages: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """``{"kind", "scanned_pages", "partly_scanned_pages", "ocr_pages", "ocr_by_g287",
    "note"}`` or None. ``ocr_pages`` are scans that came with a text layer;
    ``ocr_by_g287`` the pages g287 OCR'd itself, with the mean word confidence."""
    if pages is None:
        return None
    scan = DocumentScan(tuple(PageScan(**page) for page in pages))
    return {
        "kind": scan.kind,
        "scanned_pages": list(scan.scanned_pages),
        "partly_scanned_pages": list(scan.partly_scanned_pages),
        "ocr_pages": [p.page for p in scan.pages if p.kind == "ocr"],
        "ocr_by_g287": [
            {"page": p.page, "confidence": p.ocr_confidence}
            for p in scan.pages
            if p.ocr_confidence is not None
        ],
        "note": scan.describe(),
    }


def _select(docs: list[dict[str, Any]], which: str | None) -> list[dict[str, Any]]:
    if which is None:
        return docs
    key = which.strip().lower()
    found = [
        d
        for d in docs
        if d["file_name"].lower() == key or (len(key) >= 8 and d["sha256"].startswith(key))
    ]
    if not found:
        raise NotFound(f"no MOA document {which!r} (give its file name or sha256)")
    return found


def document_facts(conn: Connection, which: str | None = None) -> list[dict[str, Any]]:
    """Every document (or the one named by file name or sha256 prefix) with its facts."""
    urls, links = _links(conn)
    out = []
    for d in _select(store.documents(conn), which):
        evidence = d["evidence"]
        facts = {
            name: {
                "value": d[name],
                "evidence": None if evidence is None else evidence.get(name, []),
            }
            for name in FACTS
        }
        office = (evidence or {}).get("field_office") or []
        facts["field_office"] = {  # kept only as evidence: the value is read back from it
            "value": field_office_in(office[0]["text"]) if office else None,
            "evidence": None if evidence is None else office,
        }
        signatories = [
            {
                **s,
                "evidence": (evidence.get(f"signatory.{i}", [None])[0] if evidence else None),
            }
            for i, s in enumerate(d["signatories"])
        ]
        doc_urls = sorted(urls.get(d["sha256"], []))
        out.append(
            {
                "sha256": d["sha256"],
                "file_name": d["file_name"],
                "page_count": d["page_count"],
                "has_text": d["has_text"],
                "scan": scan_summary(d["pages"]),
                "facts": facts,
                "signatories": signatories,
                "urls": doc_urls,
                "agreements": sorted({a for u in doc_urls for a in links.get(u, set())}),
                "problems": d["problems"],
            }
        )
    return out


def agreement_documents(
    conn: Connection, agreement_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """The documents (with their facts, signers and evidence, as :func:`document_facts`
    gives them) that each agreement's rows on ICE's lists link; an agreement linking
    no document g287 holds has none."""
    wanted = set(agreement_ids)
    out: dict[str, list[dict[str, Any]]] = {}
    if not wanted:
        return out
    for doc in document_facts(conn):
        for agreement_id in wanted.intersection(doc["agreements"]):
            out.setdefault(agreement_id, []).append(doc)
    return out


def document_list(conn: Connection) -> list[dict[str, Any]]:
    """One row per document: pages, scan flag, model, agency, state, signing dates."""
    rows = []
    for d in store.documents(conn):
        scan = scan_summary(d["pages"])
        rows.append(
            {
                "sha256": d["sha256"],
                "file_name": d["file_name"],
                "page_count": d["page_count"],
                "has_text": d["has_text"],
                "scan": scan["kind"] if scan else None,
                "scan_note": scan["note"] if scan else "",
                "model": d["model"],
                "agency": d["agency"],
                "state": d["state"],
                "signing_dates": d["signing_dates"],
                "is_addendum": d["is_addendum"],
            }
        )
    return rows
