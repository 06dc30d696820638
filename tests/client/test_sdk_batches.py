"""Lists longer than the contract's batch limit: split into calls of at most that many, answers
merged in order, and an all-or-nothing rule that holds per call, as the methods document."""

from __future__ import annotations

import asyncio

import httpx
import polyai_telephony
import pytest
from openapi_cases import spec
from polyai_telephony import ConflictError, PolyAI
from polyai_telephony.models import ImportPhoneNumbersResponse
from sdk_mock import AGENT, DEV_KEY, MOCK_URL, SEEDED, async_client, mock_app, no_wait_retry, sync_http

from telephony_mock import load_config

LIMIT = int(spec()["x-limits"]["maxBatchItems"])


def fictional(count: int, start: int = 0) -> list[str]:
    """Ofcom's +44 7700 900 drama block, lengthened to the 15 digits no UK number has."""
    return [f"+447700900{index:06d}" for index in range(start, start + count)]


class Counted:
    """A client over the in-process mock that records the size of each batch it sends."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        http = sync_http(mock_app())
        http.event_hooks["request"].append(self._record)
        retry = no_wait_retry()
        self.client = PolyAI(api_key=DEV_KEY, base_url=MOCK_URL, agent_id=AGENT, http_client=http, retry=retry)

    def _record(self, request: httpx.Request) -> None:
        if request.content:
            self.sizes.append(request.content.count(b"+"))

    def reset(self) -> None:
        self.sizes.clear()


def test_the_package_s_limit_is_the_contract_s() -> None:
    assert polyai_telephony.MAX_BATCH_ITEMS == LIMIT


def test_a_batch_get_over_the_limit_is_split_and_merged_in_request_order() -> None:
    counted = Counted()
    numbers = [SEEDED[1], *fictional(2 * LIMIT), SEEDED[0]]

    answer = counted.client.phone_numbers.batch_get(numbers)

    assert counted.sizes == [LIMIT, LIMIT, 2]
    assert [n.number for n in answer.found] == [SEEDED[1], SEEDED[0]]
    assert answer.not_found == numbers[1:-1]


def test_a_list_within_the_limit_is_one_call() -> None:
    counted = Counted()

    counted.client.phone_numbers.batch_get(fictional(LIMIT))

    assert counted.sizes == [LIMIT]


def test_an_import_over_the_limit_is_all_or_nothing_per_call() -> None:
    counted = Counted()
    first_call, second_call = fictional(LIMIT), [*fictional(4, start=LIMIT), SEEDED[0]]

    with pytest.raises(ConflictError) as raised:
        counted.client.phone_numbers.import_(first_call + second_call, client_env="sandbox")

    assert counted.sizes == [LIMIT, len(second_call)]
    (done,) = raised.value.completed
    assert isinstance(done, ImportPhoneNumbersResponse)
    assert done.imported == first_call
    held = counted.client.phone_numbers.batch_get(first_call + second_call)
    assert [n.number for n in held.found] == [*first_call, SEEDED[0]]
    assert held.not_found == second_call[:-1]


def test_a_batch_release_over_the_limit_merges_released_and_refused_numbers() -> None:
    counted = Counted()
    imported = fictional(LIMIT + 3)
    counted.client.phone_numbers.import_(imported)
    missing_first, missing_last = fictional(1, start=5 * LIMIT)[0], fictional(1, start=6 * LIMIT)[0]
    counted.reset()

    answer = counted.client.phone_numbers.delete_many([missing_first, *imported, missing_last])

    assert counted.sizes == [LIMIT, 5]
    assert answer.deleted == imported
    assert [(e.phone_number, e.error) for e in answer.errors or []] == [
        (missing_first, "PHONE_NUMBERS_NOT_FOUND"),
        (missing_last, "PHONE_NUMBERS_NOT_FOUND"),
    ]


def test_a_batch_release_with_nothing_refused_leaves_errors_out() -> None:
    counted = Counted()
    imported = fictional(LIMIT + 1)
    counted.client.phone_numbers.import_(imported)

    answer = counted.client.phone_numbers.delete_many(imported)

    assert answer.deleted == imported
    assert answer.errors is None


def test_batch_update_takes_plain_dicts_as_the_contract_spells_them() -> None:
    client = Counted().client

    voice = sorted(load_config().voices or ())[-1]

    answer = client.connectors.batch_update([{"connectorId": "conn-dev-en", "voiceName": voice}])

    (result,) = answer.results
    assert result.success and result.data and result.data.voice_name == voice
    assert client.connectors.get("conn-dev-en").voice_name == voice


def test_the_async_client_splits_and_merges_the_same_way() -> None:
    numbers = [SEEDED[1], *fictional(LIMIT + 1), SEEDED[0]]

    async def scenario() -> list[str]:
        async with async_client(mock_app()) as client:
            answer = await client.phone_numbers.batch_get(numbers)
            assert answer.not_found == numbers[1:-1]
            return [n.number for n in answer.found]

    assert asyncio.run(scenario()) == [SEEDED[1], SEEDED[0]]
