"""Score a simulation in a workspace of its own, never in the user's database.

``g287 simulate OUT`` writes ``OUT/sheets`` and ``OUT/truth``; :func:`score_simulation`
imports ``OUT/sheets`` into ``OUT/workspace`` (its own SQLite file and raw archive,
re-used on later runs: files already held are skipped) and scores it against
``OUT/truth``. The user's database and archive are never opened.
"""

from __future__ import annotations

from pathlib import Path

from g287.app.importer import Importer
from g287.config import Settings
from g287.errors import InvalidQuery
from g287.simulate.score_model import Score
from g287.simulate.scoring import score_against


def simulation_folders(path: Path) -> tuple[Path, Path]:
    """(sheets, truth) of a folder ``g287 simulate`` wrote, given it or its ``truth``."""
    root = path.parent if (path / "rows.csv").is_file() else path
    sheets, truth = root / "sheets", root / "truth"
    if not (truth / "rows.csv").is_file() or not sheets.is_dir():
        raise InvalidQuery(
            f"{path}: not a folder written by g287 simulate (no sheets/ and truth/rows.csv)"
        )
    return sheets, truth


def workspace_settings(path: Path) -> Settings:
    """The settings of a simulation's own workspace (``OUT/workspace``)."""
    sheets, _truth = simulation_folders(path)
    workspace = sheets.parent / "workspace"
    return Settings.from_env(
        {}, data_dir=workspace, database_url=f"sqlite:///{workspace / 'g287.sqlite'}"
    )


def score_simulation(path: Path, *, worst: int = 10) -> Score:
    """Import the simulated lists into the simulation's workspace and score them."""
    sheets, truth = simulation_folders(path)
    importer = Importer.from_settings(workspace_settings(path))
    try:
        importer.import_paths([sheets])
        with importer.db.connect() as conn:
            return score_against(conn, truth, worst=worst)
    finally:
        importer.db.dispose()
