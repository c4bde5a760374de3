"""Importing: archive, idempotence, identity by bytes, ordering, rebuild, transactions."""

import csv
import shutil
from datetime import UTC, datetime

import pytest

from g287.app.importer import Importer
from g287.app.rebuild import rebuild
from g287.errors import StoreError
from g287.query import publications as q
from g287.query.publication_stats import list_publications
from g287.store import publications as store_publications
from g287.store.archive import sha256_hex
from tests.conftest import DATA, SHEETS, dump_database

T0 = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)
P0516 = SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx"
P0519 = SHEETS / "sheets_20250519_151802" / "participatingAgencies05192025am.xlsx"
SAME_NAME_1 = SHEETS / "sheets_20250703_151805" / "participatingAgencies07032025pm.xlsx"
SAME_NAME_2 = SHEETS / "sheets_20250704_151659" / "participatingAgencies07032025pm.xlsx"


def test_files_are_archived_unchanged_by_sha256(importer: Importer):
    data = P0516.read_bytes()
    result = importer.import_bytes(data, name=P0516.name, source=str(P0516), seen_at=T0)
    assert result.outcome == "accepted"
    assert importer.archive.read(result.sha256) == data
    assert result.sha256 == sha256_hex(data)
    assert importer.archive.path_for(result.sha256).name == result.sha256
    (sighting,) = importer.archive.sightings()
    assert (sighting.name, sighting.source, sighting.seen_at, sighting.size) == (
        P0516.name,
        str(P0516),
        "2025-07-10T12:00:00Z",
        len(data),
    )
    with importer.db.connect() as conn:
        (row,) = q.list_files(conn)
    assert (row["status"], row["kind"], row["ice_date"], row["ice_part"]) == (
        "accepted",
        "participating",
        "2025-05-16",
        "am",
    )


def test_importing_the_same_bytes_again_changes_nothing(importer: Importer):
    importer.import_paths([SHEETS / "sheets_20250519_024330"], now=T0)
    before = dump_database(importer)
    sightings = importer.archive.sightings()
    again = importer.import_paths([SHEETS / "sheets_20250519_024330"], now=T0)
    assert {r.outcome for r in again} == {"unchanged"}
    assert dump_database(importer) == before
    assert importer.archive.sightings() == sightings


def test_same_bytes_under_another_name_is_one_publication_with_two_sightings(
    importer: Importer, tmp_path
):
    copy = tmp_path / "participatingAgencies05172025am.xlsx"
    shutil.copy(P0516, copy)
    first = importer.import_bytes(P0516.read_bytes(), name=P0516.name, source="a", seen_at=T0)
    second = importer.import_bytes(copy.read_bytes(), name=copy.name, source="b", seen_at=T0)
    assert second.outcome == "duplicate"
    assert second.publication_id == first.publication_id
    with importer.db.connect() as conn:
        assert len(list_publications(conn)) == 1
        assert q.counts(conn)["files"] == 1
    assert len(importer.archive.sightings()) == 2


def test_two_different_files_with_one_name_are_two_publications_in_first_seen_order(
    importer: Importer,
):
    # Imported in the wrong order on purpose: the order comes from first-seen times.
    importer.import_bytes(
        SAME_NAME_2.read_bytes(),
        name=SAME_NAME_2.name,
        source="2",
        seen_at=datetime(2025, 7, 4, 15, 16, 59, tzinfo=UTC),
    )
    importer.import_bytes(
        SAME_NAME_1.read_bytes(),
        name=SAME_NAME_1.name,
        source="1",
        seen_at=datetime(2025, 7, 3, 15, 18, 5, tzinfo=UTC),
    )
    with importer.db.connect() as conn:
        pubs = list_publications(conn, "participating")
    assert [(p["label"], p["row_count"]) for p in pubs] == [
        ("part 07032025pm#1", 753),
        ("part 07032025pm#2", 777),
    ]


