"""Eight writers hit overlapping phone numbers at once through the real HTTP server.

Every answer must be one a sequential server could have given: for each number there must be a
single order of all the operations on it, consistent with when each was sent and answered, in
which the model (number_history.py) agrees with every answer and ends in the state the server
holds afterwards. No answer may be a 5xx.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from linearizability import find_order
from live_server import API_KEY, MockProcess
from number_history import (
    CONNECTORS_OF,
    PROJECT_OF,
    Exchange,
    final_read,
    operations_by_number,
    state_from_body,
    unexpected,
)

WRITERS = 8
# 32 fictional numbers (+44 20 7946 0100-0131) for 8 writers: every number is contended.
POOL = tuple(f"+44207946{index:04d}" for index in range(100, 132))
AGENTS = tuple(PROJECT_OF)
ENVS = ("sandbox", "pre-release", "live")
KINDS = ("import-one", "import-batch", "delete-one", "delete-batch", "reassign", "get")
KIND_WEIGHTS = (20, 15, 15, 10, 25, 15)


def numbers_path(agent: str, number: str | None = None) -> str:
    base = f"/v1/agents/{agent}/telephony/phone-numbers"
    return base if number is None else f"{base}/{number.replace('+', '%2B')}"


def send(client: httpx.Client, rng: random.Random, writer: int) -> Exchange:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    agent = rng.choice(AGENTS)
    batch = kind.endswith("-batch")
    numbers = tuple(rng.sample(POOL, rng.randint(2, 4))) if batch else (rng.choice(POOL),)
    client_env = rng.choice(ENVS) if kind.startswith("import") else None
    connector = rng.choice(CONNECTORS_OF[agent]) if kind == "reassign" else None
    request: dict[str, Any]
    if kind == "import-one":
        request = {"method": "POST", "url": numbers_path(agent, numbers[0]), "json": {"clientEnv": client_env}}
    elif kind == "import-batch":
        request = {
            "method": "POST",
            "url": numbers_path(agent),
            "json": {"phoneNumbers": numbers, "clientEnv": client_env},
        }
    elif kind == "delete-one":
        request = {"method": "DELETE", "url": numbers_path(agent, numbers[0])}
    elif kind == "delete-batch":
        request = {"method": "DELETE", "url": numbers_path(agent), "json": {"phoneNumbers": numbers}}
    elif kind == "reassign":
        request = {"method": "PATCH", "url": numbers_path(agent, numbers[0]), "json": {"connectorId": connector}}
    else:
        request = {"method": "GET", "url": numbers_path(agent, numbers[0])}
    call = time.monotonic()
    response = client.request(**request)
    returned = time.monotonic()
    return Exchange(
        writer, kind, agent, numbers, call, returned, response.status_code, response.json(), client_env, connector
    )


def held_numbers(client: httpx.Client) -> dict[str, Any]:
    """Every number either agent holds, as model states, read through the list operation."""
    held: dict[str, Any] = {}
    for agent in AGENTS:
        response = client.get(numbers_path(agent))
        assert response.status_code == 200, response.text
        for number in response.json()["phoneNumbers"]:
            assert number["number"] not in held, f"{number['number']} is listed by two agents"
            held[number["number"]] = state_from_body(number)
    return held


@pytest.mark.parametrize(
    ("operations_per_writer", "processes"),
    [
        pytest.param(150, 1, id="short"),
        # Two processes on one state file, the writers split between them: one state, one order.
        pytest.param(150, 2, id="short-two-processes"),
        pytest.param(1000, 1, id="long", marks=pytest.mark.slow),
        pytest.param(1000, 2, id="long-two-processes", marks=pytest.mark.slow),
    ],
)
def test_concurrent_writers_have_a_sequential_explanation(
    operations_per_writer: int, processes: int, tmp_path: Path
) -> None:
    exchanges: list[Exchange] = []
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(index: int) -> None:
        rng = random.Random(f"writer-{index}")
        try:
            base_url = mocks[index % len(mocks)].base_url
            with httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}, timeout=30.0) as client:
                start.wait(timeout=30)
                mine = [send(client, rng, index) for _ in range(operations_per_writer)]
            exchanges.extend(mine)  # list.extend is atomic under the GIL
        except BaseException as error:  # handed to the main thread, which fails the test
            failures.append(error)

    state = tmp_path / "state.sqlite3" if processes > 1 else None
    mocks = [MockProcess(tmp_path / f"mock-{index}.log", state) for index in range(processes)]
    for mock in mocks:
        mock.start()
    try:
        with httpx.Client(base_url=mocks[0].base_url, headers={"X-API-KEY": API_KEY}, timeout=30.0) as client:
            initial = held_numbers(client)
            assert not set(initial) & set(POOL), "the seed state already holds a pool number"
            threads = [threading.Thread(target=writer, args=(index,)) for index in range(WRITERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            assert not any(thread.is_alive() for thread in threads), "a writer did not finish within 300 s"
            assert not failures, failures
            finished = time.monotonic()
            final = held_numbers(client)
    finally:
        for mock in mocks:
            mock.stop()

    assert len(exchanges) == WRITERS * operations_per_writer
    invalid = [f"{exchange.label()}: {reason}" for exchange in exchanges if (reason := unexpected(exchange))]
    assert not invalid, "\n".join(invalid[:20])
    # The mix must have exercised both outcomes, or the model check proves little.
    statuses = {(exchange.kind, exchange.status) for exchange in exchanges}
    assert {("import-one", 201), ("import-one", 409), ("delete-one", 200), ("delete-one", 404)} <= statuses

    histories = operations_by_number(exchanges)
    for number in POOL:
        history = [*histories.get(number, []), final_read(final.get(number), finished)]
        order = find_order(history, None)
        assert order is not None, f"no sequential order explains what {number} went through:\n" + "\n".join(
            operation.label for operation in sorted(history, key=lambda operation: operation.call)
        )
