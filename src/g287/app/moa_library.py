"""The MOA library: archive every MOA and addendum PDF the lists link, read it, search it.

A document is its bytes (sha256), archived like the workbooks (sightings of role
``moa``). The URLs ICE links are tied to documents either by fetching them, or, for
PDFs given locally, by file name (the URL's last path part). Every fetch outcome,
dead links included, is appended to ``<archive>/moa_fetches.jsonl`` so a rebuild
reproduces the link table exactly."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any, Protocol

from g287.errors import InputError
from g287.read.links import file_key
from g287.read.moa.facts import MoaFacts, moa_facts
from g287.read.moa.ocr import Ocr
from g287.read.moa.scans import DocumentScan, document_scan
from g287.read.moa.text import pdf_text
from g287.store import moa as store
from g287.store import publications as pubs
from g287.store.archive import Archive, Sighting, format_utc, parse_utc, sha256_hex
from g287.store.database import Database
from g287.store.locks import writer_lock


class Importer(Protocol):
    """What the MOA library needs of :class:`g287.app.importer.Importer` (which passes
    itself): the database and the raw archive."""

    @property
    def db(self) -> Database: ...

    @property
    def archive(self) -> Archive: ...


MAX_PDF_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class MoaResult:
    name: str
    sha256: str
    outcome: str  # accepted | unchanged | rejected
    urls: tuple[str, ...] = ()
    reason: str | None = None
    pages: int | None = None  # of a document read in this run
    scan: str | None = None  # 'scanned (pages 1-11)', 'partly scanned (page 9)'

    def line(self) -> str:
        """One line for this PDF: read (pages, scan), unchanged, or rejected and why."""
        if self.outcome == "rejected":
            return f"{self.name}: rejected: {self.reason or 'unreadable'}"
        if self.outcome == "unchanged":
            return f"{self.name}: unchanged (already held)"
        detail = f"{self.pages} page{'s' if self.pages != 1 else ''}" if self.pages else "read"
        if self.scan:
            detail += f", {self.scan}"
            if "OCR'd" not in self.scan:
                detail += ", not searchable there (no OCR)"
        return f"{self.name}: read ({detail})"


@dataclass(frozen=True)
class DocumentRead:
    """What reading one PDF gave: the document's stored values, or why it was rejected."""

    values: dict[str, Any] | None
    reason: str | None
    scan: DocumentScan | None


def read_document(data: bytes, sha: str, name: str, ocr_root: Path, ocr: bool) -> DocumentRead:
    """Read one PDF's text, scan kinds and facts (no database: runs in a worker process)."""
    try:
        reader = Ocr(sha, ocr_root, run=ocr)
        text = pdf_text(data, source=name, ocr=reader)
        reader.save()
        scan = document_scan(text)
        problems = list(text.problems) + reader.problems
        try:
            facts = moa_facts(text)
        except Exception as exc:  # a bug in reading facts must not lose the document
            problems.append(f"facts not read ({type(exc).__name__}: {exc})")
            facts = MoaFacts(None, None, None, (), (), False)
    except InputError as exc:
        return DocumentRead(None, exc.message, None)
    values = {
        "sha256": sha,
        "file_name": name,
        "page_count": text.page_count,
        "has_text": scan.has_body_text or bool(scan.ocr_pages),  # searchable
        "text": text.text,
        "model": facts.model,
        "agency": facts.agency,
        "state": facts.state,
        "signing_dates": json.dumps([d.isoformat() for d in facts.signing_dates]),
        "signatories": json.dumps(
            [
                {
                    "side": s.side,
                    "name": s.name,
                    "title": s.title,
                    "organization": s.organization,
                    "date": s.date.isoformat() if s.date else None,
                }
                for s in facts.signatories
            ]
        ),
        "is_addendum": facts.is_addendum,
        "problems": json.dumps(problems),
        "pages": json.dumps([p.as_dict() for p in scan.pages]),
        "evidence": json.dumps(evidence_json(facts)),
    }
    return DocumentRead(values, None, scan)


