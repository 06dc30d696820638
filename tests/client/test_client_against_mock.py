"""The generated client's retries and errors against the mock's fault injection, in process.

The mock answers the fault in `X-Mock-Fault` on every request that carries it, so a transient
fault is a header on the first attempts only; `FaultyFirst` adds it and counts what reached the mock.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from client_stubs import FakeSleep
from polyai_telephony import ApiError, AuthenticatedClient, RetryPolicy
from polyai_telephony.api.phone_numbers import import_phone_numbers, list_phone_numbers
from polyai_telephony.models import Error, ImportPhoneNumbersRequest, ListPhoneNumbersResponse

from telephony_mock import PolyAIMock

DEV_KEY = "polyai-mock-dev-key"
NEW_NUMBER = "+447700900123"


class FaultyFirst(httpx.AsyncBaseTransport):
    """Sends `X-Mock-Fault: fault` on the first `times` requests, then passes requests on untouched."""

    def __init__(self, inner: httpx.AsyncBaseTransport, fault: str, times: int) -> None:
        self.inner = inner
        self.fault = fault
        self.times = times
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if len(self.statuses) < self.times:
            request.headers["X-Mock-Fault"] = self.fault
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response


def _client(
    transport: httpx.AsyncBaseTransport, sleep: FakeSleep, key: str = DEV_KEY, **settings: Any
) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="http://mock.test",
        token=key,
        auth_header_name="X-API-KEY",
        prefix="",
        retry=RetryPolicy(wait_jitter=0.0, async_sleep=sleep.asleep, sleep=sleep),
        httpx_args={"transport": transport},
        **settings,
    )


# The plugin's mock, honouring X-Mock-Fault headers; retries here wait on each test's FakeSleep.
pytestmark = pytest.mark.polyai_mock(faults=True, auto_advance=False)


@pytest.fixture
def mock(polyai_mock: PolyAIMock) -> httpx.AsyncBaseTransport:
    return httpx.ASGITransport(app=polyai_mock.starlette_app)


def _listed(transport: httpx.AsyncBaseTransport) -> set[str]:
    response = asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=_client(transport, FakeSleep())))
    assert isinstance(response.parsed, ListPhoneNumbersResponse)
    return {number.number for number in response.parsed.phone_numbers}


def test_429_with_retry_after_from_the_mock_is_retried_then_succeeds(mock: httpx.AsyncBaseTransport) -> None:
    sleep = FakeSleep()
    faulty = FaultyFirst(mock, "status=429; retry-after=1", times=1)

    response = asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=_client(faulty, sleep)))

    assert faulty.statuses == [429, 200]
    assert sleep.waits == [1.0]
    assert response.status_code == 200
    assert isinstance(response.parsed, ListPhoneNumbersResponse)
    assert {n.number for n in response.parsed.phone_numbers} == {"+442079460001", "+442079460002"}


def test_retries_against_the_mock_stop_at_the_bound(mock: httpx.AsyncBaseTransport) -> None:
    sleep = FakeSleep()
    faulty = FaultyFirst(mock, "status=503", times=100)
    client = _client(faulty, sleep)
    client.retry = RetryPolicy(attempts=3, async_sleep=sleep.asleep)

    response = asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    assert faulty.statuses == [503, 503, 503]
    assert len(sleep.waits) == 2
    assert response.status_code == 503
    assert isinstance(response.parsed, Error)
    assert response.parsed.error_code == "SERVICE_UNAVAILABLE"
    assert response.parsed.error_id == response.headers["X-PolyAI-Correlation-Id"]


@pytest.mark.parametrize("fault", ["status=429; retry-after=1", "status=503"])
def test_an_import_that_met_a_fault_is_not_repeated(mock: httpx.AsyncBaseTransport, fault: str) -> None:
    faulty = FaultyFirst(mock, fault, times=1)
    body = ImportPhoneNumbersRequest.from_dict({"phoneNumbers": [NEW_NUMBER]})

    response = asyncio.run(
        import_phone_numbers.asyncio_detailed("agent-dev", client=_client(faulty, FakeSleep()), body=body)
    )

    assert len(faulty.statuses) == 1
    assert response.status_code == int(fault.split(";")[0].removeprefix("status="))
    assert NEW_NUMBER not in _listed(mock)


def test_the_mock_s_error_raises_api_error_with_its_envelope(mock: httpx.AsyncBaseTransport) -> None:
    faulty = FaultyFirst(mock, "status=503", times=100)
    client = _client(faulty, FakeSleep(), raise_on_error=True)
    client.retry = None

    with pytest.raises(ApiError) as raised:
        asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    assert raised.value.status_code == 503
    assert raised.value.error_code == "SERVICE_UNAVAILABLE"
    assert raised.value.error_id == raised.value.headers["X-PolyAI-Correlation-Id"]


def test_a_wrong_key_is_absent_from_the_error(mock: httpx.AsyncBaseTransport) -> None:
    wrong_key = "polyai-not-a-real-key-5d1c"
    client = _client(mock, FakeSleep(), key=wrong_key, raise_on_error=True)

    with pytest.raises(ApiError) as raised:
        asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    assert raised.value.status_code == 401
    assert raised.value.error_code == "AUTH_USER_UNAUTHORISED"
    assert wrong_key not in str(raised.value)
    assert wrong_key not in repr(raised.value)
