"""Schemathesis over the whole API with every check (unsupported methods, response
headers, negative data, positive data ...) and more examples per operation than the quick
contract test (test_api_contract.py): no server error, no answer outside the schema.

Marked slow (about 30 s on two CPUs). The same run from the command line, against a
served sample database (``g287 demo --serve``)::

    schemathesis run http://127.0.0.1:8287/api/openapi.json --url http://127.0.0.1:8287 \\
        -n 50 --checks all --suppress-health-check all
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from g287.app.importer import Importer
from tests.api_support import api_app
from tests.test_api_contract import COMMITTED, CONFIG

pytestmark = pytest.mark.slow
EXAMPLES = 25  # per operation; 35 operations

schema = schemathesis.openapi.from_path(COMMITTED, config=CONFIG)


@pytest.fixture(scope="module")
def served(shared_history: Importer) -> Iterator[Any]:
    with api_app(shared_history) as app:
        yield app


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_whole_api_under_every_check(served: Any, case: Any) -> None:
    case.call_and_validate(app=served, base_url="http://localhost")