def _read_job(job: tuple[bytes, str, str, Path, bool]) -> DocumentRead:
    return read_document(*job)


def import_moa(
    importer: Importer,
    data: bytes,
    *,
    name: str,
    source: str,
    seen_at: datetime,
    url: str | None = None,
    http_status: int | None = None,
    archive: bool = True,
    ocr: bool = False,
    preread: DocumentRead | None = None,
    link_status: str = "fetched",
) -> MoaResult:
    """Archive one PDF, read its text and facts, and tie it to the URLs that link it.

    Scanned pages get the OCR text cached for this PDF under ``<archive>/ocr/`` (so a
    rebuild reads them again identically); with ``ocr=True`` and Tesseract installed,
    pages not yet cached are OCR'd (see :mod:`g287.read.moa.ocr`).
    """
    sha = sha256_hex(data)
    seen_at = parse_utc(format_utc(seen_at))
    if archive:
        importer.archive.put(data, sha)
        importer.archive.record(Sighting(sha, name, source, format_utc(seen_at), len(data), "moa"))
    with importer.db.connect() as conn:
        known = pubs.get_raw_file(conn, sha)
    values: dict[str, Any] | None = None
    scan: DocumentScan | None = None
    reason = known["reason"] if known is not None and known["status"] == "rejected" else None
    if known is None:
        if preread is None:
            importer.archive.pull(ocr_cache(sha))
            preread = read_document(data, sha, name, importer.archive.root / "ocr", ocr)
            importer.archive.push(ocr_cache(sha))
        read = preread
        values, reason, scan = read.values, read.reason, read.scan
    with importer.db.begin() as conn:
        if known is None:
            pubs.insert_raw_file(
                conn,
                {
                    "sha256": sha,
                    "size": len(data),
                    "role": "moa",
                    "kind": "moa",
                    "status": "rejected" if reason else "accepted",
                    "error_kind": "not_a_pdf" if reason else None,
                    "reason": reason,
                    "first_name": name,
                    "first_source": source,
                    "first_seen": seen_at,
                    "ice_date": None,
                    "ice_part": None,
                    "ice_suffix": None,
                },
            )
            if values is not None:
                store.insert_document(conn, values)
        pubs.add_sighting(conn, sha, name, source, seen_at)
        accepted = store.has_document(conn, sha)
        targets = (
            [url]
            if url
            else [u for u in store.linked_urls(conn) if file_key(u) == file_key("/" + name)]
        )
        for target in targets:
            store.upsert_url(
                conn,
                target,
                file_key(target),
                sha256=sha if accepted else None,
                status=(link_status if url else "local") if accepted else "error",
                http_status=http_status,
                checked_at=seen_at,
                error=None if accepted else reason,
            )
    outcome = (
        "rejected"
        if reason or (known is not None and known["status"] == "rejected")
        else ("unchanged" if known is not None else "accepted")
    )
    return MoaResult(
        name,
        sha,
        outcome,
        tuple(targets),
        reason,
        pages=values["page_count"] if values else None,
        scan=(scan.describe() or None) if scan else None,
    )


def import_summary(results: list[MoaResult]) -> dict[str, Any]:
    """Counts of a run, and the sentence that ends it."""
    counts = {
        outcome: sum(1 for r in results if r.outcome == outcome)
        for outcome in ("accepted", "unchanged", "rejected")
    }
    scanned = sum(1 for r in results if r.scan and r.scan.startswith("scanned"))
    partly = sum(1 for r in results if r.scan and r.scan.startswith("partly"))
    summary = (
        f"{len(results)} PDF(s): {counts['accepted']} read, {counts['unchanged']} unchanged, "
        f"{counts['rejected']} rejected; {scanned} scanned, {partly} partly scanned"
    )
    return {**counts, "scanned": scanned, "partly_scanned": partly, "summary": summary}


