"""Start-up costs paid once: the on-disk index cache, the jurisdiction memo and the
per-process publication counts (issue #14, item 6)."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from g287.app.importer import Importer
from g287.enrich import indexcache, places
from g287.enrich.geo import cities, connecticut, county_at, match_city, match_county, points
from g287.enrich.geo import names as geo_names
from g287.query import publication_stats as q
from tests.conftest import SHEETS

counties_module = sys.modules["g287.enrich.geo.counties"]
T0 = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)
P0516 = SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx"
P0519 = SHEETS / "sheets_20250519_151802" / "participatingAgencies05192025am.xlsx"


def _forget_indexes() -> None:
    """What a new process would hold: nothing built yet."""
    for fn in (
        points.county_features,
        counties_module._registry,
        counties_module._state_index,
        counties_module.match_county,
        cities._index,
        cities._city,
        connecticut.towns,
        connecticut.legacy_counties,
        places._memo,
        geo_names.plain,
        geo_names.name_key,
    ):
        getattr(fn, "cache_clear", lambda: None)()  # (a test may have replaced it)
    from g287.enrich import agency_names, jurisdiction, jurisdiction_tables

    jurisdiction.resolve_jurisdiction.cache_clear()
    agency_names.place_text.cache_clear()
    jurisdiction_tables.tables.cache_clear()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(indexcache.CACHE_ENV, str(folder))
    _forget_indexes()
    yield folder
    _forget_indexes()


INPUTS = [("geo", "ct_towns.csv")]


def test_an_index_is_built_once_then_read_from_disk(cache_dir: Path) -> None:
    built: list[int] = []

    def build() -> dict[str, int]:
        built.append(1)
        return {"answer": 42}

    assert indexcache.cached_index("probe", INPUTS, build) == {"answer": 42}
    (path,) = cache_dir.glob("probe-*.pickle")
    assert indexcache.cached_index("probe", INPUTS, build) == {"answer": 42}
    assert len(built) == 1  # the second "process" read the file
    assert path == indexcache.index_path("probe", INPUTS)


def test_an_index_is_rebuilt_when_its_data_changes(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexcache.cached_index("probe", INPUTS, lambda: "old data")
    (old,) = cache_dir.glob("probe-*.pickle")
    real = indexcache._file_hash
    monkeypatch.setattr(indexcache, "_file_hash", lambda folder, name: real(folder, name) + "x")
    assert indexcache.cached_index("probe", INPUTS, lambda: "new data") == "new data"
    (new,) = cache_dir.glob("probe-*.pickle")  # the stale file is gone
    assert new != old
    assert indexcache.cached_index("probe", INPUTS, lambda: "never built") == "new data"


def test_a_code_or_version_change_gives_a_new_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = indexcache.index_key("probe", INPUTS)
    monkeypatch.setattr(indexcache, "_code_hash", lambda: "other code")
    assert indexcache.index_key("probe", INPUTS) != before
    monkeypatch.undo()
    monkeypatch.setattr(indexcache, "__version__", "99.0")
    assert indexcache.index_key("probe", INPUTS) != before


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # empty
        b"not a pickle at all",
        pickle.dumps({"key": "someone else's", "value": "wrong"}),
        pickle.dumps(["a list"]),
    ],
)
def test_a_corrupt_or_foreign_cache_file_is_ignored_and_rewritten(
    cache_dir: Path, damage: bytes
) -> None:
    path = indexcache.index_path("probe", INPUTS)
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    assert indexcache.cached_index("probe", INPUTS, lambda: "rebuilt") == "rebuilt"
    assert pickle.loads(path.read_bytes())["value"] == "rebuilt"
    assert indexcache.cached_index("probe", INPUTS, lambda: "not again") == "rebuilt"


def test_a_truncated_cache_file_is_ignored(cache_dir: Path) -> None:
    indexcache.cached_index("probe", INPUTS, lambda: list(range(10_000)))
    (path,) = cache_dir.glob("probe-*.pickle")
    path.write_bytes(path.read_bytes()[:100])
    assert indexcache.cached_index("probe", INPUTS, lambda: [1]) == [1]


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(indexcache.CACHE_ENV, "off")
    built: list[int] = []
    for _ in range(2):
        indexcache.cached_index("probe", INPUTS, lambda: built.append(1))
    assert len(built) == 2
    assert indexcache.index_path("probe", INPUTS) is None


def test_an_unwritable_cache_folder_falls_back_to_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(indexcache.CACHE_ENV, str(blocker / "cache"))
    assert indexcache.cached_index("probe", INPUTS, lambda: "built") == "built"


def test_geography_read_back_from_disk_answers_like_a_fresh_build(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampa = county_at(27.95, -82.46)
    union = match_county("LA", "Union County")
    city = match_city("FL", "Tampa")
    assert {p.name.rsplit("-", 1)[0] for p in cache_dir.glob("*.pickle")} >= {
        "county-shapes",
        "counties",
        "cities",
    }
    _forget_indexes()

    def no_building() -> None:
        raise AssertionError("the index should have been read from disk")

    monkeypatch.setattr(points, "_build_shapes", no_building)
    monkeypatch.setattr(counties_module, "_build_registry", no_building)
    monkeypatch.setattr(cities, "_build_index", no_building)
    assert county_at(27.95, -82.46) == tampa == "12057"
    assert match_county("LA", "Union County") == union
    assert union is not None and union.name == "Union Parish"
    assert match_city("FL", "Tampa") == city
    assert city is not None and city.county_fips == "12057"


def test_known_agencies_are_placed_from_the_memo_without_geography(
    cache_dir: Path, importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer.import_bytes(P0516.read_bytes(), name=P0516.name, source=str(P0516), seen_at=T0)
    res = importer.resolve()
    from g287.enrich.places import agency_place_rows

    first = agency_place_rows(res.history, res.pending)
    assert list(cache_dir.glob("jurisdictions-*.pickle"))
    _forget_indexes()  # a new process: the memo comes from disk

    def no_geography() -> None:
        raise AssertionError("known agencies should not need the geography indexes")

    monkeypatch.setattr(counties_module, "_registry", no_geography)
    monkeypatch.setattr(cities, "_index", no_geography)
    monkeypatch.setattr(points, "county_features", no_geography)
    assert agency_place_rows(res.history, res.pending) == first


def test_the_jurisdiction_memo_gives_what_resolving_gives(
    cache_dir: Path, importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer.import_bytes(P0516.read_bytes(), name=P0516.name, source=str(P0516), seen_at=T0)
    res = importer.resolve()
    from g287.enrich.places import agency_place_rows

    with_memo = agency_place_rows(res.history, res.pending)
    monkeypatch.setenv(indexcache.CACHE_ENV, "off")
    _forget_indexes()
    assert agency_place_rows(res.history, res.pending) == with_memo


def test_after_an_import_only_the_new_list_is_counted(
    importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer.import_bytes(P0516.read_bytes(), name=P0516.name, source=str(P0516), seen_at=T0)
    importer.resolve()
    with importer.db.connect() as conn:
        q.list_publications(conn)
    counted: list[list[str]] = []
    real = q._count_publications

    def spy(conn, ids, *, whole):  # type: ignore[no-untyped-def]
        counted.append(list(ids))
        return real(conn, ids, whole=whole)

    monkeypatch.setattr(q, "_count_publications", spy)
    result = importer.import_bytes(
        P0519.read_bytes(), name=P0519.name, source=str(P0519), seen_at=T0
    )
    importer.resolve()
    with importer.db.connect() as conn:
        listed = q.list_publications(conn)
    (new,) = [p["id"] for p in listed if p["sha256"] == result.sha256]
    assert counted == [[new]]
    q._stats_memo.clear()  # a fresh process counts everything: the same answer
    with importer.db.connect() as conn:
        assert q.list_publications(conn) == listed
    from sqlalchemy import func, select

    from g287.store.schema import publication_rows

    with importer.db.connect() as conn:
        rows = conn.execute(
            select(func.count()).where(publication_rows.c.publication_id == new)
        ).scalar_one()
    (mine,) = [p for p in listed if p["id"] == new]
    assert sum(mine["by_model"].values()) == rows > 0
