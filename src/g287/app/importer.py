"""Import: archive the bytes, read the list, store it, in one transaction per file.

``Importer.import_bytes`` is the single path every file takes, from disk, from
a manifest, from the fetcher, or when ``rebuild`` replays the archive. The raw
bytes and their sighting are written to the archive *before* anything else, so
a file that fails (or a crash) loses nothing; the database changes only in one
transaction, so it never holds half a publication.

The derived history (agencies, agreements, events ...) is resolved in one more
transaction, stamped with a fingerprint of what it was built from; a crash between the
two leaves a stale stamp, which the next import (or any writer) repairs and readers
refuse (:mod:`g287.resolve.derivation`). Reading a file is :mod:`g287.app.parsing`; where a
list stands among the others, :mod:`g287.app.list_order`; making the database again from
the archive, :mod:`g287.app.rebuild`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import Connection, select

from g287.acquire.sources import FileToImport, discover
from g287.app.derive import rebuild_history
from g287.app.list_order import index_runs, redate
from g287.app.parsing import parse_list, parse_roster_sighting
from g287.config import MAX_FILE_BYTES, Settings
from g287.crash import crash_point
from g287.errors import G287Error, InputError, InvalidQuery
from g287.model import dating
from g287.model.issues import DataIssue
from g287.model.naming import parse_file_name
from g287.query.publication_stats import count_publication
from g287.read.publication import ParsedList
from g287.resolve.derivation import derivation
from g287.resolve.resolution import Resolution
from g287.store import publications as store
from g287.store.archive import (
    Archive,
    Sighting,
    format_utc,
    parse_utc,
    sha256_hex,
)
from g287.store.archives import open_archive
from g287.store.database import Database
from g287.store.history import DerivedCache
from g287.store.locks import held_here, writer_lock
from g287.store.schema import list_reviews

Outcome = Literal["accepted", "duplicate", "unchanged", "rejected"]


@dataclass(frozen=True)
class ImportResult:
    name: str
    source: str
    sha256: str
    outcome: Outcome
    publication_id: str | None = None
    kind: str | None = None
    rows: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "source": self.source,
            "sha256": self.sha256,
            "outcome": self.outcome,
            "publication_id": self.publication_id,
            "kind": self.kind,
            "rows": self.rows,
            "reason": self.reason,
        }


_F = TypeVar("_F", bound=Callable[..., Any])


def writes(what: str) -> Callable[[_F], _F]:
    """The Importer method holds the database's writer lock (re-entrant) while it runs:
    one writer at a time across processes and hosts; a second says who holds it."""

    def wrap(method: _F) -> _F:
        @functools.wraps(method)
        def locked(self: Importer, *args: Any, **kwargs: Any) -> Any:
            fresh = not held_here(self.db)
            with writer_lock(self.db, what):
                if fresh:  # another writer may have stored lists since this one last did
                    self._contents_checked = False
                return method(self, *args, **kwargs)

        return cast(_F, locked)

    return wrap


class Importer:
    def __init__(self, db: Database, archive: Archive) -> None:
        self.db = db
        self.archive = archive
        self._contents: set[str] | None = None  # row content ids stored (a cache)
        self._contents_generation = -1
        self._contents_checked = False  # cache compared with the table since taking the lock
        self._derived = DerivedCache()
        self._derived_generation = -1

    @classmethod
    def from_settings(cls, settings: Settings) -> Importer:
        db = Database(settings.database_url)
        db.migrate()
        return cls(db, open_archive(settings))

    # -- entry points ------------------------------------------------------

    @writes("import")
    def import_paths(
        self,
        paths: Iterable[Path],
        *,
        on_result: Callable[[ImportResult], None] | None = None,
        now: datetime | None = None,
    ) -> list[ImportResult]:
        """Import files, folders and manifest CSVs; one bad file never stops the others."""
        results = []
        for item in discover(paths, now=now or datetime.now(UTC)):
            result = self.import_file(item)
            results.append(result)
            if on_result:
                on_result(result)
        self.ensure_derived()
        return results

    def ensure_derived(self) -> Resolution | None:
        """Resolve if the derived history was not built from what is stored now (new lists,
        or a crash between storing lists and resolving them); None if it was. The check
        takes no lock; only a resolve waits for the writer lock (then checks again)."""
        with self.db.connect() as conn:
            if derivation(conn) == "current":
                return None
        with writer_lock(self.db, "resolve"):
            with self.db.connect() as conn:
                if derivation(conn) == "current":
                    return None  # another writer resolved it meanwhile
            return self.resolve()

    @writes("resolve")
    def resolve(self) -> Resolution:
        """Re-derive agencies, agreements, pending requests and events (one transaction)."""
        crash_point("resolve-start")
        if self._derived_generation != self.db.generation:
            self._derived = DerivedCache()
            self._derived_generation = self.db.generation
        try:
            with self.db.begin() as conn:
                res = rebuild_history(conn, cache=self._derived)
                crash_point("resolve-before-commit")
                return res
        except BaseException:
            self._derived = DerivedCache()  # the transaction rolled back: forget what we wrote
            raise

    @writes("accept")
    def accept(self, ref: str, note: str = "", *, now: datetime | None = None) -> dict[str, Any]:
        """Accept a list held as suspect (a person's verdict, kept across rebuilds), and
        re-derive the history with it."""
        from g287.query.publications import held, resolve_publication

        self.ensure_derived()  # what is held depends on the derived history
        with self.db.connect() as conn:
            pub = resolve_publication(conn, ref)
            waiting = {h["publication_id"]: h for h in held(conn)}
        if pub["id"] not in waiting:
            raise InvalidQuery(f"{pub['label']} ({pub['file_name']}) is not held as suspect")
        with self.db.begin() as conn:
            conn.execute(
                list_reviews.insert().values(
                    publication_id=pub["id"],
                    verdict="accepted",
                    reviewed_at=now or datetime.now(UTC),
                    note=note,
                )
            )
        self.resolve()
        return waiting[pub["id"]]

    def reviews(self) -> list[dict[str, Any]]:
        """The verdicts people gave on held lists (kept across a rebuild)."""
        try:
            with self.db.connect() as conn:
                return [dict(r) for r in conn.execute(select(list_reviews)).mappings()]
        except G287Error:
            return []

    @writes("import")
    def import_file(self, item: FileToImport) -> ImportResult:
        try:
            size = item.path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise InputError(f"{size >> 20} MB is over the {MAX_FILE_BYTES >> 20} MB limit")
            data = item.path.read_bytes()
        except OSError as exc:
            return ImportResult(
                item.name, item.source, "", "rejected", reason=f"cannot read: {exc.strerror}"
            )
        except InputError as exc:
            return ImportResult(item.name, item.source, "", "rejected", reason=exc.message)
        if item.expected_sha256 and sha256_hex(data) != item.expected_sha256:
            return ImportResult(
                item.name,
                item.source,
                sha256_hex(data),
                "rejected",
                reason="bytes differ from the sha256 the manifest gives",
            )
        return self.import_bytes(data, name=item.name, source=item.source, seen_at=item.seen_at)

    @writes("import")
    def import_bytes(
        self,
        data: bytes,
        *,
        name: str,
        source: str,
        seen_at: datetime,
        archive: bool = True,
        conn: Connection | None = None,
        parsed_already: ParsedList | InputError | None = None,
        role: str = "list",
    ) -> ImportResult:
        """Archive, read and store one file. With ``conn``, work inside the caller's
        transaction (rebuild replays the archive in a few large ones); else one of its own.
        ``role`` ``roster``: the bytes are an archived page, read as its roster
        (``parsed_already`` gives the list; see :func:`parse_roster_sighting`)."""
        seen_at = parse_utc(format_utc(seen_at))  # whole seconds, UTC: what the archive keeps
        sha = sha256_hex(data)
        if archive:
            self.archive.put(data, sha)
            self.archive.record(
                Sighting(sha, name, source, format_utc(seen_at), len(data), role=role)
            )
        with self._use(conn, write=False) as c:
            known = store.get_raw_file(c, sha)
            if (
                self._contents is not None
                and not self._contents_checked
                and store.count_contents(c) != len(self._contents)
            ):
                self._contents = None  # another writer stored rows between our turns
            if self._contents is None or self._contents_generation != self.db.generation:
                self._contents = store.all_content_ids(c)
                self._contents_generation = self.db.generation
            self._contents_checked = True
        if known is not None:
            return self._seen_again(known, sha, name, source, seen_at, conn)
        file_name = parse_file_name(name)
        parsed: ParsedList | None = None
        error: InputError | None = None
        if isinstance(parsed_already, ParsedList):
            parsed = parsed_already
        elif isinstance(parsed_already, InputError):
            error = parsed_already
        elif role == "roster":
            parsed, error = parse_roster_sighting(data, name, source, seen_at)
        else:
            parsed, error = parse_list(data, name, seen_at)
        own_transaction = conn is None
        with self._use(conn) as conn:
            if store.get_raw_file(conn, sha) is not None:  # another process got there first
                return ImportResult(name, source, sha, "duplicate")
            store.insert_raw_file(
                conn,
                {
                    "sha256": sha,
                    "size": len(data),
                    "role": role,
                    "kind": parsed.kind if parsed else file_name.kind,
                    "status": "rejected" if error else "accepted",
                    "error_kind": error.slug if error else None,
                    "reason": error.message if error else None,
                    "first_name": name,
                    "first_source": source,
                    "first_seen": seen_at,
                    "ice_date": file_name.ice_date,
                    "ice_part": file_name.part_of_day,
                    "ice_suffix": file_name.suffix or None,
                },
            )
            store.add_sighting(conn, sha, name, source, seen_at)
            if error or parsed is None:
                return ImportResult(
                    name, source, sha, "rejected", kind=file_name.kind, reason=str(error)
                )
            pid = publication_id(sha)
            newest = max((r.content.signed for r in parsed.rows if r.content.signed), default=None)
            when = dating.date_publication(file_name, seen_at, newest)
            issues = list(parsed.issues)
            if when.flag or file_name.note:
                issues.append(
                    DataIssue("file_date", when.flag or file_name.note or "", raw_value=name)
                )
            added = store.insert_publication(
                conn,
                {
                    "id": pid,
                    "sha256": sha,
                    "kind": parsed.kind,
                    "label": pid,
                    "file_name": name,
                    "ice_date": file_name.ice_date,
                    "part_of_day": when.part_of_day,
                    "first_seen": seen_at,
                    "published_date": when.published,
                    "date_source": when.source,
                    "date_flag": when.flag,
                    "seq": None,
                    "sheet_name": parsed.layout.sheet_name,
                    "header_row": parsed.layout.header_row,
                    "layout": parsed.layout.describe(),
                    "row_count": len(parsed.rows),
                    "hidden_rows": parsed.hidden_rows,
                    "filtered": parsed.filtered,
                    "modified": parsed.modified,
                },
                parsed.rows,
                issues,
                self._contents,
            )
            store.save_counts(conn, pid, count_publication(conn, pid))
            index_runs(conn, parsed.kind, pid)
        if own_transaction:
            crash_point("import-file-stored")  # committed; not yet resolved
        if self._contents is not None:
            self._contents |= added  # only once the transaction has committed
        return ImportResult(name, source, sha, "accepted", pid, parsed.kind, len(parsed.rows))

    @contextmanager
    def _use(self, conn: Connection | None, write: bool = True) -> Iterator[Connection]:
        """The caller's connection as is, or a transaction (or read connection) of our own."""
        if conn is not None:
            yield conn
        elif write:
            with self.db.begin() as own:
                yield own
        else:
            with self.db.connect() as own:
                yield own

    def _seen_again(
        self,
        known: object,
        sha: str,
        name: str,
        source: str,
        seen_at: datetime,
        conn: Connection | None = None,
    ) -> ImportResult:
        status = getattr(known, "status", "accepted")
        reason = getattr(known, "reason", None)
        with self._use(conn) as c:
            new = store.add_sighting(c, sha, name, source, seen_at)
            # whatever the order sightings arrive in, the file ends as if seen in order
            earlier = store.lower_first_seen(c, sha, seen_at, name, source)
            renamed = redate(c, sha, force=earlier) if new or earlier else False
            pub = store.publication_by_sha(c, sha)
        if status == "rejected":
            return ImportResult(
                name, source, sha, "rejected", reason=f"{reason} (already archived)"
            )
        return ImportResult(
            name,
            source,
            sha,
            "duplicate" if new or earlier or renamed else "unchanged",
            pub["id"] if pub else None,
            pub["kind"] if pub else None,
            pub["row_count"] if pub else None,
        )

    def forget_contents(self) -> None:
        """Drop the cached ids of stored row contents (after a rebuild or a rollback)."""
        self._contents = None


def publication_id(sha256: str) -> str:
    return "pb_" + sha256[:12]
