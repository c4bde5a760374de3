"""The API contract: the committed ``docs/openapi.json`` is what the app serves, and
schemathesis, driving the app in-process over the real lists from that committed schema,
finds no server error and no answer outside the schema (a few examples per operation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from g287.app.importer import Importer
from g287.interfaces.web.openapi import openapi_schema, render
from tests.api_support import ApiClient, api_app

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
HINT = "regenerate it: python -m g287.interfaces.web.openapi > docs/openapi.json"


def test_committed_schema_is_current():
    assert COMMITTED.exists(), HINT
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == openapi_schema(), f"docs/openapi.json is out of date; {HINT}"
    assert COMMITTED.read_text(encoding="utf-8") == render(committed), HINT


def test_served_schema_is_the_committed_one(shared_history: Importer):
    with api_app(shared_history) as app:
        client = ApiClient(app)
        try:
            served = client.get("/api/openapi.json").json()
        finally:
            client.close()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8")), HINT


CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            # Valid parameters may still not make a question g287 can answer (a city
            # without a state, two ways of naming the start of a comparison ...): 400;
            # a write without a token: 401; with a token that is not the admin token: 403.
            "positive_data_acceptance": {
                "expected-statuses": ["2XX", "400", "401", "403", "404", "409"]
            },
        }
    }
)
schema = schemathesis.openapi.from_path(COMMITTED, config=CONFIG)
EXCLUDED = [
    # The app's HTTP error handler drops Starlette's ``Allow`` header from 405 answers
    # (see test_api.py::test_405_names_the_allowed_methods).
    schemathesis.checks.unsupported_method,
]


@pytest.fixture(scope="module")
def served(shared_history: Importer) -> Iterator[Any]:
    """The app over the shared history, as the target of every generated call."""
    with api_app(shared_history) as app:
        yield app


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(served: Any, case: Any) -> None:
    case.call_and_validate(app=served, base_url="http://localhost", excluded_checks=EXCLUDED)
