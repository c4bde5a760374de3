"""Import: archive the bytes, read the list, store it, in one transaction per file.

``Importer.import_bytes`` is the single path every file takes, from disk, from
a manifest, from the fetcher, or when ``rebuild`` replays the archive. The raw
bytes and their sighting are written to the archive *before* anything else, so
a file that fails (or a crash) loses nothing; the database changes only in one
transaction, so it never holds half a publication.

The derived history (agencies, agreements, events ...) is resolved in one more
transaction, stamped with a fingerprint of what it was built from; a crash between the
two leaves a stale stamp, which the next import (or any writer) repairs and readers
refuse (:mod:`g287.resolve.derivation`). ``rebuild`` builds the new database beside the
old one and swaps it in, so a killed rebuild leaves the old state.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import Connection, select

from g287.acquire.sources import FileToImport, discover
from g287.app.derive import rebuild_history
from g287.config import MAX_FILE_BYTES, Settings
from g287.crash import crash_point
from g287.errors import G287Error, InputError, InvalidQuery
from g287.model import dating
from g287.model.issues import DataIssue
from g287.model.naming import parse_file_name
from g287.query.publication_stats import count_publication
from g287.read.publication import ParsedList, Row, read_list
from g287.read.roster import read_roster_page
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
from g287.store.database import Database, sqlite_files
from g287.store.history import DerivedCache
from g287.store.locks import held_here, writer_lock
from g287.store.schema import list_reviews, publications

Outcome = Literal["accepted", "duplicate", "unchanged", "rejected"]
LIST_ROLES = ("list", "roster")  # sightings rebuild replays as lists; a roster is a page's
PARALLEL_REBUILD_MIN_FILES = 40  # below this, parsing in this process is faster than a pool
REBUILD_BATCH = 100  # files replayed per transaction by rebuild


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

    def _reviews(self) -> list[dict[str, Any]]:
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
            self._index_runs(conn, parsed.kind, pid)
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
            renamed = self._redate(c, sha, force=earlier) if new or earlier else False
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

    def _redate(self, conn: Connection, sha: str, *, force: bool) -> bool:
        """Date a publication again from all its sightings: the earliest first seen, and
        the name of its earliest sighting that carries ICE's date (else its earliest
        name), so that the outcome does not depend on the order files arrived in.
        True when the publication changed."""
        pub = store.publication_by_sha(conn, sha)
        if pub is None:
            return False
        names = store.sighting_names(conn, sha)
        name = next((n for n in names if parse_file_name(n).ice_date is not None), None)
        name = name or (names[0] if names else pub["file_name"])
        if not force and name == pub["file_name"]:
            return False
        raw = store.get_raw_file(conn, sha)
        seen_at = store.as_utc(raw["first_seen"]) if raw is not None else pub["first_seen"]
        file_name = parse_file_name(name)
        newest = store.newest_signed(conn, pub["id"])
        when = dating.date_publication(file_name, seen_at, newest)
        store.update_publication(
            conn,
            pub["id"],
            {
                "file_name": name,
                "ice_date": file_name.ice_date,
                "first_seen": seen_at,
                "published_date": when.published,
                "date_source": when.source,
                "date_flag": when.flag,
                "part_of_day": when.part_of_day,
            },
        )
        flag = when.flag or file_name.note
        store.replace_issues(
            conn,
            pub["id"],
            "file_date",
            [DataIssue("file_date", flag, raw_value=name)] if flag else [],
        )
        store.save_counts(conn, pub["id"], count_publication(conn, pub["id"]))
        if store.reorder(conn, pub["kind"]):
            store.clear_runs(conn, pub["kind"])
        return True

    def _index_runs(self, conn: Connection, kind: str, pid: str) -> None:
        """Re-order the kind's lists and keep the content-runs index current (or mark it stale).

        A list appended at the end extends the runs; one that lands among existing lists
        shifts their sequence numbers, so the runs are cleared and resolution rebuilds them.
        """
        shifted = store.reorder(conn, kind)
        if shifted:
            store.clear_runs(conn, kind)
            return
        count = store.count_publications(conn, kind)
        if count == 1 or store.has_runs(conn, kind):
            store.extend_runs(conn, kind, pid, count)

    # -- rebuild -------------------------------------------------------------

    @writes("rebuild")
    def rebuild(
        self, *, on_result: Callable[[ImportResult], None] | None = None
    ) -> list[ImportResult]:
        """Rebuild the database from the archive's sightings, replayed in order.

        The new state is built beside the old and swapped in: on a SQLite file, built in a
        new file next to it whose rows are then copied in one transaction; on PostgreSQL,
        all of it in one transaction. Killed at any point, the database holds the old
        state or the new one, never a half-built one; readers see the old one until then.

        The sightings and bytes come from the archive (local folder or object store),
        never from this host's database, so any host that reads the archive can rebuild.
        """
        sightings = self.archive.sightings()
        lacking = self.archive.missing(s.sha256 for s in sightings)
        missing = [s for s in sightings if s.sha256 in lacking]
        if missing:
            raise InputError(
                f"the archive lacks the bytes of {len(missing)} file(s), e.g. {missing[0].name}",
                source=self.archive.location,
            )
        reviews = self._reviews()
        crash_point("rebuild-start")
        if self.db.sqlite_path is None and self.db.is_sqlite:  # in memory: nothing to keep
            results = self._replay(sightings, reviews, on_result)
            self._contents = None
            return results
        if self.db.sqlite_path is None:  # PostgreSQL: all of it in one transaction
            with self.db.one_transaction():
                results = self._replay(sightings, reviews, on_result)
                crash_point("rebuild-before-commit")
            self._contents = None
            return results
        beside = Importer(self.db.beside(), self.archive)
        try:
            results = beside._replay(sightings, reviews, on_result)
            crash_point("rebuild-before-copy")
            self.db.take_rows_of(beside.db)
        except BaseException:
            beside.db.dispose()
            if beside.db.sqlite_path is not None:
                for path in sqlite_files(beside.db.sqlite_path):
                    path.unlink(missing_ok=True)
            raise
        self._contents = None
        return results

    def _replay(
        self,
        sightings: list[Sighting],
        reviews: list[dict[str, Any]],
        on_result: Callable[[ImportResult], None] | None,
    ) -> list[ImportResult]:
        """Drop every table and replay the sightings into this importer's database."""
        self.db.drop_all()
        self.db.migrate()
        results = []
        lists = [s for s in sightings if s.role in LIST_ROLES]
        first_of: dict[str, int] = {}
        for i, s in enumerate(lists):
            first_of.setdefault(s.sha256, i)
        received: dict[str, tuple[Any, Any]] = {}
        try:
            with (
                _parser_pool(len(lists)) as pool,
                closing(self.archive.read_ahead([s.sha256 for s in lists])) as blobs,
            ):
                pending: deque[tuple[bytes, Any]] = deque()
                ahead = 0
                for start in range(0, len(lists), REBUILD_BATCH):
                    with self.db.begin() as conn:
                        for i in range(start, min(start + REBUILD_BATCH, len(lists))):
                            while pool is not None and ahead < len(lists) and len(pending) < 8:
                                s_ahead = lists[ahead]
                                ahead_bytes = next(blobs)
                                pending.append(
                                    (
                                        ahead_bytes,
                                        pool.submit(
                                            _parse_archived,
                                            ahead_bytes,
                                            s_ahead.name,
                                            s_ahead.seen_datetime,
                                        )
                                        if first_of[s_ahead.sha256] == ahead
                                        and s_ahead.role == "list"  # a roster: read here
                                        else None,
                                    )
                                )
                                ahead += 1
                            held, future = (
                                pending.popleft() if pool is not None else (next(blobs), None)
                            )
                            s = lists[i]
                            result = self.import_bytes(
                                held,
                                name=s.name,
                                source=s.source,
                                seen_at=s.seen_datetime,
                                archive=False,
                                conn=conn,
                                parsed_already=_unpack(future, received),
                                role=s.role,
                            )
                            results.append(result)
                            if on_result:
                                on_result(result)
                            crash_point("rebuild-file")
        except BaseException:
            self._contents = None  # ids of a rolled-back batch must not stay cached
            raise
        if reviews:
            with self.db.begin() as conn:
                stored = set(conn.execute(select(publications.c.id)).scalars())
                kept = [r for r in reviews if r["publication_id"] in stored]
                if kept:
                    conn.execute(list_reviews.insert(), kept)
        self.resolve()
        from g287.app.moa_fetching import replay_moas  # MOAs link to lists: after them

        replay_moas(self)
        return results


