"""Fetch ICE's current lists: read the 287(g) page, download what changed, import it.

:func:`update` is one run: GET the page, find the workbook links on it
(:func:`g287.acquire.page.find_workbook_links`), download each with a conditional
request (ETag / Last-Modified remembered per URL), import new bytes through
:meth:`Importer.import_bytes` (which archives them first, even when they are
rejected), resolve once, and report what changed. :func:`watch` repeats it.

A polite client: a User-Agent naming g287, its version and a contact URL;
timeouts; bounded retries with exponential backoff on timeouts, dropped
connections, 429 (honouring Retry-After up to a cap) and 5xx.

Crash safety. The importer writes each publication in one transaction, so the
database never holds half of one. What an update keeps outside the database,
``<archive>/fetch_state.json`` (validators per URL, the page's links, and a
"resolve pending" mark set before new bytes are imported), is written atomically
and only *after* the import it describes; a run killed at any point leaves state
that makes the next run download again what it had not finished, and resolve.
A non-blocking ``flock`` (:mod:`g287.acquire.lock`) keeps two updates apart.

Errors::

    FetchError(InputError)     the page or a workbook could not be fetched (exit 1)
    UpdateLocked(StoreError)   another update holds the lock (exit 3)
"""

from __future__ import annotations

import contextlib
import email.message
import email.utils
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import httpx

from g287.acquire.archive import Sighting, format_utc, parse_utc, sha256_hex
from g287.acquire.lock import LOCK_NAME, UpdateLocked, exclusive_lock
from g287.acquire.page import (
    WorkbookLink,
    find_workbook_links,
    original_url,
    wayback_raw_url,
)
from g287.atomic import write_atomically
from g287.errors import G287Error, InputError, InvalidQuery, NotFound
from g287.pipeline import MAX_FILE_BYTES, Importer, ImportResult
from g287.query.changes import changes as net_changes
from g287.query.history import list_events
from g287.query.publications import resolve_publication
from g287.store import publications as store
from g287.store.locks import writer_lock

__all__ = [
    "DEFAULT_PAGE",
    "FetchError",
    "FetchPolicy",
    "FetchState",
    "FileReport",
    "UpdateLocked",
    "UpdateReport",
    "download_links",
    "get",
    "make_client",
    "parse_interval",
    "update",
    "user_agent",
    "watch",
]

DEFAULT_PAGE = "https://www.ice.gov/identify-and-arrest/287g"
CONTACT_URL = "https://github.com/g287/g287"
STATE_NAME = "fetch_state.json"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGE_BYTES = 20 * 1024 * 1024


class FetchError(InputError):
    """The page or a workbook could not be fetched; ``source`` is the URL."""

    slug = "fetch"


def user_agent() -> str:
    try:
        release = version("g287")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        release = "0.0.0"
    return f"g287/{release} (+{CONTACT_URL}; tracks ICE's published 287(g) lists)"


@dataclass(frozen=True)
class FetchPolicy:
    """How hard and how politely to ask."""

    timeout: float = 30.0  # seconds to wait for each read (and write)
    connect_timeout: float = 10.0
    retries: int = 4  # after the first attempt
    backoff: float = 2.0  # first wait; doubled each retry
    backoff_cap: float = 60.0
    retry_after_cap: float = 300.0  # a longer Retry-After gives up instead of waiting
    max_bytes: int = MAX_FILE_BYTES
    sleep: Callable[[float], None] = time.sleep

    def wait(self, attempt: int) -> float:
        return float(min(self.backoff_cap, self.backoff * (2**attempt)))


def make_client(policy: FetchPolicy | None = None) -> httpx.Client:
    """An httpx client with g287's User-Agent, timeouts and redirects followed."""
    policy = policy or FetchPolicy()
    return httpx.Client(
        headers={"User-Agent": user_agent()},
        timeout=httpx.Timeout(policy.timeout, connect=policy.connect_timeout),
        follow_redirects=True,
        max_redirects=5,
    )


@contextlib.contextmanager
def _client(client: httpx.Client | None, policy: FetchPolicy) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    with make_client(policy) as own:
        yield own


