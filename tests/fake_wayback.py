"""A stand-in for the Wayback Machine on 127.0.0.1: the CDX index and raw replay.

    with FakeWayback() as wb:
        wb.capture("20250222170855", "https://www.ice.gov/doclib/.../p.xlsx", data)
        backfill(importer, wayback=wb.base_url, interval=0)

``/cdx/search/cdx`` answers as the real API does: ``url`` with ``matchType`` exact
or prefix (scheme and ``www.`` ignored), ``output=json`` (a header row, then one
list per capture) or text (space-separated lines), ``fl``, ``filter=field:regex``
(``!`` negates), ``collapse=digest`` (adjacent duplicates), ``from``/``to``
(timestamp prefixes), ``limit`` with ``showResumeKey`` / ``resumeKey`` paging.
``digest`` is the base-32 SHA-1 of the bytes. ``/web/<timestamp>id_/<original>``
replays a capture's bytes (its status: 200, or a redirect with Location, or 404).
Faults (``fail``) are queued per request path, as in :mod:`tests.fake_ice`.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from g287.acquire.wayback import sha1_digest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Snapshot:
    timestamp: str
    original: str
    body: bytes
    statuscode: str = "200"
    mimetype: str = XLSX
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def digest(self) -> str:
        return sha1_digest(self.body)

    def field(self, name: str) -> str:
        if name == "digest":
            return self.digest
        if name == "urlkey":
            return key(self.original)
        if name == "length":
            return str(len(self.body))
        return str(getattr(self, name))


@dataclass
class WaybackFault:
    status: int = 429
    headers: dict[str, str] = field(default_factory=dict)


def key(url: str) -> str:
    parts = urlsplit(url if "://" in url else "http://" + url)
    return parts.netloc.lower().removeprefix("www.") + parts.path


class FakeWayback:
    def __init__(self) -> None:
        self.snapshots: list[Snapshot] = []
        self.queued: dict[str, list[WaybackFault]] = {}
        self.hits: list[tuple[str, int]] = []  # (path + query, status)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))

    def __enter__(self) -> FakeWayback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def capture(self, timestamp: str, original: str, body: bytes, **kw: Any) -> Snapshot:
        snap = Snapshot(timestamp, original, body, **kw)
        with self._lock:
            self.snapshots.append(snap)
            self.snapshots.sort(key=lambda s: (key(s.original), s.timestamp))
        return snap

    def fail(self, path: str, *faults: WaybackFault) -> None:
        with self._lock:
            self.queued.setdefault(path, []).extend(faults)

    def downloads(self) -> list[str]:
        with self._lock:
            return [p for p, status in self.hits if p.startswith("/web/") and status == 200]

    def cdx_queries(self) -> list[str]:
        with self._lock:
            return [p for p, _ in self.hits if p.startswith("/cdx/")]

    # -- the CDX index ---------------------------------------------------------------

    def cdx(self, query: dict[str, list[str]]) -> tuple[str, bytes]:
        one = {k: v[-1] for k, v in query.items()}
        url = one.get("url", "")
        match = one.get("matchType", "exact")
        if url.endswith("*"):
            url, match = url[:-1], "prefix"
        fields = one.get("fl", "urlkey,timestamp,original,mimetype,statuscode,digest,length")
        names = fields.split(",")
        with self._lock:
            rows = [
                s
                for s in self.snapshots
                if (key(s.original) == key(url))
                or (match == "prefix" and key(s.original).startswith(key(url)))
            ]
        for f in query.get("filter", []):
            negate = f.startswith("!")
            name, _, pattern = f.lstrip("!").partition(":")
            rows = [s for s in rows if bool(re.fullmatch(pattern, s.field(name))) != negate]
        if "from" in one:
            rows = [s for s in rows if s.timestamp[: len(one["from"])] >= one["from"]]
        if "to" in one:
            rows = [s for s in rows if s.timestamp[: len(one["to"])] <= one["to"]]
        if one.get("collapse") == "digest":
            kept: list[Snapshot] = []
            for s in rows:
                if (
                    not kept
                    or kept[-1].digest != s.digest
                    or key(kept[-1].original) != key(s.original)
                ):
                    kept.append(s)
            rows = kept
        start = int(one.get("resumeKey", "0") or 0)
        limit = int(one.get("limit", "0") or 0)
        page = rows[start : start + limit] if limit else rows[start:]
        resume = None
        if limit and one.get("showResumeKey") == "true" and start + limit < len(rows):
            resume = str(start + limit)
        table = [[s.field(n) for n in names] for s in page]
        if one.get("output") == "json":
            out: list[list[str]] = [names, *table] if table else []
            if resume:
                out += [[], [resume]]
            return "application/json", json.dumps(out).encode()
        text = "\n".join(" ".join(r) for r in table)
        if resume:
            text += f"\n\n{resume}"
        return "text/plain", (text + "\n").encode() if text else b""

    def replay(self, timestamp: str, original: str) -> tuple[int, bytes, dict[str, str]]:
        with self._lock:
            found = next(
                (
                    s
                    for s in self.snapshots
                    if s.timestamp == timestamp and key(s.original) == key(original)
                ),
                None,
            )
        if found is None:
            return (
                404,
                b"<html><body>Wayback Machine doesn't have that page archived.</body></html>",
                {"Content-Type": "text/html"},
            )
        headers = {"Content-Type": found.mimetype, **dict(found.headers)}
        return int(found.statuscode), found.body, headers


_RAW = re.compile(r"^/web/(\d{14})id_/(.+)$")


def _handler(wb: FakeWayback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeWayback/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            status, body, headers = self._answer(parts.path, parts.query)
            with wb._lock:
                wb.hits.append((self.path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, path: str, query: str) -> tuple[int, bytes, dict[str, str]]:
            with wb._lock:
                queue = wb.queued.get(path)
                fault = queue.pop(0) if queue else None
            if fault is not None:
                return fault.status, b"slow down", {"Content-Type": "text/plain", **fault.headers}
            if path == "/cdx/search/cdx":
                content_type, body = wb.cdx(parse_qs(query))
                return 200, body, {"Content-Type": content_type}
            match = _RAW.match(path)
            if match:
                original = match.group(2) + (f"?{query}" if query else "")
                return wb.replay(match.group(1), original)
            return 404, b"not found", {"Content-Type": "text/plain"}

    return Handler
