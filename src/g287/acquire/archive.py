"""The raw archive: every file g287 was given, unchanged, named by its sha256.

Layout under the archive folder::

    objects/ab/ab12...ef      the bytes, exactly as received
    sightings.jsonl           one line per (sha256, name, source) sighting (again if earlier)

The archive, not the database, is the source of truth: ``g287 rebuild`` replays
the sightings in order and re-derives every table from these bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from g287.errors import ConfigError


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


class RawArchive:
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

    def path_for(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store bytes (atomically, once); return their sha256."""
        digest = sha256 or sha256_hex(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        self._ensure()
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
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