def parse_list(
    data: bytes, name: str, seen_at: datetime
) -> tuple[ParsedList | None, InputError | None]:
    """Read one list as the importer does (the reference date comes from name and time)."""
    file_name = parse_file_name(name)
    try:
        return (
            read_list(
                data,
                kind_hint=file_name.kind,
                reference=file_name.ice_date or dating.eastern_date(seen_at),
            ),
            None,
        )
    except InputError as exc:
        return None, exc


def parse_roster_sighting(
    data: bytes, name: str, source: str, seen_at: datetime
) -> tuple[ParsedList | None, InputError | None]:
    """Read an archived page as the roster list its sighting names (role ``roster``: the
    source carries the address its links resolve against, the name the capture's date)."""
    file_name = parse_file_name(name)
    try:
        return (
            read_roster_page(
                data,
                source=source,
                captured=dating.eastern_date(seen_at),
                reference=file_name.ice_date or dating.eastern_date(seen_at),
            ),
            None,
        )
    except InputError as exc:
        return None, exc


_SENT: set[str] = set()  # in a rebuild worker: row contents already sent to the writer


def _parse_archived(data: bytes, name: str, seen_at: datetime) -> ParsedList | InputError:
    """Worker for rebuild: parse one archived file in another process.

    Rows travel back as (row number, hidden, content id) with only the contents this
    worker has not sent before: pickling every row object would cost more than parsing.
    """
    parsed, error = parse_list(data, name, seen_at)
    if parsed is None:
        return error  # type: ignore[return-value]
    fresh = {}
    for row in parsed.rows:
        if row.content_id not in _SENT:
            _SENT.add(row.content_id)
            fresh[row.content_id] = (row.content, row.issues)
    parsed.compact = ([(r.row_number, r.hidden, r.content_id) for r in parsed.rows], fresh)
    parsed.rows = []
    return parsed


