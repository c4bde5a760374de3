"""Helpers for the API tests: the app over an imported database, and a synchronous client
that calls it in-process (httpx over ASGI: no server, no network)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from g287.app.importer import Importer
from g287.config import Settings
from g287.interfaces.web import create_app
from g287.interfaces.web.settings import WebSettings

TOKEN = "a-test-admin-token-of-some-length"


@contextmanager
def api_app(
    imp: Importer, web: WebSettings | None = None, *, settings: Settings | None = None
) -> Iterator[Any]:
    """The app (with its HTTP layer) over an importer's database and archive (or over
    ``settings``, e.g. another host's)."""
    settings = settings or Settings(
        data_dir=imp.archive.root.parent, database_url=imp.db.url, archive_dir=imp.archive.root
    )
    app = create_app(settings, web or WebSettings(admin_token=TOKEN), migrate=False)
    try:
        yield app
    finally:
        app.app.state.db.dispose()


class ApiClient:
    """``get`` / ``post`` straight into an ASGI app, from synchronous tests."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@contextmanager
def api_client(
    imp: Importer, web: WebSettings | None = None, *, settings: Settings | None = None
) -> Iterator[ApiClient]:
    with api_app(imp, web, settings=settings) as app:
        client = ApiClient(app)
        try:
            yield client
        finally:
            client.close()
