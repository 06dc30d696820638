"""wait() passes time through polyai_telephony.pacing, looked up at each call, so a test can replace it.

Before the seam, wait() bound time.sleep and time.monotonic as default arguments at import: a test
could neither monkeypatch them away nor make a 32-second simulated call finish at once.
"""

from __future__ import annotations

import asyncio

import pytest
from polyai_telephony import PolyAI, WaitTimeoutError, pacing

from telephony_mock import PolyAIMock

NUMBER = "+447700900123"


class FakeTime:
    """Sleeping moves this clock (and the mock's), so the mock's calls progress as time passes."""

    def __init__(self, mock: PolyAIMock) -> None:
        self.mock = mock
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.mock.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def fake_time(polyai_mock: PolyAIMock, monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime(polyai_mock)
    monkeypatch.setattr(pacing, "sleep", fake.sleep)
    monkeypatch.setattr(pacing, "async_sleep", fake.async_sleep)
    monkeypatch.setattr(pacing, "monotonic", fake.monotonic)
    return fake


@pytest.mark.polyai_mock(auto_advance=False)
def test_wait_sleeps_through_the_replaced_pacing(fake_time: FakeTime, polyai_client: PolyAI) -> None:
    call = polyai_client.outbound_calls.trigger(NUMBER, "sandbox")

    assert polyai_client.outbound_calls.wait(call.call_sid, environment="sandbox").status == "SUCCESS"

    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0, 15.0, 15.0][: len(fake_time.sleeps)]
    assert sum(fake_time.sleeps) >= 32.0


@pytest.mark.polyai_mock(auto_advance=False)
def test_the_timeout_is_counted_on_the_replaced_clock(fake_time: FakeTime, polyai_client: PolyAI) -> None:
    call = polyai_client.outbound_calls.trigger(NUMBER, "sandbox")

    with pytest.raises(WaitTimeoutError):
        polyai_client.outbound_calls.wait(call.call_sid, environment="sandbox", timeout=5)

    assert sum(fake_time.sleeps) == pytest.approx(5.0)


@pytest.mark.polyai_mock(auto_advance=False)
def test_a_sleep_passed_to_wait_wins_over_pacing(fake_time: FakeTime, polyai_mock: PolyAIMock) -> None:
    passed: list[float] = []

    def own_sleep(seconds: float) -> None:
        passed.append(seconds)
        polyai_mock.advance(seconds)

    with polyai_mock.client() as client:
        call = client.outbound_calls.trigger(NUMBER, "sandbox")
        client.outbound_calls.wait(call.call_sid, environment="sandbox", sleep=own_sleep)

    assert passed and fake_time.sleeps == []


@pytest.mark.polyai_mock(auto_advance=False)
def test_the_async_wait_sleeps_through_pacing_too(fake_time: FakeTime, polyai_mock: PolyAIMock) -> None:
    async def scenario() -> str:
        async with polyai_mock.async_client() as client:
            call = await client.outbound_calls.trigger(NUMBER, "sandbox")
            return (await client.outbound_calls.wait(call.call_sid, environment="sandbox")).status

    assert asyncio.run(scenario()) == "SUCCESS"
    assert sum(fake_time.sleeps) >= 32.0
