"""`client.outbound_calls`: trigger, status, and wait, which polls with backoff until the call ends,
against the mock's simulated calls; the mock's clock is moved instead of sleeping."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from polyai_telephony import BadRequestError, ErrorCode, InvalidArgumentError, PolyAI, ServerError, WaitTimeoutError
from polyai_telephony.models import OutboundCallState, OutboundCallStatus
from sdk_mock import MOCK_URL, async_client, sync_client, sync_http
from starlette.applications import Starlette

from telephony_mock import PolyAIMock, load_config

CALLS = load_config().outbound_calls
ANSWERS = next(number for number, outcome in CALLS.outcomes.items() if outcome.status == "SUCCESS")
BUSY, BUSY_OUTCOME = next((n, o) for n, o in CALLS.outcomes.items() if o.status == "FAILURE")
CALL_LENGTH = CALLS.queued_seconds + CALLS.calling_seconds


class MockTime:
    """`sleep` moves the mock's clock (POST /_admin/clock) and this one; `clock` reads this one."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.http.post(f"{MOCK_URL}/_admin/clock", json={"advanceSeconds": seconds}).raise_for_status()

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def clock(self) -> float:
        return self.now


# The plugin's mock, with the admin clock the tests move and header faults; waits sleep only as
# each test's MockTime says, so the kit leaves the SDK's pacing alone.
pytestmark = pytest.mark.polyai_mock(admin=True, faults=True, auto_advance=False)


@pytest.fixture
def app(polyai_mock: PolyAIMock) -> Starlette:
    return polyai_mock.starlette_app


def _client_and_time(app: Starlette) -> tuple[PolyAI, MockTime]:
    http = sync_http(app)
    return sync_client(app, http_client=http), MockTime(http)


def test_wait_polls_with_backoff_until_the_call_ends(app: Starlette) -> None:
    client, time = _client_and_time(app)
    call = client.outbound_calls.trigger(ANSWERS, "sandbox")

    ended = client.outbound_calls.wait(
        call.call_sid,
        environment="sandbox",
        poll_interval=1.0,
        max_poll_interval=15.0,
        sleep=time.sleep,
        clock=time.clock,
    )

    assert call.status == OutboundCallState.QUEUED
    assert (ended.call_sid, ended.status, ended.reason) == (call.call_sid, OutboundCallState.SUCCESS, "")
    assert time.sleeps == [min(2.0**index, 15.0) for index in range(len(time.sleeps))]
    assert sum(time.sleeps[:-1]) < CALL_LENGTH <= sum(time.sleeps), "the first poll after the end returns"


def test_wait_returns_a_failed_call_with_its_reason(app: Starlette) -> None:
    client, time = _client_and_time(app)
    call = client.outbound_calls.trigger(BUSY, "sandbox")

    ended = client.outbound_calls.wait(call.call_sid, environment="sandbox", sleep=time.sleep, clock=time.clock)

    assert (ended.status, ended.reason) == (OutboundCallState.FAILURE, BUSY_OUTCOME.reason)


def test_wait_gives_up_at_its_timeout_with_the_last_status(app: Starlette) -> None:
    client, time = _client_and_time(app)
    call = client.outbound_calls.trigger(ANSWERS, "sandbox")
    timeout = CALLS.queued_seconds + CALLS.calling_seconds / 2

    with pytest.raises(WaitTimeoutError) as raised:
        client.outbound_calls.wait(
            call.call_sid, environment="sandbox", timeout=timeout, sleep=time.sleep, clock=time.clock
        )

    assert isinstance(raised.value, TimeoutError)
    last = raised.value.last
    assert isinstance(last, OutboundCallStatus) and last.status == OutboundCallState.CALLING
    assert raised.value.waited == pytest.approx(timeout)
    assert sum(time.sleeps) == pytest.approx(timeout), "no wait runs past the timeout"
    assert call.call_sid in str(raised.value)


def test_the_async_wait_polls_until_the_call_ends(app: Starlette) -> None:
    _, time = _client_and_time(app)

    async def scenario() -> OutboundCallState:
        async with async_client(app) as client:
            call = await client.outbound_calls.trigger(ANSWERS, "sandbox")
            ended = await client.outbound_calls.wait(
                call.call_sid, environment="sandbox", sleep=time.async_sleep, clock=time.clock
            )
            return ended.status

    assert asyncio.run(scenario()) == OutboundCallState.SUCCESS
    assert sum(time.sleeps) >= CALL_LENGTH


def test_a_trigger_that_met_a_server_error_is_not_sent_again(app: Starlette) -> None:
    """A repeated trigger would ring the phone twice."""
    triggers: list[int] = []
    http = sync_http(app)
    http.event_hooks["response"].append(
        lambda response: triggers.append(response.status_code) if response.request.method == "POST" else None
    )
    client = sync_client(app, http_client=http)

    with pytest.raises(ServerError):
        client.outbound_calls.trigger(ANSWERS, "sandbox", extra_headers={"X-Mock-Fault": "status=502"})

    assert triggers == [502]


def test_the_status_of_an_unknown_call_is_a_bad_request(app: Starlette) -> None:
    client, _ = _client_and_time(app)

    with pytest.raises(BadRequestError) as raised:
        client.outbound_calls.status("OUT-00000000-0000-4000-8000-000000000000", environment="sandbox")

    assert raised.value.error_code is ErrorCode.OUTBOUND_CALLS_UNKNOWN_CALL_SID


def test_an_environment_outside_the_enum_is_refused_before_sending(app: Starlette) -> None:
    client, _ = _client_and_time(app)

    with pytest.raises(InvalidArgumentError, match="environment='production' is not one of"):
        client.outbound_calls.trigger(ANSWERS, "production")  # type: ignore[arg-type]
