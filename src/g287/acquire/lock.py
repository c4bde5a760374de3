"""One update at a time: a non-blocking ``fcntl.flock`` on a file in the archive folder.

The lock guards what an update writes outside the database (the archive and
``fetch_state.json``). The kernel releases it when the holder exits, however it
exits (even on SIGKILL), so a crashed update never leaves a stale lock behind;
the file itself stays, holding the last holder's pid for the error message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from g287.errors import ConfigError, StoreError

LOCK_NAME = "update.lock"


class UpdateLocked(StoreError):
    """Another process holds the update lock (exit 3)."""

    slug = "locked"


@contextlib.contextmanager
def exclusive_lock(path: Path, *, what: str = "g287 update") -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the ``with`` block, or raise :class:`UpdateLocked`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConfigError(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            by = f" (pid {holder})" if holder else ""
            raise UpdateLocked(f"another {what} is running{by}; lock {path}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
