"""CLI error paths that must be one line and an exit code, never a traceback, and must
leave nothing half-done behind them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from g287.interfaces.cli import cli
from g287.interfaces.web.settings import WebSettings, is_loopback
from g287.model.states import STATES
from tests.conftest import SHEETS

ONE_LIST = SHEETS / "sheets_20250519_024330" / "participatingAgencies05162025am.xlsx"


def run(env: dict[str, str], *args: str, **kwargs: Any) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, **kwargs)


def one_line(result: Result, code: int, message: str) -> None:
    """Exit ``code`` and exactly ``message`` on stderr, with no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.stderr.strip() == message, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "G287_DATA_DIR": str(tmp_path / "data"),
        "G287_DATABASE_URL": f"sqlite:///{tmp_path / 'g287.sqlite'}",
        "G287_MODE": "development",
        "G287_ADMIN_TOKEN": "change-me",
    }


# --- serve: the admin endpoints never reach the network with the default token -------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_refuses_a_network_host_with_the_default_token(env, host, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("must not serve"))
    one_line(
        run(env, "serve", "--host", host, "--empty"),
        3,
        f"Error: refusing to serve on {host} with the default G287_ADMIN_TOKEN: set "
        "G287_ADMIN_TOKEN (at least 16 characters) or serve on 127.0.0.1",
    )


def test_serve_on_a_network_host_with_a_real_token(env, monkeypatch):
    import uvicorn

    served: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: served.append(kw))
    token = {**env, "G287_ADMIN_TOKEN": "a-real-token-of-some-length"}
    done = run(token, "serve", "--host", "0.0.0.0", "--empty", "--port", "8998")
    assert done.exit_code == 0, done.output
    assert [(kw["host"], kw["port"]) for kw in served] == [("0.0.0.0", 8998)]


def test_loopback_hosts():
    assert all(map(is_loopback, ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "g287.example.org"]))
    WebSettings().check_host("127.0.0.1")  # the default token is fine on this machine


# --- simulate -------------------------------------------------------------------------


def test_simulate_into_a_path_under_a_file(env, tmp_path):
    (tmp_path / "afile").write_text("x")
    target = tmp_path / "afile" / "sub"
    one_line(
        run(env, "simulate", str(target), "--publications", "2", "--agreements", "5"),
        2,
        f"Error: cannot write a simulation into {target}: not a directory",
    )
    assert (tmp_path / "afile").read_text() == "x"


def test_simulate_into_a_file(env, tmp_path):
    (tmp_path / "afile").write_text("x")
    one_line(
        run(env, "simulate", str(tmp_path / "afile")),
        2,
        f"Error: cannot write a simulation into {tmp_path / 'afile'}: not a directory",
    )
    assert (tmp_path / "afile").read_text() == "x"


def test_simulate_json(env, tmp_path):
    out = tmp_path / "sim"
    done = run(env, "simulate", str(out), "--publications", "2", "--agreements", "5", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["out_dir"] == str(out) and report["participating_files"] == 2
    assert (out / "sheets" / "manifest.csv").exists() and (out / "truth" / "rows.csv").exists()


# --- serving without the web extra ----------------------------------------------------


WEB_MISSING = (
    "Error: serving the site needs the web extra (uvicorn is missing): pip install 'g287[web]'"
)


@pytest.mark.parametrize("args", [["serve"], ["demo", "--serve"]])
def test_serving_without_uvicorn_is_one_line_before_any_work(env, tmp_path, monkeypatch, args):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as on a plain install
    one_line(run(env, *args), 3, WEB_MISSING)
    assert not (tmp_path / "g287.sqlite").exists()  # nothing imported, nothing migrated
    assert not (tmp_path / "data").exists()


# --- export ---------------------------------------------------------------------------


@pytest.fixture
def held(env: dict[str, str]) -> dict[str, str]:
    """``env`` over a database holding one real list."""
    done = run(env, "import", str(ONE_LIST))
    assert done.exit_code == 0, done.output
    return env


@pytest.mark.parametrize("fmt", ["dta", "sav", "parquet"])
def test_export_without_the_exports_extra(held, tmp_path, monkeypatch, fmt):
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    out = tmp_path / "out"
    out.mkdir()
    one_line(
        run(held, "export", "agreements", "--format", fmt, "-o", str(out)),
        3,
        "Error: Parquet, Stata and SPSS need: pip install 'g287[exports]'",
    )
    assert list(out.iterdir()) == []


def test_export_into_a_new_folder_makes_it(held, tmp_path):
    out = tmp_path / "new" / "deeper"
    done = run(held, "export", "agencies", "-o", f"{out}/")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "g287-agencies-2025-05-16.csv",
        "g287-agencies-2025-05-16.datapackage.json",
    ]
    again = run(held, "export", "agencies", "--format", "json", "-o", str(out))  # now a folder
    assert again.exit_code == 0 and (out / "g287-agencies-2025-05-16.json").exists()


