"""A test hook: die at a named point, as a SIGKILL would, to prove crash consistency.

``G287_CRASH_AT=<point>`` (or ``<point>#<n>``: the n-th time the point is reached)
makes the process kill itself there with SIGKILL: no cleanup, no rollback handler,
exactly what a power cut or the OOM killer leaves. Unset, each point costs one
dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_reached: Counter[str] = Counter()


def crash_point(name: str) -> None:
    wanted = os.environ.get("G287_CRASH_AT")
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
