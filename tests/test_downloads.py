"""Downloads: every dataset in every format parses back with the usual readers, carries its
as-of date, the g287 version and a citation, and agrees with the JSON API."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from python_calamine import CalamineWorkbook

from g287 import __version__
from g287.app.importer import Importer
from g287.errors import InvalidQuery
from g287.interfaces import exports
from g287.interfaces.exports_geo import county_geometry, state_geometry
from g287.interfaces.exports_spec import COLUMNS
from tests.api_support import ApiClient, api_client

AS_OF_DAY = "2025-06-01"
TAMPA = "FL-tampa-police-department#TFM#2025-02-28"
NEWEST = "2025-07-07"


@pytest.fixture(scope="module")
def api(shared_history: Importer) -> Iterator[ApiClient]:
    with api_client(shared_history) as client:
        yield client


def download(api: ApiClient, name: str, fmt: str, query: str = "") -> bytes:
    r = api.get(f"/api/downloads/{name}.{fmt}{query}")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith(exports.FORMATS[fmt].media_type.split(";")[0])
    assert r.headers["content-disposition"].startswith('attachment; filename="g287-' + name)
    return r.content


def sizes(api: ApiClient) -> dict[str, int]:
    return {
        "agreements": 778,
        "agencies": 681,
        "publications": 46,
        "rows": 15422,
        "changes": api.get("/api/events?limit=1").json()["count"],
    }


def read_csv(data: bytes) -> list[dict[str, str]]:
    """A CSV download: a header row and data, nothing before it."""
    text = data.decode("utf-8")
    assert not text.startswith("#")
    return list(csv.DictReader(io.StringIO(text)))


def datapackage_of(api: ApiClient, name: str, query: str = "") -> dict[str, Any]:
    """The sidecar a CSV download names in its Link header."""
    r = api.get(f"/api/downloads/{name}.csv{query}")
    link = r.headers["link"]
    url = link[link.index("<") + 1 : link.index(">")]
    assert 'rel="describedby"' in link and url.startswith(f"/api/downloads/{name}/")
    meta = api.get(url)
    assert meta.status_code == 200 and meta.headers["content-type"] == "application/json"
    return dict(meta.json())


@pytest.mark.parametrize("name", list(COLUMNS))
def test_csv(api: ApiClient, name: str):
    data = download(api, name, "csv")
    rows = read_csv(data)
    assert len(rows) == sizes(api)[name]
    assert list(rows[0]) == [c.name for c in COLUMNS[name]]
    frame = pd.read_csv(io.BytesIO(data))  # pandas' defaults read it
    assert list(frame.columns) == [c.name for c in COLUMNS[name]] and len(frame) == len(rows)
    package = datapackage_of(api, name)
    assert package["profile"] == "tabular-data-package" and package["version"] == __version__
    assert package["citation"].startswith("g287 contributors") and NEWEST in package["citation"]
    assert package["g287"]["as_of"] == NEWEST
    (resource,) = package["resources"]
    assert resource["path"] == f"g287-{name}-{NEWEST}.csv" and resource["format"] == "csv"
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == [c.name for c in COLUMNS[name]]
    assert [f["description"] for f in fields] == [c.label for c in COLUMNS[name]]
    assert {f["type"] for f in fields} <= {
        "string",
        "integer",
        "number",
        "boolean",
        "date",
        "datetime",
    }


def test_csv_as_of_and_json_agree(api: ApiClient):
    rows = read_csv(download(api, "agreements", "csv", f"?as_of={AS_OF_DAY}"))
    assert len(rows) == 635 and {r["status_as_of"] for r in rows} == {"active"}
    package = datapackage_of(api, "agreements", f"?as_of={AS_OF_DAY}")
    assert package["g287"]["publication"] == "part 05292025am"
    assert package["g287"]["asked_as_of"] == AS_OF_DAY
    assert package["resources"][0]["path"] == f"g287-agreements-{AS_OF_DAY}.csv"
    listing = api.get("/api/downloads").json()["data"][0]["links"]
    assert listing[-1] == {
        "format": "datapackage",
        "media_type": "application/json",
        "url": "/api/downloads/agreements/datapackage.json",
    }
    listed = api.get(f"/api/agreements?as_of={AS_OF_DAY}&limit=1000").json()["data"]
    assert [r["id"] for r in rows] == [a["id"] for a in listed]
    as_json = json.loads(download(api, "agreements", "json", f"?as_of={AS_OF_DAY}"))
    assert as_json["count"] == 635 and as_json["as_of"] == "2025-05-29"
    assert as_json["asked_as_of"] == AS_OF_DAY and as_json["g287_version"] == __version__
    assert as_json["citation"].startswith("g287 contributors")
    assert [r["id"] for r in as_json["data"]] == [r["id"] for r in rows]
    assert as_json["data"][0]["publications"] == int(rows[0]["publications"])


def test_rows_carry_their_provenance(api: ApiClient):
    rows = read_csv(download(api, "rows", "csv"))
    pubs = {p["id"]: p for p in api.get("/api/publications").json()["data"]}
    for row in rows[:: len(rows) // 50]:
        pub = pubs[row["publication_id"]]
        assert (row["publication_label"], row["sha256"], row["file_name"]) == (
            pub["label"],
            pub["sha256"],
            pub["file_name"],
        )
        assert int(row["row_number"]) > pub["header_row"]
        assert row["agreement_id"] or row["pending_id"]
    counted = Counter(r["publication_id"] for r in rows)
    assert all(counted[pid] == p["row_count"] for pid, p in pubs.items())


@pytest.mark.parametrize("name", list(COLUMNS))
def test_xlsx(api: ApiClient, name: str):
    # read back with calamine (Rust; a reader independent of the xlsxwriter that wrote it,
    # and several times faster than openpyxl on the 15,000-row sheet)
    book = CalamineWorkbook.from_filelike(io.BytesIO(download(api, name, "xlsx")))
    data = book.get_sheet_by_name("data").to_python()
    about = {r[0]: r[1] for r in book.get_sheet_by_name("about").to_python() if r and r[0]}
    assert list(data[0]) == [c.name for c in COLUMNS[name]]
    assert len(data) - 1 == sizes(api)[name]
    assert about["as_of"] == NEWEST and about["g287_version"] == __version__
    assert about["citation"].startswith("g287 contributors") and about["rows"] == len(data) - 1


@pytest.mark.parametrize("name", list(COLUMNS))
def test_parquet(api: ApiClient, name: str):
    table = pq.read_table(io.BytesIO(download(api, name, "parquet")))
    assert table.num_rows == sizes(api)[name]
    assert table.column_names == [c.name for c in COLUMNS[name]]
    meta = {k.decode(): v.decode() for k, v in table.schema.metadata.items()}
    assert meta["g287:as_of"] == NEWEST and meta["g287:g287_version"] == __version__
    assert meta["g287:citation"].startswith("g287 contributors")
    field = table.schema.field(COLUMNS[name][0].name)
    assert field.metadata[b"description"].decode() == COLUMNS[name][0].label


@pytest.mark.parametrize("name", list(COLUMNS))
def test_stata(api: ApiClient, name: str, tmp_path: Path):
    path = tmp_path / f"{name}.dta"
    path.write_bytes(download(api, name, "dta"))
    with pd.io.stata.StataReader(path) as reader:
        frame = reader.read()
        label = reader.data_label
        labels = reader.variable_labels()
    assert len(frame) == sizes(api)[name]
    assert list(frame.columns) == [c.name for c in COLUMNS[name]]
    assert f"g287 {__version__}" in label and NEWEST in label
    assert labels[COLUMNS[name][0].name] == COLUMNS[name][0].label
    dates = [c.name for c in COLUMNS[name] if c.type == "date"]
    if dates:
        assert str(frame[dates[0]].dtype).startswith("datetime64")
    if name == "agreements":
        tampa = frame[frame["id"] == TAMPA].iloc[0]
        assert tampa["signed"] == pd.Timestamp("2025-02-28") and tampa["publications"] == 20
        assert tampa["removed_by"] is pd.NaT or pd.isna(tampa["removed_by"])
    if name == "publications":
        assert frame["first_seen"].notna().all() and frame["published_date"].min().year == 2025


@pytest.mark.parametrize("name", list(COLUMNS))
def test_spss(api: ApiClient, name: str, tmp_path: Path):
    path = tmp_path / f"{name}.sav"
    path.write_bytes(download(api, name, "sav"))
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == sizes(api)[name]
    assert list(frame.columns) == [c.name for c in COLUMNS[name]]
    assert f"g287 {__version__}" in meta.file_label and NEWEST in meta.file_label
    notes = " ".join(meta.notes)
    assert "cite: g287 contributors" in notes and NEWEST in notes
    assert meta.column_names_to_labels[COLUMNS[name][0].name] == COLUMNS[name][0].label
    if name == "agreements":
        tampa = frame[frame["id"] == TAMPA].iloc[0]
        assert tampa["signed"] == date(2025, 2, 28) and tampa["publications"] == 20
        assert meta.original_variable_types["signed"] == "DATE11"


# --- GeoJSON -------------------------------------------------------------------------


def ring_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def check_polygon(rings: list[list[list[float]]]) -> None:
    for i, ring in enumerate(rings):
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert all(len(p) == 2 and -180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in ring)
        assert (ring_area(ring) > 0) == (i == 0)  # RFC 7946: exterior CCW, holes CW


def check_geometry(geometry: dict[str, Any]) -> None:
    kind = geometry["type"]
    if kind == "Point":
        assert len(geometry["coordinates"]) == 2
    elif kind == "Polygon":
        check_polygon(geometry["coordinates"])
    else:
        assert kind == "MultiPolygon" and len(geometry["coordinates"]) > 1
        for polygon in geometry["coordinates"]:
            check_polygon(polygon)
        edges = Counter(
            frozenset((tuple(a), tuple(b)))
            for polygon in geometry["coordinates"]
            for ring in polygon
            for a, b in itertools.pairwise(ring)
        )
        assert max(edges.values()) == 1  # parts never share a border


@pytest.mark.parametrize("name", exports.GEO_DATASETS)
def test_geojson(api: ApiClient, name: str):
    doc = json.loads(download(api, name, "geojson"))
    assert doc["type"] == "FeatureCollection"
    assert doc["g287"]["as_of"] == NEWEST and doc["g287"]["g287_version"] == __version__
    assert doc["g287"]["citation"].startswith("g287 contributors")
    features = doc["features"]
    assert len(features) == sizes(api)[name]
    kinds = Counter(f["properties"]["geometry_kind"] for f in features)
    assert {"counties", "place_point", "state_outline"} <= set(kinds)
    for f in features:
        assert f["type"] == "Feature" and f["id"] == f["properties"]["id"]
        if f["geometry"] is None:
            assert f["properties"]["geometry_reason"], f["id"]
            assert f["properties"]["geometry_kind"] == "none"
        else:
            assert f["properties"]["geometry_reason"] is None
            check_geometry(f["geometry"])


def test_geometry_shapes():
    hillsborough = county_geometry(["12057"])
    assert hillsborough is not None and hillsborough["type"] == "Polygon"
    # ten Virginia counties and Norton (an independent city inside Wise): one outline, no hole
    regional = county_geometry(
        ["51027", "51051", "51105", "51167", "51169", "51173", "51185", "51191", "51195", "51720"]
    )
    assert regional is not None and regional["type"] == "Polygon"
    assert len(regional["coordinates"]) == 1
    wise = county_geometry(["51195"])
    assert wise is not None and len(wise["coordinates"]) == 2  # Wise, with Norton as a hole
    alaska = state_geometry("AK")
    assert alaska is not None and alaska["type"] == "MultiPolygon"
    for g in (hillsborough, regional, wise, alaska):
        check_geometry(g)
    assert state_geometry("XX") is None


# --- from Python ---------------------------------------------------------------------


def test_library_export(shared_history: Importer, tmp_path: Path):
    with shared_history.db.connect() as conn:
        path = exports.export(conn, "agreements", "csv", tmp_path / "a.csv", as_of=date(2025, 6, 1))
        ds = exports.build_dataset(conn, "agreements", as_of=date(2025, 6, 1))
        assert ds.file_name("parquet") == f"g287-agreements-{AS_OF_DAY}.parquet"
        assert len(ds.label) <= 80
        with pytest.raises(InvalidQuery):
            exports.build_dataset(conn, "rows", as_of=date(2025, 6, 1))
        with pytest.raises(InvalidQuery):
            exports.build_dataset(conn, "nothing")
    rows = read_csv(path.read_bytes())
    assert len(rows) == 635
    sidecar = json.loads((tmp_path / "a.datapackage.json").read_text(encoding="utf-8"))
    assert sidecar["resources"][0]["path"] == "a.csv"
    assert sidecar["g287"]["asked_as_of"] == AS_OF_DAY


def test_labels_fit_stata_and_spss():
    for columns in COLUMNS.values():
        for c in columns:
            assert len(c.label) <= 80 and len(c.name) <= 32 and c.name.isidentifier()


def test_files_are_built_once_per_data_version(api: ApiClient, shared_history: Importer):
    first = download(api, "publications", "xlsx")
    folder = Path(shared_history.archive.root.parent) / "exports"
    (built,) = [p for p in folder.iterdir() if p.is_dir()]
    assert (built / "publications-all.xlsx").read_bytes() == first
    assert download(api, "publications", "xlsx") == first


def test_export_command_writes_each_format(shared_history: Importer, tmp_path: Path):
    from click.testing import CliRunner

    from g287.interfaces.cli import cli

    env = {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }
    runner = CliRunner()
    done = runner.invoke(
        cli,
        ["export", "agreements", "--as-of", "2025-06-01", "-o", str(tmp_path), "--json"],
        env=env,
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    path = Path(report["path"])
    assert path.name == f"g287-agreements-{AS_OF_DAY}.csv"
    rows = read_csv(path.read_bytes())
    assert len(rows) == 635
    assert report["datapackage"] == str(tmp_path / f"g287-agreements-{AS_OF_DAY}.datapackage.json")
    sidecar = json.loads(Path(report["datapackage"]).read_text(encoding="utf-8"))
    assert sidecar["resources"][0]["path"] == path.name
    assert sidecar["citation"].startswith("g287 contributors")
    parquet = runner.invoke(
        cli,
        ["export", "changes", "--format", "parquet", "-o", str(tmp_path / "c.parquet")],
        env=env,
    )
    assert parquet.exit_code == 0, parquet.output
    assert pq.read_table(tmp_path / "c.parquet").num_rows == sizes_from_db(shared_history)
    refused = runner.invoke(
        cli,
        ["export", "agreements", "--as-of", "2024-01-01", "-o", str(tmp_path / "x.csv")],
        env=env,
    )
    assert refused.exit_code != 0 and "2024-01-01" in refused.output
    assert not (tmp_path / "x.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def sizes_from_db(importer: Importer) -> int:
    from g287.query.catalog import events_page

    with importer.db.connect() as conn:
        return int(events_page(conn, limit=1)["count"])


def test_a_csv_built_without_its_sidecar_is_rebuilt(api: ApiClient, shared_history: Importer):
    first = download(api, "publications", "csv")
    folder = Path(shared_history.archive.root.parent) / "exports"
    (built,) = [p for p in folder.iterdir() if p.is_dir()]
    (built / "publications-all.datapackage.json").unlink()  # as a build before sidecars
    package = datapackage_of(api, "publications")
    assert package["resources"][0]["path"] == f"g287-publications-{NEWEST}.csv"
    assert download(api, "publications", "csv") == first
