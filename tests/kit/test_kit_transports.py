"""The three ways in: the sync client with no server, the async client over httpx's ASGITransport,
and `mocked()`, a loopback server that code building its own `PolyAI()` finds through the environment."""

from __future__ import annotations

import asyncio
import os
import socket
import threading

import httpx
import pytest
from polyai_telephony import AsyncPolyAI, NotFoundError, PolyAI

import telephony_mock
from telephony_mock import PolyAIMock

NUMBER = "+447700900123"
ENVIRONMENT = ("POLYAI_BASE_URL", "POLYAI_API_KEY", "POLYAI_AGENT_ID")


def test_the_sync_client_needs_no_socket_and_no_thread(
    polyai_mock: PolyAIMock, polyai_client: PolyAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_socket = socket.socket

    def no_network_socket(family: int = -1, *args: object, **kwargs: object) -> socket.socket:
        # An event loop's wake-up pipe is a local socketpair (AF_UNIX); no port is ever opened.
        if family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError("a network socket was opened")
        return real_socket(family, *args, **kwargs)  # type: ignore[arg-type]

    threads = threading.active_count()
    monkeypatch.setattr(socket, "socket", no_network_socket)

    polyai_client.phone_numbers.import_([NUMBER])
    assert polyai_client.phone_numbers.get(NUMBER).number == NUMBER

    assert threading.active_count() == threads
    assert [call.status for call in polyai_mock.calls] == [201, 200]


def test_the_sync_client_works_from_inside_a_running_event_loop(polyai_client: PolyAI) -> None:
    async def code_under_test() -> list[str]:
        return [n.number for n in polyai_client.phone_numbers.list().phone_numbers]

    assert asyncio.run(code_under_test()) == ["+442079460001", "+442079460002"]


def test_the_transport_hands_over_the_path_query_and_body_as_sent(polyai_mock: PolyAIMock) -> None:
    with polyai_mock.http_client() as http:
        answer = http.get(
            "/v1/agents/agent-dev/telephony/phone-numbers",
            params={"connectorId": "conn-dev-en"},
            headers={"X-API-KEY": polyai_mock.api_key},
        )
        refused = http.post(
            "/v1/agents/agent-dev/telephony/phone-numbers",
            content=b"{not json",
            headers={"X-API-KEY": polyai_mock.api_key, "Content-Type": "application/json"},
        )
    assert [n["number"] for n in answer.json()["phoneNumbers"]] == ["+442079460001"]
    assert refused.status_code == 400
    assert polyai_mock.calls.last.body == b"{not json"
    assert polyai_mock.calls[0].params["connectorId"] == "conn-dev-en"


@pytest.mark.anyio
async def test_the_async_client_runs_in_the_tests_own_loop(polyai_mock: PolyAIMock) -> None:
    polyai_mock.script_outcome(NUMBER, "FAILURE", reason="no answer")
    async with polyai_mock.async_client() as client:
        assert isinstance(client, AsyncPolyAI)
        with pytest.raises(NotFoundError):
            await client.phone_numbers.get(NUMBER)
        call = await client.outbound_calls.trigger(NUMBER, "sandbox")
        ended = await client.outbound_calls.wait(call.call_sid, environment="sandbox")
    assert (ended.status, ended.reason) == ("FAILURE", "no answer")
    assert polyai_mock.calls.of("getOutboundCallStatus").call_count >= 2


def test_mocked_points_a_polyai_built_from_the_environment_at_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLYAI_API_KEY", "a-real-looking-key")
    monkeypatch.delenv("POLYAI_BASE_URL", raising=False)

    with telephony_mock.mocked() as mock:
        base_url = os.environ["POLYAI_BASE_URL"]
        assert base_url.startswith("http://127.0.0.1:")
        with PolyAI() as client:  # what the code under test does
            client.phone_numbers.import_([NUMBER])
        mock.calls.of("importPhoneNumbers").assert_called_once()

    assert os.environ["POLYAI_API_KEY"] == "a-real-looking-key", "the user's environment is given back"
    assert "POLYAI_BASE_URL" not in os.environ
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url, timeout=2)  # the server stopped with the block


@telephony_mock.mocked()
def test_mocked_as_a_decorator() -> None:
    with PolyAI() as client:
        assert client.agent_id == "agent-dev"
        call = client.outbound_calls.trigger(NUMBER, "sandbox")
        assert client.outbound_calls.wait(call.call_sid, environment="sandbox").status == "SUCCESS"


@pytest.mark.anyio
@telephony_mock.mocked()
async def test_mocked_as_a_decorator_of_a_coroutine() -> None:
    async with AsyncPolyAI() as client:
        assert [n.number for n in (await client.phone_numbers.list()).phone_numbers] == [
            "+442079460001",
            "+442079460002",
        ]
    assert os.environ["POLYAI_BASE_URL"].startswith("http://127.0.0.1:")
