"""A row whose STATE cannot be read is placed by the same agency, model and signing date."""

from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import text

from g287.app.importer import Importer
from g287.interfaces.cli import cli
from g287.query import publications as q
from g287.resolve.qa import run_checks
from tests.workbooks import build

SIGNED_FL = datetime(2025, 3, 4)
SIGNED_NC = datetime(2025, 7, 6)


def _row(state: str, signed: datetime, county: str = "Martin County") -> list[object]:
    return [
        state,
        "Martin County Sheriff's Office",
        "County",
        county,
        "Task Force Model",
        signed,
        "link pending",
        "",
    ]


def test_an_unreadable_state_is_inferred_from_the_same_name_model_and_date(
    importer: Importer, tmp_path
):
    # "Martin County Sheriff's Office" (TFM) is listed under two states; the row with
    # STATE #N/A carries North Carolina's signing date, so it is North Carolina's.
    first = build(
        tmp_path / "participatingAgencies07072025am.xlsx",
        [_row("FLORIDA", SIGNED_FL), _row("#N/A", SIGNED_NC)],
    )
    second = build(
        tmp_path / "participatingAgencies07092025am.xlsx",
        [_row("FLORIDA", SIGNED_FL), _row("NORTH CAROLINA", SIGNED_NC)],
    )
    for day, path in ((7, first), (9, second)):
        importer.import_bytes(
            path.read_bytes(),
            name=path.name,
            source=str(path),
            seen_at=datetime(2025, 7, day, 15, tzinfo=UTC),
        )
    importer.resolve()
    with importer.db.connect() as conn:
        _, rows = q.publication_rows(conn, "part 07072025am")
        listed = conn.execute(
            text(
                "select count(distinct ca.agreement_id) from publication_rows pr"
                " join content_agreements ca on ca.content_id = pr.content_id"
                " join publications p on p.id = pr.publication_id where p.label = :label"
            ),
            {"label": "part 07072025am"},
        ).scalar_one()
        checks = {c.name: c.passed for c in run_checks(conn)}
    assert [r["state_raw"] for r in rows] == ["FLORIDA", "#N/A"]
    assert listed == 2  # the #N/A row is an agreement, not left unresolved
    assert all(checks.values()), [k for k, v in checks.items() if not v]
    decisions = CliRunner().invoke(
        cli,
        ["decisions", "--json"],
        env={
            "G287_DATABASE_URL": importer.db.url,
            "G287_DATA_DIR": str(importer.archive.root.parent),
        },
    )
    assert "with the same signing date under NC only" in decisions.stdout
