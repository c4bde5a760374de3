"""Reading lists for the importer: one file here, or many in worker processes for rebuild.

``parse_list`` and ``parse_roster_sighting`` read a file as the importer does: the
reference date comes from ICE's file name, else from when the file was first seen, never
from today. ``parser_pool`` gives rebuild processes that parse archived files while the
importer writes; rows travel back compactly (``parse_archived``, ``unpack``), and a
worker ends when its parent dies, even by SIGKILL (``die_with_parent``).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from g287.errors import InputError
from g287.model import dating
from g287.model.naming import parse_file_name
from g287.read.publication import ParsedList, Row, read_list
from g287.read.roster import read_roster_page

PARALLEL_REBUILD_MIN_FILES = 40  # below this, parsing in this process is faster than a pool


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


def parse_archived(data: bytes, name: str, seen_at: datetime) -> ParsedList | InputError:
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


def unpack(future: Any, received: dict[str, tuple[Any, Any]]) -> ParsedList | InputError | None:
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
def parser_pool(files: int) -> Iterator[ProcessPoolExecutor | None]:
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
