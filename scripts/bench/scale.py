"""Batch get and batch delete of 1,000 numbers in stores of 10k, 100k and 1M numbers.

The claim under test: a batch costs what its numbers cost, whatever the size of the store. Two
views of it:
- in-process, the operation's rule against each store (memory and SQLite) through the store
  interface, with no HTTP: the rule and the store alone;
- over HTTP, the whole request against the mock server (memory store): validation of the
  1,000 numbers, the rule, serialisation and the server.
Memory per stored number: tracemalloc around filling a memory store, and the server's RSS before
and after it is seeded with a million numbers. For SQLite, the file's size per number.

`small_under_big` (its own part, `--only small-under-big`): a get of one number, alone and while
wrk lists 100,000 numbers over 4 connections, against the mock as it is (long lists in pieces)
and against the mock sending every list in one piece; and the lists' throughput in both.
"""

from __future__ import annotations

import gc
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Protocol

import httpx
from compare import API_KEY, SEED_CHUNK, _serve_py, mock_server
from fictional import block_start, fictional_number, fictional_numbers
from loadgen import LoadResult, LoadSettings, run_wrk
from servers import LOADGEN_CPU, serve

from contract_tests.target import free_port
from telephony_mock._auth import Caller
from telephony_mock._config import OutboundCallsConfig
from telephony_mock._rule_book import default_rules
from telephony_mock._rules import Call, Settings
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


class BatchTarget(Protocol):
    """One store of one size, reached in-process or over HTTP."""

    def get(self, numbers: list[str]) -> None: ...
    def delete(self, numbers: list[str]) -> None: ...
    def put_back(self, numbers: list[str]) -> None: ...


def interleaved(targets: dict[int, BatchTarget]) -> dict[str, Any]:
    """Time batch gets and deletes, the store sizes taking turns batch by batch.

    Taking turns spreads whatever else the machine does over every size alike, so a difference
    between sizes is the store's and not the moment's.
    """
    rngs = {size: random.Random(size) for size in targets}
    gets: dict[int, list[float]] = {size: [] for size in targets}
    deletes: dict[int, list[float]] = {size: [] for size in targets}
    for size, target in targets.items():
        target.get(_batch(size, rngs[size]))  # warm
    for _ in range(GET_REPEATS):
        for size, target in targets.items():
            gets[size].append(_timed_ms(target.get, _batch(size, rngs[size])))
    for _ in range(DELETE_REPEATS):
        for size, target in targets.items():
            numbers = _batch(size, rngs[size])
            deletes[size].append(_timed_ms(target.delete, numbers))
            target.put_back(numbers)
    return {str(size): {"batch_get": _summary(gets[size]), "batch_delete": _summary(deletes[size])} for size in targets}


class InProcess:
    """The operations' rules against a store, through the store interface."""

    def __init__(self, store: Store) -> None:
        rules = default_rules()
        self.store = store
        self._get, self._delete = rules["batchGetPhoneNumbers"], rules["deletePhoneNumbers"]

    @staticmethod
    def _call(numbers: list[str]) -> Call:
        # The batch rules read no settings and no clock.
        settings = Settings(None, OutboundCallsConfig(), {}, 0, re.compile(""))
        return Call(CALLER, {"agentId": AGENT}, {}, {"phoneNumbers": numbers}, settings, 0.0)

    def get(self, numbers: list[str]) -> None:
        with self.store.transaction(write=False) as tx:
            found = self._get(tx, self._call(numbers))
        assert len(found["found"]) == BATCH

    def delete(self, numbers: list[str]) -> None:
        with self.store.transaction(write=True) as tx:
            released = self._delete(tx, self._call(numbers))
        assert len(released["deleted"]) == BATCH

    def put_back(self, numbers: list[str]) -> None:
        with self.store.transaction(write=True) as tx:
            for number in numbers:
                tx.put_number({"number": number, "projectId": PROJECT, "accountId": ACCOUNT, "clientEnv": "live"})


class OverHttp:
    """The same operations as requests to a mock server that holds the store."""

    path = f"/v1/agents/{AGENT}/telephony/phone-numbers"

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def seed(self, count: int) -> None:
        for offset in range(0, count, SEED_CHUNK):
            numbers = list(fictional_numbers(min(SEED_CHUNK, count - offset), block_start(STORE_BLOCK) + offset))
            self.put_back(numbers)

    def get(self, numbers: list[str]) -> None:
        response = self.client.post(f"{self.path}/batch", json={"phoneNumbers": numbers})
        assert response.status_code == 200 and len(response.json()["found"]) == BATCH, response.text[:200]

    def delete(self, numbers: list[str]) -> None:
        response = self.client.request("DELETE", self.path, json={"phoneNumbers": numbers})
        assert response.status_code == 200 and len(response.json()["deleted"]) == BATCH, response.text[:200]

    def put_back(self, numbers: list[str]) -> None:
        response = self.client.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": numbers})
        response.raise_for_status()


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
    """One mock server per store size, all on the first core, driven from this process on the second."""
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOADGEN_CPU})
    try:
        with ExitStack() as stack:
            targets: dict[int, BatchTarget] = {}
            rss_growth = 0
            for size in SIZES:
                mock = stack.enter_context(mock_server(work / f"http-{size}"))
                client = stack.enter_context(
                    httpx.Client(base_url=mock.base_url, headers={"X-API-KEY": API_KEY}, timeout=120.0)
                )
                target = OverHttp(client)
                before = _rss_bytes(mock.process.pid)
                target.seed(size)
                rss_growth = _rss_bytes(mock.process.pid) - before
                targets[size] = target
            results = interleaved(targets)
    finally:
        os.sched_setaffinity(0, affinity)
    # The last server is the largest store.
    results["rss_bytes_per_number"] = round(rss_growth / SIZES[-1], 1)
    return results