# --- one GET, with retries ----------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    status: int
    headers: httpx.Headers
    body: bytes
    attempts: int


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection closed before the whole response arrived"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    text = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def get(
    client: httpx.Client,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    policy: FetchPolicy | None = None,
    max_bytes: int | None = None,
) -> Fetched:
    """GET ``url``, retrying timeouts, dropped connections, 429 and 5xx with backoff.

    Returns any other response (200, 304, 404 ...) with its whole body; raises
    :class:`FetchError` when the retries run out, Retry-After asks for more than
    the cap, or the body is larger than ``max_bytes``.
    """
    policy = policy or FetchPolicy()
    limit = max_bytes or policy.max_bytes
    request_headers = dict(headers or {})
    if client.headers.get("user-agent", "").startswith("python-httpx"):
        request_headers["User-Agent"] = user_agent()
    attempt = 0
    while True:
        attempt += 1
        last = attempt > policy.retries
        try:
            with client.stream("GET", url, headers=request_headers) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    delay = _retry_after(response.headers) if status in (429, 503) else None
                    if delay is not None and delay > policy.retry_after_cap:
                        raise FetchError(
                            f"HTTP {status}, asked to retry after {delay:.0f} s"
                            f" (over the {policy.retry_after_cap:.0f} s cap); try later",
                            source=url,
                        )
                    if last:
                        raise FetchError(f"HTTP {status} after {attempt} attempt(s)", source=url)
                    wait = policy.wait(attempt - 1) if delay is None else delay
                else:
                    body = _read_body(response, url, limit)
                    return Fetched(url, str(response.url), status, response.headers, body, attempt)
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(_reason(exc), source=url) from None
        except httpx.TransportError as exc:
            if last:
                raise FetchError(f"{_reason(exc)} after {attempt} attempt(s)", source=url) from None
            wait = policy.wait(attempt - 1)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # too many redirects, a bad URL
            raise FetchError(_reason(exc), source=url) from None
        policy.sleep(wait)


