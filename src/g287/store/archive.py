"""The raw archive: every file g287 was given, unchanged, named by its sha256.

One interface, :class:`Archive`, with two homes, chosen by :func:`open_archive`:

- :class:`RawArchive`, a local folder (the default, ``G287_ARCHIVE_DIR``)::

      objects/ab/ab12...ef      the bytes, exactly as received
      sightings.jsonl           one line per (sha256, name, source) sighting (again if earlier)
      ocr/<sha256>.json         OCR read from scanned MOA pages (a cache)
      moa_fetches.jsonl         dead and failed MOA links (replayed by rebuild)

- :class:`g287.store.archive_s3.S3Archive`, S3-compatible object storage
  (``G287_ARCHIVE_URL=s3://bucket/prefix``), the same layout as objects, so every
  host that reads the bucket can rebuild, serve ``/raw`` and export.

Objects are content-addressed, immutable and written once: ``put`` checks the
sha256 and skips bytes already held. The archive, not the database, is the source
of truth: ``g287 rebuild`` replays the sightings in order and re-derives every
table from these bytes. ``root`` is always a local folder: the archive itself for
the local backend, this host's working folder (locks, fetch state, OCR working
copies) for object storage.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from g287.atomic import write_atomically
from g287.errors import ArchiveError, ConfigError


@dataclass(frozen=True)
class Sighting:
    """One time g287 was given a file: which bytes, under what name, from where, when."""

    sha256: str
    name: str
    source: str
    seen_at: str  # ISO 8601, UTC, seconds precision
    size: int
    role: str = "list"  # list | moa | page

    @property
    def seen_datetime(self) -> datetime:
        return parse_utc(self.seen_at)


def parse_utc(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive(abc.ABC):
    """Content-addressed raw files and their sightings, wherever they are kept."""

    root: Path  # a local folder: host state and working copies (see the module docstring)

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the archive lives, for messages (a folder or an ``s3://`` URL)."""

    @abc.abstractmethod
    def has(self, sha256: str) -> bool:
        """Whether the bytes of ``sha256`` are held."""

    @abc.abstractmethod
    def read(self, sha256: str) -> bytes:
        """The bytes of ``sha256``, exactly as received."""

    @abc.abstractmethod
    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store bytes once (skipped when already held); return their sha256."""

    @abc.abstractmethod
    def sightings(self) -> list[Sighting]:
        """Every first sighting, in the order they were recorded."""

    @abc.abstractmethod
    def record(self, sighting: Sighting) -> bool:
        """Add a sighting unless (sha256, name, source) is recorded. True if new."""

    def missing(self, shas: Iterable[str]) -> set[str]:
        """The shas whose bytes are not held (one listing on object storage)."""
        return {sha for sha in set(shas) if not self.has(sha)}

    def read_ahead(self, shas: Sequence[str]) -> Generator[bytes, None, None]:
        """The bytes of each sha in turn (object storage fetches a few ahead, in threads)."""
        return (self.read(sha) for sha in shas)

    # side files: caches and logs kept beside the objects (not content-addressed)

    @abc.abstractmethod
    def append_log(self, name: str, record: dict[str, Any]) -> None:
        """Append a JSON record to the log ``name`` (``<name>.jsonl`` on disk)."""

    @abc.abstractmethod
    def read_log(self, name: str) -> list[dict[str, Any]]:
        """The records of the log ``name``, in the order they were appended."""

    @abc.abstractmethod
    def pull(self, relative: str) -> None:
        """Bring the shared copy of ``root/relative`` here (if there is one)."""

    @abc.abstractmethod
    def push(self, relative: str) -> None:
        """Share ``root/relative`` with every host."""

    @abc.abstractmethod
    def put_side(self, relative: str, data: bytes) -> None:
        """Write the side file ``relative`` (an OCR cache, say) where every host sees it."""


@dataclass
class CopyReport:
    """What :func:`copy_archive` did."""

    objects: int = 0  # files whose bytes were copied
    present: int = 0  # files the target already held
    sightings: int = 0  # sightings added to the target
    log_records: int = 0
    side_files: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


SHARED_LOGS = ("moa_fetches",)


def copy_archive(source: Archive, target: Archive) -> CopyReport:
    """Copy every file, sighting (in order), log and OCR cache of ``source`` into
    ``target`` (a local folder into a bucket, say). Copying again adds only what is
    missing; a log is copied only into a target that has none of its records yet."""
    if source.location == target.location:
        raise ConfigError(f"the target is the archive itself: {target.location}")
    report = CopyReport()
    sightings = source.sightings()
    lacking = target.missing(s.sha256 for s in sightings)
    for s in sightings:
        if s.sha256 in lacking:
            target.put(source.read(s.sha256), s.sha256)
            lacking.discard(s.sha256)
            report.objects += 1
        if target.record(s):
            report.sightings += 1
    report.present = len({s.sha256 for s in sightings}) - report.objects
    for name in SHARED_LOGS:
        if not target.read_log(name):
            for record in source.read_log(name):
                target.append_log(name, record)
                report.log_records += 1
    for path in sorted((source.root / "ocr").glob("*.json")):
        target.put_side(f"ocr/{path.name}", path.read_bytes())
        report.side_files += 1
    return report


def checked_digest(data: bytes, sha256: str | None) -> str:
    """The sha256 of ``data``; :class:`ArchiveError` if it is not the one given."""
    digest = sha256_hex(data)
    if sha256 is not None and sha256 != digest:
        raise ArchiveError(f"bytes given as {sha256[:12]} have sha256 {digest[:12]}")
    return digest


class RawArchive(Archive):
    """The archive in a local folder (the default)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.sightings_path = self.root / "sightings.jsonl"
        self._known: dict[tuple[str, str, str], datetime] = {}
        self._known_size = -1

    def _ensure(self) -> None:
        try:
            self.objects.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the archive folder {self.root}: {exc}") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._ensure()
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def location(self) -> str:
        return str(self.root)

    def path_for(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store bytes (atomically, once); return their sha256."""
        digest = checked_digest(data, sha256)
        target = self.path_for(digest)
        if target.exists():
            return digest
        self._ensure()
        write_atomically(target, data, fsync=True)
        return digest

    def sightings(self) -> list[Sighting]:
        if not self.sightings_path.exists():
            return []
        out = []
        with open(self.sightings_path, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line:
                    try:
                        out.append(Sighting(**json.loads(line)))
                    except (ValueError, TypeError):
                        continue  # a line cut short by a crash; the next import rewrites it
        return out

    def record(self, sighting: Sighting) -> bool:
        """Append a sighting unless (sha256, name, source) is already recorded at that time
        or earlier. True if appended: a repeat with an *earlier* time is appended too, so
        a replay of the archive ends at the earliest time each file was seen."""
        key = (sighting.sha256, sighting.name, sighting.source)
        when = sighting.seen_datetime
        with self._locked():
            size = self.sightings_path.stat().st_size if self.sightings_path.exists() else 0
            if size != self._known_size:
                self._known = {}
                for s in self.sightings():
                    k = (s.sha256, s.name, s.source)
                    seen = s.seen_datetime
                    if k not in self._known or seen < self._known[k]:
                        self._known[k] = seen
            known = self._known.get(key)
            if known is not None and known <= when:
                self._known_size = size
                return False
            line = json.dumps(asdict(sighting), sort_keys=True) + "\n"
            with open(self.sightings_path, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            self._known[key] = when
            self._known_size = self.sightings_path.stat().st_size
            return True

    def append_log(self, name: str, record: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{name}.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def read_log(self, name: str) -> list[dict[str, Any]]:
        path = self.root / f"{name}.jsonl"
        if not path.exists():
            return []
        out = []
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash
                if isinstance(record, dict):
                    out.append(record)
        return out

    def pull(self, relative: str) -> None:
        return None  # root is the archive: nothing is elsewhere

    def push(self, relative: str) -> None:
        return None

    def put_side(self, relative: str, data: bytes) -> None:
        write_atomically(self.root / relative, data)
