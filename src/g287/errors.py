"""The one exception tree of g287.

Everything g287 raises on purpose derives from :class:`G287Error`; the CLI turns
it into a one-line message and an exit code, the API into one JSON error shape.

    G287Error
    ├── ConfigError            bad settings or environment (exit 3)
    ├── StoreError             the database cannot be opened or migrated (exit 3)
    │   ├── Locked             another writer holds the database's writer lock
    │   ├── UpdateLocked       (g287.acquire.lock) another update runs on this host
    │   ├── StaleHistory       the derived history lags the stored lists (a crash)
    │   └── ArchiveError       the raw archive's object store cannot be read or written
    ├── NotFound               a publication, agreement, agency ... that does not exist (exit 4)
    ├── InvalidQuery           a filter or argument that cannot be answered (exit 2)
    ├── Unauthorized           a write without the admin token (HTTP 401)
    ├── Forbidden              a write with a wrong admin token (HTTP 403)
    └── InputError             a file g287 was given cannot be used (exit 1)
        ├── FetchError         (g287.acquire.http) a page or file could not be fetched
        ├── NotAWorkbook       HTML, PDF, legacy .xls, encrypted or truncated bytes
        ├── UnsafeWorkbook     a zip bomb or an absurdly large member
        ├── EmptyWorkbook      no sheet, or no data rows
        ├── UnrecognizedLayout no sheet carries the expected header names
        └── NotAPdf            (g287.read.moa.text) not a PDF, truncated, damaged, needs a password

Data problems found *inside* ICE's sheets are not exceptions: they become
stored :class:`g287.model.issues.DataIssue` rows.
"""

from __future__ import annotations

from typing import ClassVar


class G287Error(Exception):
    """Base class of every error g287 raises deliberately."""

    exit_code = 1
    slug = "error"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source:
            return f"{self.source}: {self.message}"
        return self.message


class ConfigError(G287Error):
    exit_code = 3
    slug = "config"


class StoreError(G287Error):
    exit_code = 3
    slug = "store"


class Locked(StoreError):
    """Another process holds the writer lock of this database (exit 3)."""

    slug = "locked"


class StaleHistory(StoreError):
    """The derived tables were not built from what is stored now (an interrupted import
    or rebuild): a writer re-derives them, a reader refuses."""

    slug = "stale_history"


class ArchiveError(StoreError):
    """The raw archive (an S3-compatible object store) cannot be reached, refuses a
    request, or returns bytes that do not match their sha256 (exit 3, HTTP 503)."""

    slug = "archive"


class NotFound(G287Error):
    exit_code = 4
    slug = "not_found"


class InvalidQuery(G287Error):
    exit_code = 2
    slug = "invalid_query"


class Unauthorized(G287Error):
    """No credentials: answered 401 with ``WWW-Authenticate: Bearer``."""

    exit_code = 1
    slug = "unauthorized"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="g287"'}


class Forbidden(G287Error):
    """Credentials that are not the admin token: answered 403."""

    exit_code = 1
    slug = "forbidden"


class InputError(G287Error):
    """A file that cannot be imported. It is still archived, as rejected evidence."""

    exit_code = 1
    slug = "input"


class NotAWorkbook(InputError):
    slug = "not_a_workbook"


class UnsafeWorkbook(InputError):
    slug = "unsafe_workbook"


class EmptyWorkbook(InputError):
    slug = "empty_workbook"


class UnrecognizedLayout(InputError):
    slug = "unrecognized_layout"
