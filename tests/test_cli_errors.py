"""CLI error paths that must be one line and an exit code, never a traceback, and must
leave nothing half-done behind them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from g287.interfaces.cli import cli
from g287.interfaces.web.settings import WebSettings, is_loopback


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
