"""`--state FILE`: state kept in SQLite survives a restart, and an acknowledged write a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from mock_support import AGENT, AGENT_2, DEV_KEY, SEEDED_ROUTED, SEEDED_UNROUTED, api_client, fictional, http_client
from polyai_telephony import AuthenticatedClient
from polyai_telephony.api.connectors import delete_connector, list_connectors, update_connector
from polyai_telephony.api.phone_numbers import (
    get_phone_number,
    import_phone_numbers,
    list_phone_numbers,
    reassign_phone_number,
)
from polyai_telephony.models import (
    ImportPhoneNumbersRequest,
    ListConnectorsResponse,
    ListPhoneNumbersResponse,
    PhoneNumber,
    ReassignPhoneNumberRequest,
    UpdateConnectorRequest,
)

from contract_tests.target import free_port
from telephony_mock import PolyAIMock

ROOT = Path(__file__).resolve().parents[2]


def _snapshot(client: AuthenticatedClient) -> dict[str, object]:
    state: dict[str, object] = {}
    for agent in (AGENT, AGENT_2):
        numbers = list_phone_numbers.sync_detailed(agent, client=client).parsed
        connectors = list_connectors.sync_detailed(agent, client=client).parsed
        assert isinstance(numbers, ListPhoneNumbersResponse)
        assert isinstance(connectors, ListConnectorsResponse)
        state[agent] = ([n.to_dict() for n in numbers.phone_numbers], [c.to_dict() for c in connectors.connectors])
    return state


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "mock.sqlite3"
    first = PolyAIMock(state=state_file, validate_responses=True, auto_advance=False)
    with http_client(first.starlette_app) as http:
        client = api_client(http)
        body = ImportPhoneNumbersRequest(phone_numbers=[fictional(1), fictional(2)])
        assert import_phone_numbers.sync_detailed(AGENT, client=client, body=body).status_code == 201
        reassign_phone_number.sync_detailed(
            AGENT, fictional(1), client=client, body=ReassignPhoneNumberRequest(connector_id="conn-dev-es")
        )
        update_connector.sync_detailed(
            AGENT,
            "conn-dev-es",
            client=client,
            body=UpdateConnectorRequest(voice_name="en-GB-Neural2-C", project_id="proj-dev-2"),
        )
        assert delete_connector.sync_detailed(AGENT, "conn-dev-en", client=client).status_code == 200
        before = _snapshot(client)
    first.close()

    with (
        PolyAIMock(state=state_file, validate_responses=True, auto_advance=False) as second,
        http_client(second.starlette_app) as http,
    ):
        after = _snapshot(api_client(http))

    assert after == before
    numbers, connectors = after[AGENT_2]  # type: ignore[misc]
    assert [n["number"] for n in numbers] == [fictional(1)]
    assert {c["connectorId"]: c["voiceName"] for c in connectors} == {
        "conn-dev-es": "en-GB-Neural2-C",
        "conn-dev2-en": "en-US-Neural2-C",
    }
    # The seed was not applied again: the deleted connector and its number stay deleted.
    numbers, connectors = after[AGENT]  # type: ignore[misc]
    assert [n["number"] for n in numbers] == [SEEDED_UNROUTED, fictional(2)]
    assert connectors == []


def test_state_file_reset_by_admin_returns_to_the_seed(tmp_path: Path) -> None:
    state_file = tmp_path / "mock.sqlite3"
    with (
        PolyAIMock(state=state_file, admin=True, validate_responses=True, auto_advance=False) as first,
        http_client(first.starlette_app) as http,
    ):
        http.delete(f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en")
        assert http.post("/_admin/reset").status_code == 200
    with (
        PolyAIMock(state=state_file, validate_responses=True, auto_advance=False) as second,
        http_client(second.starlette_app) as http,
    ):
        numbers = http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers").json()["phoneNumbers"]
    assert [n["number"] for n in numbers] == [SEEDED_ROUTED, SEEDED_UNROUTED]


def _serve(state_file: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "telephony_mock", "--port", str(port), "--state", str(state_file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(3)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process, banner
        except httpx.TransportError:
            assert process.poll() is None, f"the mock exited: {banner}"
            time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the mock did not start serving")


def test_acknowledged_write_survives_a_kill_9(tmp_path: Path) -> None:
    state_file = tmp_path / "mock.sqlite3"
    port = free_port()
    process, banner = _serve(state_file, port)
    try:
        assert banner[0].strip() == f"telephony mock serving http://127.0.0.1:{port}"
        assert DEV_KEY in banner[1]
        client = AuthenticatedClient(
            base_url=f"http://127.0.0.1:{port}", token=DEV_KEY, auth_header_name="X-API-KEY", prefix=""
        )
        body = ImportPhoneNumbersRequest(phone_numbers=[fictional(5)])
        assert import_phone_numbers.sync_detailed(AGENT, client=client, body=body).status_code == 201
    finally:
        # No shutdown, no flush: the write must already be on disk when it was acknowledged.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdout:
            process.stdout.close()

    port = free_port()
    process, _ = _serve(state_file, port)
    try:
        client = AuthenticatedClient(
            base_url=f"http://127.0.0.1:{port}", token=DEV_KEY, auth_header_name="X-API-KEY", prefix=""
        )
        got = get_phone_number.sync_detailed(AGENT, fictional(5), client=client)
        assert got.status_code == 200
        assert isinstance(got.parsed, PhoneNumber)
        assert got.parsed.project_id == "proj-dev"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