def _unpack(future: Any, received: dict[str, tuple[Any, Any]]) -> ParsedList | InputError | None:
    if future is None:
        return None
    result = future.result()
    return _expand(result, received) if isinstance(result, ParsedList) else result


def _expand(parsed: ParsedList, received: dict[str, tuple[Any, Any]]) -> ParsedList:
    """Rebuild the rows of a compact list from the contents received so far."""
    if parsed.compact is None:
        return parsed
    placements, fresh = parsed.compact
    received.update(fresh)
    parsed.rows = [
        Row(number, hidden, received[cid][0], cid, received[cid][1])
        for number, hidden, cid in placements
    ]
    parsed.compact = None
    return parsed


@contextmanager
def _parser_pool(files: int) -> Iterator[ProcessPoolExecutor | None]:
    """Processes that parse archived files while this one writes (None: parse in-process)."""
    workers = min(2, os.cpu_count() or 1)
    if files < PARALLEL_REBUILD_MIN_FILES or workers < 2:
        yield None
        return
    # fork: the workers only parse bytes, and need not re-import the caller's script
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context(method),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int, poll_seconds: float = 1.0) -> None:
    """Worker initializer: end this process when ``parent`` dies, even by SIGKILL.

    On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere, and as a
    fallback, a daemon thread notices that the parent changed and exits.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above ran
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os._exit(1)

    threading.Thread(target=watch, name="g287-parent-watch", daemon=True).start()


def publication_id(sha256: str) -> str:
    return "pb_" + sha256[:12]
