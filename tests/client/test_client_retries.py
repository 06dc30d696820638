"""Retries of the generated client: which operations, on what, how long it waits, and when it stops.

Waits go through RetryPolicy.sleep, replaced here by a recorder, so no test sleeps.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from client_stubs import API_KEY, Answer, FakeSleep, Script, client_over, envelope
from openapi_cases import Operation, operations, success_responses
from polyai_telephony import RetryPolicy
from polyai_telephony.api.phone_numbers import get_phone_number, import_phone_numbers, list_phone_numbers
from polyai_telephony.client import parse_retry_after
from polyai_telephony.models import Error, ImportPhoneNumbersRequest, ListPhoneNumbersResponse

from telephony_contract import load_catalogue

# Only the operations the catalogue calls safe (reads) are repeated after the service may have
# seen the request; tests/test_catalogue.py proves each module's RETRY_SAFE says the same.
CATALOGUE = load_catalogue()
OPERATIONS = operations()
READS = [op for op in OPERATIONS if CATALOGUE[op.operation_id].retry_safe]
WRITES = [op for op in OPERATIONS if not CATALOGUE[op.operation_id].retry_safe]
NUMBERS = {"phoneNumbers": []}


def _success(operation: Operation) -> Answer:
    case = next(r for r in success_responses() if r.operation == operation)
    return Answer(case.status, case.fresh_body())


def _policy(sleep: FakeSleep, **settings: Any) -> RetryPolicy:
    """A policy without jitter, so every wait can be asserted exactly."""
    return RetryPolicy(**{"wait_jitter": 0.0, "sleep": sleep, "async_sleep": sleep.asleep, **settings})


def _unavailable(**headers: str) -> Answer:
    return Answer(503, envelope(503, "SERVICE_UNAVAILABLE"), headers)


def _rate_limited(retry_after: str) -> Answer:
    return Answer(429, envelope(429, "TOO_MANY_REQUESTS"), {"Retry-After": retry_after})


def test_429_with_retry_after_seconds_is_retried_then_succeeds() -> None:
    sleep = FakeSleep()
    script = Script(_rate_limited("3"), Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_policy(sleep)))

    assert response.status_code == 200
    assert isinstance(response.parsed, ListPhoneNumbersResponse)
    assert len(script.requests) == 2
    assert sleep.waits == [3.0]


def test_retry_after_as_an_http_date_is_honoured() -> None:
    sleep = FakeSleep()
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    script = Script(_rate_limited(when), Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_policy(sleep)))

    assert response.status_code == 200
    (wait,) = sleep.waits
    assert 27.0 <= wait <= 30.0


def test_retry_after_is_a_floor_the_jitter_only_adds_to() -> None:
    sleep = FakeSleep()
    script = Script(_rate_limited("2"), Answer(200, NUMBERS))
    policy = RetryPolicy(wait_jitter=0.5, sleep=sleep)

    list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=policy))

    (wait,) = sleep.waits
    assert 2.0 <= wait <= 2.5


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_status_without_retry_after_backs_off_exponentially(status: int) -> None:
    sleep = FakeSleep()
    failing = Answer(status, envelope(status, "TRANSIENT"))
    script = Script(failing, failing, failing, Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed(
        "agent-dev", client=client_over(script, retry=_policy(sleep, wait_initial=1.0, wait_exp_base=2.0))
    )

    assert response.status_code == 200
    assert len(script.requests) == 4
    assert sleep.waits == [1.0, 2.0, 4.0]


def test_backoff_is_capped_by_wait_max() -> None:
    sleep = FakeSleep()
    script = Script(_unavailable())

    list_phone_numbers.sync_detailed(
        "agent-dev", client=client_over(script, retry=_policy(sleep, attempts=6, wait_initial=1.0, wait_max=3.0))
    )

    assert sleep.waits == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_jitter_stays_within_its_bound() -> None:
    sleep = FakeSleep()
    script = Script(_unavailable())
    policy = RetryPolicy(attempts=30, wait_initial=1.0, wait_max=1.0, wait_jitter=0.25, sleep=sleep)

    list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=policy))

    assert len(sleep.waits) == 29
    assert all(1.0 <= wait <= 1.25 for wait in sleep.waits)
    assert len(set(sleep.waits)) > 1, "the waits should not all be equal"


def test_retries_stop_at_the_attempt_bound_and_return_the_last_answer() -> None:
    sleep = FakeSleep()
    script = Script(_unavailable())

    response = list_phone_numbers.sync_detailed(
        "agent-dev", client=client_over(script, retry=_policy(sleep, attempts=3))
    )

    assert len(script.requests) == 3
    assert len(sleep.waits) == 2
    assert response.status_code == 503
    assert isinstance(response.parsed, Error)
    assert response.parsed.error_code == "SERVICE_UNAVAILABLE"


def test_a_retry_after_beyond_the_total_time_ends_the_retries_at_once() -> None:
    sleep = FakeSleep()
    script = Script(_rate_limited("120"), Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed(
        "agent-dev", client=client_over(script, retry=_policy(sleep, total_timeout=60.0))
    )

    assert len(script.requests) == 1
    assert sleep.waits == []
    assert response.status_code == 429
    assert isinstance(response.parsed, Error)
    assert response.parsed.error_code == "TOO_MANY_REQUESTS"


def test_the_default_policy_is_on_and_bounded() -> None:
    sleep = FakeSleep()
    script = Script(_unavailable())
    client = client_over(script)
    assert client.retry is not None
    client.retry = RetryPolicy(sleep=sleep)  # the defaults, with the recorder for a clock

    list_phone_numbers.sync_detailed("agent-dev", client=client)

    assert len(script.requests) == RetryPolicy().attempts == 4
    assert sum(sleep.waits) < RetryPolicy().total_timeout


def test_retry_none_sends_once() -> None:
    script = Script(_unavailable(), Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=None))

    assert len(script.requests) == 1
    assert response.status_code == 503


def test_a_status_outside_the_policy_is_not_retried() -> None:
    sleep = FakeSleep()
    script = Script(Answer(500, envelope(500, "INTERNAL_ERROR")), Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_policy(sleep)))

    assert len(script.requests) == 1
    assert response.status_code == 500
    assert sleep.waits == []


def test_the_retried_statuses_are_configurable() -> None:
    sleep = FakeSleep()
    script = Script(Answer(500, envelope(500, "INTERNAL_ERROR")), Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed(
        "agent-dev", client=client_over(script, retry=_policy(sleep, statuses=frozenset({500})))
    )

    assert len(script.requests) == 2
    assert response.status_code == 200


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("server disconnected without sending a response"),
    ],
    ids=lambda failure: type(failure).__name__,
)
def test_a_read_is_retried_after_a_connection_failure(failure: Exception) -> None:
    sleep = FakeSleep()
    script = Script(failure, Answer(200, NUMBERS))

    response = list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_policy(sleep)))

    assert response.status_code == 200
    assert len(script.requests) == 2


def test_a_connection_failure_on_every_attempt_is_raised_after_the_bound() -> None:
    sleep = FakeSleep()
    script = Script(httpx.ConnectError("connection refused"))

    with pytest.raises(httpx.ConnectError):
        list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_policy(sleep, attempts=3)))

    assert len(script.requests) == 3


@pytest.mark.parametrize("operation", READS, ids=str)
def test_every_read_is_retried_on_503(operation: Operation) -> None:
    script = Script(_unavailable(), _success(operation))

    response = operation.call(client_over(script, retry=_policy(FakeSleep())))

    assert len(script.requests) == 2
    assert response.status_code == _success(operation).status


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_a_write_is_not_repeated_after_a_transient_status(operation: Operation) -> None:
    script = Script(_rate_limited("1"), _success(operation))

    response = operation.call(client_over(script, retry=_policy(FakeSleep())))

    assert len(script.requests) == 1
    assert response.status_code == 429
    assert isinstance(response.parsed, Error)
    assert response.parsed.error_code == "TOO_MANY_REQUESTS"


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_a_write_is_not_repeated_after_a_read_timeout(operation: Operation) -> None:
    """The service may have acted on the request before the answer was lost."""
    script = Script(httpx.ReadTimeout("read timed out"), _success(operation))

    with pytest.raises(httpx.ReadTimeout):
        operation.call(client_over(script, retry=_policy(FakeSleep())))

    assert len(script.requests) == 1


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_a_write_is_retried_when_the_connection_could_not_be_made(operation: Operation) -> None:
    """Nothing reached the service, so sending again cannot act twice."""
    script = Script(httpx.ConnectError("connection refused"), _success(operation))

    response = operation.call(client_over(script, retry=_policy(FakeSleep())))

    assert len(script.requests) == 2
    assert response.status_code == _success(operation).status


def test_async_functions_retry_with_the_async_sleep() -> None:
    sleep = FakeSleep()
    script = Script(_rate_limited("2"), Answer(200, NUMBERS))
    client = client_over(script, retry=RetryPolicy(wait_jitter=0.0, sleep=_forbidden_sleep, async_sleep=sleep.asleep))

    response = asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    assert response.status_code == 200
    assert len(script.requests) == 2
    assert sleep.waits == [2.0]


def test_async_write_is_not_repeated() -> None:
    script = Script(_unavailable(), Answer(201, {"imported": ["+442079460123"]}))
    client = client_over(script, retry=_policy(FakeSleep()))
    body = ImportPhoneNumbersRequest.from_dict({"phoneNumbers": ["+442079460123"]})

    response = asyncio.run(import_phone_numbers.asyncio_detailed("agent-dev", client=client, body=body))

    assert len(script.requests) == 1
    assert response.status_code == 503


def test_each_retry_is_logged_by_operation_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    number = {"number": "+442079460123", "projectId": "proj-dev", "accountId": "acct-dev", "clientEnv": "live"}
    script = Script(_rate_limited("1"), httpx.ReadTimeout(f"timed out sending {API_KEY}"), Answer(200, number))
    caplog.set_level(logging.DEBUG)

    get_phone_number.sync_detailed("agent-dev", "+442079460123", client=client_over(script, retry=_policy(FakeSleep())))

    retries = [r.getMessage() for r in caplog.records if r.name == "polyai_telephony.client"]
    assert retries == [
        "getPhoneNumber: status 429; retry 1 of 3 in 1.00 s",
        "getPhoneNumber: ReadTimeout; retry 2 of 3 in 1.00 s",
    ]
    assert all(API_KEY not in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("0", 0.0), ("7", 7.0), (" 12 ", 12.0), ("1.5", 1.5), ("-3", None), ("soon", None), ("", None), (None, None)],
)
def test_parse_retry_after_reads_delay_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_parse_retry_after_reads_an_http_date() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("Sat, 01 Mar 2025 12:00:45 GMT", now=now) == 45.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:59:00 GMT", now=now) == 0.0


@pytest.mark.parametrize(
    "settings", [{"attempts": 0}, {"total_timeout": 0}, {"wait_initial": -1}, {"wait_jitter": -0.1}]
)
def test_a_policy_without_bounds_is_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**settings)


def _forbidden_sleep(seconds: float) -> None:
    raise AssertionError("the async functions must not block on time.sleep")
