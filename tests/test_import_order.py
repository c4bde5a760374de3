"""Dating does not depend on import order: lists arriving late (a backfill after newer
lists are in) give exactly the history a chronological import gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from g287.app.importer import Importer
from g287.app.rebuild import rebuild
from g287.config import Settings
from g287.store.archive import RawArchive
from g287.store.publications import as_utc
from g287.store.schema import publications, raw_files
from tests.conftest import SHEETS, dump_database, make_db_url

LATER = datetime(2026, 1, 1, tzinfo=UTC)


def sample_files(count: int) -> list[tuple[str, str, bytes, datetime]]:
    """(name, source, bytes, first seen) of the first ``count`` bundled workbooks, in order."""
    import csv

    from g287.store.archive import parse_utc

    out = []
    with open(SHEETS / "manifest.csv", newline="") as handle:
        for rec in list(csv.DictReader(handle))[:count]:
            path = SHEETS / rec["folder"] / rec["file_name"]
            out.append(
                (rec["file_name"], str(path), path.read_bytes(), parse_utc(rec["first_seen_utc"]))
            )
    return out


@pytest.fixture
def make_importer(db_url, tmp_path):
    backend = "postgres" if db_url.startswith("postgresql") else "sqlite"
    made = []

    def factory(name: str) -> Importer:
        folder = tmp_path / name
        folder.mkdir()
        urls = make_db_url(backend, folder)
        imp = Importer(*_parts(Settings.from_env({}, data_dir=folder, database_url=next(urls))))
        made.append((imp, urls))
        return imp

    yield factory
    for imp, urls in made:
        imp.db.dispose()
        for _ in urls:
            pass


def _parts(settings: Settings):
    imp = Importer.from_settings(settings)
    return imp.db, RawArchive(settings.archive_dir)


def first_seen(imp: Importer) -> dict[str, datetime]:
    with imp.db.connect() as conn:
        return {
            sha: as_utc(seen)
            for sha, seen in conn.execute(select(raw_files.c.sha256, raw_files.c.first_seen))
        }


FILES = sample_files(16)


@pytest.mark.parametrize("seed", [1, 2])
def test_shuffled_import_gives_the_chronological_history(make_importer, seed):
    chronological = make_importer("chronological")
    for name, source, data, seen in FILES:
        chronological.import_bytes(data, name=name, source=source, seen_at=seen)
    chronological.resolve()

    order = list(FILES)
    random.Random(seed).shuffle(order)
    shuffled = make_importer("shuffled")
    for name, source, data, seen in order:
        shuffled.import_bytes(data, name=name, source=source, seen_at=seen)
        shuffled.resolve()  # as if each arrived in its own run
    assert dump_database(shuffled) == dump_database(chronological)


def test_newest_first_then_backfill_gives_the_chronological_history(make_importer):
    chronological = make_importer("chronological")
    for name, source, data, seen in FILES:
        chronological.import_bytes(data, name=name, source=source, seen_at=seen)
    chronological.resolve()
    late = make_importer("late")
    for name, source, data, seen in FILES[8:]:
        late.import_bytes(data, name=name, source=source, seen_at=seen)
    late.resolve()
    for name, source, data, seen in FILES[:8]:
        late.import_bytes(data, name=name, source=source, seen_at=seen)
    late.resolve()
    assert dump_database(late) == dump_database(chronological)


def test_first_seen_is_the_earliest_sighting_whatever_the_order(make_importer):
    name, source, data, seen = FILES[0]
    imp = make_importer("one")
    # first given with no known time (an import of a bare folder: the import time) ...
    imp.import_bytes(data, name=name, source=source, seen_at=LATER)
    # ... then by a manifest naming the same file, same name and source, with its real time
    imp.import_bytes(data, name=name, source=source, seen_at=seen)
    imp.resolve()
    reference = make_importer("reference")
    reference.import_bytes(data, name=name, source=source, seen_at=seen)
    reference.resolve()
    assert first_seen(imp) == first_seen(reference) == {FILES[0][2] and _sha(data): seen}
    assert dump_database(imp) == dump_database(reference)
    # and the archive replays it so: a rebuild gives the same first seen
    rebuild(imp)
    assert first_seen(imp) == {_sha(data): seen}


def test_subfolders_before_their_manifest_are_dated_by_the_manifest(importer):
    """Importing each run's folder (no manifest of its own: the import time) and then the
    parent folder whose manifest.csv times every file: every file's first seen is the
    manifest's, and the lists are dated as a manifest import dates them."""
    folders = sorted(p for p in SHEETS.iterdir() if p.is_dir())
    importer.import_paths(folders, now=LATER)
    importer.import_paths([SHEETS], now=LATER)
    expected = {sha: seen for _name, _src, data, seen in sample_files(46) for sha in [_sha(data)]}
    assert first_seen(importer) == expected
    with importer.db.connect() as conn:
        dated = conn.execute(select(publications.c.published_date, publications.c.ice_date)).all()
    assert all(published == ice for published, ice in dated)


def _sha(data: bytes) -> str:
    from g287.store.archive import sha256_hex

    return sha256_hex(data)


def test_a_file_seen_under_two_names_ends_the_same_in_either_order(make_importer):
    """The unversioned participatingAgencies.xlsx captured before the dated name: the
    publication is dated by the earliest sighting and named by ICE's dated name."""
    name, source, data, seen = FILES[0]
    sightings = [
        (
            "participatingAgencies.xlsx",
            "https://example.org/p.xlsx",
            datetime(2025, 5, 17, tzinfo=UTC),
        ),
        (name, source, seen),
    ]
    dumps = []
    for label, order in (("forward", sightings), ("reverse", sightings[::-1])):
        imp = make_importer(label)
        for n, src, when in order:
            imp.import_bytes(data, name=n, source=src, seen_at=when)
            imp.resolve()
        with imp.db.connect() as conn:
            pub = conn.execute(select(publications)).mappings().one()
            raw = conn.execute(select(raw_files)).mappings().one()
        assert pub["file_name"] == name and str(pub["published_date"]) == "2025-05-16"
        assert as_utc(pub["first_seen"]) == datetime(2025, 5, 17, tzinfo=UTC)
        assert raw["first_name"] == "participatingAgencies.xlsx"
        dumps.append(dump_database(imp))
    assert dumps[0] == dumps[1]
