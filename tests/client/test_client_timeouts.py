"""The generated client's default timeout reaches every request; a client can change or lift it."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from client_stubs import FakeSleep, Recorder, Script, client_over
from polyai_telephony import DEFAULT_TIMEOUT, RetryPolicy
from polyai_telephony.api.phone_numbers import list_phone_numbers

LIST = {"phoneNumbers": []}


def test_the_default_timeout_is_five_seconds_to_connect_and_thirty_for_the_rest() -> None:
    assert httpx.Timeout(30.0, connect=5.0) == DEFAULT_TIMEOUT


def test_every_request_carries_the_default_timeout() -> None:
    recorder = Recorder(200, LIST)
    client = client_over(recorder)

    list_phone_numbers.sync_detailed("agent-dev", client=client)
    asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    timeouts = [request.extensions["timeout"] for request in recorder.requests]
    assert timeouts == [{"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0}] * 2


def test_a_client_timeout_replaces_the_default() -> None:
    recorder = Recorder(200, LIST)

    list_phone_numbers.sync_detailed("agent-dev", client=client_over(recorder, timeout=httpx.Timeout(2.0)))

    assert recorder.only_request.extensions["timeout"] == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}


def test_with_timeout_changes_a_client_already_in_use() -> None:
    recorder = Recorder(200, LIST)
    client = client_over(recorder)
    list_phone_numbers.sync_detailed("agent-dev", client=client)

    list_phone_numbers.sync_detailed("agent-dev", client=client.with_timeout(httpx.Timeout(9.0, connect=1.0)))

    assert recorder.requests[-1].extensions["timeout"] == {"connect": 1.0, "read": 9.0, "write": 9.0, "pool": 9.0}


def test_timeout_none_waits_forever() -> None:
    recorder = Recorder(200, LIST)

    list_phone_numbers.sync_detailed("agent-dev", client=client_over(recorder, timeout=None))

    assert recorder.only_request.extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}


def test_a_read_that_times_out_on_every_attempt_raises_the_timeout() -> None:
    sleep = FakeSleep()
    script = Script(httpx.ReadTimeout("read timed out"))

    with pytest.raises(httpx.ReadTimeout):
        list_phone_numbers.sync_detailed(
            "agent-dev", client=client_over(script, retry=RetryPolicy(attempts=3, sleep=sleep))
        )

    assert len(script.requests) == 3
    assert len(sleep.waits) == 2
