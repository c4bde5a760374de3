"""Backfill: recover the program's public history from the Wayback Machine.

:func:`backfill` asks the CDX index (:mod:`g287.acquire.wayback`) for every capture
of ICE's 287(g) page at each of its historical addresses and of every workbook
address (prefix queries over the workbook folders, plus each workbook link a
captured page carries), as listed in ``g287/data/backfill/wayback_targets.csv``.
Captures with one digest hold the same bytes: each distinct content is fetched
once (``/web/<timestamp>id_/<original>``) and imported with its earliest capture
time as first seen, the upper bound on when ICE published it (the importer then
weighs it against the date in the file name). Every address a content was
captured at is recorded as a sighting whose source is the capture URL, so each
publication cites where its bytes came from.

Pages go through the page reader: a roster era capture becomes a publication, a
link era capture leads to the workbooks it links. Workbooks go through the
importer; a capture that is not a workbook (an error or challenge page) is
archived as rejected and the run goes on.

Resumable: ``<archive>/backfill_state.json`` maps CDX digests to the sha256 of
bytes already held, and bytes archived by any other route are recognised by
their SHA-1, so a rerun (or a run after a kill) downloads only what is missing.
The whole run holds the database's writer lock."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from g287.acquire.http import FetchError, FetchPolicy, make_client
from g287.acquire.wayback import (
    DEFAULT_WAYBACK,
    Capture,
    Pacer,
    capture_url,
    paced_get,
    query_cdx,
    raw_url,
)
from g287.app.backfill_report import (
    STATE_NAME,
    BackfillItem,
    BackfillReport,
    BackfillState,
    ItemStatus,
    TargetKind,
)
from g287.app.backfill_targets import (
    SAVE_EVERY,
    Target,
    _covered,
    _earliest_per_address,
    _file_name,
    _group,
    _is_workbook_address,
    _key,
    load_targets,
)
from g287.app.importer import Importer
from g287.app.page_import import import_page
from g287.errors import InputError, InvalidQuery
from g287.model.naming import parse_file_name
from g287.read.page import find_workbook_links, original_url
from g287.read.roster import Roster, parse_roster
from g287.store.archive import Sighting, format_utc, sha256_hex
from g287.store.locks import writer_lock


@dataclass
class _Run:
    importer: Importer
    base: str
    client: httpx.Client
    pacer: Pacer
    policy: FetchPolicy
    state: BackfillState
    held: dict[str, str]
    report: BackfillReport
    dry_run: bool
    on_item: Callable[[BackfillItem, int, int, float | None], None] | None
    since: str | None
    until: str | None
    started: float = field(default_factory=time.monotonic)
    saved: float = 0.0
    done: int = 0
    total: int = 0

    def captures(self, kind: TargetKind, targets: Iterable[Target]) -> list[Capture]:
        out: list[Capture] = []
        for t in targets:
            try:
                out.extend(
                    query_cdx(
                        self.client,
                        self.base,
                        t.url,
                        match=t.match,
                        since=self.since,
                        until=self.until,
                        pacer=self.pacer,
                        policy=self.policy,
                        filters=(t.filter,) if t.filter else (),
                    )
                )
            except FetchError as exc:
                self.report.failed_queries.append(str(exc))
        if kind == "workbook":
            out = [c for c in out if _is_workbook_address(c.original)]
        self.report.captures[kind] += len(out)
        return out

    def bytes_of(self, capture: Capture) -> tuple[bytes | None, httpx.Headers | None, str | None]:
        """(bytes, headers, failure reason): from the archive when held, else downloaded."""
        sha = self.held.get(capture.digest)
        if sha is not None:
            return self.importer.archive.read(sha), None, None
        url = raw_url(self.base, capture)
        try:
            fetched = paced_get(self.client, url, self.pacer, self.policy)
        except FetchError as exc:
            return None, None, exc.message
        self.report.downloads += 1
        if fetched.status != 200:
            return None, None, f"HTTP {fetched.status} from {url}"
        if not fetched.body:
            return None, None, f"0 bytes from {url}"
        return fetched.body, fetched.headers, None

    def remember(self, capture: Capture, sha: str) -> None:
        """Note bytes as held; the state is saved every few seconds (and at the end):
        losing the last few entries costs nothing, as held bytes are found by SHA-1."""
        self.state.digests[capture.digest] = sha
        self.held[capture.digest] = sha
        now = time.monotonic()
        if now - self.saved >= SAVE_EVERY:
            self.state.save()
            self.saved = now

    def tell(self, item: BackfillItem) -> None:
        self.report.items.append(item)
        self.done += 1
        if self.on_item is not None:
            elapsed = time.monotonic() - self.started
            eta = elapsed / self.done * (self.total - self.done) if self.done else None
            self.on_item(item, self.done, self.total, eta)


def backfill(
    importer: Importer,
    *,
    wayback: str = DEFAULT_WAYBACK,
    targets: list[Target] | None = None,
    since: str | None = None,
    until: str | None = None,
    dry_run: bool = False,
    interval: float = 1.0,
    policy: FetchPolicy | None = None,
    client: httpx.Client | None = None,
    pacer: Pacer | None = None,
    on_item: Callable[[BackfillItem, int, int, float | None], None] | None = None,
) -> BackfillReport:
    """Find every capture of ICE's page and workbooks in the Wayback Machine at
    ``wayback``, import each distinct content once, dated by its earliest capture.

    ``since``/``until`` are CDX ``from``/``to`` timestamps (``2025``, ``20250601``).
    Raises :class:`FetchError` only when no CDX query could be answered at all.
    """
    for option, value in (("--since", since), ("--until", until)):
        if value is not None and not re.fullmatch(r"\d{4,14}", value):
            raise InvalidQuery(
                f"{option} {value!r} is not a timestamp (YYYY to YYYYMMDDhhmmss, digits only)"
            )
    targets = targets if targets is not None else load_targets()
    policy = policy or FetchPolicy()
    pacer = pacer or Pacer(interval, sleep=policy.sleep)
    state = BackfillState.load(importer.archive.root / STATE_NAME)
    report = BackfillReport(wayback, dry_run=dry_run)
    own = client is None
    http = client or make_client(policy)
    try:
        with writer_lock(importer.db, "backfill"):
            held = state.index(importer.archive)
            run = _Run(
                importer,
                wayback,
                http,
                pacer,
                policy,
                state,
                held,
                report,
                dry_run,
                on_item,
                since,
                until,
            )
            try:
                _backfill(run, targets)
            finally:
                if not dry_run:
                    state.save()
    finally:
        if own:
            http.close()
        report.requests = pacer.requests
    return report


def _backfill(run: _Run, targets: list[Target]) -> None:
    report = run.report
    page_targets = [t for t in targets if t.kind == "page"]
    book_targets = [t for t in targets if t.kind == "workbook"]
    pages = _group(run.captures("page", page_targets))
    books = run.captures("workbook", book_targets)
    queries = len(page_targets) + len(book_targets)
    if queries and len(report.failed_queries) == queries:
        raise FetchError(
            f"the Wayback CDX index could not be reached ({report.failed_queries[0]})",
            source=run.base,
        )
    run.total = len(pages) + len(_group(books))
    linked: dict[str, str] = {}  # original workbook address -> kind, from page links
    for group in pages:
        linked.update(_page(run, group))
    extra = [
        Target("workbook", "exact", url)
        for url in sorted(linked)
        if not _covered(url, book_targets)
    ]
    if extra:
        books += run.captures("workbook", extra)
    book_groups = _group(books)
    run.total = len(pages) + len(book_groups)
    kinds = {_key(u): k for u, k in linked.items()}
    for group in book_groups:
        _workbook(run, group, kinds)
    if not run.dry_run and any(
        r.outcome in ("accepted", "duplicate") for i in report.items for r in i.results
    ):
        run.importer.resolve()


def _page(run: _Run, group: list[Capture]) -> dict[str, str]:
    first = group[0]
    source = capture_url(run.base, first)
    addresses = len(_earliest_per_address(group))
    if run.dry_run:
        status: ItemStatus = "held" if first.digest in run.held else "planned"
        run.tell(BackfillItem("page", first, addresses, status, source))
        if first.digest in run.held:
            html = run.importer.archive.read(run.held[first.digest])
            return _links(html, first.original)
        return {}
    data, _headers, reason = run.bytes_of(first)
    if data is None:
        run.tell(BackfillItem("page", first, addresses, "failed", source, reason=reason))
        return {}
    was_held = first.digest in run.held
    roster = parse_roster(data, first.original)
    fingerprint = _roster_fingerprint(roster)
    earlier = run.state.rosters.get(fingerprint) if fingerprint else None
    if fingerprint and earlier is not None and earlier < first.timestamp:
        # the page changed around an unchanged roster: archive the page, no new list
        sha = run.importer.archive.put(data)
        run.importer.archive.record(
            Sighting(
                sha,
                _page_file(first.original),
                source,
                format_utc(first.captured_at),
                len(data),
                "page",
            )
        )
        run.remember(first, sha)
        reason = f"same roster as the capture of {earlier}"
        run.tell(BackfillItem("page", first, addresses, "same", source, None, sha, reason))
        return {}
    try:
        page = import_page(
            run.importer,
            data,
            url=source,
            captured_at=first.captured_at,
            resolve=False,
            base_url=first.original,
            roster=roster,
        )
    except InputError as exc:
        run.tell(BackfillItem("page", first, addresses, "failed", source, reason=exc.message))
        return {}
    if fingerprint:
        run.state.rosters[fingerprint] = min(first.timestamp, earlier or first.timestamp)
    run.remember(first, page.sha256)
    for other in _earliest_per_address(group)[1:]:  # the same bytes at another address
        run.importer.archive.record(
            Sighting(
                page.sha256,
                _page_file(other.original),
                capture_url(run.base, other),
                format_utc(other.captured_at),
                len(data),
                "page",
            )
        )
    links = _links(data, first.original)
    status = "held" if was_held else "new"
    reason = None
    if page.roster is None and not links:
        status, reason = "empty", "no roster table and no workbook link"
    elif any(r.outcome == "rejected" for r in page.results):
        status = "rejected"
        reason = next(r.reason for r in page.results if r.outcome == "rejected")
    name = page.results[0].name if page.results else None
    run.tell(
        BackfillItem(
            "page", first, addresses, status, source, name, page.sha256, reason, page.results
        )
    )
    return links


def _page_file(original: str) -> str:
    name = unquote(PurePosixPath(urlsplit(original).path).name) or "page"
    return name if name.lower().endswith((".htm", ".html")) else name + ".html"


def _roster_fingerprint(roster: Roster | None) -> str | None:
    """The roster's columns and rows (links as ICE printed them), hashed: one list."""
    if roster is None or not roster.rows:
        return None
    body = {"columns": list(roster.columns), "rows": [r.as_dict() for r in roster.rows]}
    return sha256_hex(json.dumps(body, sort_keys=True, default=str).encode())


