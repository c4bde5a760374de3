"""The installed release of g287, read once from the package metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("g287")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
