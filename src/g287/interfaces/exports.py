"""Citable files of the history: datasets as CSV, XLSX, Parquet, GeoJSON, JSON, Stata, SPSS.

Datasets (:data:`DATASETS`): ``agreements`` (optionally as of a date), ``agencies``,
``publications``, ``rows`` (every row of every list, with the file and Excel row it came
from and the agreement it was resolved to) and ``changes`` (the event feed).

Every file says what it holds: the dataset, its as-of date (the newest list it reflects),
the g287 version and a citation line -- in a Frictionless ``datapackage.json`` beside the
CSV (:func:`datapackage`; the CSV itself is only a header row and data, so
``pandas.read_csv`` and Excel read it as it is), an ``about`` sheet (XLSX), the schema
metadata (Parquet), top-level members (JSON, GeoJSON), the file label and variable labels
(Stata; SPSS also gets the citation as a document note).

CSV text cells that a spreadsheet would run as a formula (beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are written with a leading ``'``; numbers are
not (:mod:`g287.interfaces.csv_safe`). XLSX cells are always written as text.

From Python (the CLI and the web downloads use the same two calls)::

    from g287.interfaces.exports import build_dataset, write_dataset
    with db.connect() as conn:
        ds = build_dataset(conn, "agreements", as_of=date(2025, 6, 1))
        write_dataset(ds, "csv", Path("agreements.csv"))

Parquet, Stata and SPSS need the ``exports`` extra (pyarrow, pandas, pyreadstat). The
writers are in :mod:`g287.interfaces.exports_formats`, the columns in
:mod:`g287.interfaces.exports_spec`, the geometry in :mod:`g287.interfaces.exports_geo`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from g287.errors import InvalidQuery, NotFound
from g287.interfaces.exports_geo import Jurisdiction, jurisdiction_shape
from g287.interfaces.exports_spec import (
    COLUMNS,
    DESCRIPTIONS,
    FORMATS,
    GEO_DATASETS,
    PROJECT_URL,
    TITLES,
    Dataset,
)
from g287.model.models import MODEL_NAMES
from g287.query import catalog
from g287.query import publications as p
from g287.query.places import agency_jurisdictions
from g287.query.provenance import placed_rows
from g287.query.publication_stats import list_publications

FIELD_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "date": "date",
    "datetime": "datetime",
}
"""Frictionless Table Schema types of the column types."""
ICE_SOURCE = {
    "title": "ICE, Delegation of Immigration Authority Section 287(g)",
    "path": "https://www.ice.gov/identify-and-arrest/287g",
}


def datapackage(ds: Dataset, fmt: str = "csv", *, path: str | None = None) -> dict[str, Any]:
    """A Frictionless Data Package (tabular) describing ``ds`` written as ``fmt``: the
    citation, as-of date, version and source, and each column's name, type and meaning.
    ``path`` is the data file's name (default: :meth:`Dataset.file_name`)."""
    return {
        "profile": "tabular-data-package",
        "name": f"g287-{ds.name}",
        "title": ds.title,
        "description": ds.description,
        "version": ds.version,
        "homepage": PROJECT_URL,
        "sources": [ICE_SOURCE],
        "citation": ds.citation,
        "g287": ds.metadata(),
        "resources": [
            {
                "name": ds.name,
                "path": path or ds.file_name(fmt),
                "profile": "tabular-data-resource",
                "format": fmt,
                "mediatype": FORMATS[fmt].media_type.split(";")[0],
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "doubleQuote": True},
                "description": "Text cells that begin with = + - @, a tab or a carriage "
                "return are written with a leading ' so spreadsheets never run them.",
                "schema": {
                    "fields": [
                        {"name": c.name, "type": FIELD_TYPES[c.type], "description": c.label}
                        for c in ds.columns
                    ]
                },
            }
        ],
    }


def datapackage_path(path: Path) -> Path:
    """Where the sidecar of a data file goes: ``x.csv`` -> ``x.datapackage.json``."""
    return path.with_name(path.stem + ".datapackage.json")


