"""API: citable downloads of every dataset in every format (``/api/downloads/...``).

Files are built by :mod:`g287.interfaces.exports` (the writers the CLI uses) once per
data version and kept on disk under ``<data dir>/exports/<version>/``: the next request
for the same file is a read, and a new import starts a new folder (the old ones are
deleted).

A CSV is a header row and data only; its citation, as-of date, version and column types
are in a Frictionless ``datapackage.json`` (``/api/downloads/{dataset}/datapackage.json``),
which every CSV download names in a ``Link: <...>; rel="describedby"`` header.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from g287.interfaces.exports import (
    build_dataset,
    datapackage,
    datapackage_path,
    newest_list,
    write_dataset,
)
from g287.interfaces.exports_spec import (
    COLUMNS,
    DESCRIPTIONS,
    FORMATS,
    GEO_DATASETS,
    TITLES,
    DatasetName,
    FormatName,
    citation,
)
from g287.interfaces.web.api_common import ERRORS, Day
from g287.interfaces.web.api_publications import content_disposition
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.schemas import DownloadsPublic
from g287.version import __version__

router = APIRouter(prefix="/downloads", tags=["downloads"], responses=ERRORS)


@router.get("", name="list_downloads", response_model=DownloadsPublic)
def list_downloads(conn: ConnDep) -> dict[str, Any]:
    """Every dataset (with its columns) and the link to each of its formats. Each file
    states its as-of date, the g287 version and how to cite it."""
    day, label = newest_list(conn)
    data = []
    for name in COLUMNS:
        formats = [f for f in FORMATS if f != "geojson" or name in GEO_DATASETS]
        data.append(
            {
                "name": name,
                "title": TITLES[name],
                "description": DESCRIPTIONS[name],
                "columns": [
                    {"name": c.name, "type": c.type, "label": c.label} for c in COLUMNS[name]
                ],
                "links": [
                    {
                        "format": f,
                        "media_type": FORMATS[f].media_type,
                        "url": f"/api/downloads/{name}.{f}",
                    }
                    for f in formats
                ]
                + [
                    {
                        "format": "datapackage",
                        "media_type": "application/json",
                        "url": _datapackage_url(name),
                    }
                ],
            }
        )
    return {
        "as_of": day,
        "g287_version": __version__,
        "citation": citation(day, label),
        "data": data,
    }


@router.get(
    "/{dataset}.{fmt}",
    name="get_download",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as an attachment.",
            "content": {
                # JSON and GeoJSON are one JSON object (metadata and the rows or features)
                f.media_type: {
                    "schema": {"type": "object"}
                    if f.media_type.split(";")[0].endswith("json")
                    else {"type": "string", "format": "binary"}
                }
                for f in FORMATS.values()
            },
        }
    },
)
def get_download(
    request: Request,
    dataset: Annotated[DatasetName, Path(description="Which dataset.")],
    fmt: Annotated[FormatName, Path(description="File format (geojson: agreements, agencies).")],
    as_of: Annotated[
        Day | None,
        Query(description="agreements only: those on the newest list published by this date."),
    ] = None,
) -> Response:
    """One dataset as a file: CSV, XLSX, Parquet, GeoJSON, JSON, Stata (.dta) or SPSS
    (.sav). `rows` has every row of every list with the file (name, sha256) and Excel row
    it came from; GeoJSON gives each agreement or agency its jurisdiction's geometry (a
    state outline, a city point, or its counties), or `null` and the reason."""
    folder, key = _built(request, dataset, fmt, as_of)
    name_file = folder / (key + ".name")
    name = name_file.read_text(encoding="utf-8") if name_file.exists() else key
    headers = {"Content-Disposition": content_disposition(name)}
    if fmt == "csv":
        url = _datapackage_url(dataset) + (f"?as_of={as_of.isoformat()}" if as_of else "")
        headers["Link"] = f'<{url}>; rel="describedby"; type="application/json"'
    return Response(
        (folder / key).read_bytes(), media_type=FORMATS[fmt].media_type, headers=headers
    )


@router.get("/{dataset}/datapackage.json", name="get_download_datapackage")
def get_download_datapackage(
    request: Request,
    dataset: Annotated[DatasetName, Path(description="Which dataset.")],
    as_of: Annotated[
        Day | None,
        Query(description="agreements only: those on the newest list published by this date."),
    ] = None,
) -> Response:
    """The Frictionless Data Package of a dataset's CSV: its citation, as-of date, g287
    version and source, and each column's name, type and meaning (the CSV itself holds
    only a header row and the data)."""
    folder, key = _built(request, dataset, "csv", as_of)
    sidecar = datapackage_path(folder / key)
    return Response(sidecar.read_bytes(), media_type="application/json")


def _datapackage_url(dataset: str) -> str:
    return f"/api/downloads/{dataset}/datapackage.json"


def _built(request: Request, dataset: str, fmt: str, as_of: date | None) -> tuple[FsPath, str]:
    """This data version's folder and the file's name in it, built if need be."""
    folder = _cache_folder(request)
    key = f"{dataset}-{as_of.isoformat() if as_of else 'all'}{FORMATS[fmt].suffix}"

    def done() -> bool:  # a CSV counts as built with its sidecar (older builds had none)
        built = (folder / key).exists()
        return built and (fmt != "csv" or datapackage_path(folder / key).exists())

    if not done():
        with _building(folder / (key + ".lock")):  # one build per file, the others wait
            if not done():
                _build(request, folder, key, dataset, fmt, as_of)
    return folder, key


def _build(
    request: Request, folder: FsPath, key: str, dataset: str, fmt: str, as_of: date | None
) -> None:
    with request.app.state.db.connect() as conn:
        ds = build_dataset(conn, dataset, as_of=as_of, geometry=fmt == "geojson")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=FORMATS[fmt].suffix)
        os.close(fd)
        try:
            write_dataset(ds, fmt, FsPath(tmp))
            name = ds.file_name(fmt)
            (folder / (key + ".name")).write_text(name, encoding="utf-8")
            if fmt == "csv":  # the sidecar first: a CSV on disk always has one
                meta = json.dumps(datapackage(ds, fmt, path=name), indent=2, ensure_ascii=False)
                datapackage_path(folder / key).write_text(meta + "\n", encoding="utf-8")
            os.replace(tmp, folder / key)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


@contextlib.contextmanager
def _building(lock: FsPath) -> Iterator[None]:
    with open(lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _cache_folder(request: Request) -> FsPath:
    """This data version's folder of built files (older versions' folders are removed)."""
    version, _modified = request.app.state.data_version.get()
    digest = hashlib.blake2b(f"{version}|{__version__}".encode(), digest_size=8).hexdigest()
    root = FsPath(request.app.state.settings.data_dir) / "exports"
    try:
        (root / digest).mkdir(parents=True, exist_ok=True)
    except OSError:
        root = FsPath(tempfile.gettempdir()) / f"g287-exports-{os.getuid()}"
        (root / digest).mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():
        if old.is_dir() and old.name != digest:
            shutil.rmtree(old, ignore_errors=True)
    return root / digest
