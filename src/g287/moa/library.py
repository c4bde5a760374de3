"""The MOA library: archive every MOA and addendum PDF the lists link, read it, search it.

A document is its bytes (sha256), archived like the workbooks (sightings of role
``moa``). The URLs ICE links are tied to documents either by fetching them, or, for
PDFs given locally, by file name (the URL's last path part). Every fetch outcome,
dead links included, is appended to ``<archive>/moa_fetches.jsonl`` so a rebuild
reproduces the link table exactly.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any, Protocol

import httpx
from sqlalchemy import Connection, func, select

from g287.acquire.http import FetchPolicy
from g287.acquire.wayback import Pacer, capture_url, paced_get, query_cdx, raw_url
from g287.errors import G287Error, InputError
from g287.moa.compare import NEAR_DAYS, compare_with_sheet
from g287.moa.facts import MoaFacts, moa_facts
from g287.moa.ocr import Ocr
from g287.moa.scans import DocumentScan, document_scan
from g287.moa.search import search_moas, search_report
from g287.moa.signatures import Signatory
from g287.moa.text import Snippet, pdf_text
from g287.read.links import file_key
from g287.store import moa as store
from g287.store import publications as pubs
from g287.store.archive import Archive, Sighting, format_utc, parse_utc, sha256_hex
from g287.store.database import Database
from g287.store.locks import writer_lock
from g287.store.schema import (
    agreements,
    content_agreements,
    moa_documents,
    moa_urls,
    publication_rows,
    publications,
    row_contents,
)
from g287.version import __version__

__all__ = [
    "MoaResult",
    "check_moas",
    "evidence_json",
    "fetch_moas",
    "import_moa",
    "import_moa_files",
    "import_summary",
    "moa_files",
    "moa_summary",
    "pending_moas",
    "replay_fetch_log",
    "replay_moas",
    "search_moas",  # from g287.moa.search
    "search_report",
]


class Importer(Protocol):
    """What the MOA library needs of :class:`g287.app.importer.Importer` (which passes
    itself): the database and the raw archive."""

    @property
    def db(self) -> Database: ...

    @property
    def archive(self) -> Archive: ...


FETCH_LOG = "moa_fetches"  # <archive>/moa_fetches.jsonl, or one object per record
USER_AGENT = f"g287/{__version__} (+https://github.com/g287/g287; MOA archive)"
TIMEOUT = 30.0
RETRIES = 3
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
    pages not yet cached are OCR'd (see :mod:`g287.moa.ocr`).
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


def _log_fetch(importer: Importer, record: dict[str, Any]) -> None:
    importer.archive.append_log(FETCH_LOG, record)


def fetch_moas(
    importer: Importer,
    *,
    client: httpx.Client | None = None,
    refetch: bool = False,
    limit: int | None = None,
    now: datetime | None = None,
    ocr: bool = False,
    progress: Callable[[int, int, MoaResult], None] | None = None,
    wayback: str | None = None,
) -> list[MoaResult]:
    """Download every linked MOA not yet held (politely), archive and read it; log dead links
    (under the database's writer lock). ``progress(done, total, result)`` after each link.
    With ``wayback`` (an archive's base URL), a link dead on ice.gov (404, 410) is read
    from its newest archived capture instead and recorded as ``recovered``."""
    with writer_lock(importer.db, "moa fetch"):
        return _fetch_moas(
            importer,
            client=client,
            refetch=refetch,
            limit=limit,
            now=now,
            ocr=ocr,
            progress=progress,
            wayback=wayback,
        )


def _fetch_moas(
    importer: Importer,
    *,
    client: httpx.Client | None,
    refetch: bool,
    limit: int | None,
    now: datetime | None,
    ocr: bool,
    progress: Callable[[int, int, MoaResult], None] | None,
    wayback: str | None,
) -> list[MoaResult]:
    with importer.db.connect() as conn:
        urls = sorted(store.linked_urls(conn))
        held = {r.url: r for r in conn.execute(select(moa_urls))}
    todo = [u for u in urls if refetch or u not in held or held[u].status in ("error",)]
    if limit is not None:
        todo = todo[:limit]
    own = client is None
    http = client or httpx.Client(
        timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )
    results = []
    try:
        for url in todo:
            moment = now or datetime.now(UTC)
            status, data, error = _get(http, url)
            if data is not None and status == 200:
                name = url.rsplit("/", 1)[-1] or "moa.pdf"
                result = import_moa(
                    importer,
                    data,
                    name=name,
                    source=url,
                    seen_at=moment,
                    url=url,
                    http_status=status,
                    ocr=ocr,
                )
                _log_fetch(
                    importer,
                    {
                        "url": url,
                        "http_status": status,
                        "sha256": result.sha256,
                        "at": format_utc(moment),
                        "error": result.reason,
                    },
                )
                results.append(result)
                if progress is not None:
                    progress(len(results), len(todo), result)
                continue
            if wayback and status in (404, 410):
                found = _recover(importer, http, wayback, url, ocr=ocr)
                if found is not None:
                    results.append(found)
                    if progress is not None:
                        progress(len(results), len(todo), found)
                    continue
            with importer.db.begin() as conn:
                store.upsert_url(
                    conn,
                    url,
                    file_key(url),
                    sha256=None,
                    status="dead" if status in (404, 410) else "error",
                    http_status=status,
                    checked_at=moment,
                    error=error,
                )
            _log_fetch(
                importer,
                {
                    "url": url,
                    "http_status": status,
                    "sha256": None,
                    "at": format_utc(moment),
                    "error": error,
                },
            )
            results.append(MoaResult(url.rsplit("/", 1)[-1], "", "rejected", (url,), error))
            if progress is not None:
                progress(len(results), len(todo), results[-1])
    finally:
        if own:
            http.close()
    return results


def _recover(
    importer: Importer, http: httpx.Client, wayback: str, url: str, *, ocr: bool
) -> MoaResult | None:
    """A dead ICE link read from its newest Wayback capture that is a PDF (recorded as
    ``recovered``, the capture cited as the sighting's source), or None."""
    try:
        captures = list(query_cdx(http, wayback, url, pacer=_WAYBACK_PACER))
    except G287Error:
        return None  # the archive cannot be asked: the link stays dead
    for capture in sorted(captures, key=lambda c: c.timestamp, reverse=True):
        try:
            fetched = paced_get(http, raw_url(wayback, capture), _WAYBACK_PACER, FetchPolicy())
        except G287Error:
            continue
        if fetched.status != 200 or not fetched.body.startswith(b"%PDF"):
            continue
        if len(fetched.body) > MAX_PDF_BYTES:
            continue
        source = capture_url(wayback, capture)
        result = import_moa(
            importer,
            fetched.body,
            name=url.rsplit("/", 1)[-1] or "moa.pdf",
            source=source,
            seen_at=capture.captured_at,
            url=url,
            http_status=200,
            ocr=ocr,
            link_status="recovered",
        )
        if result.outcome != "rejected":
            return result
    return None


_WAYBACK_PACER = Pacer()  # one request a second to the archive, across a run


def recovered_from(source: str) -> str | None:
    """The ICE address a Wayback capture URL (``<base>/web/<timestamp>/<original>``)
    stands for, or None when ``source`` is not one."""
    found = _CAPTURE.match(source)
    return found.group(1) if found else None


_CAPTURE = re.compile(r"^https?://[^/]+/web/\d{14}/(https?://.+)$")


def _get(http: httpx.Client, url: str) -> tuple[int | None, bytes | None, str | None]:
    error = None
    for attempt in range(RETRIES):
        try:
            response = http.get(url)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                if len(response.content) > MAX_PDF_BYTES:
                    return 200, None, "larger than the 50 MB limit"
                return 200, response.content, None
            if response.status_code not in (429, 500, 502, 503, 504):
                return response.status_code, None, f"HTTP {response.status_code}"
            error = f"HTTP {response.status_code}"
        time.sleep(min(2**attempt, 8) * 0.25)
    return None, None, error


def replay_fetch_log(importer: Importer) -> None:
    """Rebuild: restore the dead and failed links recorded in the fetch log."""
    records = importer.archive.read_log(FETCH_LOG)
    if not records:
        return
    with importer.db.begin() as conn:
        for rec in records:
            if rec.get("sha256"):
                continue  # fetched documents come back through their sightings
            status = rec.get("http_status")
            store.upsert_url(
                conn,
                rec["url"],
                file_key(rec["url"]),
                sha256=None,
                status="dead" if status in (404, 410) else "error",
                http_status=status,
                checked_at=parse_utc(rec["at"]),
                error=rec.get("error"),
            )


def pending_moas(conn: Connection, *, today: date | None = None) -> list[dict[str, Any]]:
    """Active agreements whose newest row still says 'link pending', longest-waiting first."""
    today = today or date.today()
    newest = conn.execute(
        select(publications.c.id, publications.c.published_date)
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq.desc())
        .limit(1)
    ).first()
    if newest is None:
        return []
    q = (
        select(
            agreements.c.id,
            agreements.c.name,
            agreements.c.state,
            agreements.c.model,
            agreements.c.signed,
            agreements.c.first_listed,
        )
        .where(agreements.c.status == "active")
        .where(
            agreements.c.id.in_(
                select(content_agreements.c.agreement_id)
                .join(
                    publication_rows,
                    publication_rows.c.content_id == content_agreements.c.content_id,
                )
                .join(row_contents, row_contents.c.id == content_agreements.c.content_id)
                .where(publication_rows.c.publication_id == newest.id)
                .where(row_contents.c.moa_status == "pending")
            )
        )
    )
    out = []
    for r in conn.execute(q):
        out.append(
            {
                "agreement_id": r.id,
                "name": r.name,
                "state": r.state,
                "model": r.model,
                "signed": r.signed.isoformat(),
                "first_listed": r.first_listed.isoformat(),
                "days_pending": (newest.published_date - r.first_listed).days,
                "days_since_signed": (newest.published_date - r.signed).days,
                "as_of": newest.published_date.isoformat(),
            }
        )
    return sorted(out, key=lambda x: (-x["days_pending"], x["agreement_id"]))


def check_moas(conn: Connection, *, near_days: int = NEAR_DAYS) -> dict[str, Any]:
    """Where a linked PDF disagrees with the sheet row that links it, with evidence.

    Every row of any list whose MOA link leads to a held document (not an addendum) is
    compared with the document's facts and file name (:func:`compare_with_sheet`),
    against the other agencies of the same state on the row's newest list (for
    mislinks). Returns ``{"checked", "documents", "disagreements", "near"}``: signing
    dates within ``near_days`` of SIGNED are listed under ``near``, never as
    disagreements. Each entry names the document (sha256, file name), the row (agency,
    state, model, signed, the newest list that printed it), the field, both values, the
    evidence (page and text; page 0 for the file name), its source, a confidence and the
    reason.
    """
    docs = {d["sha256"]: d for d in store.documents(conn)}
    doc_of = {u: s for u, s in conn.execute(select(moa_urls.c.url, moa_urls.c.sha256)) if s}
    newest_list = _newest_lists(conn)
    rows = conn.execute(
        select(row_contents, content_agreements.c.agreement_id)
        .join(
            content_agreements, content_agreements.c.content_id == row_contents.c.id, isouter=True
        )
        .where(row_contents.c.moa_url.is_not(None))
        .order_by(row_contents.c.moa_url, row_contents.c.id)
    ).all()
    names_on: dict[tuple[str, str | None], list[str]] = {}
    disagreements: list[dict[str, Any]] = []
    near: list[dict[str, Any]] = []
    checked, seen_docs = 0, set()
    for r in rows:
        sha = doc_of.get(r.moa_url)
        d = docs.get(sha) if sha else None
        if d is None or d["is_addendum"] or r.id not in newest_list:
            continue
        listed = newest_list[r.id]
        key = (listed["id"], r.state)
        if key not in names_on:
            names_on[key] = _agencies_on(conn, listed["id"], r.state)
        checked += 1
        seen_docs.add(d["sha256"])
        found = compare_with_sheet(
            facts_from_row(d),
            agency=r.agency_raw,
            state=r.state_raw,
            model=r.support_raw,
            signed=r.signed,
            file_name=d["file_name"],
            others=names_on[key],
            ocr_pages=_ocr_pages(d["pages"]),
            near_days=near_days,
        )
        for problem in found:
            entry = {
                "sha256": d["sha256"],
                "file_name": d["file_name"],
                "url": r.moa_url,
                "agreement_id": r.agreement_id,
                "row": {
                    "agency": r.agency_raw,
                    "state": r.state_raw,
                    "model": r.support_raw,
                    "signed": r.signed.isoformat() if r.signed else r.signed_raw,
                    "list": listed["label"],
                    "list_date": listed["published_date"].isoformat(),
                },
                "field": problem.kind,
                "sheet": problem.sheet,
                "pdf": problem.pdf,
                "better_match": problem.better,
                "days": problem.days,
                "evidence": [{"page": e.page, "text": e.text} for e in problem.evidence],
                "source": problem.source,
                "confidence": problem.confidence,
                "near": problem.near,
                "reason": problem.note,
            }
            (near if problem.near else disagreements).append(entry)
    return {
        "checked": checked,
        "documents": len(seen_docs),
        "near_days": near_days,
        "disagreements": disagreements,
        "near": near,
    }


def _newest_lists(conn: Connection) -> dict[str, dict[str, Any]]:
    """Row content id -> the newest participating list printing it (id, label, date)."""
    out: dict[str, dict[str, Any]] = {}
    q = (
        select(
            publication_rows.c.content_id,
            publications.c.id,
            publications.c.label,
            publications.c.published_date,
        )
        .join(publications, publications.c.id == publication_rows.c.publication_id)
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq)
    )
    for content_id, pid, label, published in conn.execute(q):
        out[content_id] = {"id": pid, "label": label, "published_date": published}
    return out


def _agencies_on(conn: Connection, publication_id: str, state: str | None) -> list[str]:
    """The agencies a list prints for one state (all of them when the state is unknown)."""
    q = (
        select(row_contents.c.agency_raw)
        .join(publication_rows, publication_rows.c.content_id == row_contents.c.id)
        .where(publication_rows.c.publication_id == publication_id)
    )
    if state:
        q = q.where(row_contents.c.state == state)
    return sorted({name for (name,) in conn.execute(q) if name})


def _ocr_pages(pages: list[dict[str, Any]] | None) -> set[int]:
    """Pages whose text is OCR (a scan's text layer, or g287's OCR)."""
    return {
        p["page"]
        for p in pages or []
        if p.get("kind") == "ocr" or p.get("ocr_confidence") is not None
    }


def facts_from_row(d: dict[str, Any]) -> MoaFacts:
    """A stored document's facts, with the evidence kept for them."""
    evidence = {
        fact: tuple(Snippet(e["page"], e["text"]) for e in found)
        for fact, found in (d.get("evidence") or {}).items()
        if not fact.startswith("signatory.")
    }
    sigs = tuple(
        Signatory(
            s["side"],
            s["name"],
            s["title"],
            s["organization"],
            date.fromisoformat(s["date"]) if s["date"] else None,
            Snippet(0, ""),
        )
        for s in d["signatories"]
    )
    return MoaFacts(
        d["model"],
        d["agency"],
        d["state"],
        sigs,
        tuple(date.fromisoformat(x) for x in d["signing_dates"]),
        d["is_addendum"],
        evidence,
    )


def moa_summary(conn: Connection) -> dict[str, Any]:
    statuses: dict[str, int] = dict(
        conn.execute(select(moa_urls.c.status, func.count()).group_by(moa_urls.c.status)).all()
    )
    return {
        "documents": conn.execute(select(func.count()).select_from(moa_documents)).scalar_one(),
        "linked_urls": len(store.linked_urls(conn)),
        "urls_by_status": statuses,
    }


def replay_moas(importer: Importer) -> list[MoaResult]:
    """Rebuild: re-read every archived MOA sighting, then restore logged dead links."""
    results = []
    for s in importer.archive.sightings():
        if s.role != "moa":
            continue
        url = s.source if s.source.startswith(("http://", "https://")) else None
        recovered = recovered_from(s.source)
        results.append(
            import_moa(
                importer,
                importer.archive.read(s.sha256),
                name=s.name,
                source=s.source,
                seen_at=s.seen_datetime,
                url=recovered or url,
                http_status=200 if url else None,
                archive=False,
                link_status="recovered" if recovered else "fetched",
            )
        )
    replay_fetch_log(importer)
    return results
