"""Batch get and batch delete of 1,000 numbers in stores of 10k, 100k and 1M numbers.

The claim under test: a batch costs what its numbers cost, whatever the size of the store. Two
views of it:
- in-process, the operation's rule against each store (memory and SQLite) through the store
  interface, with no HTTP: the rule and the store alone;
- over HTTP, the whole request against the mock server (memory store): validation of the
  1,000 numbers, the rule, serialisation and the server.
Memory per stored number: tracemalloc around filling a memory store, and the server's RSS before
and after it is seeded with a million numbers. For SQLite, the file's size per number.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from compare import API_KEY, SEED_CHUNK, mock_server
from fictional import block_start, fictional_number, fictional_numbers

from telephony_mock._auth import Caller
from telephony_mock._rules import Call, all_rules
from telephony_mock._sqlite_store import SqliteStore
from telephony_mock._store import MemoryStore, Store

SIZES = (10_000, 100_000, 1_000_000)
BATCH = 1_000
GET_REPEATS, DELETE_REPEATS = 30, 10
AGENT, PROJECT, ACCOUNT = "agent-dev", "proj-dev", "acct-dev"
CALLER = Caller(ACCOUNT, AGENT, PROJECT, frozenset({PROJECT}))
STORE_BLOCK = 0


def _records(count: int) -> Iterator[dict[str, str]]:
    for number in fictional_numbers(count, block_start(STORE_BLOCK)):
        yield {"number": number, "projectId": PROJECT, "accountId": ACCOUNT, "clientEnv": "live"}


def _batch(size: int, rng: random.Random) -> list[str]:
    """BATCH numbers spread over the whole store, so that no cache favours a small one."""
    return [fictional_number(block_start(STORE_BLOCK) + index) for index in rng.sample(range(size), BATCH)]


def _timed_ms(action: Callable[[list[str]], Any], numbers: list[str]) -> float:
    started = time.perf_counter()
    action(numbers)
    return (time.perf_counter() - started) * 1000


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
        "per_number_us": round(1000 * statistics.median(ordered) / BATCH, 2),
    }


def in_process(store: Store, size: int) -> dict[str, Any]:
    rules = all_rules()
    batch_get, batch_delete = rules["batchGetPhoneNumbers"], rules["deletePhoneNumbers"]
    rng = random.Random(size)

    def get(numbers: list[str]) -> None:
        with store.transaction(write=False) as tx:
            found = batch_get.function(tx, Call(CALLER, {"agentId": AGENT}, {}, {"phoneNumbers": numbers}))
        assert len(found["found"]) == BATCH

    def delete(numbers: list[str]) -> None:
        with store.transaction(write=True) as tx:
            released = batch_delete.function(tx, Call(CALLER, {"agentId": AGENT}, {}, {"phoneNumbers": numbers}))
        assert len(released["deleted"]) == BATCH

    def put_back(numbers: list[str]) -> None:
        with store.transaction(write=True) as tx:
            for number in numbers:
                tx.put_number({"number": number, "projectId": PROJECT, "accountId": ACCOUNT, "clientEnv": "live"})

    get(_batch(size, rng))  # warm
    gets = [_timed_ms(get, _batch(size, rng)) for _ in range(GET_REPEATS)]
    deletes = []
    for _ in range(DELETE_REPEATS):
        numbers = _batch(size, rng)
        deletes.append(_timed_ms(delete, numbers))
        put_back(numbers)
    return {"batch_get": _summary(gets), "batch_delete": _summary(deletes)}


def tracemalloc_bytes_per_number(count: int = 100_000) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    store = MemoryStore()
    store.reset([], _records(count))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del store
    return round((after - before) / count, 1)


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def over_http(work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    rng = random.Random(7)
    with mock_server(work) as mock, httpx.Client(base_url=mock.base_url, timeout=120.0) as client:
        path = f"/v1/agents/{AGENT}/telephony/phone-numbers"
        headers = {"X-API-KEY": API_KEY}
        rss_empty = _rss_bytes(mock.process.pid)
        seeded = 0
        for size in SIZES:
            while seeded < size:
                count = min(SEED_CHUNK, size - seeded)
                numbers = list(fictional_numbers(count, block_start(STORE_BLOCK) + seeded))
                client.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": numbers}).raise_for_status()
                seeded += count

            def get(numbers: list[str]) -> None:
                response = client.post(f"{path}/batch", json={"phoneNumbers": numbers}, headers=headers)
                assert response.status_code == 200 and len(response.json()["found"]) == BATCH, response.text[:200]

            def delete(numbers: list[str]) -> None:
                response = client.request("DELETE", path, json={"phoneNumbers": numbers}, headers=headers)
                assert response.status_code == 200 and len(response.json()["deleted"]) == BATCH, response.text[:200]

            get(_batch(size, rng))  # warm
            gets = [_timed_ms(get, _batch(size, rng)) for _ in range(GET_REPEATS)]
            deletes = []
            for _ in range(DELETE_REPEATS):
                numbers = _batch(size, rng)
                deletes.append(_timed_ms(delete, numbers))
                client.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": numbers}).raise_for_status()
            results[str(size)] = {"batch_get": _summary(gets), "batch_delete": _summary(deletes)}
            print(f"  http {size:>9,}: get {_summary(gets)}  delete {_summary(deletes)}", flush=True)
        rss_full = _rss_bytes(mock.process.pid)
    results["rss_bytes_per_number"] = round((rss_full - rss_empty) / SIZES[-1], 1)
    return results


def run(work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"batch": BATCH, "sizes": list(SIZES), "in_process": {"memory": {}, "sqlite": {}}}
    for size in SIZES:
        memory = MemoryStore()
        memory.reset([], _records(size))
        results["in_process"]["memory"][str(size)] = in_process(memory, size)
        del memory
        gc.collect()
        with tempfile.TemporaryDirectory(dir=work) as folder:
            sqlite = SqliteStore(Path(folder) / "state.sqlite3")
            sqlite.reset([], _records(size))
            results["in_process"]["sqlite"][str(size)] = in_process(sqlite, size)
            sqlite.close()
            if size == SIZES[-1]:
                files = Path(folder).glob("state.sqlite3*")
                results["sqlite_file_bytes_per_number"] = round(sum(f.stat().st_size for f in files) / size, 1)
        for store in ("memory", "sqlite"):
            print(f"  {store:6} {size:>9,}: {results['in_process'][store][str(size)]}", flush=True)
    results["tracemalloc_bytes_per_number"] = tracemalloc_bytes_per_number()
    results["http"] = over_http(work)
    return results


if __name__ == "__main__":
    sys.exit("run through scripts/bench/run.py --only scale")
