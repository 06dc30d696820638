"""The create_app options the kit passes on: a SQLite state file, header faults, admin, rules.

The marker takes them as a user's test would; each test checks the option changes what the mock
answers, so a kit that dropped one would fail here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from polyai_telephony import NotFoundError, PolyAI

from telephony_mock import ApiError, PolyAIMock

NUMBER = "+447700900131"
STATE = "state.sqlite3"


def test_state_in_a_sqlite_file_outlives_the_mock(tmp_path: Path) -> None:
    with PolyAIMock(state=tmp_path / STATE) as mock:
        mock.seed_numbers([NUMBER])
    with PolyAIMock(state=tmp_path / STATE) as mock, mock.client() as client:
        assert client.phone_numbers.get(NUMBER).number == NUMBER
    with PolyAIMock() as mock, mock.client() as client, pytest.raises(NotFoundError):
        client.phone_numbers.get(NUMBER)


@pytest.mark.polyai_mock(faults=True, auto_advance=False)
def test_faults_honours_the_fault_header(polyai_mock: PolyAIMock) -> None:
    http = polyai_mock.http_client()
    response = http.get(
        f"/v1/agents/{polyai_mock.agent_id}/telephony/phone-numbers",
        headers={"X-API-KEY": polyai_mock.api_key, "X-Mock-Fault": "status=429; retry-after=2"},
    )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"


def test_without_faults_the_header_is_ignored(polyai_mock: PolyAIMock) -> None:
    response = polyai_mock.http_client().get(
        f"/v1/agents/{polyai_mock.agent_id}/telephony/phone-numbers",
        headers={"X-API-KEY": polyai_mock.api_key, "X-Mock-Fault": "status=429"},
    )
    assert response.status_code == 200


@pytest.mark.polyai_mock(admin=True)
def test_admin_serves_the_admin_endpoints(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    polyai_mock.seed_numbers([NUMBER])
    response = polyai_mock.http_client().post("/_admin/reset", headers={"X-API-KEY": polyai_mock.api_key})
    assert response.status_code in (200, 204), response.text
    assert NUMBER not in [n.number for n in polyai_client.phone_numbers.list().phone_numbers]


def test_without_admin_there_are_no_admin_endpoints(polyai_mock: PolyAIMock) -> None:
    response = polyai_mock.http_client().post("/_admin/reset", headers={"X-API-KEY": polyai_mock.api_key})
    assert response.status_code == 404


SEEDED = "+442079460001"  # agent-dev's routed number in the default config


def _never_found(tx: Any, call: Any) -> Any:
    raise ApiError("PHONE_NUMBERS_NOT_FOUND")


@pytest.mark.polyai_mock(rules={"getPhoneNumber": _never_found})
def test_rules_replace_the_mocks_own(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    with pytest.raises(NotFoundError):
        polyai_client.phone_numbers.get(SEEDED)
    assert polyai_mock.calls.of("getPhoneNumber").call_count == 1


def test_the_toolkits_own_run_loads_the_plugin_from_its_entry_point(pytestconfig: pytest.Config) -> None:
    # The SDK's and the contract tests' fixtures come from it; without the entry point they would
    # fail for want of a fixture rather than say why.
    plugin = pytestconfig.pluginmanager.get_plugin("polyai_telephony_mock")
    assert plugin is not None
    assert plugin.__name__ == "telephony_mock.pytest_plugin"
