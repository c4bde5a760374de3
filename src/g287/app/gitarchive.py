"""Backfill from a git archive: every version of every ICE workbook in a local clone.

Community archives commit ICE's files as they appear, often overwriting one path
(``participatingAgencies.xlsx``) in place, so one path has many versions. One
``git log --all --raw`` lists every commit that added or changed a workbook, with
the blob id of each version; each distinct blob is read once (``git cat-file``)
and imported with the time of the earliest commit that holds it at each path.

Dating: the commit time, an upper bound on when ICE published the bytes, or,
when the repository carries a ``manifest.csv`` (columns as :mod:`g287.acquire.sources`
reads them: ``sha256`` and a first-seen column such as ``first_seen_utc``), the
manifest's time for those bytes when it is earlier. Each version is recorded as a
sighting whose source is ``git:<repository>@<commit>:<path>`` (the repository is
its ``origin`` URL, else its folder), so every publication cites where it came from.
"""

from __future__ import annotations

import csv
import io
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from g287.acquire.sources import SEEN_COLUMNS, WORKBOOK_SUFFIXES
from g287.app.importer import Importer, ImportResult
from g287.errors import InputError
from g287.store.archive import format_utc, parse_utc, sha256_hex
from g287.store.locks import writer_lock

__all__ = ["GitItem", "GitReport", "GitVersion", "backfill_git", "git_versions"]

GitStatus = Literal["new", "held", "rejected", "failed", "planned"]


@dataclass(frozen=True)
class GitVersion:
    """One workbook version: a blob at a path, as of a commit."""

    commit: str
    committed_at: datetime
    path: str
    blob: str


@dataclass
class GitItem:
    """One distinct content (a blob) and what became of it."""

    version: GitVersion  # its earliest version
    paths: int
    status: GitStatus
    source: str
    seen_at: datetime
    sha256: str | None = None
    reason: str | None = None
    results: list[ImportResult] = field(default_factory=list)

    def line(self) -> str:
        detail = self.reason or ""
        pid = next((r.publication_id for r in self.results if r.publication_id), None)
        if pid:
            rows = next((r.rows for r in self.results if r.rows is not None), None)
            detail = f"{pid}, {rows} rows"
        head = f"{format_utc(self.seen_at)} {self.version.path} @{self.version.commit[:10]}"
        return f"{head}: {self.status}" + (f" ({detail})" if detail else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.version.commit,
            "path": self.version.path,
            "blob": self.version.blob,
            "committed_at": format_utc(self.version.committed_at),
            "seen_at": format_utc(self.seen_at),
            "paths": self.paths,
            "status": self.status,
            "source": self.source,
            "sha256": self.sha256,
            "reason": self.reason,
        }


@dataclass
class GitReport:
    repository: str
    dry_run: bool = False
    versions: int = 0
    items: list[GitItem] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    def summary(self) -> list[str]:
        lines = [
            f"{self.versions} workbook version(s) in {self.repository},"
            f" {len(self.items)} distinct content(s)"
        ]
        if self.dry_run:
            years = Counter(format_utc(i.seen_at)[:4] for i in self.items)
            lines.append(f"would import {self.count('planned')}; already held {self.count('held')}")
            lines.extend(f"  {year}: {n} workbook" for year, n in sorted(years.items()))
            return lines
        lines.append(
            f"imported {self.count('new')} new, already held {self.count('held')},"
            f" rejected {self.count('rejected')}, failed {self.count('failed')}"
        )
        lines.extend(
            f"  {i.status}: {i.source}: {i.reason}"
            for i in self.items
            if i.status in ("rejected", "failed")
        )
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "dry_run": self.dry_run,
            "versions": self.versions,
            "distinct": len(self.items),
            "counts": {s: self.count(s) for s in ("new", "held", "rejected", "failed", "planned")},
            "items": [i.as_dict() for i in self.items],
        }


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run git: {exc}", source=str(repo)) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            f"git {args[0]} failed: {message[-1] if message else done.returncode}",
            source=str(repo),
        )
    return done.stdout


def repository_name(repo: Path) -> str:
    """The repository's ``origin`` URL, else its folder."""
    try:
        origin = _git(repo, "config", "--get", "remote.origin.url").decode().strip()
    except InputError:
        origin = ""
    return origin or str(repo.resolve())


