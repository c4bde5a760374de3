"""The Wayback Machine: its CDX index of captures and the raw bytes of each capture.

The CDX API (``<base>/cdx/search/cdx``) lists captures of an address, or of every
address under a prefix, one row per capture::

    [["timestamp","original","digest","statuscode","mimetype"],
     ["20250222170855","https://www.ice.gov/doclib/.../participatingAgencies.xlsx",
      "Q3ZK...","200","application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
     [], ["<resume key>"]]

(with ``showResumeKey=true`` a page of ``limit`` rows ends with an empty row and
the key to ask for the next page). The plain-text output, one capture per line of
space-separated fields, is read too. ``digest`` is the base-32 SHA-1 of the captured
bytes, so captures with one digest hold the same bytes and are fetched once. The
raw bytes of a capture are at ``<base>/web/<timestamp>id_/<original>``.

Requests go through :func:`g287.acquire.http.get` (retries, 429 and Retry-After)
and a :class:`Pacer` that keeps at least ``interval`` seconds between requests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx

from g287.acquire.http import Fetched, FetchError, FetchPolicy, get

__all__ = [
    "CDX_FIELDS",
    "DEFAULT_WAYBACK",
    "Capture",
    "Pacer",
    "capture_url",
    "query_cdx",
    "raw_url",
    "sha1_digest",
]

DEFAULT_WAYBACK = "https://web.archive.org"
CDX_FIELDS = ("timestamp", "original", "digest", "statuscode", "mimetype")
CDX_PAGE = 5000  # rows per CDX request


@dataclass(frozen=True)
class Capture:
    """One row of the CDX index."""

    timestamp: str  # 14 digits, UTC
    original: str
    digest: str
    statuscode: str = "200"
    mimetype: str = ""

    @property
    def captured_at(self) -> datetime:
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(
            tzinfo=UTC
        )


def sha1_digest(data: bytes) -> str:
    """The CDX ``digest`` of some bytes: base-32 SHA-1."""
    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def raw_url(base: str, capture: Capture) -> str:
    """Where the capture's bytes are, unchanged: ``<base>/web/<timestamp>id_/<original>``."""
    return f"{base.rstrip('/')}/web/{capture.timestamp}id_/{capture.original}"


def capture_url(base: str, capture: Capture) -> str:
    """The capture's address, as cited: ``<base>/web/<timestamp>/<original>``."""
    return f"{base.rstrip('/')}/web/{capture.timestamp}/{capture.original}"


@dataclass
class Pacer:
    """At most one request every ``interval`` seconds."""

    interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, repr=False)
    requests: int = 0

    def wait(self) -> None:
        now = self.clock()
        if self._last is not None and self.interval > 0:
            gap = self._last + self.interval - now
            if gap > 0:
                self.sleep(gap)
                now += gap
        self._last = now
        self.requests += 1


def paced_get(
    client: httpx.Client, url: str, pacer: Pacer, policy: FetchPolicy, **kwargs: object
) -> Fetched:
    pacer.wait()
    return get(client, url, policy=policy, **kwargs)  # type: ignore[arg-type]


def _rows(body: bytes, url: str) -> tuple[list[list[str]], str | None]:
    """The capture rows and the resume key of one CDX answer (JSON or text)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], None
    if text.startswith("["):
        try:
            data = json.loads(text)
        except ValueError:
            raise FetchError("the CDX answer is not JSON", source=url) from None
        if not isinstance(data, list):
            raise FetchError("the CDX answer is not a JSON list", source=url)
        rows = [[str(v) for v in r] for r in data if isinstance(r, list)]
        if rows and rows[0] == list(CDX_FIELDS):
            rows = rows[1:]
        key = None
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            key = rows[-1][0]
            rows = rows[:-2]
        return [r for r in rows if r], key
    lines = text.splitlines()
    key = None
    if len(lines) >= 2 and not lines[-2].strip() and len(lines[-1].split()) == 1:
        key = lines[-1].strip()
        lines = lines[:-2]
    return [line.split() for line in lines if line.strip()], key


def query_cdx(
    client: httpx.Client,
    base: str,
    url: str,
    *,
    match: str = "exact",
    since: str | None = None,
    until: str | None = None,
    pacer: Pacer | None = None,
    policy: FetchPolicy | None = None,
    page_size: int = CDX_PAGE,
    filters: tuple[str, ...] = (),
) -> Iterator[Capture]:
    """Every 200 capture of ``url`` (or of every address under it, ``match="prefix"``),
    adjacent duplicates collapsed by digest, page by page (resume keys). ``filters`` are
    more CDX filters (``mimetype:application/vnd\\.ms-excel``, ``!original:.*\\.pdf``)."""
    policy = policy or FetchPolicy()
    pacer = pacer or Pacer()
    params: dict[str, str | list[str]] = {
        "url": url,
        "output": "json",
        "fl": ",".join(CDX_FIELDS),
        "filter": ["statuscode:200", *filters],
        "collapse": "digest",
        "limit": str(page_size),
        "showResumeKey": "true",
    }
    if match != "exact":
        params["matchType"] = match
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    resume: str | None = None
    while True:
        query = dict(params, resumeKey=resume) if resume else params
        address = f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(query, doseq=True)}"
        fetched = paced_get(client, address, pacer, policy)
        if fetched.status != 200:
            raise FetchError(f"the CDX index answered HTTP {fetched.status}", source=address)
        rows, resume = _rows(fetched.body, address)
        for row in rows:
            if len(row) < 3 or not row[0].isdigit():
                continue
            yield Capture(*row[: len(CDX_FIELDS)])
        if not resume:
            return
