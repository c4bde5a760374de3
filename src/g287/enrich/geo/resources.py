"""Where the bundled geography files live, and reading them.

Everything is read from ``g287/data/geo/`` inside the installed package (see
its ``PROVENANCE.md``), never from the network.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from g287.errors import ConfigError

COUNTIES_TOPOJSON = "counties-10m.json"
COUNTIES_ALBERS_TOPOJSON = "counties-albers-10m.json"
COUNTY_POPULATION = "county_population_v2025.csv"
CITIES = "cities.csv"
CT_TOWNS = "ct_towns.csv"


def data_file(name: str, folder: str = "geo") -> Traversable:
    """A file under ``g287/data/<folder>/``; :class:`ConfigError` if the install lacks it."""
    path = resources.files("g287").joinpath("data", folder, name)
    if not path.is_file():
        raise ConfigError(f"bundled data file missing from the g287 install: data/{folder}/{name}")
    return path


def topology_path(*, albers: bool = False) -> Traversable:
    """The county TopoJSON: unprojected (lon/lat) or Albers USA (975×610 px, for web maps)."""
    return data_file(COUNTIES_ALBERS_TOPOJSON if albers else COUNTIES_TOPOJSON)


def read_json(name: str) -> Any:
    with data_file(name).open("rb") as handle:
        return json.load(handle)


def read_csv(name: str, folder: str = "geo") -> Iterator[dict[str, str]]:
    """Rows of a bundled UTF-8 CSV as dicts (the file is closed before the first row)."""
    text = data_file(name, folder).read_text(encoding="utf-8-sig")
    yield from csv.DictReader(io.StringIO(text, newline=""))