def _links(html: bytes, original: str) -> dict[str, str]:
    return {
        original_url(link.url): link.kind
        for link in find_workbook_links(html, original)
        if _is_workbook_address(original_url(link.url))
    }


def _workbook(run: _Run, group: list[Capture], kinds: dict[str, str]) -> None:
    first = group[0]
    addresses = _earliest_per_address(group)
    source = capture_url(run.base, first)
    if run.dry_run:
        status: ItemStatus = "held" if first.digest in run.held else "planned"
        run.tell(BackfillItem("workbook", first, len(addresses), status, source))
        return
    was_held = first.digest in run.held
    if first.digest in run.state.skipped:
        name = run.state.skipped[first.digest]
        why = f"{name} is not a 287(g) list (not linked from the page)"
        run.tell(
            BackfillItem("workbook", first, len(addresses), "skipped", source, name, reason=why)
        )
        return
    data, headers, reason = run.bytes_of(first)
    if data is None:
        run.tell(BackfillItem("workbook", first, len(addresses), "failed", source, reason=reason))
        return
    linked = any(_key(c.original) in kinds for c in addresses)
    named = [_file_name(c.original, headers, None) for c in addresses]
    if not linked and not was_held and all(parse_file_name(n).kind == "unknown" for n in named):
        # another ICE file under a download folder (statistics, forms): not archived
        run.state.skipped[first.digest] = named[0]
        why = f"{named[0]} is not a 287(g) list (not linked from the page)"
        run.tell(
            BackfillItem("workbook", first, len(addresses), "skipped", source, named[0], reason=why)
        )
        return
    results = []
    names = {
        c.original: run.state.names.get(c.original)
        or _file_name(c.original, headers, kinds.get(_key(c.original)))
        for c in addresses
    }
    # a name carrying ICE's date first: the publication is named (and dated) by it
    addresses.sort(key=lambda c: parse_file_name(names[c.original]).ice_date is None)
    for capture in addresses:  # the earliest capture at each address it was seen at
        this = names[capture.original]
        run.state.names[capture.original] = this
        results.append(
            run.importer.import_bytes(
                data,
                name=this,
                source=capture_url(run.base, capture),
                seen_at=capture.captured_at,
            )
        )
    sha = results[0].sha256
    run.remember(first, sha)
    outcome: ItemStatus = "held" if was_held else "new"
    because: str | None = None
    if results[0].outcome == "rejected":
        outcome, because = "rejected", results[0].reason
    run.tell(
        BackfillItem(
            "workbook",
            first,
            len(addresses),
            outcome,
            source,
            results[0].name,
            sha,
            because,
            results,
        )
    )