def test_an_earlier_sighting_moves_first_seen_and_redates(importer: Importer):
    name = "participatingAgencies05302025am.xlsx"  # claims a date after it was first seen
    data = P0519.read_bytes()
    importer.import_bytes(data, name=name, source="late", seen_at=datetime(2025, 6, 2, tzinfo=UTC))
    with importer.db.connect() as conn:
        assert q.resolve_publication(conn, "latest")["published_date"] == "2025-05-30"
    importer.import_bytes(
        data, name=name, source="early", seen_at=datetime(2025, 5, 20, 16, tzinfo=UTC)
    )
    with importer.db.connect() as conn:
        pub = q.resolve_publication(conn, "latest")
    assert pub["published_date"] == "2025-05-20"
    assert pub["date_source"] == "first_seen"


def test_rebuild_reproduces_the_database_exactly(importer: Importer, tmp_path):
    importer.import_paths(
        [SHEETS / "sheets_20250703_151805", SHEETS / "sheets_20250704_151659"], now=T0
    )
    bad = tmp_path / "participatingAgencies01012025am.xlsx"
    bad.write_text("<html><body>Access denied</body></html>")
    importer.import_paths([bad], now=T0)
    importer.import_paths([SHEETS / "sheets_20250519_024330"], now=T0)
    before = dump_database(importer)
    results = rebuild(importer)
    assert [r.outcome for r in results].count("rejected") == 1
    assert dump_database(importer) == before


def test_import_order_does_not_change_the_result(settings, tmp_path):
    folders = [
        SHEETS / "sheets_20250519_024330",
        SHEETS / "sheets_20250519_151802",
        SHEETS / "sheets_20250520_151813",
    ]
    a = Importer.from_settings(settings)
    a.import_paths(folders, now=T0)
    dump_a = dump_database(a)
    a.db.drop_all()
    a.db.migrate()
    for folder in reversed(folders):
        a.import_paths([folder], now=T0)
    assert dump_database(a) == dump_a
    a.db.dispose()


def test_a_failure_mid_import_leaves_the_database_as_it_was(importer: Importer, monkeypatch):
    importer.import_paths([SHEETS / "sheets_20250519_024330"], now=T0)
    before = dump_database(importer)
    real = store_publications.insert_publication

    def explode(conn, values, rows, issues, known=None):
        real(conn, values, rows[:10], issues, known)  # half a publication written ...
        raise StoreError("disk full (simulated)")  # ... then the failure

    monkeypatch.setattr(store_publications, "insert_publication", explode)
    with pytest.raises(StoreError, match="disk full"):
        importer.import_bytes(P0519.read_bytes(), name=P0519.name, source="x", seen_at=T0)
    assert dump_database(importer) == before
    assert importer.archive.has(sha256_hex(P0519.read_bytes()))  # the raw file is kept
    monkeypatch.undo()
    result = importer.import_bytes(P0519.read_bytes(), name=P0519.name, source="x", seen_at=T0)
    assert result.outcome == "accepted" and result.rows == 581


def test_manifest_first_seen_times_are_used(importer: Importer):
    importer.import_paths([SHEETS / "manifest.csv"])
    manifest = {
        r["sha256"]: r["first_seen_utc"]
        for r in csv.DictReader((SHEETS / "manifest.csv").read_text().splitlines())
    }
    with importer.db.connect() as conn:
        files = q.list_files(conn)
    assert len(files) == 46
    for f in files:
        assert f["first_seen"].replace("+00:00", "")[:19] == manifest[f["sha256"]].rstrip("Z")


def test_reference_counts_file_is_the_one_we_test_against():
    rows = list(csv.DictReader((DATA / "publication_counts.csv").read_text().splitlines()))
    assert len(rows) == 46


def test_adding_one_list_gives_what_a_full_rebuild_gives(importer: Importer):
    importer.import_paths([SHEETS / "manifest.csv"])
    full = dump_database(importer, derived=True)
    importer.db.drop_all()
    importer.db.migrate()
    sightings = importer.archive.sightings()
    for s in sightings[:-1]:
        importer.import_bytes(
            importer.archive.read(s.sha256),
            name=s.name,
            source=s.source,
            seen_at=s.seen_datetime,
            archive=False,
        )
    importer.resolve()
    last = sightings[-1]
    importer.import_bytes(
        importer.archive.read(last.sha256),
        name=last.name,
        source=last.source,
        seen_at=last.seen_datetime,
        archive=False,
    )
    importer.resolve()
    assert dump_database(importer, derived=True) == full
