"""Bundled sample data: real ICE workbooks, May-July 2025 (see PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent
SHEETS = SAMPLE_DIR / "sheets"
MOAS = SAMPLE_DIR / "moa"


def sheets_dir() -> Path:
    return SHEETS


def moa_dir() -> Path:
    return MOAS
