"""`with_headers`, `with_cookies` and `with_timeout` make a new client and leave the original as it was,
even after the original has sent requests (the generator's stock template changed it in place)."""

from __future__ import annotations

import asyncio

import httpx
from client_stubs import Recorder, client_over
from polyai_telephony.api.phone_numbers import list_phone_numbers
from polyai_telephony.models import ConnectorUpdate, PhoneNumber

EMPTY = {"phoneNumbers": []}


def test_with_headers_after_use_does_not_touch_the_original() -> None:
    recorder = Recorder(200, EMPTY)
    original = client_over(recorder)
    list_phone_numbers.sync_detailed("agent-dev", client=original)

    derived = original.with_headers({"X-Mock-Fault": "status=503"})
    list_phone_numbers.sync_detailed("agent-dev", client=derived)
    list_phone_numbers.sync_detailed("agent-dev", client=original)

    assert ["X-Mock-Fault" in r.headers for r in recorder.requests] == [False, True, False]


def test_with_headers_after_async_use_does_not_touch_the_original() -> None:
    recorder = Recorder(200, EMPTY)
    original = client_over(recorder)

    async def scenario() -> None:
        await list_phone_numbers.asyncio_detailed("agent-dev", client=original)
        await list_phone_numbers.asyncio_detailed("agent-dev", client=original.with_headers({"X-Trace": "1"}))
        await list_phone_numbers.asyncio_detailed("agent-dev", client=original)

    asyncio.run(scenario())

    assert ["X-Trace" in r.headers for r in recorder.requests] == [False, True, False]


def test_with_cookies_after_use_does_not_touch_the_original() -> None:
    recorder = Recorder(200, EMPTY)
    original = client_over(recorder)
    list_phone_numbers.sync_detailed("agent-dev", client=original)

    list_phone_numbers.sync_detailed("agent-dev", client=original.with_cookies({"flavour": "oat"}))
    list_phone_numbers.sync_detailed("agent-dev", client=original)

    assert [r.headers.get("Cookie") for r in recorder.requests] == [None, "flavour=oat", None]


def test_with_timeout_after_use_does_not_touch_the_original() -> None:
    timeouts: list[object] = []

    def record(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"]["read"])
        return httpx.Response(200, json=EMPTY)

    original = client_over(record)
    list_phone_numbers.sync_detailed("agent-dev", client=original)

    list_phone_numbers.sync_detailed("agent-dev", client=original.with_timeout(httpx.Timeout(1.0)))
    list_phone_numbers.sync_detailed("agent-dev", client=original)

    assert timeouts == [30.0, 1.0, 30.0]


def test_a_model_repr_shows_unset_by_name() -> None:
    # A model that is sent keeps UNSET for a field left out (null would clear it); its repr says so.
    update = ConnectorUpdate.from_dict({"connectorId": "conn-uk-en"})

    assert "voice_name=UNSET" in repr(update)
    assert " object at 0x" not in repr(update)


def test_an_absent_optional_field_of_an_answer_reads_as_none_and_stays_absent() -> None:
    wire = {"number": "+442079460123", "projectId": "p", "accountId": "a", "clientEnv": "live"}

    number = PhoneNumber.from_dict(wire)

    assert number.connector_id is None
    assert number.to_dict() == wire  # None goes back out as left out, not as null
