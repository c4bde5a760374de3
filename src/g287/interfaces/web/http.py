"""One ASGI middleware for what every response needs: security headers, CORS for
read-only use, ETag / Last-Modified with 304 answers, and a response cache.

The data only changes when a list is imported, so GET responses are cached per
*data version* (files held, their newest first-sighting) and served from memory until
it changes; ETags are a hash of the body, so clients and caches revalidate cheaply.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC
from email.utils import format_datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from g287.interfaces.web.security import HEADERS

CACHE_ENTRIES = 4096
CACHE_MAX_BODY = 4 * 1024 * 1024
VERSION_TTL = 1.0  # seconds between data-version checks


class DataVersion:
    """(version string, Last-Modified) of the database, re-read at most once a second."""

    def __init__(self, read: Callable[[], tuple[str, Any]]) -> None:
        self._read = read
        self._at = 0.0
        self._value: tuple[str, str | None] = ("", None)

    def get(self) -> tuple[str, str | None]:
        now = time.monotonic()
        if now - self._at > VERSION_TTL:
            version, modified = self._read()
            if modified is not None:
                if modified.tzinfo is None:  # SQLite returns naive datetimes; they are UTC
                    modified = modified.replace(tzinfo=UTC)
                modified = format_datetime(modified.astimezone(UTC), usegmt=True)
            self._value = (version, modified)
            self._at = now
        return self._value

    def invalidate(self) -> None:
        self._at = 0.0


class HttpLayer:
    def __init__(self, app: ASGIApp, *, version: DataVersion, cors_origins: tuple[str, ...]):
        self.app = app
        self.version = version
        self.cors = cors_origins
        self.cache: OrderedDict[tuple[str, ...], tuple[int, list[tuple[bytes, bytes]], bytes]] = (
            OrderedDict()
        )

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
        version, modified = self.version.get()
        cacheable = method in ("GET", "HEAD") and not scope["path"].startswith("/admin")
        lang = (
            "es"
            if "lang=es" in scope.get("query_string", b"").decode("latin-1")
            or headers.get("accept-language", "").lower().startswith("es")
            else "en"
        )
        key = (scope["path"], scope.get("query_string", b"").decode("latin-1"), lang, version)
        if cacheable and key in self.cache:
            self.cache.move_to_end(key)
            status, raw_headers, body = self.cache[key]
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

        await self.app(scope, receive, capture)
        body = bytes(captured["body"])
        status = captured["status"]
        raw_headers = [(k, v) for k, v in captured["headers"] if k.lower() != b"content-length"]
        if cacheable and status == 200 and len(body) <= CACHE_MAX_BODY:
            self.cache[key] = (status, raw_headers, body)
            if len(self.cache) > CACHE_ENTRIES:
                self.cache.popitem(last=False)
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
        out = list(raw_headers)
        names = {k.lower() for k, _ in out}
        if status == 200 and method in ("GET", "HEAD"):
            etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            out.append((b"etag", etag.encode()))
            if modified:
                out.append((b"last-modified", modified.encode()))
            if b"cache-control" not in names:
                out.append((b"cache-control", b"public, max-age=60, must-revalidate"))
            if _not_modified(request_headers, etag, modified):
                keep = {b"etag", b"last-modified", b"cache-control", b"vary"}
                out = [(k, v) for k, v in out if k.lower() in keep]
                status, body = 304, b""
        for key, value in HEADERS.items():
            if key.lower().encode() not in names:
                out.append((key.lower().encode(), value.encode()))
        if origin is not None and ("*" in self.cors or origin in self.cors):
            out.append(
                (b"access-control-allow-origin", b"*" if "*" in self.cors else origin.encode())
            )
            out.append((b"access-control-expose-headers", b"ETag, Last-Modified"))
        out.append((b"vary", b"Accept-Language, Origin"))
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
