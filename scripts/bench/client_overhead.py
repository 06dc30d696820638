"""What the generated client costs per call, against raw httpx, on the same mock.

Both sides make the same calls through an httpx.Client with keep-alive, against one mock server
pinned to the first core, from this process pinned to the second. Raw httpx sends the request and
decodes the JSON; the generated client also builds the URL, checks the status and turns the JSON
into its models. The two sides alternate call by call, so a disturbance on the shared machine
falls on a pair, not on one side; the overhead is the median of the pairs' differences, which a
burst of noise barely moves.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from compare import API_KEY, mock_server, seed_mock
from fictional import block_start, fictional_number, fictional_numbers
from polyai_telephony import AuthenticatedClient
from polyai_telephony.api.phone_numbers import (
    batch_get_phone_numbers,
    get_phone_number,
    import_phone_numbers,
    list_phone_numbers,
)
from polyai_telephony.models import BatchGetPhoneNumbersRequest, ClientEnv, ImportPhoneNumbersRequest
from servers import LOADGEN_CPU

PAIRS = 2000
AGENT, LIST_AGENT = "agent-dev", "agent-dev-2"
# Import numbers for each side from blocks the seeding does not use.
RAW_IMPORT_BLOCK, GENERATED_IMPORT_BLOCK, IMPORT_BATCH = 5, 6, 10


class ImportCounter:
    def __init__(self, block: int) -> None:
        self.next = block_start(block)

    def batch(self) -> list[str]:
        numbers = list(fictional_numbers(IMPORT_BATCH, self.next))
        self.next += IMPORT_BATCH
        return numbers


def _paired_us(raw: Callable[[], Any], generated: Callable[[], Any], pairs: int) -> tuple[list[float], list[float]]:
    raw_times, generated_times = [], []
    clock = time.perf_counter
    for _ in range(pairs):
        started = clock()
        raw()
        middle = clock()
        generated()
        ended = clock()
        raw_times.append((middle - started) * 1e6)
        generated_times.append((ended - middle) * 1e6)
    return raw_times, generated_times


def run(work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOADGEN_CPU})
    try:
        with mock_server(work) as mock:
            seed_mock(mock.base_url)
            return _measure(mock.base_url)
    finally:
        os.sched_setaffinity(0, affinity)


def _measure(base_url: str) -> dict[str, Any]:
    one = fictional_number(block_start(0) + 12_345)
    batch = [fictional_number(block_start(0) + index * 1000 + 7) for index in range(100)]
    path = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    with (
        httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}) as raw,
        AuthenticatedClient(base_url=base_url, token=API_KEY, auth_header_name="X-API-KEY", prefix="") as generated,
    ):
        return _compare(raw, generated, path, one, batch)


def _compare(
    raw: httpx.Client, generated: AuthenticatedClient, path: str, one: str, batch: list[str]
) -> dict[str, Any]:
    raw_imports, generated_imports = ImportCounter(RAW_IMPORT_BLOCK), ImportCounter(GENERATED_IMPORT_BLOCK)

    def checked(response: httpx.Response, status: int) -> Any:
        assert response.status_code == status, response.text[:200]
        return response.json()

    pairs: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "get one": (
            lambda: checked(raw.get(f"{path}/{one.replace('+', '%2B')}"), 200),
            lambda: get_phone_number.sync(AGENT, one, client=generated),
        ),
        "list (1,000 numbers)": (
            lambda: checked(raw.get(f"/v1/agents/{LIST_AGENT}/telephony/phone-numbers"), 200),
            lambda: list_phone_numbers.sync(LIST_AGENT, client=generated),
        ),
        "batch get (100 of 100,000)": (
            lambda: checked(raw.post(f"{path}/batch", json={"phoneNumbers": batch}), 200),
            lambda: batch_get_phone_numbers.sync(
                AGENT, client=generated, body=BatchGetPhoneNumbersRequest(phone_numbers=batch)
            ),
        ),
        "import (10 numbers a call)": (
            lambda: checked(raw.post(path, json={"phoneNumbers": raw_imports.batch(), "clientEnv": "sandbox"}), 201),
            lambda: import_phone_numbers.sync(
                AGENT,
                client=generated,
                body=ImportPhoneNumbersRequest(phone_numbers=generated_imports.batch(), client_env=ClientEnv.SANDBOX),
            ),
        ),
    }
    # The generated side must get what the raw side gets, or the comparison is of different work.
    for name, (_, generated_call) in pairs.items():
        result = generated_call()
        assert type(result).__name__ != "Error" and result is not None, f"{name}: {result}"

    results: dict[str, Any] = {"pairs": PAIRS}
    for name, (raw_call, generated_call) in pairs.items():
        raw_call()  # the generated side is warm from the check above
        raw_times, generated_times = _paired_us(raw_call, generated_call, PAIRS)
        raw_us, generated_us = statistics.median(raw_times), statistics.median(generated_times)
        results[name] = {
            "raw_httpx_us": round(raw_us, 1),
            "generated_us": round(generated_us, 1),
            "overhead_us": round(statistics.median(g - r for r, g in zip(raw_times, generated_times, strict=True)), 1),
            "ratio": round(generated_us / raw_us, 3),
        }
        print(f"  {name:28} {results[name]}", flush=True)
    return results
