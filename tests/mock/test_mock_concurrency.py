"""Parallel writers never lose, duplicate or half-apply a number.

Each worker thread has its own TestClient used without `with`, so every request runs on an event
loop in the worker's own thread: the app really is entered from several threads at once, and
only the store's lock (or SQLite transaction) keeps operations apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import orjson
from mock_support import AGENT, SEEDED_ROUTED, fictional, http_client
from starlette.applications import Starlette

from telephony_mock._auth import Caller
from telephony_mock._errors import ApiError
from telephony_mock._phone_numbers import import_numbers
from telephony_mock._sqlite_store import SqliteStore

NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
WORKERS = 8
T = TypeVar("T")


def _in_parallel(app: Starlette, jobs: list[Callable[..., T]]) -> list[T]:
    start = threading.Barrier(len(jobs))

    def run(job: Callable[..., T]) -> T:
        http = http_client(app)
        start.wait()
        return job(http)

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _held(app: Starlette) -> list[str]:
    with http_client(app) as http:
        return [n["number"] for n in http.get(NUMBERS).json()["phoneNumbers"]]


def test_parallel_imports_of_one_number_let_exactly_one_win(app: Starlette) -> None:
    statuses = _in_parallel(
        app, [lambda http: http.post(NUMBERS, json={"phoneNumbers": [fictional(1)]}).status_code] * WORKERS
    )

    assert sorted(statuses) == [201] + [409] * (WORKERS - 1)
    assert _held(app).count(fictional(1)) == 1


def test_parallel_disjoint_imports_are_all_kept(app: Starlette) -> None:
    def worker(offset: int) -> Callable[..., list[int]]:
        def job(http):  # type: ignore[no-untyped-def]
            batches = [[fictional(offset * 100 + b * 5 + i) for i in range(5)] for b in range(10)]
            return [http.post(NUMBERS, json={"phoneNumbers": batch}).status_code for batch in batches]

        return job

    results = _in_parallel(app, [worker(w) for w in range(WORKERS)])

    assert all(status == 201 for statuses in results for status in statuses)
    held = _held(app)
    assert len(held) == len(set(held)) == 2 + WORKERS * 50


def test_parallel_overlapping_batches_are_all_or_nothing(app: Starlette) -> None:
    # Worker i imports numbers i and i+1 (mod WORKERS): neighbours overlap.
    batches = [[fictional(i), fictional((i + 1) % WORKERS)] for i in range(WORKERS)]

    def job_for(batch: list[str]) -> Callable[..., tuple[list[str], int]]:
        return lambda http: (batch, http.post(NUMBERS, json={"phoneNumbers": batch}).status_code)

    results = _in_parallel(app, [job_for(batch) for batch in batches])

    assert {status for _, status in results} <= {201, 409}
    won = [batch for batch, status in results if status == 201]
    assert won, "at least the first batch to commit must win"
    imported = [number for batch in won for number in batch]
    assert len(imported) == len(set(imported)), "two winning batches shared a number"
    assert sorted(set(_held(app)) - {SEEDED_ROUTED, "+442079460002"}) == sorted(imported)


def test_parallel_reassigns_and_connector_delete_leave_no_dangling_route(app: Starlette) -> None:
    numbers = [fictional(i) for i in range(40)]
    with http_client(app) as http:
        assert http.post(NUMBERS, json={"phoneNumbers": numbers}).status_code == 201

    def reassigner(chunk: list[str]) -> Callable[..., list[int]]:
        def job(http):  # type: ignore[no-untyped-def]
            return [http.patch(f"{NUMBERS}/{n}", json={"connectorId": "conn-dev-en"}).status_code for n in chunk]

        return job

    def deleter(http):  # type: ignore[no-untyped-def]
        return http.delete(f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en").json()

    chunks = [numbers[i::4] for i in range(4)]
    results = _in_parallel(app, [reassigner(chunk) for chunk in chunks] + [deleter])

    deleted = results[-1]["deletedPhoneNumbers"]
    for statuses in results[:-1]:
        assert set(statuses) <= {200, 404}
    with http_client(app) as http:
        remaining = http.get(NUMBERS).json()["phoneNumbers"]
    # Every number routed to the connector when it went was released with it; the rest were
    # refused with 404 and stay unrouted. None points at the deleted connector.
    assert all("connectorId" not in n for n in remaining)
    assert sorted(deleted + [n["number"] for n in remaining]) == sorted([*numbers, SEEDED_ROUTED, "+442079460002"])


def test_two_sqlite_connections_on_one_file_serialise_writers(tmp_path: Path) -> None:
    # Two processes serving one --state file have a connection each; BEGIN IMMEDIATE orders them.
    path = tmp_path / "shared.sqlite3"
    stores = [SqliteStore(path), SqliteStore(path)]
    caller = Caller("acct-dev", AGENT, "proj-dev", frozenset({"proj-dev"}))
    start = threading.Barrier(WORKERS)

    def attempt(index: int) -> bool:
        store = stores[index % 2]
        start.wait()
        try:
            with store.transaction(write=True) as tx:
                import_numbers(tx, caller, [fictional(7)], "live")
        except ApiError:
            return False
        return True

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            wins = list(pool.map(attempt, range(WORKERS)))
        assert wins.count(True) == 1
        with stores[1].transaction(write=False) as tx:
            listed = orjson.loads(orjson.dumps(tx.listed_numbers("proj-dev", None)))
            assert [n["number"] for n in listed] == [fictional(7)]
    finally:
        for store in stores:
            store.close()
