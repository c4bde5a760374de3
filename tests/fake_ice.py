"""A fake ice.gov on 127.0.0.1: the 287(g) page, its workbooks, and injected faults.

    with FakeIce() as ice:
        ice.publish(participating=("participatingAgencies05162025am.xlsx", data), layout="2025")
        update(importer, base_url=ice.page_url)
        ice.fail(ice.path_of("participating"), Fault("status", status=503), Fault("delay", 5))
        ice.count(status=304)

Each resource answers with an ETag (a hash of its bytes) and a Last-Modified
(a clock that advances one minute per ``put``), and honours If-None-Match and
If-Modified-Since with 304. Faults are queued per path and consumed one per
request (``fail``), or kept until cleared (``fail_always``):

- ``delay``: wait ``seconds`` before answering (a slow server, or a timeout);
- ``status``: answer ``status`` with ``headers`` (500, 503, 429 + Retry-After);
- ``truncate``: promise the whole body (Content-Length) but send half, then close;
- ``stall``: send the headers and the first KB, wait ``seconds``, then the rest;
- ``body``: answer 200 with other bytes (an HTML challenge page instead of a workbook).

Every request is logged (method, path, status, request headers) for counting.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_PATH = "/identify-and-arrest/287g"
DOCLIB = "/doclib/about/offices/ero/287g/"
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    b"<body><p>Checking your browser before accessing www.ice.gov.</p></body></html>"
)


@dataclass
class Resource:
    body: bytes
    content_type: str = XLSX
    filename: str | None = None  # sent as Content-Disposition: attachment
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Fault:
    kind: str  # delay | status | truncate | stall | body
    seconds: float = 0.0
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = CHALLENGE


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    status: int
    headers: dict[str, str]


class FakeIce:
    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.queued: dict[str, list[Fault]] = {}
        self.always: dict[str, Fault] = {}
        self.hits: list[Hit] = []
        self.links: dict[str, str] = {}  # kind -> path, as the page links them
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._clock = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
        self._next_id = 43210
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakeIce:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeIce:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def page_url(self) -> str:
        return self.base_url + PAGE_PATH

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- what is served ---------------------------------------------------------

    def put(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = XLSX,
        filename: str | None = None,
        validators: bool = True,
    ) -> str:
        """Serve ``body`` at ``path`` (replacing what was there); return its URL."""
        with self._lock:
            self._clock += timedelta(minutes=1)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"' if validators else None
            modified = email.utils.format_datetime(self._clock, usegmt=True) if validators else None
            self.resources[path] = Resource(body, content_type, filename, etag, modified)
        return self.url(path)

    def remove(self, path: str) -> None:
        with self._lock:
            self.resources.pop(path, None)

    def set_page(self, links: list[tuple[str, str]], *, extra: str = "") -> None:
        """Serve a 287(g) page linking ``links`` ((text, href) pairs), plus ``extra`` HTML."""
        items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links)
        html = (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Delegation of Immigration Authority Section 287(g) | ICE</title></head><body>"
            "<nav><a href='/identify-and-arrest'>Identify and Arrest</a></nav><main>"
            "<h1>Delegation of Immigration Authority Section 287(g)</h1>"
            f"<ul>{items}</ul>{extra}</main></body></html>"
        )
        self.put(PAGE_PATH, html.encode(), content_type="text/html; charset=utf-8")

    def publish(
        self,
        participating: tuple[str, bytes] | None = None,
        pending: tuple[str, bytes] | None = None,
        *,
        layout: str = "2025",
        move: bool = False,
    ) -> dict[str, str]:
        """Publish new workbooks, as ICE does, and relink the page; return kind -> URL.

        A kind given as None keeps what the page linked before. ``layout="2025"``
        serves ``/doclib/.../<file name>`` (relative hrefs, name in the URL);
        ``"2026"`` serves ``/file-download/download/public/<id>`` with the name in
        Content-Disposition (the id stays unless ``move``).
        """
        for kind, given in (("participating", participating), ("pending", pending)):
            if given is None:
                continue
            name, data = given
            if layout == "2025":
                path = DOCLIB + name
                self.put(path, data)
            else:
                path = self.links.get(kind, "") if not move else ""
                if not path.startswith("/file-download/"):
                    path = f"/file-download/download/public/{self._next_id}"
                    self._next_id += 1
                self.put(path, data, filename=name)
            self.links[kind] = path
        texts = {
            "participating": "View Participating Agencies (Excel)",
            "pending": "View Pending Agencies (Excel)",
        }
        if layout == "2026":
            texts = {k: f"287(g) {k.title()} Agencies" for k in texts}
        self.set_page(
            [(texts[k], self.links[k]) for k in ("participating", "pending") if k in self.links]
        )
        return {k: self.url(p) for k, p in self.links.items()}

    def path_of(self, kind: str) -> str:
        return self.links[kind]

    # -- faults ---------------------------------------------------------------------

    def fail(self, path: str, *faults: Fault) -> None:
        """Queue faults on ``path``: the next requests get them, one each."""
        with self._lock:
            self.queued.setdefault(path, []).extend(faults)

    def fail_always(self, path: str, fault: Fault) -> None:
        with self._lock:
            self.always[path] = fault

    def clear_faults(self) -> None:
        with self._lock:
            self.queued.clear()
            self.always.clear()

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self.queued.get(path)
            if queue:
                return queue.pop(0)
            return self.always.get(path)

    # -- counting ----------------------------------------------------------------------

    def count(self, path: str | None = None, *, status: int | None = None) -> int:
        return len(self.requests(path, status=status))

    def requests(self, path: str | None = None, *, status: int | None = None) -> list[Hit]:
        with self._lock:
            return [
                h
                for h in self.hits
                if (path is None or h.path == path) and (status is None or h.status == status)
            ]

    def reset_hits(self) -> None:
        with self._lock:
            self.hits.clear()

    def _log(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def wait(self, seconds: float) -> bool:
        """Sleep, waking early when the server stops; True if it is stopping."""
        return self._stopping.wait(seconds)


def _not_modified(resource: Resource, headers: Any) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return resource.etag is not None and resource.etag in [t.strip() for t in match.split(",")]
    since = headers.get("If-Modified-Since")
    if since and resource.last_modified:
        try:
            return email.utils.parsedate_to_datetime(
                resource.last_modified
            ) <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _handler(ice: FakeIce) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeIce/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

        def do_GET(self) -> None:
            # the client may have given up (a timeout test): nothing to do then
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._serve()

        def _serve(self) -> None:
            path = self.path.split("?", 1)[0]
            fault = ice._take_fault(path)
            status, body, headers = self._response(path, fault)
            ice._log(Hit("GET", path, status, dict(self.headers.items())))
            if fault is not None and fault.kind == "delay" and ice.wait(fault.seconds):
                return
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status == 304:
                self.end_headers()
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status == 200 and fault is not None and fault.kind == "truncate":
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            if status == 200 and fault is not None and fault.kind == "stall":
                self.wfile.write(body[:1024])
                self.wfile.flush()
                if ice.wait(fault.seconds):
                    return
                body = body[1024:]
            self.wfile.write(body)

        def _response(self, path: str, fault: Fault | None) -> tuple[int, bytes, dict[str, str]]:
            if fault is not None and fault.kind == "status":
                error = b"<html><body>error</body></html>"
                return fault.status, error, {"Content-Type": "text/html", **fault.headers}
            if fault is not None and fault.kind == "body":
                return 200, fault.body, {"Content-Type": "text/html; charset=utf-8"}
            with ice._lock:
                resource = ice.resources.get(path)
            if resource is None:
                return (
                    404,
                    b"<html><body>Page not found</body></html>",
                    {"Content-Type": "text/html"},
                )
            validators = {}
            if resource.etag:
                validators["ETag"] = resource.etag
            if resource.last_modified:
                validators["Last-Modified"] = resource.last_modified
            if _not_modified(resource, self.headers):
                return 304, b"", validators
            headers = {"Content-Type": resource.content_type, **validators}
            if resource.filename:
                headers["Content-Disposition"] = f'attachment; filename="{resource.filename}"'
            return 200, resource.body, headers

    return Handler
