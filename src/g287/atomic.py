"""Writing a file whole or not at all (used by the raw archive and the on-disk index cache)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(
    target: Path, data: bytes, *, fsync: bool = False, prefix: str = ".tmp-"
) -> None:
    """Write ``target`` whole or not at all: a temporary file beside it, renamed over it
    (flushed to disk first with ``fsync``). A failure leaves no temporary file behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
