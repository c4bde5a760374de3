"""g287: ICE's 287(g) agreements, archived, read and reconstructed through time.

The public API is deliberately small; everything else is reachable through its
stage module (``g287.acquire``, ``g287.read``, ``g287.store``, ``g287.query``).
"""

from __future__ import annotations

from g287.app.importer import Importer, ImportResult
from g287.config import Settings
from g287.errors import G287Error
from g287.read.publication import ParsedList, read_list
from g287.store.database import Database
from g287.version import __version__

__all__ = [
    "Database",
    "G287Error",
    "ImportResult",
    "Importer",
    "ParsedList",
    "Settings",
    "__version__",
    "read_list",
]
