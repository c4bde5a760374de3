"""A list that loses most of the program at once is held as suspect, not believed."""

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import func, select

from g287.app.importer import Importer
from g287.app.rebuild import rebuild
from g287.errors import InvalidQuery
from g287.interfaces.cli import cli
from g287.interfaces.web import http
from g287.query import history as h
from g287.query import publications as q
from g287.store.schema import events
from tests.api_support import api_client
from tests.conftest import SHEETS, dump_database
from tests.workbooks import build

T_LATE = datetime(2025, 7, 9, 15, 0, tzinfo=UTC)


def newest_rows(imp: Importer, n: int) -> list[list[object]]:
    """The first ``n`` rows of the newest real list, as ICE printed them."""
    with imp.db.connect() as conn:
        rows = q.publication_rows(conn, "latest")[1][:n]
    return [
        [
            r["state_raw"],
            r["agency_raw"],
            r["type_raw"],
            r["county_raw"],
            r["support_raw"],
            r["signed"] and datetime.fromisoformat(r["signed"]),
            "link pending",
            "",
        ]
        for r in rows
    ]


def import_truncated(imp: Importer, tmp_path, name: str, rows, day: int):
    path = build(tmp_path / name, rows)
    result = imp.import_bytes(
        path.read_bytes(), name=name, source=str(path), seen_at=T_LATE.replace(day=day)
    )
    imp.resolve()
    return result


@pytest.fixture
def real(importer: Importer) -> Importer:
    importer.import_paths([SHEETS / "manifest.csv"])
    return importer


def active(imp: Importer) -> int:
    with imp.db.connect() as conn:
        return int(h.status(conn)["active"])


def test_a_truncated_list_is_held_then_accepted(real: Importer, tmp_path, monkeypatch):
    before = active(real)
    with real.db.connect() as conn:
        events_before = conn.execute(select(func.count()).select_from(events)).scalar_one()
        latest_before = q.resolve_publication(conn, "latest")["id"]
    result = import_truncated(
        real, tmp_path, "participatingAgencies07082025am.xlsx", newest_rows(real, 3), 8
    )
    assert result.outcome == "accepted"
    with real.db.connect() as conn:
        report = h.status(conn)
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == (
            events_before
        )
        assert q.resolve_publication(conn, "latest")["id"] == latest_before
    assert report["active"] == before
    (held,) = report["held"]
    assert held["file_name"] == "participatingAgencies07082025am.xlsx" and held["loss"] > 0.99
    line = q.held_line(held)
    assert "participatingAgencies07082025am.xlsx" in line and "\n" not in line

    out = CliRunner().invoke(cli, ["--db", real.db.url, "status"], catch_exceptions=False)
    assert out.exit_code == 0 and out.output.splitlines()[0].startswith("held as suspect: ")
    monkeypatch.setattr(http, "VERSION_TTL", 0.0)
    with api_client(real) as client:
        served = client.get("/api/status").json()
        home = client.get("/").text
        assert [x["message"] for x in served["held"]] == [line]
        assert served["latest_publication"]["id"] == latest_before
        assert str(escape(line)) in home

        real.accept(held["publication_id"], "ICE really cut the list")
        assert active(real) == 3
        # no file changed, only the derived history: the cached answers must not survive it
        served = client.get("/api/status").json()
        assert served["held"] == [] and served["active"] == 3
        assert str(escape(line)) not in client.get("/").text
    with real.db.connect() as conn:
        assert h.status(conn)["held"] == []
        removed = conn.execute(
            select(func.count()).select_from(events).where(events.c.kind == "removed")
        ).scalar_one()
    assert removed >= before - 3
    with pytest.raises(InvalidQuery, match="not held"):
        real.accept(held["publication_id"])
    # the verdict is kept across a rebuild
    kept = dump_database(real)
    rebuild(real)
    assert dump_database(real) == kept


def test_a_later_list_confirms_a_shrunken_one(real: Importer, tmp_path):
    rows = newest_rows(real, 5)
    import_truncated(real, tmp_path, "participatingAgencies07082025am.xlsx", rows, 8)
    assert active(real) > 700
    import_truncated(real, tmp_path, "participatingAgencies07082025pm.xlsx", rows[:4], 9)
    with real.db.connect() as conn:
        report = h.status(conn)
        rules = [d["rule"] for d in h.list_decisions(conn)]
    assert report["held"] == [] and report["active"] == 4
    assert "suspect_list_confirmed" in rules


def test_a_blip_stays_held_when_the_next_list_is_whole_again(real: Importer, tmp_path):
    before = active(real)
    whole = newest_rows(real, 10_000)
    import_truncated(real, tmp_path, "participatingAgencies07082025am.xlsx", whole[:3], 8)
    import_truncated(real, tmp_path, "participatingAgencies07082025pm.xlsx", whole, 9)
    with real.db.connect() as conn:
        report = h.status(conn)
        assert q.resolve_publication(conn, "latest")["file_name"] == (
            "participatingAgencies07082025pm.xlsx"
        )
    assert [x["file_name"] for x in report["held"]] == ["participatingAgencies07082025am.xlsx"]
    assert report["active"] == before