def test_export_into_a_missing_folder_refuses(held, tmp_path):
    target = tmp_path / "missing" / "agencies.csv"
    one_line(
        run(held, "export", "agencies", "-o", str(target)),
        2,
        f"Error: the folder {target.parent} does not exist (end the name with / to make it)",
    )
    assert not (tmp_path / "missing").exists()


def test_export_folder_that_is_a_file_refuses(held, tmp_path):
    (tmp_path / "out").write_text("mine")
    one_line(
        run(held, "export", "agencies", "-o", f"{tmp_path / 'out'}/"),
        2,
        f"Error: cannot make the folder {tmp_path / 'out'}/: file exists",
    )
    assert (tmp_path / "out").read_text() == "mine"


# --- rebuild, --db, --state -------------------------------------------------------------


def test_rebuild_without_yes_and_no_terminal_refuses(held, tmp_path):
    before = (tmp_path / "g287.sqlite").stat().st_mtime_ns
    one_line(
        run(held, "rebuild", input=""),
        2,
        "Error: rebuild replaces the database: confirm with --yes (no terminal to ask)",
    )
    assert (tmp_path / "g287.sqlite").stat().st_mtime_ns == before
    assert run(held, "rebuild", "--yes").exit_code == 0


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_database_in_a_missing_folder_is_one_line(env, tmp_path, how):
    url = f"sqlite:///{tmp_path / 'typo' / 'g287.sqlite'}"
    args = ["--db", url, "publications"] if how == "option" else ["publications"]
    one_line(
        run({**env, "G287_DATABASE_URL": url} if how == "env" else env, *args),
        3,
        f"Error: cannot open database {url}: the folder {tmp_path / 'typo'} does not exist "
        "(create it first)",
    )
    assert not (tmp_path / "typo").exists()


VALID_STATES = ", ".join(sorted(STATES))


@pytest.mark.parametrize(
    "args",
    [
        ["agreements", "--state", "ZZ"],
        ["rows", "latest", "--state", "ZZ"],
        ["events", "--state", "ZZ"],
        ["lookup", "--city", "Tampa", "--state", "ZZ"],
    ],
)
def test_an_unknown_state_lists_the_valid_ones(held, args):
    one_line(run(held, *args), 2, f"Error: unknown state 'ZZ': use one of {VALID_STATES}")


def test_a_known_state_in_any_case(held):
    done = run(held, "agreements", "--state", "fl", "--json")
    assert done.exit_code == 0 and {a["state"] for a in json.loads(done.stdout)["data"]} == {"FL"}


@pytest.mark.parametrize("ref", ["%", "_", "% %"])
def test_a_publication_named_by_wildcards_matches_none(held, ref):
    one_line(
        run(held, "rows", ref),
        4,
        f"Error: no publication matches {ref!r} (give an id, sha256 prefix, label, ICE's date "
        "stamp, file name or latest)",
    )


def test_claim_help_names_every_query_whole():
    from g287.query.claims import QUERIES

    out = CliRunner().invoke(cli, ["claim", "--help"], terminal_width=80).output
    assert out.splitlines()[0].endswith(" claim [OPTIONS] [QUERY]")
    text = " ".join(out.split())
    assert all(f" {name}," in text or f" {name}." in text for name in QUERIES)
