"""`PolyAI`'s configuration: arguments over POLYAI_* variables over the contract's servers entry,
the key in X-API-KEY and nowhere else, and clear errors before any request is sent."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from client_stubs import API_KEY, Recorder
from openapi_cases import spec
from polyai_telephony import AsyncPolyAI, ClientClosedError, ConfigurationError, PolyAI, RetryPolicy

PHONE_NUMBER = {"number": "+442079460123", "projectId": "p", "accountId": "a", "clientEnv": "live"}
ENV = ("POLYAI_API_KEY", "POLYAI_REGION", "POLYAI_BASE_URL", "POLYAI_AGENT_ID", "POLYAI_LOG")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _over(recorder: Recorder, **settings: Any) -> PolyAI:
    return PolyAI(http_client=httpx.Client(transport=httpx.MockTransport(recorder)), **settings)


def _server() -> dict[str, Any]:
    server: dict[str, Any] = spec()["servers"][0]
    return server


def test_a_missing_key_is_an_error_at_construction() -> None:
    with pytest.raises(ConfigurationError, match="POLYAI_API_KEY"):
        PolyAI(agent_id="agent-dev")
    with pytest.raises(ConfigurationError, match="POLYAI_API_KEY"):
        AsyncPolyAI(agent_id="agent-dev")


def test_the_key_goes_in_x_api_key_and_not_in_the_repr() -> None:
    recorder = Recorder(200, PHONE_NUMBER)
    client = _over(recorder, api_key=API_KEY, agent_id="agent-dev")

    client.phone_numbers.get("+442079460123")

    assert recorder.only_request.headers["X-API-KEY"] == API_KEY
    assert "Authorization" not in recorder.only_request.headers
    assert API_KEY not in repr(client)
    assert API_KEY not in repr(client.phone_numbers)


@pytest.mark.parametrize("region", _server()["variables"]["region"]["enum"])
def test_each_region_of_the_contract_picks_its_host(region: str) -> None:
    client = PolyAI(api_key=API_KEY, region=region)

    assert client.base_url == _server()["url"].replace("{region}", region)


def test_without_a_region_the_contract_s_default_is_used() -> None:
    default = _server()["variables"]["region"]["default"]

    assert PolyAI(api_key=API_KEY).base_url == _server()["url"].replace("{region}", default)


def test_an_unknown_region_is_an_error_naming_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="unknown region 'mars'") as raised:
        PolyAI(api_key=API_KEY, region="mars")

    assert all(region in str(raised.value) for region in _server()["variables"]["region"]["enum"])


def test_every_setting_falls_back_to_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLYAI_API_KEY", API_KEY)
    monkeypatch.setenv("POLYAI_AGENT_ID", "agent-from-env")
    monkeypatch.setenv("POLYAI_REGION", "eu")
    recorder = Recorder(200, PHONE_NUMBER)

    client = _over(recorder)
    client.phone_numbers.get("+442079460123")

    assert client.base_url == _server()["url"].replace("{region}", "eu")
    assert recorder.only_request.url.host == client.base_url.removeprefix("https://")
    assert recorder.only_request.url.path == "/v1/agents/agent-from-env/telephony/phone-numbers/+442079460123"
    assert recorder.only_request.headers["X-API-KEY"] == API_KEY

    monkeypatch.setenv("POLYAI_BASE_URL", "http://127.0.0.1:8000/")
    assert PolyAI().base_url == "http://127.0.0.1:8000"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLYAI_API_KEY", "polyai-key-from-env")
    monkeypatch.setenv("POLYAI_AGENT_ID", "agent-from-env")
    monkeypatch.setenv("POLYAI_BASE_URL", "http://from-env.test")
    recorder = Recorder(200, PHONE_NUMBER)

    client = _over(recorder, api_key=API_KEY, agent_id="agent-argument", base_url="http://argument.test")
    client.phone_numbers.get("+442079460123")

    request = recorder.only_request
    assert (request.url.host, request.headers["X-API-KEY"]) == ("argument.test", API_KEY)
    assert request.url.path.startswith("/v1/agents/agent-argument/")


def test_an_agent_named_in_the_call_wins_and_none_at_all_is_a_clear_error() -> None:
    recorder = Recorder(200, PHONE_NUMBER)
    client = _over(recorder, api_key=API_KEY)

    client.phone_numbers.get("+442079460123", agent_id="agent-call")
    assert recorder.only_request.url.path.startswith("/v1/agents/agent-call/")

    with pytest.raises(ConfigurationError, match="POLYAI_AGENT_ID"):
        client.phone_numbers.get("+442079460123")
    assert len(recorder.requests) == 1


def test_a_call_after_close_raises_client_closed_without_sending() -> None:
    recorder = Recorder(200, PHONE_NUMBER)
    with _over(recorder, api_key=API_KEY, agent_id="agent-dev") as client:
        client.phone_numbers.get("+442079460123")

    assert client.is_closed
    with pytest.raises(ClientClosedError, match="closed"):
        client.phone_numbers.get("+442079460123")
    assert len(recorder.requests) == 1


def test_an_async_call_after_close_raises_client_closed() -> None:
    recorder = Recorder(200, PHONE_NUMBER)

    async def scenario() -> AsyncPolyAI:
        http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        async with AsyncPolyAI(api_key=API_KEY, agent_id="agent-dev", http_client=http) as client:
            await client.phone_numbers.get("+442079460123")
        with pytest.raises(ClientClosedError):
            await client.phone_numbers.get("+442079460123")
        return client

    assert asyncio.run(scenario()).is_closed
    assert len(recorder.requests) == 1


def test_close_leaves_an_http_client_it_was_given_open() -> None:
    http = httpx.Client(transport=httpx.MockTransport(Recorder(200, PHONE_NUMBER)))
    PolyAI(api_key=API_KEY, http_client=http).close()

    assert not http.is_closed


def test_max_retries_and_retry_are_alternatives() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        PolyAI(api_key=API_KEY, max_retries=2, retry=RetryPolicy())
    with pytest.raises(ConfigurationError, match="0 or more"):
        PolyAI(api_key=API_KEY, max_retries=-1)
