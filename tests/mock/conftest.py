"""Fixtures: the mock in-process, driven through the generated client.

Every app built here runs in self-check mode (`validate_responses=True`): an answer that the
spec does not allow for its operation and status raises in the test instead of being sent. A
response hook adds what the spec cannot say: no 5xx unless a fault was asked for, and a
correlation header on every answer. Behaviour tests run once per store (memory and SQLite).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mock_support import OTHER_KEY, TestClient, api_client, http_client
from polyai_telephony import AuthenticatedClient
from starlette.applications import Starlette

from telephony_mock import PolyAIMock


@pytest.fixture(params=["memory", "sqlite"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def mock(store_kind: str, tmp_path: Path) -> Iterator[PolyAIMock]:
    # The test kit's mock with every test-only surface on; the clock moves only when a test says
    # so (through /_admin/clock or `mock.advance`), never by a client's wait.
    state = tmp_path / "state.sqlite3" if store_kind == "sqlite" else None
    with PolyAIMock(state=state, admin=True, faults=True, validate_responses=True, auto_advance=False) as kit:
        yield kit


@pytest.fixture
def app(mock: PolyAIMock) -> Starlette:
    return mock.starlette_app


@pytest.fixture
def http(app: Starlette) -> Iterator[TestClient]:
    with http_client(app) as client:
        yield client


@pytest.fixture
def client(http: TestClient) -> AuthenticatedClient:
    return api_client(http)


@pytest.fixture
def other_client(app: Starlette) -> AuthenticatedClient:
    return api_client(http_client(app, OTHER_KEY))
