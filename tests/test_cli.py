"""The CLI: help everywhere, JSON equal to the library, exit codes, one-line errors."""

import json

import pytest
from click.testing import CliRunner

from g287.interfaces.cli import cli
from g287.query.publication_stats import list_publications

COMMANDS = sorted(cli.commands)


def test_every_command_has_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert cli.commands[name].help, name


def test_every_command_is_in_the_readme():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    for name in COMMANDS:
        assert f"g287 {name}" in readme, name


@pytest.fixture
def env(shared_history):
    return {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }


def invoke(env, *args):
    result = CliRunner().invoke(cli, list(args), env=env)
    return result


def test_publications_json_equals_library(env, shared_history):
    result = invoke(env, "publications", "--json")
    assert result.exit_code == 0
    with shared_history.db.connect() as conn:
        assert json.loads(result.stdout) == json.loads(json.dumps(list_publications(conn)))


def test_rows_filters(env):
    result = invoke(env, "rows", "part 07072025pm", "--state", "fl", "--model", "tfm", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["publication"]["label"] == "part 07072025pm"
    assert payload["rows"] and {(r["state"], r["model"]) for r in payload["rows"]} == {
        ("FL", "TFM")
    }
    tampa = [r for r in payload["rows"] if r["agency"] == "Tampa Police Department"]
    assert len(tampa) == 1 and tampa[0]["county_raw"] == "#N/A" and tampa[0]["county"] is None


def test_issues_filters(env):
    result = invoke(env, "issues", "--kind", "malformed_date", "--json")
    issues = json.loads(result.stdout)
    assert len(issues) == 20  # Campbell County SO VA's '05/082025', on every participating list
    assert {(i["raw_value"], i["column"]) for i in issues} == {("05/082025", "SIGNED")}
    summary = json.loads(invoke(env, "issues", "--summary", "--json").stdout)
    assert {s["kind"] for s in summary} >= {"error_cell", "state_snapped", "hidden_rows"}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["rows", "pb_ffffffffffff"], 4, "Error: no publication matches 'pb_ffffffffffff'"),
        (["rows", "07032025pm"], 2, "Error: '07032025pm' is ambiguous: part 07032025pm#1"),
        (["issues", "--kind", "bogus"], 2, "Error: unknown issue kind 'bogus'"),
    ],
)
def test_errors_are_one_line_with_exit_codes(env, args, code, message):
    result = invoke(env, *args)
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_database_url_is_a_config_error(tmp_path):
    result = CliRunner().invoke(cli, ["publications"], env={"G287_DATABASE_URL": "nonsense"})
    assert result.exit_code == 3
    assert result.stderr.strip() == "Error: G287_DATABASE_URL is not a database URL: 'nonsense'"


def test_unreachable_database_is_one_line(tmp_path):
    url = "postgresql://nobody@127.0.0.1:1/none"
    result = CliRunner().invoke(cli, ["publications"], env={"G287_DATABASE_URL": url})
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "Error: cannot migrate database postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_on_a_fresh_install_loads_the_sample_first(settings, monkeypatch):
    import uvicorn
    from sqlalchemy import func, select

    from g287.store.database import Database
    from g287.store.schema import publications

    served: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: served.append(kw))
    env = {
        "G287_DATA_DIR": str(settings.data_dir),
        "G287_DATABASE_URL": settings.database_url,
        "G287_MODE": "development",
    }

    def held() -> int:
        db = Database(settings.database_url)
        try:
            with db.connect() as conn:
                return conn.execute(select(func.count()).select_from(publications)).scalar_one()
        finally:
            db.dispose()

    empty = invoke(env, "serve", "--empty", "--port", "8999")
    assert empty.exit_code == 0, empty.output
    assert held() == 0 and "sample" not in empty.output
    fresh = invoke(env, "serve", "--port", "8999")
    assert fresh.exit_code == 0, fresh.output
    assert "loading the bundled sample" in fresh.output
    assert held() == 46
    again = invoke(env, "serve", "--port", "8999")
    assert "sample" not in again.output and held() == 46
    assert [kw["port"] for kw in served] == [8999, 8999, 8999]
