"""What a backfill remembers between runs, and what it reports.

:class:`BackfillState` is ``<archive>/backfill_state.json``; :class:`BackfillReport`
holds one :class:`BackfillItem` per distinct content found, with its status:
``new`` (imported), ``held`` (already archived), ``same`` (a page whose roster an
earlier capture had), ``rejected`` (archived, not a readable list), ``failed`` (not
fetched), ``empty`` (a page with no roster and no links), ``skipped`` (another ICE
file), ``planned`` (a dry run's).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from g287.acquire.wayback import Capture, sha1_digest
from g287.atomic import write_atomically
from g287.store.archive import Archive, format_utc

if TYPE_CHECKING:
    from g287.app.importer import ImportResult

__all__ = ["BackfillItem", "BackfillReport", "BackfillState", "ItemStatus", "TargetKind"]

STATE_NAME = "backfill_state.json"
TargetKind = Literal["page", "workbook"]
ItemStatus = Literal["new", "held", "same", "rejected", "failed", "empty", "skipped", "planned"]


# --- what a run remembers ----------------------------------------------------------


class BackfillState:
    """``<archive>/backfill_state.json``: CDX digest -> sha256 of bytes held, and the
    SHA-1 of every archived object (so bytes archived by ``import`` or ``update``
    are recognised without downloading them again)."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        data = data or {}
        self.digests: dict[str, str] = dict(data.get("digests", {}))
        self.sha1: dict[str, str] = dict(data.get("sha1", {}))  # sha256 -> sha1 (base 32)
        self.names: dict[str, str] = dict(data.get("names", {}))  # address -> file name
        self.rosters: dict[str, str] = dict(data.get("rosters", {}))  # roster -> timestamp
        self.skipped: dict[str, str] = dict(data.get("skipped", {}))  # digest -> file name

    @classmethod
    def load(cls, path: Path) -> BackfillState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        return cls(path, data if isinstance(data, dict) else None)

    def save(self) -> None:
        body = json.dumps(
            {
                "digests": self.digests,
                "sha1": self.sha1,
                "names": self.names,
                "rosters": self.rosters,
                "skipped": self.skipped,
            },
            sort_keys=True,
        )
        write_atomically(self.path, body.encode("utf-8"), prefix=".tmp-backfill-")

    def index(self, archive: Archive) -> dict[str, str]:
        """CDX digest -> sha256 for everything the archive holds."""
        for s in archive.sightings():
            if s.sha256 not in self.sha1 and archive.has(s.sha256):
                self.sha1[s.sha256] = sha1_digest(archive.read(s.sha256))
        out = {digest: sha for sha, digest in self.sha1.items()}
        out.update({d: sha for d, sha in self.digests.items() if archive.has(sha)})
        return out


# --- the report -------------------------------------------------------------------------


@dataclass
class BackfillItem:
    """One distinct content (a CDX digest) and what became of it."""

    kind: TargetKind
    capture: Capture  # its earliest capture
    addresses: int  # how many addresses it was captured at
    status: ItemStatus
    source: str
    name: str | None = None
    sha256: str | None = None
    reason: str | None = None
    results: list[ImportResult] = field(default_factory=list)

    @property
    def publication_id(self) -> str | None:
        return next((r.publication_id for r in self.results if r.publication_id), None)

    def line(self) -> str:
        when = format_utc(self.capture.captured_at)
        what = self.name or self.capture.original
        detail = self.reason or ""
        if self.status in ("new", "held") and self.publication_id:
            rows = next((r.rows for r in self.results if r.rows is not None), None)
            detail = f"{self.publication_id}, {rows} rows"
        return f"{when} {self.kind} {what}: {self.status}" + (f" ({detail})" if detail else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "captured_at": format_utc(self.capture.captured_at),
            "original": self.capture.original,
            "digest": self.capture.digest,
            "addresses": self.addresses,
            "status": self.status,
            "source": self.source,
            "name": self.name,
            "sha256": self.sha256,
            "publication_id": self.publication_id,
            "reason": self.reason,
        }


@dataclass
class BackfillReport:
    wayback: str
    dry_run: bool = False
    captures: Counter[str] = field(default_factory=Counter)  # kind -> captures found
    items: list[BackfillItem] = field(default_factory=list)
    failed_queries: list[str] = field(default_factory=list)
    downloads: int = 0
    requests: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed_queries

    def count(self, status: str, kind: str | None = None) -> int:
        return sum(1 for i in self.items if i.status == status and (kind is None or i.kind == kind))

    def by_year(self) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for item in self.items:
            out[item.capture.timestamp[:4]][item.kind] += 1
        return {year: dict(out[year]) for year in sorted(out)}

    def summary(self) -> list[str]:
        found = sum(self.captures.values())
        lines = [
            f"{found} capture(s) found ({self.captures['page']} of the page,"
            f" {self.captures['workbook']} of workbooks), {len(self.items)} distinct content(s)"
        ]
        if self.dry_run:
            lines.append(f"would fetch {self.count('planned')}; already held {self.count('held')}")
            for year, kinds in self.by_year().items():
                parts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
                lines.append(f"  {year}: {parts}")
            return lines
        lines.append(
            f"imported {self.count('new')} new, already held {self.count('held')},"
            f" rejected {self.count('rejected')}, failed {self.count('failed')};"
            f" {self.downloads} download(s), {self.requests} request(s)"
        )
        others = [
            f"{self.count(status)} {what}"
            for status, what in (
                ("same", "page(s) with an unchanged roster"),
                ("empty", "page(s) without roster or links"),
                ("skipped", "other file(s) skipped"),
            )
            if self.count(status)
        ]
        if others:
            lines.append("also " + ", ".join(others))
        for item in self.items:
            if item.status in ("rejected", "failed"):
                lines.append(f"  {item.status}: {item.source}: {item.reason}")
        for query in self.failed_queries:
            lines.append(f"  CDX query failed: {query}")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "wayback": self.wayback,
            "dry_run": self.dry_run,
            "captures": dict(self.captures),
            "distinct": len(self.items),
            "counts": {
                s: self.count(s)
                for s in (
                    "new",
                    "held",
                    "same",
                    "rejected",
                    "failed",
                    "empty",
                    "skipped",
                    "planned",
                )
            },
            "by_year": self.by_year(),
            "downloads": self.downloads,
            "requests": self.requests,
            "failed_queries": self.failed_queries,
            "items": [i.as_dict() for i in self.items],
        }
