"""Geography and jurisdiction indexes built once, then read from a file on disk.

Building the indexes the enrichment needs (decoding the county topology into
polygons and a grid, normalizing 31,000 city names, parsing every county name)
takes about a second of CPU; every process that placed an agency used to pay it.
:func:`cached_index` builds an index the first time any process asks for it and
keeps it in ``<cache dir>/<name>-<key>.pickle``; later processes read it back.

The key is a hash of everything the index is made from: the bytes of the bundled
data files it reads, the source code of the package that builds it
(``g287/enrich`` and ``g287/model``), the g287 version and the Python
version. Changing any of them gives a new key, so a stale file is never read; the
file also holds its key, checked on load. A file that cannot be read (truncated,
corrupt, another format) is ignored, and the index is rebuilt and written again.
Files are written whole or not at all (:func:`g287.atomic.write_atomically`), so
processes starting together never see half a file; older keys' files are removed.

The folder is ``G287_CACHE_DIR``, else the user cache directory (platformdirs,
``~/.cache/g287`` on Linux). ``G287_CACHE_DIR=off`` disables the files (every
process builds its own indexes, as before); so does a folder that cannot be
written, silently. The files are pickles: only a user who can already write to
that folder could make g287 load something else, so it must be private to the
user running g287 (the user cache directory is).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from g287.atomic import write_atomically
from g287.version import __version__

T = TypeVar("T")

CACHE_ENV = "G287_CACHE_DIR"
FORMAT = 1
"""Bumped when the file layout itself changes."""


def cache_dir() -> Path | None:
    """Where index files live, or None when disabled (``G287_CACHE_DIR=off``)."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() in {"off", "none", "0", "false"}:
        return None
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("g287")) / "indexes"


@cache
def _code_hash() -> str:
    """A hash of the source that builds the indexes (so a code change rebuilds them)."""
    digest = hashlib.sha256()
    root = resources.files("g287")
    paths = sorted(
        (p for p in (root / "model").iterdir() if p.name.endswith(".py")), key=lambda p: p.name
    )
    enrich = root / "enrich"
    paths += sorted((p for p in enrich.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)
    geo = enrich / "geo"
    paths += sorted((p for p in geo.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _file_hash(folder: str, name: str) -> str:
    path = resources.files("g287").joinpath("data", folder, name)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def index_key(name: str, inputs: Iterable[tuple[str, str]]) -> str:
    """The key of an index: its name, its data files' bytes, the code, the versions."""
    digest = hashlib.sha256()
    for part in (
        name,
        str(FORMAT),
        __version__,
        f"{sys.version_info.major}.{sys.version_info.minor}",
        str(pickle.HIGHEST_PROTOCOL),
        _code_hash(),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    for folder, file_name in sorted(inputs):
        digest.update(f"{folder}/{file_name}:{_file_hash(folder, file_name)}".encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def index_path(name: str, inputs: Iterable[tuple[str, str]]) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{name}-{index_key(name, inputs)}.pickle"


def _load(path: Path, key: str) -> Any:
    """The index held in ``path``, or raise (missing, unreadable, corrupt, another key)."""
    collecting = gc.isenabled()
    gc.disable()  # many small objects: collecting while loading them triples the time
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)  # our own file, in a private folder
    finally:
        if collecting:
            gc.enable()
    if not isinstance(stored, dict) or stored.get("key") != key or "value" not in stored:
        raise ValueError(f"{path.name} does not hold index {key}")
    return stored["value"]


def _store(path: Path, key: str, value: Any) -> None:
    data = pickle.dumps({"key": key, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(path, data, prefix=f".tmp-{path.stem}-")
    prefix = path.name.rsplit("-", 1)[0] + "-"
    for old in path.parent.glob(f"{prefix}*.pickle"):
        if old != path and old.name.rsplit("-", 1)[0] + "-" == prefix:
            with contextlib.suppress(OSError):
                old.unlink()


def cached_index(name: str, inputs: Iterable[tuple[str, str]], build: Callable[[], T]) -> T:
    """The index ``name``, read from its file when one with the right key exists, else
    built by ``build()`` and written for the next process.

    ``inputs`` lists the bundled data files it is made from, as ``(folder, file)`` under
    ``g287/data``. Any trouble reading or writing the file falls back to ``build()``.
    """
    inputs = list(inputs)
    path = index_path(name, inputs)
    if path is None:
        return build()
    key = path.stem.rsplit("-", 1)[1]
    try:
        return _load(path, key)  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception:  # a damaged cache file is rebuilt, never trusted
        with contextlib.suppress(OSError):
            path.unlink()
    value = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        _store(path, key, value)
    return value


MEMO_LIMIT = 200_000
"""A memo holding more entries than this is started afresh rather than grown."""


def load_memo(name: str, inputs: Iterable[tuple[str, str]]) -> dict[Any, Any]:
    """A memo of answers computed by earlier processes (empty if none, stale or damaged).

    Unlike an index, a memo grows: the caller adds what it computes and hands it back to
    :func:`save_memo`. It is keyed like an index, so answers made from other data or
    other code are never read.
    """
    path = index_path(name, list(inputs))
    if path is None:
        return {}
    try:
        memo = _load(path, path.stem.rsplit("-", 1)[1])
    except FileNotFoundError:
        return {}
    except Exception:  # a damaged cache file is rebuilt, never trusted
        with contextlib.suppress(OSError):
            path.unlink()
        return {}
    return memo if isinstance(memo, dict) else {}


def save_memo(name: str, inputs: Iterable[tuple[str, str]], memo: dict[Any, Any]) -> None:
    """Write ``memo`` for the next process (whole or not at all; errors are ignored)."""
    path = index_path(name, list(inputs))
    if path is None or len(memo) > MEMO_LIMIT:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        _store(path, path.stem.rsplit("-", 1)[1], memo)


def data_files(folder: str) -> list[tuple[str, str]]:
    """Every bundled file of ``g287/data/<folder>`` as ``(folder, name)``."""
    root = resources.files("g287").joinpath("data", folder)
    return sorted((folder, p.name) for p in root.iterdir() if p.is_file())