def _is_workbook(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in WORKBOOK_SUFFIXES


def git_versions(repo: Path) -> list[GitVersion]:
    """Every added or changed workbook in every commit of every branch, oldest first."""
    _git(repo, "rev-parse", "--git-dir")
    out = _git(
        repo,
        "log",
        "--all",
        "--reverse",
        "--date-order",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--diff-filter=AMT",
        "-z",
        "--format=%x01%H %ct",
    )
    versions: list[GitVersion] = []
    for chunk in out.split(b"\x01")[1:]:
        head, _, rest = chunk.partition(b"\x00")
        commit, stamp = head.decode().split()
        when = datetime.fromtimestamp(int(stamp), tz=UTC)
        fields = [f for f in rest.split(b"\x00") if f.strip()]
        # -z --raw: ":<modes> <old> <new> <status>" then the path, as separate fields
        for meta, path_bytes in zip(fields[::2], fields[1::2], strict=False):
            parts = meta.decode().lstrip("\n").split()
            path = path_bytes.decode("utf-8", "replace")
            if len(parts) >= 5 and _is_workbook(path):
                versions.append(GitVersion(commit, when, path, parts[3]))
    return versions


def _manifest_times(repo: Path) -> dict[str, datetime]:
    """sha256 -> first seen, from every ``manifest.csv`` the newest commit holds."""
    try:
        listing = _git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD").split(b"\x00")
    except InputError:
        return {}
    times: dict[str, datetime] = {}
    for raw in listing:
        path = raw.decode("utf-8", "replace")
        if PurePosixPath(path).name.lower() != "manifest.csv":
            continue
        text = _git(repo, "cat-file", "blob", f"HEAD:{path}").decode("utf-8-sig", "replace")
        for rec in csv.DictReader(io.StringIO(text)):
            sha = (rec.get("sha256") or "").strip().lower()
            seen = next((rec[c] for c in SEEN_COLUMNS if rec.get(c)), None)
            if not sha or not seen:
                continue
            try:
                when = parse_utc(seen)
            except ValueError:
                continue
            if sha not in times or when < times[sha]:
                times[sha] = when
    return times


def backfill_git(
    importer: Importer,
    repo: Path,
    *,
    dry_run: bool = False,
    on_item: Callable[[GitItem, int, int, float | None], None] | None = None,
) -> GitReport:
    """Import every version of every workbook in the git repository at ``repo``."""
    repo = Path(repo)
    if not repo.is_dir():
        raise InputError("no such folder", source=str(repo))
    name = repository_name(repo)
    report = GitReport(name, dry_run=dry_run)
    versions = git_versions(repo)
    report.versions = len(versions)
    manifest = _manifest_times(repo)
    by_blob: dict[str, list[GitVersion]] = {}
    for v in versions:
        by_blob.setdefault(v.blob, []).append(v)
    started = time.monotonic()
    with writer_lock(importer.db, "backfill"):
        for done, group in enumerate(by_blob.values(), start=1):
            item = _import_blob(importer, repo, name, group, manifest, dry_run)
            report.items.append(item)
            if on_item is not None:
                elapsed = time.monotonic() - started
                on_item(item, done, len(by_blob), elapsed / done * (len(by_blob) - done))
        if not dry_run and any(
            r.outcome in ("accepted", "duplicate") for i in report.items for r in i.results
        ):
            importer.resolve()
    return report


def _import_blob(
    importer: Importer,
    repo: Path,
    name: str,
    group: list[GitVersion],
    manifest: dict[str, datetime],
    dry_run: bool,
) -> GitItem:
    first = group[0]
    earliest: dict[str, GitVersion] = {}
    for v in group:
        earliest.setdefault(v.path, v)
    source = f"git:{name}@{first.commit}:{first.path}"
    try:
        data = _git(repo, "cat-file", "blob", first.blob)
    except InputError as exc:  # a partial clone, a pruned object: the others go on
        return GitItem(first, 1, "failed", source, first.committed_at, reason=exc.message)
    sha = sha256_hex(data)
    listed = manifest.get(sha)
    held = importer.archive.has(sha)

    def seen(v: GitVersion) -> datetime:
        return min(v.committed_at, listed) if listed else v.committed_at

    if dry_run:
        return GitItem(
            first, len(earliest), "held" if held else "planned", source, seen(first), sha
        )
    results = [
        importer.import_bytes(
            data,
            name=PurePosixPath(v.path).name,
            source=f"git:{name}@{v.commit}:{v.path}",
            seen_at=seen(v),
        )
        for v in earliest.values()
    ]
    status: GitStatus = "held" if held else "new"
    reason = None
    if results[0].outcome == "rejected":
        status, reason = "rejected", results[0].reason
    return GitItem(first, len(earliest), status, source, seen(first), sha, reason, results)
