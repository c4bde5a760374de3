"""Every bundled workbook, read by g287, against the independent reference counts."""

import csv
import json

import pytest
from click.testing import CliRunner

from g287.interfaces.cli import cli
from tests.conftest import DATA, SHEETS

REFERENCE = list(csv.DictReader((DATA / "publication_counts.csv").read_text().splitlines()))


@pytest.fixture
def published(settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(SHEETS), "--json"], env=env)
    assert imported.exit_code == 0, imported.stderr
    assert json.loads(imported.stdout)["summary"]["accepted"] == 46
    listed = runner.invoke(cli, ["publications", "--json"], env=env)
    assert listed.exit_code == 0, listed.stderr
    return {p["label"]: p for p in json.loads(listed.stdout)}


def test_every_publication_matches_the_reference_counts(published):
    assert sorted(published) == sorted(r["label"] for r in REFERENCE)
    for ref in REFERENCE:
        pub = published[ref["label"]]
        assert pub["file_name"] == ref["file"]
        assert pub["row_count"] == int(ref["rows"]), ref["label"]
        assert pub["by_model"] == {m: int(ref[m]) for m in ("JEM", "TFM", "WSO")}, ref["label"]
        assert pub["states"] == int(ref["states"]), ref["label"]
        assert pub["by_type"] == {
            "County": int(ref["County"]),
            "Municipality": int(ref["Municipality"]),
            "State Agency": int(ref["State_Agency"]),
        }, ref["label"]
        if ref["kind"] == "participating":
            assert pub["moa"].get("linked", 0) == int(ref["moa_hyperlinked"]), ref["label"]
            assert pub["moa"].get("pending", 0) == int(ref["moa_link_pending"]), ref["label"]
            assert pub["signed_min"] == ref["signed_min"], ref["label"]


def test_publications_are_in_date_order(published):
    for kind in ("participating", "pending"):
        pubs = sorted((p for p in published.values() if p["kind"] == kind), key=lambda p: p["seq"])
        dates = [p["published_date"] for p in pubs]
        assert dates == sorted(dates)
        assert [p["seq"] for p in pubs] == list(range(1, len(pubs) + 1))


def test_no_raw_safelink_is_stored(shared_history):
    from sqlalchemy import text

    with shared_history.db.connect() as conn:
        for table, column in [
            ("row_contents", "moa_url"),
            ("row_contents", "addendum_url"),
            ("content_issues", "raw_value"),
            ("content_issues", "note"),
            ("publication_issues", "raw_value"),
            ("publication_issues", "note"),
        ]:
            n = conn.execute(
                text(f"select count(*) from {table} where {column} like '%safelinks%'")
            ).scalar()
            assert n == 0, (table, column)
        linked = conn.execute(
            text(
                "select count(*) from publication_rows p join row_contents c on c.id = p.content_id"
                " where c.addendum_status = 'linked'"
            )
        ).scalar()
        assert linked == 16 + 4 * 39  # every ADDENDUM link (all safelinks in ICE's files)