def evidence_json(facts: MoaFacts) -> dict[str, list[dict[str, Any]]]:
    """``{fact: [{"page": 1, "text": ...}]}``, and each signatory's block as ``signatory.N``."""
    out = {
        fact: [{"page": s.page, "text": s.text} for s in found]
        for fact, found in facts.evidence.items()
    }
    for i, signatory in enumerate(facts.signatories):
        out[f"signatory.{i}"] = [{"page": signatory.evidence.page, "text": signatory.evidence.text}]
    return out


def moa_files(paths: list[Path]) -> list[Path]:
    """The PDFs named or found (recursively, ``*.pdf`` in any case) under ``paths``."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf")
        else:
            found.append(path)
    return found


def import_moa_files(
    importer: Importer,
    paths: list[Path],
    *,
    seen_at: datetime,
    progress: Callable[[MoaResult], None] | None = None,
    ocr: bool = False,
    workers: int | None = None,
) -> list[MoaResult]:
    """Import every PDF under ``paths``; each ends read, unchanged or rejected with its reason.

    PDFs not held yet are read in worker processes (one per core, in batches), then
    written here in file order, under the database's writer lock."""
    files = moa_files(paths)
    workers = workers if workers is not None else min(os.cpu_count() or 1, MOA_WORKERS)
    results: list[MoaResult] = []
    with writer_lock(importer.db, "moa import"), _reader_pool(workers, len(files)) as pool:
        for start in range(0, len(files), MOA_BATCH):
            batch: list[tuple[Path, bytes | None, str]] = []
            for path in files[start : start + MOA_BATCH]:
                try:
                    batch.append((path, path.read_bytes(), ""))
                except OSError as exc:
                    batch.append((path, None, f"unreadable file ({exc})"))
            reads = _read_batch(importer, batch, pool, ocr)
            for (path, data, error), read in zip(batch, reads, strict=True):
                if data is None:
                    result = MoaResult(path.name, "", "rejected", reason=error)
                else:
                    result = import_moa(
                        importer,
                        data,
                        name=path.name,
                        source=str(path.resolve()),
                        seen_at=seen_at,
                        ocr=ocr,
                        preread=read,
                    )
                results.append(result)
                if progress is not None:
                    progress(result)
    return results


MOA_WORKERS = 4


MOA_BATCH = 16  # PDFs held in memory at once


def _read_batch(
    importer: Importer,
    batch: list[tuple[Path, bytes | None, str]],
    pool: ProcessPoolExecutor | None,
    ocr: bool,
) -> list[DocumentRead | None]:
    """Each new PDF of the batch read (in the pool when there is one); None for the rest."""
    shas = [sha256_hex(data) if data is not None else "" for _path, data, _e in batch]
    with importer.db.connect() as conn:
        held = {sha for sha in shas if sha and pubs.get_raw_file(conn, sha) is not None}
    root = importer.archive.root / "ocr"
    jobs = {
        i: (data, sha, path.name, root, ocr)
        for i, ((path, data, _e), sha) in enumerate(zip(batch, shas, strict=True))
        if data is not None and sha not in held and shas.index(sha) == i
    }
    for _data, sha, *_rest in jobs.values():
        importer.archive.pull(ocr_cache(sha))  # OCR another host read (object storage)
    reads: dict[int, DocumentRead] = {}
    if pool is not None and len(jobs) > 1:
        for i, read in zip(jobs, pool.map(_read_job, jobs.values()), strict=True):
            reads[i] = read
    else:
        reads = {i: _read_job(job) for i, job in jobs.items()}
    for _data, sha, *_rest in jobs.values():
        importer.archive.push(ocr_cache(sha))
    return [reads.get(i) for i in range(len(batch))]


@contextmanager
def _reader_pool(workers: int, files: int) -> Iterator[ProcessPoolExecutor | None]:
    if workers < 2 or files < 2:
        yield None
        return
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def ocr_cache(sha: str) -> str:
    """The OCR cache of one PDF, relative to the archive (shared on object storage)."""
    return f"ocr/{sha}.json"
