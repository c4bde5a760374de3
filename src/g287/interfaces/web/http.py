"""One ASGI middleware for what every response needs: security headers, CORS for
read-only use, ETag / Last-Modified with 304 answers, and a response cache.

The data only changes when a list is imported or the history re-derived, so GET
responses are cached per *data version*: the files held and the token that the
derived-state transaction writes (so a worker on any host sees a new resolve within
``VERSION_TTL``). The cache is keyed on the path, the query parameters the route
declares (others cannot change the answer and are left out of the key) and the language;
it holds at most ``G287_CACHE_BYTES`` bytes (default 32 MiB) in least-recently-used
order, and never a body over ``CACHE_MAX_BODY`` nor one the app marked
``Cache-Control: no-store``. ETags are a hash of the body, so
clients and caches revalidate cheaply.

Compression comes last, after the cache: the cache holds the plain body, and a client
that sends ``Accept-Encoding: gzip`` gets it gzipped (text, JSON, XML, SVG, JavaScript
and CSS over ``GZIP_MIN_BODY`` bytes), compressed once per body and kept in a smaller
cache of its own. The gzipped answer is another representation, so it has its own ETag
(the plain one with ``-gzip`` inside the quotes) and every answer says ``Vary:
Accept-Encoding``; a 304 is decided on the ETag of the representation the client would
get.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from g287.errors import G287Error
from g287.interfaces.web.i18n import choose
from g287.interfaces.web.security import HEADERS

CACHE_BYTES = 32 * 1024 * 1024
CACHE_MAX_BODY = 1024 * 1024
VERSION_TTL = 1.0  # seconds between data-version checks
UNCACHED = ("/admin", "/healthz", "/readyz")  # always answered afresh
PATHS_KNOWN = 20_000  # paths whose declared parameters are remembered
ENTRY_OVERHEAD = 512  # bytes a cached entry costs besides its body and headers
GZIP_MIN_BODY = 1024  # smaller bodies are sent as they are
GZIP_LEVEL = 6
GZIP_IN_THREAD = 256 * 1024  # larger bodies are compressed off the event loop
GZIP_TYPES = (b"text/", b"application/json", b"application/geo+json", b"application/feed+json")
GZIP_SUFFIXES = (b"xml", b"javascript", b"+json", b"svg+xml")
VARY = b"Accept-Encoding, Accept-Language, Origin"

Entry = tuple[int, list[tuple[bytes, bytes]], bytes]


def cache_budget() -> int:
    """The response cache's byte budget per worker (``G287_CACHE_BYTES``)."""
    raw = os.environ.get("G287_CACHE_BYTES", "")
    try:
        return max(0, int(raw)) if raw else CACHE_BYTES
    except ValueError:
        return CACHE_BYTES


class ResponseCache:
    """Least-recently-used answers within a byte budget."""

    def __init__(self, budget: int, max_body: int = CACHE_MAX_BODY) -> None:
        self.budget = budget
        self.max_body = max_body
        self.bytes = 0
        self._entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _size(entry: Entry) -> int:
        return len(entry[2]) + sum(len(k) + len(v) for k, v in entry[1]) + ENTRY_OVERHEAD

    def get(self, key: tuple[str, ...]) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[str, ...], entry: Entry) -> None:
        if len(entry[2]) > self.max_body or self._size(entry) > self.budget:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= self._size(old)
        self._entries[key] = entry
        self.bytes += self._size(entry)
        while self.bytes > self.budget:
            _key, dropped = self._entries.popitem(last=False)
            self.bytes -= self._size(dropped)

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip`` or ``*``, q > 0)."""
    allowed: dict[str, bool] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name.strip().lower()] = q > 0
    return allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", False)))


def compressible(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a response is text-like and not already encoded."""
    kind = b""
    for key, value in headers:
        name = key.lower()
        if name == b"content-encoding":
            return False
        if name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
    return kind.startswith(GZIP_TYPES) or kind.endswith(GZIP_SUFFIXES)


