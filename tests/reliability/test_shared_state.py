"""Several processes on one state file answer as one mock: the clock, fault draws and admin
changes live in the store, and `--workers N` serves one state from N processes.

The mock runs as users run it (`python -m telephony_mock`), as two processes on one `--state`
file, and with `--workers 2`. Concurrent writes over two processes are checked for a sequential
explanation in test_concurrent_writers.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from live_server import API_KEY, MockProcess

from telephony_mock._config import DEFAULT_CONFIG_PATH

AGENT = "agent-dev"
CALLS = f"/v1/agents/{AGENT}/telephony/outbound-calls"
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
TIMING = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())["outbound_calls"]
CORRELATION = "x-polyai-correlation-id"


def _client(mock: MockProcess) -> httpx.Client:
    return httpx.Client(base_url=mock.base_url, headers={"X-API-KEY": API_KEY}, timeout=30.0)


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[MockProcess, MockProcess]]:
    """Two mock processes on one state file, with the admin endpoints."""
    state = tmp_path / "state.sqlite3"
    first = MockProcess(tmp_path / "first.log", state, ("--admin",))
    second = MockProcess(tmp_path / "second.log", state, ("--admin",))
    first.start()
    second.start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


def test_a_call_advanced_on_one_process_reads_the_same_on_the_other(
    two_processes: tuple[MockProcess, MockProcess],
) -> None:
    first, second = two_processes
    with _client(first) as one, _client(second) as other:
        sid = one.post(CALLS, json={"environment": "sandbox", "toNumber": "+447700900101"}).json()["callSid"]
        ended = TIMING["queued_seconds"] + TIMING["calling_seconds"]
        assert one.post("/_admin/clock", json={"advanceSeconds": ended}).status_code == 200

        here = one.get(f"{CALLS}/{sid}/status", params={"environment": "sandbox"}).json()
        there = other.get(f"{CALLS}/{sid}/status", params={"environment": "sandbox"}).json()

    assert here["status"] == "FAILURE"
    assert there == here


def test_an_admin_reset_on_one_process_is_seen_by_the_other(two_processes: tuple[MockProcess, MockProcess]) -> None:
    first, second = two_processes
    number = "+442079460777"
    with _client(first) as one, _client(second) as other:
        assert other.post(NUMBERS, json={"phoneNumbers": [number], "clientEnv": "sandbox"}).status_code == 201
        assert one.get(f"{NUMBERS}/%2B{number[1:]}").status_code == 200
        assert one.post("/_admin/reset").status_code == 200
        assert other.get(f"{NUMBERS}/%2B{number[1:]}").status_code == 404


def _faulty_config(tmp_path: Path) -> Path:
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())
    config["faults"] = [{"operation": "listConnectors", "status": 503, "rate": 0.5}]
    config["fault_seed"] = 2026
    path = tmp_path / "faulty.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _statuses(clients: list[httpx.Client], count: int) -> list[int]:
    """`count` lists of connectors, the clients taking turns."""
    path = f"/v1/agents/{AGENT}/telephony/connectors"
    return [clients[index % len(clients)].get(path).status_code for index in range(count)]


def test_a_seeded_fault_sequence_is_one_sequence_across_processes(tmp_path: Path) -> None:
    config = _faulty_config(tmp_path)
    alone = MockProcess(tmp_path / "alone.log", tmp_path / "alone.sqlite3", ("--config", str(config)))
    alone.start()
    try:
        with _client(alone) as client:
            # The readiness probe lists connectors once; so does each of the pair's below.
            reference = _statuses([client], 40)
    finally:
        alone.stop()

    state = tmp_path / "shared.sqlite3"
    pair = [MockProcess(tmp_path / f"pair-{index}.log", state, ("--config", str(config))) for index in range(2)]
    pair[0].start()
    # Each process's readiness probe drew once; the first process's probe stands for `alone`'s.
    pair[1].start()
    try:
        with _client(pair[0]) as one, _client(pair[1]) as other:
            shared = _statuses([one, other], 39)
    finally:
        for mock in pair:
            mock.stop()

    assert set(reference) == {200, 503}
    assert shared == reference[1:]


def test_workers_on_the_memory_store_are_refused(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "telephony_mock", "--workers", "2", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 2
    assert "--workers 2 needs --state" in finished.stderr


def test_two_workers_serve_one_state(tmp_path: Path) -> None:
    mock = MockProcess(tmp_path / "mock.log", tmp_path / "state.sqlite3", ("--workers", "2", "--admin"))
    mock.start()
    prefixes: set[str] = set()
    problems: list[str] = []
    number = "+442079460778"
    try:
        with _client(mock) as client:
            assert client.post(NUMBERS, json={"phoneNumbers": [number], "clientEnv": "live"}).status_code == 201

        def reader() -> None:
            # A new connection per request, so that both workers get some.
            for _ in range(40):
                response = httpx.get(
                    f"{mock.base_url}{NUMBERS}/%2B{number[1:]}", headers={"X-API-KEY": API_KEY}, timeout=30
                )
                if response.status_code != 200 or response.json()["clientEnv"] != "live":
                    problems.append(f"{response.status_code} {response.text}")
                # A process's correlation ids share a random prefix of its own.
                prefixes.add(response.headers[CORRELATION][:13])

        threads = [threading.Thread(target=reader) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        mock.stop()

    assert not problems, problems[:5]
    assert len(prefixes) == 2, f"answered by {len(prefixes)} process(es)"
    assert mock.process is not None and mock.process.returncode in (0, -15)