def _read_body(response: httpx.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{int(declared) >> 20} MB is over the {limit >> 20} MB limit", source=url)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise FetchError(f"the body is over the {limit >> 20} MB limit", source=url)
        chunks.append(chunk)
    return b"".join(chunks)


# --- what an update remembers between runs --------------------------------------


class FetchState:
    """``<archive>/fetch_state.json``: validators per URL, the page's links, resolve-pending.

    Only an optimisation and a crash marker: losing it costs one full download.
    """

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.data: dict[str, Any] = data or {"version": 1, "urls": {}, "pages": {}}

    @classmethod
    def load(cls, path: Path) -> FetchState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("version") != 1:
            return cls(path)
        data.setdefault("urls", {})
        data.setdefault("pages", {})
        return cls(path, data)

    def save(self) -> None:
        body = json.dumps(self.data, indent=1, sort_keys=True).encode("utf-8")
        write_atomically(self.path, body, fsync=True, prefix=".fetch_state-")

    def url(self, url: str) -> dict[str, Any]:
        entry = self.data["urls"].get(url)
        return entry if isinstance(entry, dict) else {}

    def set_url(self, url: str, **values: Any) -> None:
        self.data["urls"][url] = {k: v for k, v in values.items() if v is not None}
        self.save()

    def page(self, url: str) -> dict[str, Any]:
        entry = self.data["pages"].get(url)
        return entry if isinstance(entry, dict) else {}

    def set_page(self, url: str, **values: Any) -> None:
        self.data["pages"][url] = {k: v for k, v in values.items() if v is not None}
        self.save()

    @property
    def resolve_pending(self) -> bool:
        return bool(self.data.get("resolve_pending"))

    @resolve_pending.setter
    def resolve_pending(self, value: bool) -> None:
        if value != self.resolve_pending:
            self.data["resolve_pending"] = value
            self.save()


def _conditional(entry: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry.get("last_modified"):
        headers["If-Modified-Since"] = entry["last_modified"]
    return headers


# --- reports ---------------------------------------------------------------------

FileStatus = Literal["new", "held", "not_modified", "rejected", "failed"]


@dataclass
class FileReport:
    """What happened to one workbook link."""

    url: str
    kind: str
    status: FileStatus
    name: str | None = None
    sha256: str | None = None
    size: int | None = None
    attempts: int = 0
    result: ImportResult | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status not in ("rejected", "failed")

    def line(self) -> str:
        r = self.result
        if self.status == "new" and r is not None:
            return f"{self.kind}: {self.name}: new publication {r.publication_id}, {r.rows} rows"
        if self.status == "held":
            pid = f" ({r.publication_id})" if r and r.publication_id else ""
            return f"{self.kind}: {self.name}: bytes already held{pid}"
        if self.status == "not_modified":
            return f"{self.kind}: {self.url}: not modified since the last update"
        if self.status == "rejected":
            sha = (self.sha256 or "")[:12]
            return (
                f"{self.kind}: {self.url}: rejected, {self.reason}"
                f" (archived as evidence, sha256 {sha})"
            )
        return f"{self.kind}: {self.url}: failed, {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "name": self.name,
            "sha256": self.sha256,
            "size": self.size,
            "attempts": self.attempts,
            "publication_id": self.result.publication_id if self.result else None,
            "rows": self.result.rows if self.result else None,
            "reason": self.reason,
        }


@dataclass
class UpdateReport:
    """One update run: the page, each workbook link, and what changed."""

    page_url: str
    seen_at: datetime
    page_status: str = ""
    links: list[WorkbookLink] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    resolved: bool = False
    changes: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.ok for f in self.files)

    @property
    def new_publications(self) -> list[str]:
        return [
            f.result.publication_id
            for f in self.files
            if f.status == "new" and f.result is not None and f.result.publication_id
        ]

    def lines(self) -> list[str]:
        out = [f"{format_utc(self.seen_at)} {self.page_url}: {self.page_status}"]
        out.extend(self.problems)
        out.extend(f.line() for f in self.files)
        tally = Counter(f.status for f in self.files)
        out.append(
            f"{len(self.files)} workbook link(s): {tally['new']} new, {tally['held']} already"
            f" held, {tally['not_modified']} not modified, {tally['rejected']} rejected,"
            f" {tally['failed']} failed"
        )
        if self.changes is not None:
            counts = self.changes.get("counts") or {}
            what = ", ".join(f"{n} {k}" for k, n in counts.items()) or "no changes"
            out.append(
                f"changes from {self.changes['from']['label']} to {self.changes['to']['label']}:"
                f" {what}"
            )
        elif self.events:
            counts = Counter(e["kind"] for e in self.events)
            out.append("events: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "page_url": self.page_url,
            "seen_at": format_utc(self.seen_at),
            "page_status": self.page_status,
            "ok": self.ok,
            "links": [link.as_dict() for link in self.links],
            "files": [f.as_dict() for f in self.files],
            "problems": self.problems,
            "resolved": self.resolved,
            "new_publications": self.new_publications,
            "changes": self.changes,
            "events": self.events,
        }


# --- downloading one workbook ------------------------------------------------------


def _held_status(importer: Importer, sha256: str) -> str | None:
    with importer.db.connect() as conn:
        row = store.get_raw_file(conn, sha256)
    return str(row["status"]) if row is not None else None


_WORKBOOK_NAME = re.compile(r"\.(xlsx|xlsm|xls)$", re.IGNORECASE)


def disposition_name(value: str | None) -> str | None:
    """The file name a Content-Disposition header gives (its last path part), or None."""
    if not value:
        return None
    message = email.message.Message()
    message["content-disposition"] = value
    given = message.get_filename()
    if not given:
        return None
    return PurePosixPath(given.replace("\\", "/")).name.strip() or None


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


# --- the update --------------------------------------------------------------------------


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
        events = [e for e in list_events(conn, since=min(dates)) if e["publication_id"] in new_ids]
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


# --- repeating -------------------------------------------------------------------------------

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
