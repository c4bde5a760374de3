"""Levels of government an agency can be at, and which rule decided an agency's level."""

from __future__ import annotations

from typing import Literal

Level = Literal[
    "state",
    "county",
    "municipal",
    "regional",
    "campus",
    "port",
    "constable_district",
    "judicial_district",
    "corrections_facility",
    "tribal",
    "other",
]
LevelSource = Literal["override", "name", "ice_type", "default"]
LEVELS: tuple[Level, ...] = (
    "state",
    "county",
    "municipal",
    "regional",
    "campus",
    "port",
    "constable_district",
    "judicial_district",
    "corrections_facility",
    "tribal",
    "other",
)