def write_datapackage(ds: Dataset, fmt: str, data_path: Path) -> Path:
    """Write the sidecar of ``data_path`` (see :func:`datapackage_path`); returns its path."""
    target = datapackage_path(data_path)
    text = json.dumps(datapackage(ds, fmt, path=data_path.name), indent=2, ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")
    return target


# --- building datasets --------------------------------------------------------------


def newest_list(conn: Connection) -> tuple[str | None, str | None]:
    """(date, label) of the newest participating list, or (None, None) before any."""
    try:
        pub = p.resolve_publication(conn, "latest")
    except NotFound:
        return None, None
    return str(pub["published_date"]), str(pub["label"])


def _jurisdictions(conn: Connection) -> dict[str, Jurisdiction]:
    """Every agency's jurisdiction (level, place point, counties)."""
    return {
        r["agency_id"]: Jurisdiction(
            state=r["state"],
            level=r["level"],
            place_lat=r["place_lat"],
            place_lng=r["place_lng"],
            counties=tuple(r["counties"]),
            unmatched_reason=r["unmatched_reason"],
        )
        for r in agency_jurisdictions(conn)
    }


def build_dataset(
    conn: Connection, name: str, *, as_of: date | None = None, geometry: bool = False
) -> Dataset:
    """A dataset over the stored history. ``as_of`` (agreements only) keeps the agreements
    on the newest list published by then; ``geometry`` attaches each agreement's or
    agency's jurisdiction for GeoJSON."""
    if name not in COLUMNS:
        raise InvalidQuery(f"dataset must be one of {', '.join(COLUMNS)}")
    if as_of is not None and name != "agreements":
        raise InvalidQuery("as_of applies to the agreements dataset only")
    if geometry and name not in GEO_DATASETS:
        raise InvalidQuery(f"GeoJSON is available for {' and '.join(GEO_DATASETS)} only")
    newest_day, newest_label = newest_list(conn)
    rows: Iterable[dict[str, Any]]
    asked = as_of.isoformat() if as_of else None
    if name == "agreements":
        found = catalog.search_agreements(conn, as_of=as_of)
        if found["publication"]:
            newest_day = str(found["publication"]["published_date"])
            newest_label = str(found["publication"]["label"])
        labels = {x["id"]: x["label"] for x in list_publications(conn)}
        places = _jurisdictions(conn)
        rows = [_agreement_row(r, labels, places) for r in found["data"]]
    elif name == "agencies":
        places = _jurisdictions(conn)
        rows = [_agency_row(r, places) for r in catalog.list_agencies(conn)["data"]]
    elif name == "publications":
        rows = [_publication_row(r) for r in list_publications(conn)]
    elif name == "changes":
        rows = catalog.events_page(conn)["data"]
    else:
        rows = placed_rows(conn)
    shapes = None
    if geometry:
        places = _jurisdictions(conn)
        key = "agency_id" if name == "agreements" else "id"
        cache: dict[str, Any] = {}

        def shapes(row: dict[str, Any]) -> Any:
            agency = row[key]
            if agency not in cache:
                j = places.get(agency, Jurisdiction(state=row["state"], level=None))
                cache[agency] = jurisdiction_shape(j)
            return cache[agency]

    return Dataset(
        name=name,
        title=TITLES[name],
        description=DESCRIPTIONS[name],
        columns=COLUMNS[name],
        rows=rows,
        as_of=newest_day,
        publication=newest_label,
        asked_as_of=asked,
        shapes=shapes,
    )


def _agreement_row(
    r: dict[str, Any], labels: dict[str, str], places: dict[str, Jurisdiction]
) -> dict[str, Any]:
    j = places.get(r["agency_id"])
    return {
        **r,
        "county_fips": ";".join(j.counties) if j else None,
        "first_publication": labels.get(r["first_publication_id"]),
        "last_publication": labels.get(r["last_publication_id"]),
    }


def _agency_row(r: dict[str, Any], places: dict[str, Jurisdiction]) -> dict[str, Any]:
    j = places.get(r["id"])
    return {
        **r,
        "spellings": "; ".join(r["spellings"]),
        "county_fips": ";".join(j.counties) if j else None,
    }


def _publication_row(r: dict[str, Any]) -> dict[str, Any]:
    out = dict(r)
    for model in MODEL_NAMES:
        out[f"rows_{model.lower()}"] = r["by_model"].get(model, 0)
    for severity in ("error", "warning", "info"):
        out[f"issues_{severity}"] = r["issues"].get(severity, 0)
    out["moa_linked"] = r["moa"].get("linked", 0)
    out["moa_pending"] = r["moa"].get("pending", 0)
    return out


# --- writing ------------------------------------------------------------------------


def write_dataset(ds: Dataset, fmt: str, path: Path) -> Path:
    """Write ``ds`` to ``path`` in ``fmt`` (a key of :data:`FORMATS`); returns ``path``."""
    from g287.interfaces import exports_formats as f

    writers: dict[str, Callable[[Dataset, Path], None]] = {
        "csv": f.write_csv,
        "json": f.write_json,
        "geojson": f.write_geojson,
        "xlsx": f.write_xlsx,
        "parquet": f.write_parquet,
        "dta": f.write_dta,
        "sav": f.write_sav,
    }
    if fmt not in writers:
        raise InvalidQuery(f"format must be one of {', '.join(writers)}")
    if fmt == "geojson" and ds.shapes is None:
        raise InvalidQuery("build the dataset with geometry=True for GeoJSON")
    writers[fmt](ds, path)
    return path


def export(conn: Connection, name: str, fmt: str, path: Path, *, as_of: date | None = None) -> Path:
    """Build one dataset and write it (a CSV with its ``datapackage.json`` sidecar)."""
    ds = build_dataset(conn, name, as_of=as_of, geometry=fmt == "geojson")
    write_dataset(ds, fmt, path)
    if fmt == "csv":
        write_datapackage(ds, fmt, path)
    return path
