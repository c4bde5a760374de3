"""Whether the derived history is what the stored lists give.

Resolution is a pure function of the stored lists, people's verdicts on held lists,
the curated data and the resolver's code. Every resolution stamps a fingerprint of
those inputs in the transaction that writes the derived tables
(:func:`g287.store.history.source_fingerprint`); comparing that stamp with the
fingerprint of what is stored now tells a reader whether a crash (or a newer list
stored but not yet resolved) left the derived tables behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection

from g287.errors import StaleHistory
from g287.resolve.fixes import Curated, default_curated
from g287.resolve.suspect import suspect_loss
from g287.store import history as store
from g287.version import __version__

RESOLVER_VERSION = "1"  # bump when a change to the resolver changes what it derives
DATA = Path(__file__).resolve().parent.parent / "data"
CURATED_FOLDERS = ("resolve", "jurisdiction", "geo")  # what resolution and placing read

Derivation = Literal["current", "stale", "missing"]

STALE_MESSAGE = (
    "the derived history does not match the stored lists (an import or rebuild was "
    "interrupted, or g287 was upgraded): re-run `g287 import` on the same files, "
    "or run `g287 rebuild --yes`"
)


@lru_cache(maxsize=1)
def _curated_files_hash() -> str:
    digest = hashlib.sha256()
    for folder in CURATED_FOLDERS:
        for path in sorted((DATA / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(DATA)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def derivation_version(curated: Curated | None = None) -> str:
    """The code, settings and curated data a resolution depends on, as one string."""
    chosen = curated if curated is not None else default_curated()
    curated_hash = hashlib.sha256(repr(chosen).encode()).hexdigest()
    return (
        f"g287 {__version__} resolver {RESOLVER_VERSION} suspect {suspect_loss()!r} "
        f"curated {curated_hash[:16]} data {_curated_files_hash()[:16]}"
    )


def fingerprint(conn: Connection, curated: Curated | None = None) -> str:
    """The stamp a resolution of what ``conn`` holds now would write."""
    return store.source_fingerprint(conn, derivation_version(curated))


def derivation(conn: Connection, curated: Curated | None = None) -> Derivation:
    """``current`` when the derived tables were built from exactly what is stored now."""
    stamp = store.derived_from(conn)
    if stamp is None:
        return "current" if not store.has_publications(conn) else "missing"
    return "current" if stamp == fingerprint(conn, curated) else "stale"


def require_current(conn: Connection, *, writing: Callable[[], bool] | None = None) -> None:
    """Refuse (:class:`StaleHistory`, one line naming the repair) to read a stale history,
    unless ``writing()`` says a writer is at work right now: then the history is the last
    one committed, and the writer's resolve will replace it (an import in progress)."""
    if derivation(conn) != "current" and not (writing is not None and writing()):
        raise StaleHistory(STALE_MESSAGE)
