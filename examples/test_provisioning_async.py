"""The asyncio twins of provisioning.py's steps, tested with the same plugin.

`polyai_mock.async_client()` is an `AsyncPolyAI` on the mock through httpx's ASGITransport, in the
test's own event loop. `@pytest.mark.anyio` is the anyio pytest plugin, installed with httpx.
"""

from __future__ import annotations

import pytest
from provisioning import UnknownConnector, provision_async, ring_async

from telephony_mock import PolyAIMock

CONNECTOR = "conn-dev-en"
NUMBERS = ["+447700900123", "+447700900124"]

pytestmark = pytest.mark.anyio


async def test_numbers_are_imported_and_routed(polyai_mock: PolyAIMock) -> None:
    polyai_mock.seed_numbers([NUMBERS[0]])
    async with polyai_mock.async_client() as client:
        result = await provision_async(client, CONNECTOR, NUMBERS)

    assert (result.imported, result.kept, result.routed) == ([NUMBERS[1]], [NUMBERS[0]], NUMBERS)


async def test_an_unknown_connector_stops_before_any_change(polyai_mock: PolyAIMock) -> None:
    async with polyai_mock.async_client() as client:
        with pytest.raises(UnknownConnector):
            await provision_async(client, "conn-nowhere", NUMBERS)
    polyai_mock.calls.of("importPhoneNumbers").assert_not_called()


async def test_ring_waits_for_the_calls_outcome(polyai_mock: PolyAIMock) -> None:
    polyai_mock.script_outcome(NUMBERS[0], "FAILURE", reason="no answer")
    async with polyai_mock.async_client() as client:
        ended = await ring_async(client, NUMBERS[0])
    assert (ended.status, ended.reason) == ("FAILURE", "no answer")
