"""`PolyAI` calls against the mock: each error status raises its class with the envelope's facts,
failures to connect join the same family, and per-call options apply to that call alone."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from client_stubs import API_KEY, Answer, Script, envelope
from polyai_telephony import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorCode,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PolyAI,
    PolyAIError,
    RateLimitError,
    RawResponse,
    RetryPolicy,
    ServerError,
)
from polyai_telephony.models import PhoneNumber
from sdk_mock import SEEDED, async_client, mock_app, no_wait_retry, sync_client

from telephony_mock import PolyAIMock

MISSING = "+447700900999"


# The plugin's mock for the `client` fixture, honouring X-Mock-Fault headers; the clients here
# wait as each test says, so the kit leaves the SDK's pacing alone.
pytestmark = pytest.mark.polyai_mock(faults=True, auto_advance=False)


@pytest.fixture
def client(polyai_mock: PolyAIMock) -> PolyAI:
    return sync_client(polyai_mock.starlette_app)


def _raised(call: Any) -> ApiError:
    with pytest.raises(ApiError) as raised:
        call()
    return raised.value


@pytest.mark.parametrize(
    ("call", "kind", "code"),
    [
        (lambda c: c.phone_numbers.get(MISSING), NotFoundError, ErrorCode.PHONE_NUMBERS_NOT_FOUND),
        (lambda c: c.connectors.get("conn-missing"), NotFoundError, ErrorCode.CONNECTORS_NOT_FOUND),
        (lambda c: c.phone_numbers.import_([SEEDED[0]]), ConflictError, ErrorCode.PHONE_NUMBERS_ALREADY_EXISTS),
        (
            lambda c: c.phone_numbers.batch_get(["07946 0123"]),
            BadRequestError,
            ErrorCode.PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT,
        ),
        (lambda c: c.phone_numbers.list(agent_id="agent-other"), PermissionDeniedError, None),
    ],
    ids=["404-number", "404-connector", "409", "400", "403"],
)
def test_an_error_status_raises_its_class_with_code_message_and_correlation_id(
    client: PolyAI, call: Any, kind: type[ApiError], code: ErrorCode | None
) -> None:
    error = _raised(lambda: call(client))

    assert type(error) is kind
    assert error.response is not None
    assert error.status == error.status_code == error.response.status_code
    assert isinstance(error.error_code, ErrorCode) and error.error_code.is_known
    if code is not None:
        assert error.error_code is code
    assert error.error_code.status == error.status
    assert error.error_message and error.error_message in str(error)
    assert error.correlation_id == error.response.headers["X-PolyAI-Correlation-Id"]
    assert error.correlation_id == error.error_id


def test_a_wrong_key_raises_authentication_error_without_the_key() -> None:
    wrong = "polyai-not-a-real-key-5d1c"
    error = _raised(lambda: sync_client(mock_app(), api_key=wrong).phone_numbers.list())

    assert type(error) is AuthenticationError
    assert error.status == 401
    assert wrong not in str(error) and wrong not in repr(error)


def test_a_429_after_the_retries_raises_rate_limit_error_with_retry_after(client: PolyAI) -> None:
    error = _raised(
        lambda: client.phone_numbers.list(extra_headers={"X-Mock-Fault": "status=429; retry-after=7"}, retry=None)
    )

    assert type(error) is RateLimitError
    assert error.retry_after == 7.0


def _over(handler: Any, **settings: Any) -> PolyAI:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return PolyAI(api_key=API_KEY, agent_id="agent-dev", http_client=http, **settings)


def test_a_5xx_raises_server_error_after_the_retries_allowed() -> None:
    script = Script(Answer(503, envelope(503, "SERVICE_UNAVAILABLE")))

    error = _raised(lambda: _over(script, retry=no_wait_retry(attempts=3)).phone_numbers.list())

    assert type(error) is ServerError
    assert error.error_code is ErrorCode.SERVICE_UNAVAILABLE
    assert len(script.requests) == 3


def test_max_retries_sets_the_retries_after_the_first_attempt() -> None:
    script = Script(Answer(503, envelope(503, "SERVICE_UNAVAILABLE")))

    with pytest.raises(ServerError):
        _over(script, max_retries=0).phone_numbers.list()

    assert len(script.requests) == 1
    assert PolyAI(api_key=API_KEY, max_retries=2)._sender.retry == RetryPolicy(attempts=3)


def test_extra_headers_and_retry_of_one_call_leave_the_next_call_alone(client: PolyAI) -> None:
    with pytest.raises(ServerError):
        client.phone_numbers.list(extra_headers={"X-Mock-Fault": "status=503"}, retry=None)

    listed = client.phone_numbers.list()

    assert sorted(n.number for n in listed.phone_numbers) == SEEDED


def test_a_refused_connection_raises_api_connection_error() -> None:
    script = Script(httpx.ConnectError("connection refused"))
    with pytest.raises(ApiConnectionError) as raised:
        _over(script).phone_numbers.list(retry=None)

    assert type(raised.value) is ApiConnectionError
    assert isinstance(raised.value, PolyAIError)
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert "listPhoneNumbers" in str(raised.value)  # the operationId
    assert API_KEY not in str(raised.value)


def test_a_timeout_raises_api_timeout_error_and_the_call_s_timeout_is_the_one_used() -> None:
    timeouts: list[Any] = []

    def slow(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        raise httpx.ReadTimeout("timed out", request=request)

    client = PolyAI(
        api_key=API_KEY, agent_id="agent-dev", http_client=httpx.Client(transport=httpx.MockTransport(slow))
    )

    with pytest.raises(ApiTimeoutError) as raised:
        client.phone_numbers.get("+442079460123", timeout=1.5, retry=None)

    assert isinstance(raised.value, ApiConnectionError)
    assert timeouts == [httpx.Timeout(1.5).as_dict()]


def test_the_async_client_raises_the_same_classes() -> None:
    async def scenario() -> None:
        async with async_client(mock_app()) as client:
            with pytest.raises(NotFoundError) as raised:
                await client.phone_numbers.get(MISSING)
            assert raised.value.error_code is ErrorCode.PHONE_NUMBERS_NOT_FOUND
            with pytest.raises(ConflictError):
                await client.phone_numbers.import_([SEEDED[0]])

    asyncio.run(scenario())


def test_with_raw_response_gives_the_model_status_and_headers(client: PolyAI) -> None:
    raw = client.phone_numbers.with_raw_response.import_(["+447700900123"], client_env="sandbox")

    assert isinstance(raw, RawResponse)
    assert raw.status_code == 201
    assert raw.parsed.imported == ["+447700900123"]
    assert (
        raw.correlation_id
        == raw.headers["X-PolyAI-Correlation-Id"]
        == raw.http_response.headers["X-PolyAI-Correlation-Id"]
    )
    fetched = client.phone_numbers.get("+447700900123")
    assert isinstance(fetched, PhoneNumber) and fetched.client_env == "sandbox"


def test_a_client_env_string_outside_the_enum_is_refused_before_sending(client: PolyAI) -> None:
    with pytest.raises(InvalidArgumentError, match="client_env='prod' is not one of"):
        client.phone_numbers.import_(["+447700900123"], client_env="prod")  # type: ignore[arg-type]

    assert "+447700900123" in client.phone_numbers.batch_get(["+447700900123"]).not_found


def test_one_string_where_a_list_belongs_is_refused(client: PolyAI) -> None:
    with pytest.raises(TypeError, match="list of strings"):
        client.phone_numbers.batch_get("+442079460001")