def gzipped(body: bytes) -> bytes:
    """``body`` gzipped, with no file name or time in the header (the same bytes every time)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def declared_params(route: Any) -> frozenset[str] | None:
    """The query parameters a FastAPI route declares (None for other routes)."""
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    found = getattr(route, "_g287_params", None)
    if found is None:
        names: set[str] = set()
        todo = [dependant]
        while todo:
            node = todo.pop()
            names.update(p.alias for p in node.query_params)
            todo.extend(node.dependencies)
        found = frozenset(names)
        route._g287_params = found
    return found


def cache_query(query_string: str, declared: frozenset[str] | None) -> str:
    """The query string as the cache sees it: declared parameters only, in a fixed order."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if declared is not None:
        pairs = [(k, v) for k, v in pairs if k in declared or k == "lang"]
    return urlencode(sorted(pairs))


class DataVersion:
    """(version string, Last-Modified) of the database, re-read at most once a second.

    :meth:`aget` is what the event loop calls: the read runs in a worker thread (a
    database that is slow to answer, or busy with an import, must not stall every
    connection of the worker), one read at a time; callers that arrive while it runs
    wait for that read rather than start another.
    """

    def __init__(self, read: Callable[[], tuple[str, Any]]) -> None:
        self._read = read
        self._at = 0.0
        self._value: tuple[str, str | None] = ("", None)
        self._lock: anyio.Lock | None = None

    def _stale(self) -> bool:
        return time.monotonic() - self._at > VERSION_TTL

    def _refresh(self) -> tuple[str, str | None]:
        started = time.monotonic()
        version, modified = self._read()
        if modified is not None:
            if modified.tzinfo is None:  # SQLite returns naive datetimes; they are UTC
                modified = modified.replace(tzinfo=UTC)
            modified = format_datetime(modified.astimezone(UTC), usegmt=True)
        self._value = (version, modified)
        self._at = started
        return self._value

    def get(self) -> tuple[str, str | None]:
        """The version, read in the calling thread when stale (for sync code)."""
        return self._refresh() if self._stale() else self._value

    async def aget(self) -> tuple[str, str | None]:
        """The version, read in a worker thread when stale (for the event loop)."""
        if not self._stale():
            return self._value
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            if self._stale():  # not refreshed by the caller we waited for
                await anyio.to_thread.run_sync(self._refresh)
        return self._value

    def invalidate(self) -> None:
        self._at = 0.0