def run(work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"batch": BATCH, "sizes": list(SIZES), "in_process": {}}
    memory = {size: MemoryStore() for size in SIZES}
    for size, in_memory in memory.items():
        in_memory.reset([], _records(size))
    results["in_process"]["memory"] = interleaved({size: InProcess(store) for size, store in memory.items()})
    del memory
    gc.collect()
    with tempfile.TemporaryDirectory(dir=work) as folder:
        sqlite = {size: SqliteStore(Path(folder) / f"state-{size}.sqlite3") for size in SIZES}
        for size, on_disk in sqlite.items():
            on_disk.reset([], _records(size))
        results["in_process"]["sqlite"] = interleaved({size: InProcess(store) for size, store in sqlite.items()})
        for on_disk in sqlite.values():
            on_disk.close()
        largest = Path(folder).glob(f"state-{SIZES[-1]}.sqlite3*")
        results["sqlite_file_bytes_per_number"] = round(sum(f.stat().st_size for f in largest) / SIZES[-1], 1)
    for store in ("memory", "sqlite"):
        for size in SIZES:
            print(f"  {store:6} {size:>9,}: {results['in_process'][store][str(size)]}", flush=True)
    results["tracemalloc_bytes_per_number"] = tracemalloc_bytes_per_number()
    results["http"] = over_http(work)
    for size in SIZES:
        print(f"  http   {size:>9,}: {results['http'][str(size)]}", flush=True)
    return results


BIG_LIST, LISTERS, BIG_LIST_AGENT, BIG_LIST_BLOCK = 100_000, 4, "agent-dev-2", 1
SMALL_GET = "/v1/agents/agent-dev/telephony/phone-numbers/%2B442079460001"  # seeded by the default config
LIST_SECONDS, GET_INTERVAL_S, SMALL_ROUNDS = 10.0, 0.01, 2


def _get_latencies_ms(client: httpx.Client, until: float) -> list[float]:
    samples = []
    while time.monotonic() < until:
        started = time.perf_counter()
        response = client.get(SMALL_GET)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
        time.sleep(GET_INTERVAL_S)
    return samples


def _latency(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
    }


def _small_under_big_once(wrk: Path, server_url: str, server: Any, work: Path) -> dict[str, Any]:
    listed: list[LoadResult] = []
    settings = LoadSettings(connections=LISTERS, duration_s=LIST_SECONDS, warmup_s=0)
    arguments = ["fixed", "GET", f"/v1/agents/{BIG_LIST_AGENT}/telephony/phone-numbers"]
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": API_KEY}, timeout=60.0) as client:
        alone = _get_latencies_ms(client, time.monotonic() + 3)
        lister = threading.Thread(
            target=lambda: listed.append(run_wrk(wrk, server, arguments, settings, api_key=API_KEY))
        )
        lister.start()
        time.sleep(0.5)  # let the lists get going
        under = _get_latencies_ms(client, time.monotonic() + LIST_SECONDS - 1)
        lister.join()
    lists = listed[0]
    if lists.non_2xx or lists.socket_errors:
        raise RuntimeError(f"lists: {lists.non_2xx} non-2xx, {lists.socket_errors} socket errors")
    return {
        "alone": _latency(alone),
        "under_lists": _latency(under),
        "list_rps": lists.throughput_rps,
        # Whether the server or wrk (parsing some 9 MB an answer) was the limit.
        "list_server_cpu": lists.server_cpu,
        "list_wrk_cpu": lists.client_cpu,
    }


def small_under_big(wrk: Path, work: Path) -> dict[str, Any]:
    """A get of one number alone and under 4 clients listing 100,000 numbers, paged and in one piece."""
    work.mkdir(parents=True, exist_ok=True)
    load_average = os.getloadavg()[0]  # the machine is shared: say how busy it was
    variants = {"in pieces": [], "in one piece": ["--one-piece-lists"]}
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOADGEN_CPU})
    try:
        with ExitStack() as stack:
            servers = {}
            for name, flags in variants.items():
                port = free_port()
                label = name.replace(" ", "-")
                servers[name] = stack.enter_context(
                    serve(label, [*_serve_py("mock", port, "default"), *flags], port, work / f"{label}.log")
                )
                with httpx.Client(base_url=servers[name].base_url, timeout=120.0) as client:
                    start = block_start(BIG_LIST_BLOCK)
                    for offset in range(0, BIG_LIST, SEED_CHUNK):
                        numbers = list(fictional_numbers(SEED_CHUNK, start + offset))
                        seeded = client.post("/_admin/seed", json={"agentId": BIG_LIST_AGENT, "phoneNumbers": numbers})
                        seeded.raise_for_status()
            for _ in range(SMALL_ROUNDS):
                for name, server in servers.items():
                    measured = _small_under_big_once(wrk, server.base_url, server, work)
                    print(f"  {name:13} {measured}", flush=True)
                    rounds[name].append(measured)
    finally:
        os.sched_setaffinity(0, affinity)
    # As elsewhere, the least-disturbed round: the one whose lists went fastest.
    results: dict[str, Any] = {
        "list_size": BIG_LIST,
        "listers": LISTERS,
        "list_seconds": LIST_SECONDS,
        "load_average": round(load_average, 2),
        "cores": os.cpu_count(),
    }
    for name, of_variant in rounds.items():
        results[name] = {**max(of_variant, key=lambda round_: round_["list_rps"]), "rounds": of_variant}
    results["list_rps_ratio"] = round(results["in pieces"]["list_rps"] / results["in one piece"]["list_rps"], 3)
    return results


if __name__ == "__main__":
    sys.exit("run through scripts/bench/run.py --only scale")
