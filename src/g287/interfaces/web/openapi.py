"""Print the API's OpenAPI schema (the committed ``docs/openapi.json``).

    python -m g287.interfaces.web.openapi > docs/openapi.json

The schema is built from the routes alone: no database is opened.
"""

from __future__ import annotations

import json
import sys
import tempfile
from typing import Any

from g287.config import Settings
from g287.interfaces.web.app import create_app
from g287.interfaces.web.settings import WebSettings


def openapi_schema() -> dict[str, Any]:
    """The schema the app serves at ``/api/openapi.json``."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({}, data_dir=tmp, database_url="sqlite://")
        layer = create_app(settings, WebSettings(), migrate=False)
        try:
            schema: dict[str, Any] = layer.app.openapi()
        finally:
            layer.app.state.db.engine.dispose()
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    sys.stdout.write(render(openapi_schema()))


if __name__ == "__main__":
    main()