class HttpLayer:
    def __init__(self, app: ASGIApp, *, version: DataVersion, cors_origins: tuple[str, ...]):
        self.app = app
        self.version = version
        self.cors = cors_origins
        self.cache = ResponseCache(cache_budget())
        # plain ETag -> the gzipped body (the same body always compresses the same)
        self.gzip_cache = ResponseCache(cache_budget() // 4)
        # path -> the query parameters its route declares, learned from the router's answer
        self._params: OrderedDict[str, frozenset[str] | None] = OrderedDict()

    def _learn(self, path: str, declared: frozenset[str] | None) -> None:
        self._params[path] = declared
        self._params.move_to_end(path)
        if len(self._params) > PATHS_KNOWN:
            self._params.popitem(last=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        # latin-1 reads any bytes (HTTP headers are not promised to be UTF-8 or ASCII)
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        origin = headers.get("origin")
        if method == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(send, origin)
            return
        cacheable = method in ("GET", "HEAD") and not scope["path"].startswith(UNCACHED)
        try:
            version, modified = await self.version.aget()
        except G287Error:  # the database is unreachable: the app answers 503 in its own shape
            version, modified, cacheable = "", None, False
        query = scope.get("query_string", b"").decode("latin-1")
        lang = choose(query, headers.get("accept-language", ""))
        path = scope["path"]
        hit = None
        if cacheable and path in self._params:
            key = (path, cache_query(query, self._params[path]), lang, version)
            hit = self.cache.get(key)
        if hit is not None:
            status, raw_headers, body = hit
            await self._answer(send, headers, status, raw_headers, body, modified, origin, method)
            return
        captured: dict[str, Any] = {
            "status": 200,
            "headers": [],
            "body": bytearray(),
            "streamed": False,
        }

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")

        # HEAD is answered as the GET it stands for, without the body: every page and
        # API route answers it (they declare GET only), with the GET's length and ETag
        app_scope = {**scope, "method": "GET"} if method == "HEAD" else scope
        await self.app(app_scope, receive, capture)
        body = bytes(captured["body"])
        status = captured["status"]
        raw_headers = [(k, v) for k, v in captured["headers"] if k.lower() != b"content-length"]
        no_store = any(
            k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in raw_headers
        )
        if cacheable and status == 200 and not no_store:
            declared = declared_params(scope.get("route"))
            self._learn(path, declared)
            self.cache.put(
                (path, cache_query(query, declared), lang, version), (status, raw_headers, body)
            )
        await self._answer(send, headers, status, raw_headers, body, modified, origin, method)

    async def _answer(
        self,
        send: Send,
        request_headers: dict[str, str],
        status: int,
        raw_headers: list[tuple[bytes, bytes]],
        body: bytes,
        modified: str | None,
        origin: str | None,
        method: str,
    ) -> None:
        names = {k.lower() for k, _ in raw_headers}
        # the layer's ETag replaces any the app set (StaticFiles sets its own)
        out = [(k, v) for k, v in raw_headers if k.lower() not in (b"etag", b"vary")]
        plain_tag = hashlib.blake2b(body, digest_size=12).hexdigest()
        if (
            (status == 200 or status >= 400)
            and len(body) >= GZIP_MIN_BODY
            and accepts_gzip(request_headers.get("accept-encoding", ""))
            and compressible(out)
        ):
            held = self.gzip_cache.get((plain_tag,))
            if held is None:
                small = len(body) < GZIP_IN_THREAD
                packed = gzipped(body) if small else await anyio.to_thread.run_sync(gzipped, body)
                held = (200, [], packed)
                self.gzip_cache.put((plain_tag,), held)
            body = held[2]
            plain_tag += "-gzip"
            out.append((b"content-encoding", b"gzip"))
        if status == 200 and method in ("GET", "HEAD"):
            etag = f'"{plain_tag}"'
            out.append((b"etag", etag.encode()))
            if b"last-modified" in names:  # a static file's own date
                modified = next(v for k, v in out if k.lower() == b"last-modified").decode()
            elif modified:
                out.append((b"last-modified", modified.encode()))
            if b"cache-control" not in names:
                out.append((b"cache-control", b"public, max-age=60, must-revalidate"))
            if _not_modified(request_headers, etag, modified):
                keep = {b"etag", b"last-modified", b"cache-control"}
                out = [(k, v) for k, v in out if k.lower() in keep]
                status, body = 304, b""
        frameable = any(
            k.lower() == b"content-security-policy" and b"frame-ancestors *" in v for k, v in out
        )  # an embeddable widget (security.EMBED_CSP): no X-Frame-Options
        for key, value in HEADERS.items():
            if key == "X-Frame-Options" and frameable:
                continue
            if key.lower().encode() not in names:
                out.append((key.lower().encode(), value.encode()))
        if origin is not None and ("*" in self.cors or origin in self.cors):
            out.append(
                (b"access-control-allow-origin", b"*" if "*" in self.cors else origin.encode())
            )
            out.append((b"access-control-expose-headers", b"ETag, Last-Modified"))
        out.append((b"vary", VARY))
        out.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})

    async def _preflight(self, send: Send, origin: str | None) -> None:
        allowed = origin is not None and ("*" in self.cors or origin in self.cors)
        headers = [(b"content-length", b"0"), (b"vary", b"Origin")]
        if allowed:
            headers += [
                (
                    b"access-control-allow-origin",
                    b"*" if "*" in self.cors else (origin or "").encode(),
                ),
                (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
                (b"access-control-allow-headers", b"If-None-Match, If-Modified-Since"),
                (b"access-control-max-age", b"86400"),
            ]
        await send(
            {"type": "http.response.start", "status": 204 if allowed else 403, "headers": headers}
        )
        await send({"type": "http.response.body", "body": b""})


def _not_modified(headers: dict[str, str], etag: str, modified: str | None) -> bool:
    match = headers.get("if-none-match")
    if match is not None:
        return any(tag.strip().removeprefix("W/") == etag for tag in match.split(","))
    since = headers.get("if-modified-since")
    return bool(modified and since and since == modified)


Handler = Callable[[Scope, Receive, Send], Awaitable[None]]
