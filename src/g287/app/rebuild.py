"""Rebuild: the database made again from the raw archive, swapped in whole.

The sightings and bytes come from the archive (local folder or object store), never from
this host's database, so any host that reads the archive can rebuild. The new state is
built beside the old one and swapped in, so readers see the old state until the new one is
complete and a killed rebuild leaves the old one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from contextlib import closing
from typing import Any

from sqlalchemy import select

from g287.app.importer import Importer, ImportResult, writes
from g287.app.parsing import parse_archived, parser_pool, unpack
from g287.crash import crash_point
from g287.errors import InputError
from g287.store.archive import Sighting
from g287.store.database import sqlite_files
from g287.store.schema import list_reviews, publications

LIST_ROLES = ("list", "roster")  # sightings rebuild replays as lists; a roster is a page's
REBUILD_BATCH = 100  # files replayed per transaction by rebuild


@writes("rebuild")
def rebuild(
    importer: Importer, *, on_result: Callable[[ImportResult], None] | None = None
) -> list[ImportResult]:
    """Rebuild the database from the archive's sightings, replayed in order.

    The new state is built beside the old and swapped in: on a SQLite file, built in a
    new file next to it whose rows are then copied in one transaction; on PostgreSQL,
    all of it in one transaction. Killed at any point, the database holds the old
    state or the new one, never a half-built one; readers see the old one until then.

    The sightings and bytes come from the archive (local folder or object store),
    never from this host's database, so any host that reads the archive can rebuild.
    """
    sightings = importer.archive.sightings()
    lacking = importer.archive.missing(s.sha256 for s in sightings)
    missing = [s for s in sightings if s.sha256 in lacking]
    if missing:
        raise InputError(
            f"the archive lacks the bytes of {len(missing)} file(s), e.g. {missing[0].name}",
            source=importer.archive.location,
        )
    reviews = importer.reviews()
    crash_point("rebuild-start")
    if importer.db.sqlite_path is None and importer.db.is_sqlite:  # in memory: nothing to keep
        results = _replay(importer, sightings, reviews, on_result)
        importer.forget_contents()
        return results
    if importer.db.sqlite_path is None:  # PostgreSQL: all of it in one transaction
        with importer.db.one_transaction():
            results = _replay(importer, sightings, reviews, on_result)
            crash_point("rebuild-before-commit")
        importer.forget_contents()
        return results
    beside = Importer(importer.db.beside(), importer.archive)
    try:
        results = _replay(beside, sightings, reviews, on_result)
        crash_point("rebuild-before-copy")
        importer.db.take_rows_of(beside.db)
    except BaseException:
        beside.db.dispose()
        if beside.db.sqlite_path is not None:
            for path in sqlite_files(beside.db.sqlite_path):
                path.unlink(missing_ok=True)
        raise
    importer.forget_contents()
    return results


def _replay(
    importer: Importer,
    sightings: list[Sighting],
    reviews: list[dict[str, Any]],
    on_result: Callable[[ImportResult], None] | None,
) -> list[ImportResult]:
    """Drop every table and replay the sightings into this importer's database."""
    importer.db.drop_all()
    importer.db.migrate()
    results = []
    lists = [s for s in sightings if s.role in LIST_ROLES]
    first_of: dict[str, int] = {}
    for i, s in enumerate(lists):
        first_of.setdefault(s.sha256, i)
    received: dict[str, tuple[Any, Any]] = {}
    try:
        with (
            parser_pool(len(lists)) as pool,
            closing(importer.archive.read_ahead([s.sha256 for s in lists])) as blobs,
        ):
            pending: deque[tuple[bytes, Any]] = deque()
            ahead = 0
            for start in range(0, len(lists), REBUILD_BATCH):
                with importer.db.begin() as conn:
                    for i in range(start, min(start + REBUILD_BATCH, len(lists))):
                        while pool is not None and ahead < len(lists) and len(pending) < 8:
                            s_ahead = lists[ahead]
                            ahead_bytes = next(blobs)
                            pending.append(
                                (
                                    ahead_bytes,
                                    pool.submit(
                                        parse_archived,
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
                        result = importer.import_bytes(
                            held,
                            name=s.name,
                            source=s.source,
                            seen_at=s.seen_datetime,
                            archive=False,
                            conn=conn,
                            parsed_already=unpack(future, received),
                            role=s.role,
                        )
                        results.append(result)
                        if on_result:
                            on_result(result)
                        crash_point("rebuild-file")
    except BaseException:
        importer.forget_contents()  # ids of a rolled-back batch must not stay cached
        raise
    if reviews:
        with importer.db.begin() as conn:
            stored = set(conn.execute(select(publications.c.id)).scalars())
            kept = [r for r in reviews if r["publication_id"] in stored]
            if kept:
                conn.execute(list_reviews.insert(), kept)
    importer.resolve()
    # MOAs link to lists: after them (imported here: reading PDFs costs every command's
    # start-up a tenth of a second, and only a rebuild needs it)
    from g287.app.moa_fetching import replay_moas

    replay_moas(importer)
    return results
