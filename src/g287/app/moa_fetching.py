"""Fetch the MOAs ICE's lists link (politely, once per URL, recovering dead links from the
Wayback Machine), log every fetch in the archive, and replay imports and fetches when the
database is rebuilt."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from g287.acquire.http import FetchPolicy
from g287.acquire.wayback import Pacer, capture_url, paced_get, query_cdx, raw_url
from g287.app.moa_library import MAX_PDF_BYTES, Importer, MoaResult, import_moa
from g287.errors import G287Error
from g287.read.links import file_key
from g287.store import moa as store
from g287.store.archive import format_utc, parse_utc
from g287.store.locks import writer_lock
from g287.store.schema import (
    moa_urls,
)
from g287.version import __version__

FETCH_LOG = "moa_fetches"  # <archive>/moa_fetches.jsonl, or one object per record


USER_AGENT = f"g287/{__version__} (+https://github.com/g287/g287; MOA archive)"


TIMEOUT = 30.0


RETRIES = 3


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
