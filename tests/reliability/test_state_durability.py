"""`telephony-mock --state FILE` survives SIGKILL in the middle of a write load.

Writers send batch imports of fresh numbers and batch deletes of numbers they imported before;
once enough have been acknowledged the process is killed with SIGKILL, mid-flight, and started
again on the same file. Then: every acknowledged import that no later delete released is there,
every acknowledged delete stays released, and every batch that was never acknowledged is there
whole or not at all, since a batch import is all or nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from live_server import API_KEY, MockProcess

WRITERS = 4
NUMBERS_PATH = "/v1/agents/agent-dev/telephony/phone-numbers"
# Numbers from the fictional +44 7700 900xxx block, lengthened to 15 digits so that a long run has
# enough of them: no UK number has 15 digits, so none can belong to a subscriber. Each writer
# draws from its own quarter of the million.
PREFIX = "+447700900"
NUMBERS_PER_WRITER = 250_000


@dataclass
class Ledger:
    """What one writer sent, and what it was told."""

    writer: int
    numbers_used: int = 0
    acknowledged: list[tuple[str, ...]] = field(default_factory=list)  # imports answered 201
    released: set[str] = field(default_factory=set)  # numbers a delete answered 200 for
    unanswered_imports: list[tuple[str, ...]] = field(default_factory=list)
    unanswered_deletes: list[tuple[str, ...]] = field(default_factory=list)
    in_flight_at_kill: int = 0  # requests sent whose answer the kill cut off

    def fresh_numbers(self, count: int) -> tuple[str, ...]:
        first = self.writer * NUMBERS_PER_WRITER + self.numbers_used
        self.numbers_used += count
        assert self.numbers_used <= NUMBERS_PER_WRITER
        return tuple(f"{PREFIX}{index:06d}" for index in range(first, first + count))

    def cut_off(self, error: httpx.TransportError) -> None:
        if not isinstance(error, httpx.ConnectError):
            self.in_flight_at_kill += 1


def write_until_killed(base_url: str, ledger: Ledger, acked: threading.Semaphore) -> None:
    """Import batches of 1-50 fresh numbers, now and then releasing an earlier batch, until the server dies."""
    serial = 0
    with httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}, timeout=10.0) as client:
        for _ in range(100_000):  # bounded; the kill ends the loop long before
            serial += 1
            if serial % 5 == 0 and ledger.acknowledged:
                batch = ledger.acknowledged[-1]
                ledger.acknowledged.pop()
                try:
                    response = client.request("DELETE", NUMBERS_PATH, json={"phoneNumbers": list(batch)})
                except httpx.TransportError as error:
                    ledger.unanswered_deletes.append(batch)
                    ledger.cut_off(error)
                    return
                assert response.status_code == 200, response.text
                assert sorted(response.json()["deleted"]) == sorted(batch), response.text
                ledger.released.update(batch)
                continue
            batch = ledger.fresh_numbers(1 + (serial * 7) % 50)
            try:
                response = client.post(NUMBERS_PATH, json={"phoneNumbers": list(batch), "clientEnv": "sandbox"})
            except httpx.TransportError as error:
                ledger.unanswered_imports.append(batch)
                ledger.cut_off(error)
                return
            assert response.status_code == 201, response.text
            assert sorted(response.json()["imported"]) == sorted(batch)
            ledger.acknowledged.append(batch)
            acked.release()


def writer(base_url: str, ledger: Ledger, acked: threading.Semaphore, failures: list[BaseException]) -> None:
    try:
        write_until_killed(base_url, ledger, acked)
    except BaseException as error:  # handed to the main thread, which fails the test
        failures.append(error)


def held_numbers(base_url: str) -> set[str]:
    with httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}, timeout=30.0) as client:
        response = client.get(NUMBERS_PATH)
    assert response.status_code == 200, response.text
    return {number["number"] for number in response.json()["phoneNumbers"]}


@pytest.mark.parametrize(
    ("cycles", "acks_before_kill"),
    [pytest.param(1, 40, id="short"), pytest.param(6, 400, id="long", marks=pytest.mark.slow)],
)
def test_state_survives_sigkill_during_writes(tmp_path: Path, cycles: int, acks_before_kill: int) -> None:
    mock = MockProcess(tmp_path / "mock.log", tmp_path / "state.sqlite3")
    ledgers = [Ledger(writer) for writer in range(WRITERS)]
    try:
        mock.start()
        seeded = held_numbers(mock.base_url)
        for cycle in range(cycles):
            acked = threading.Semaphore(0)
            failures: list[BaseException] = []
            threads = [
                threading.Thread(target=writer, args=(mock.base_url, ledger, acked, failures)) for ledger in ledgers
            ]
            for thread in threads:
                thread.start()
            for _ in range(acks_before_kill):
                assert acked.acquire(timeout=60), "the writers stopped being acknowledged"
            mock.kill()
            for thread in threads:
                thread.join(timeout=60)
            assert not any(thread.is_alive() for thread in threads)
            assert not failures, failures
            assert sum(ledger.in_flight_at_kill for ledger in ledgers) > 0, (
                "the kill found no request in flight, so it tested nothing"
            )

            mock.start()
            held = held_numbers(mock.base_url)
            for ledger in ledgers:
                for batch in ledger.acknowledged:
                    missing = [number for number in batch if number not in held]
                    assert not missing, f"acknowledged imports lost after SIGKILL (cycle {cycle}): {missing}"
                for batch in ledger.unanswered_imports:
                    present = [number for number in batch if number in held]
                    assert present in ([], list(batch)), f"a batch import is half there after SIGKILL: {present}"
                    if present:  # committed before the kill: from now on it is as good as acknowledged
                        ledger.acknowledged.append(batch)
                ledger.unanswered_imports.clear()
                for batch in ledger.unanswered_deletes:
                    # Each number of a batch delete is released on its own; either outcome is valid.
                    ledger.released.update(number for number in batch if number not in held)
                    ledger.acknowledged.extend((number,) for number in batch if number in held)
                ledger.unanswered_deletes.clear()
            released = set().union(*(ledger.released for ledger in ledgers))
            resurrected = released & held
            assert not resurrected, f"released numbers came back after SIGKILL: {sorted(resurrected)[:10]}"
            sent = {number for ledger in ledgers for batch in ledger.acknowledged for number in batch}
            assert held - seeded <= sent, f"numbers nobody imported: {sorted(held - seeded - sent)[:10]}"
    finally:
        mock.stop()
