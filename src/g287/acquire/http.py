"""The one HTTP GET of g287: a polite client (a User-Agent naming g287, its version and a
contact URL), timeouts, bounded retries with exponential backoff on timeouts, dropped
connections, 429 (honouring Retry-After up to a cap) and 5xx, and a streaming size limit.
The update, the backfill, the Wayback Machine and MOA copies all fetch through it.

Errors::

    FetchError(InputError)     a page or a file could not be fetched (exit 1)
"""

from __future__ import annotations

import contextlib
import email.message
import email.utils
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

import httpx

from g287.config import MAX_FILE_BYTES
from g287.errors import InputError
from g287.version import __version__

CONTACT_URL = "https://github.com/g287/g287"


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(InputError):
    """The page or a workbook could not be fetched; ``source`` is the URL."""

    slug = "fetch"


def user_agent() -> str:
    return f"g287/{__version__} (+{CONTACT_URL}; tracks ICE's published 287(g) lists)"


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
