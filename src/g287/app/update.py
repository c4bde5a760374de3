"""Update from ICE's current lists: read the 287(g) page, download what changed, import it.

:func:`update` is one run: GET the page, find the workbook links on it
(:func:`g287.read.page.find_workbook_links`), download each with a conditional
request (ETag / Last-Modified remembered per URL) through :func:`g287.acquire.http.get`,
import new bytes through :meth:`Importer.import_bytes` (which archives them first, even
when they are rejected), resolve once, and report what changed. :func:`watch` repeats it.

Crash safety. The importer writes each publication in one transaction, so the
database never holds half of one. What an update keeps outside the database,
``<archive>/fetch_state.json`` (validators per URL, the page's links, and a
"resolve pending" mark set before new bytes are imported), is written atomically
and only *after* the import it describes; a run killed at any point leaves state
that makes the next run download again what it had not finished, and resolve.
The database's writer lock keeps two updates apart, on one host or several."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Any

import httpx

from g287.acquire.http import (
    FetchError,
    FetchPolicy,
    _client,
    disposition_name,
    get,
)
from g287.acquire.lock import LOCK_NAME, exclusive_lock
from g287.app.importer import Importer
from g287.app.update_state import (
    FetchState,
    FileReport,
    FileStatus,
    UpdateReport,
    _conditional,
    _held_status,
)
from g287.errors import G287Error, InvalidQuery, NotFound
from g287.query.catalog import events_page
from g287.query.changes import changes as net_changes
from g287.query.publications import resolve_publication
from g287.read.page import WorkbookLink, find_workbook_links, original_url, wayback_raw_url
from g287.store.archive import Sighting, format_utc, parse_utc, sha256_hex
from g287.store.locks import writer_lock

DEFAULT_PAGE = "https://www.ice.gov/identify-and-arrest/287g"


STATE_NAME = "fetch_state.json"


MAX_PAGE_BYTES = 20 * 1024 * 1024


_WORKBOOK_NAME = re.compile(r"\.(xlsx|xlsm|xls)$", re.IGNORECASE)


def response_file_name(headers: httpx.Headers, final_url: str, link: WorkbookLink) -> str:
    """The file name: Content-Disposition's, else the URL's, else ``<kind>Agencies.xlsx``."""
    given = disposition_name(headers.get("content-disposition"))
    if given:
        return given
    for url in (final_url, link.url):
        name = PurePosixPath(httpx.URL(original_url(url)).path).name
        if _WORKBOOK_NAME.search(name):
            return name
    if link.kind != "unknown":
        return f"{link.kind}Agencies.xlsx"
    return PurePosixPath(httpx.URL(original_url(link.url)).path).name or "workbook.xlsx"


def _download(
    http: httpx.Client,
    policy: FetchPolicy,
    importer: Importer,
    state: FetchState | None,
    link: WorkbookLink,
    seen_at: datetime,
) -> FileReport:
    entry = state.url(link.url) if state is not None else {}
    headers: dict[str, str] = {}
    held_sha = entry.get("sha256")
    if held_sha and _held_status(importer, held_sha) == "accepted":
        headers = _conditional(entry)
    try:
        fetched = get(http, wayback_raw_url(link.url), headers=headers, policy=policy)
    except FetchError as exc:
        return FileReport(link.url, link.kind, "failed", reason=exc.message)
    if fetched.status == 304 and headers:
        return FileReport(
            link.url,
            link.kind,
            "not_modified",
            name=entry.get("name"),
            sha256=held_sha,
            attempts=fetched.attempts,
        )
    if fetched.status != 200:
        return FileReport(
            link.url,
            link.kind,
            "failed",
            attempts=fetched.attempts,
            reason=f"HTTP {fetched.status}",
        )
    data = fetched.body
    name = response_file_name(fetched.headers, fetched.final_url, link)
    sha = sha256_hex(data)
    if state is not None and _held_status(importer, sha) is None:
        state.resolve_pending = True  # before the import: a crash after it still resolves
    result = importer.import_bytes(data, name=name, source=link.url, seen_at=seen_at)
    status: FileStatus = "held"
    if result.outcome == "accepted":
        status = "new"
    elif result.outcome == "rejected":
        status = "rejected"
    if state is not None:
        accepted = status != "rejected"
        state.set_url(
            link.url,
            sha256=sha,
            name=name,
            status="accepted" if accepted else "rejected",
            etag=fetched.headers.get("etag") if accepted else None,
            last_modified=fetched.headers.get("last-modified") if accepted else None,
            checked_at=format_utc(seen_at),
        )
    return FileReport(
        link.url,
        link.kind,
        status,
        name=name,
        sha256=sha,
        size=len(data),
        attempts=fetched.attempts,
        result=result,
        reason=result.reason,
    )


def download_links(
    importer: Importer,
    links: list[WorkbookLink],
    *,
    seen_at: datetime,
    client: httpx.Client | None = None,
    policy: FetchPolicy | None = None,
) -> list[FileReport]:
    """Download and import each link unconditionally (no state kept); the caller resolves."""
    policy = policy or FetchPolicy()
    with _client(client, policy) as http:
        return [_download(http, policy, importer, None, link, seen_at) for link in links]


def _title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body[:65536], re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    return " ".join(match.group(1).decode("utf-8", "replace").split())[:80]


def _page_links(
    http: httpx.Client,
    policy: FetchPolicy,
    importer: Importer,
    state: FetchState,
    page_url: str,
    seen_at: datetime,
    report: UpdateReport,
) -> list[WorkbookLink]:
    entry = state.page(page_url)
    remembered = [WorkbookLink(**link) for link in entry.get("links", [])]
    headers = _conditional(entry) if remembered else {}
    fetched = get(http, page_url, headers=headers, policy=policy, max_bytes=MAX_PAGE_BYTES)
    if fetched.status == 304 and headers:
        report.page_status = "not modified; using the links it had"
        return remembered
    if fetched.status != 200:
        raise FetchError(f"HTTP {fetched.status}", source=page_url)
    links = find_workbook_links(fetched.body, fetched.final_url)
    sha = sha256_hex(fetched.body)
    if sha != entry.get("sha256") and (links != remembered or not links):
        importer.archive.put(fetched.body, sha)
        importer.archive.record(
            Sighting(sha, "287g.html", page_url, format_utc(seen_at), len(fetched.body), "page")
        )
    if not links:
        title = _title(fetched.body)
        what = f"a page titled {title!r}" if title else f"{len(fetched.body)} bytes"
        raise FetchError(f"no workbook link on the page ({what}; archived)", source=page_url)
    state.set_page(
        page_url,
        sha256=sha,
        etag=fetched.headers.get("etag"),
        last_modified=fetched.headers.get("last-modified"),
        links=[link.as_dict() for link in links],
    )
    report.page_status = f"{len(links)} workbook link(s)"
    if links != remembered and remembered:
        report.page_status += " (changed since the last update)"
    return links


def _newest(importer: Importer) -> dict[str, dict[str, Any] | None]:
    out: dict[str, dict[str, Any] | None] = {}
    with importer.db.connect() as conn:
        for kind in ("participating", "pending"):
            try:
                out[kind] = resolve_publication(conn, f"latest-{kind}")
            except NotFound:
                out[kind] = None
    return out


def _what_changed(
    importer: Importer, before: dict[str, dict[str, Any] | None], new_ids: list[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    if not new_ids:
        return None, []
    after = _newest(importer)
    old, new = before["participating"], after["participating"]
    with importer.db.connect() as conn:
        found = None
        if old is not None and new is not None and old["id"] != new["id"]:
            with contextlib.suppress(InvalidQuery, NotFound):
                found = net_changes(conn, from_ref=old["id"], to_ref=new["id"])
        dates = [
            date.fromisoformat(str(resolve_publication(conn, p)["published_date"])) for p in new_ids
        ]
        events = [
            e for e in events_page(conn, since=min(dates))["data"] if e["publication_id"] in new_ids
        ]
    return found, events


def update(
    importer: Importer,
    *,
    base_url: str = DEFAULT_PAGE,
    client: httpx.Client | None = None,
    now: datetime | None = None,
    policy: FetchPolicy | None = None,
) -> UpdateReport:
    """One update: read the page, download the workbooks that changed, import, resolve, report.

    Raises :class:`FetchError` when the page itself cannot be fetched or links no
    workbook, :class:`UpdateLocked` when another update is running. A workbook that
    fails or is rejected is reported (one line each) and does not stop the others.
    """
    policy = policy or FetchPolicy()
    seen_at = parse_utc(format_utc(now or datetime.now(UTC)))
    root = importer.archive.root
    with exclusive_lock(root / LOCK_NAME), writer_lock(importer.db, "update"):
        state = FetchState.load(root / STATE_NAME)
        report = UpdateReport(base_url, seen_at)
        before = _newest(importer)
        with _client(client, policy) as http:
            try:
                report.links = _page_links(http, policy, importer, state, base_url, seen_at, report)
            except FetchError:
                _resolve(importer, state, report)  # what a killed run imported still resolves
                raise
            for kind in ("participating", "pending"):
                if not any(link.kind == kind for link in report.links):
                    report.problems.append(f"{base_url}: no {kind} workbook link on the page")
            for link in report.links:
                report.files.append(_download(http, policy, importer, state, link, seen_at))
        _resolve(importer, state, report)
        report.changes, report.events = _what_changed(importer, before, report.new_publications)
    return report


def _resolve(importer: Importer, state: FetchState, report: UpdateReport) -> None:
    imported = any(
        f.result is not None and f.result.outcome in ("accepted", "duplicate") for f in report.files
    )
    if state.resolve_pending or imported:
        state.resolve_pending = True
        importer.resolve()
        state.resolve_pending = False
        report.resolved = True
    elif importer.ensure_derived() is not None:  # what a killed run stored, resolved now
        report.resolved = True


_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms]?)", re.IGNORECASE)


_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1, "": 1}


def parse_interval(text: str) -> float:
    """Seconds in ``90``, ``90s``, ``30m``, ``1h``, ``1h30m``, ``1d``."""
    compact = text.strip().replace(" ", "")
    pos, total = 0, 0.0
    while pos < len(compact):
        match = _INTERVAL.match(compact, pos)
        if not match or match.end() == pos:
            raise InvalidQuery(f"{text!r} is not an interval (e.g. 90s, 30m, 1h, 1h30m)")
        total += float(match.group(1)) * _UNIT[match.group(2).lower()]
        pos = match.end()
    if total <= 0:
        raise InvalidQuery(f"{text!r} is not an interval (e.g. 90s, 30m, 1h, 1h30m)")
    return total


def watch(
    run: Callable[[], UpdateReport],
    interval: float,
    *,
    on_report: Callable[[UpdateReport], None],
    on_error: Callable[[G287Error], None],
    sleep: Callable[[float], None] | None = None,
    runs: int | None = None,
) -> int:
    """Run, sleep ``interval`` seconds, repeat (``runs`` times, or until interrupted).

    A failed run (page down, lock held, ...) is reported and the loop goes on;
    KeyboardInterrupt propagates to the caller, which exits cleanly.
    """
    done = 0
    while True:
        try:
            on_report(run())
        except G287Error as exc:
            on_error(exc)
        done += 1
        if runs is not None and done >= runs:
            return done
        (sleep or time.sleep)(interval)
