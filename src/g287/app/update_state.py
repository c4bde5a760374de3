"""What an update remembers between runs (validators per URL, the page's links, a resolve
pending mark: ``<archive>/fetch_state.json``) and what it reports (per file and per run)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from g287.app.importer import Importer, ImportResult
from g287.atomic import write_atomically
from g287.read.page import WorkbookLink
from g287.store import publications as store
from g287.store.archive import format_utc


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


def _held_status(importer: Importer, sha256: str) -> str | None:
    with importer.db.connect() as conn:
        row = store.get_raw_file(conn, sha256)
    return str(row["status"]) if row is not None else None
