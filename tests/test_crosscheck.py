"""``g287 check --against``: every stored list against an independent per-file count table.

The table is ``tests/data/publication_counts.csv``, made without g287 (see
``src/g287/sample/PROVENANCE.md``); a copy of ``shared/data/ice/reference/``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.errors import InputError
from g287.interfaces.cli import cli
from g287.query.crosscheck import COLUMNS, crosscheck, read_count_table
from tests.conftest import DATA

REFERENCE = DATA / "publication_counts.csv"


def _env(imp: Importer) -> dict[str, str]:
    return {
        "G287_DATABASE_URL": imp.db.url,
        "G287_DATA_DIR": str(imp.archive.root.parent),
    }


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(REFERENCE.read_text()))
    return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_bundled_sample_matches_the_reference_in_every_column(shared_history: Importer):
    table = read_count_table(REFERENCE)
    assert table.ignored == []
    assert set(table.columns) == set(COLUMNS)  # models, TYPEs, states, MOA links, folder ...
    assert len(table.rows) == 46
    with shared_history.db.connect() as conn:
        result = crosscheck(conn, table)
    assert result.passed, [d.message for d in result.differences]
    assert result.lists == 46


def test_cli_passes_on_the_reference(shared_history: Importer):
    result = CliRunner().invoke(
        cli, ["check", "--against", str(REFERENCE)], env=_env(shared_history)
    )
    assert result.exit_code == 0, result.output
    assert f"pass  against {REFERENCE}: 46 lists, 14 columns, 0 differences" in result.stdout


def test_a_tampered_table_reports_exactly_the_tampered_differences(
    shared_history: Importer, tmp_path: Path
):
    header, rows = _rows()
    by_label = {r["label"]: r for r in rows}
    by_label["part 07072025pm"]["TFM"] = "387"  # g287 has 386
    by_label["pend 06102025am"]["rows"] = "94"  # 93
    by_label["part 05162025am"]["County"] = "405"  # 406
    by_label["part 06272025am"]["signed_min"] = "2019-04-25"  # 2019-04-24
    removed = "pend 07032025pm"
    kept = [r for r in rows if r["label"] != removed]
    kept.append(
        {**rows[0], "label": "part 12312025am", "file": "participatingAgencies12312025am.xlsx"}
    )
    path = _write(tmp_path / "tampered.csv", header, kept)

    with shared_history.db.connect() as conn:
        result = crosscheck(conn, read_count_table(path))
    found = {(d.label, d.column, d.expected, d.found) for d in result.differences}
    assert found == {
        ("part 07072025pm", "TFM", 387, 386),
        ("pend 06102025am", "rows", 94, 93),
        ("part 05162025am", "County", 405, 406),
        ("part 06272025am", "signed_min", "2019-04-25", "2019-04-24"),
        ("part 12312025am", "label", "part 12312025am", None),
        (removed, "label", None, removed),
    }

    cli_result = CliRunner().invoke(
        cli, ["check", "--against", str(path)], env=_env(shared_history)
    )
    assert cli_result.exit_code == 1
    diffs = [line for line in cli_result.stdout.splitlines() if line.startswith("DIFF")]
    assert diffs == [
        "DIFF  part 05162025am (participatingAgencies05162025am.xlsx): County is 405 in the "
        "table, g287 has 406",
        "DIFF  pend 06102025am (pendingAgencies06102025am.xlsx): rows is 94 in the table, "
        "g287 has 93",
        "DIFF  part 06272025am (participatingAgencies06272025am.xlsx): signed_min is "
        "2019-04-25 in the table, g287 has 2019-04-24",
        "DIFF  part 07072025pm (participatingAgencies07072025pm.xlsx): TFM is 387 in the "
        "table, g287 has 386",
        "DIFF  part 12312025am (participatingAgencies12312025am.xlsx): in the table (line 47) "
        "but not in the database",
        "DIFF  pend 07032025pm (pendingAgencies07032025pm.xlsx): in the database but not in "
        "the table",
    ]


def test_json_output_is_the_library_result(shared_history: Importer, tmp_path: Path):
    path = tmp_path / "models.csv"
    path.write_text("label,TFM,WSO,JEM,notes\npart 07072025pm,386,277,112,typed by hand\n")
    result = CliRunner().invoke(
        cli, ["check", "--against", str(path), "--json"], env=_env(shared_history)
    )
    assert result.exit_code == 1
    with shared_history.db.connect() as conn:
        expected = crosscheck(conn, read_count_table(path)).as_dict()
    assert json.loads(result.stdout)["against"] == expected
    assert expected["ignored_columns"] == ["notes"]
    assert expected["columns"] == ["TFM", "WSO", "JEM"]
    # JEM is wrong; every other list is missing from this one-row table
    assert [d for d in expected["differences"] if d["column"] != "label"] == [
        {
            "label": "part 07072025pm",
            "file": "participatingAgencies07072025pm.xlsx",
            "column": "JEM",
            "expected": 112,
            "found": 113,
            "line": 2,
            "message": "part 07072025pm (participatingAgencies07072025pm.xlsx): JEM is 112 in "
            "the table, g287 has 113",
        }
    ]
    assert sum(d["column"] == "label" for d in expected["differences"]) == 45


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "is empty (a header with a 'label' column is needed)"),
        ("file,rows\na.xlsx,3\n", "line 1: no 'label' column in the header"),
        ("label,rows,rows\nx,1,1\n", "line 1: column 'rows' appears twice"),
        (
            "label,rows,TFM\npart 1,3,2\npart 2,three,1\n",
            "line 3, field rows: 'three' is not a whole number",
        ),
        ("label,TFM\npart 1,-2\n", "line 2, field TFM: '-2' is not a whole number"),
        (
            "label,signed_min\npart 1,04/24/2019\n",
            "line 2, field signed_min: '04/24/2019' is not a date (YYYY-MM-DD)",
        ),
        ("label,rows\npart 1,3,4\n", "line 2: 3 fields, the header has 2"),
        ("label,rows\n,3\n", "line 2, field label: blank"),
        ("label,rows\npart 1,3\npart 1,4\n", "line 3, field label: 'part 1' is also on line 2"),
    ],
)
def test_a_malformed_table_is_a_one_line_error(tmp_path: Path, text: str, error: str):
    path = tmp_path / "counts.csv"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        read_count_table(path)
    assert str(exc.value) == f"{path}: {error}"
    db = f"sqlite:///{tmp_path / 'g.sqlite'}"
    result = CliRunner().invoke(
        cli,
        ["check", "--against", str(path)],
        env={"G287_DATABASE_URL": db, "G287_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"Error: {path}: {error}"]


def test_a_missing_table_is_a_one_line_error(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_count_table(tmp_path / "nope.csv")
