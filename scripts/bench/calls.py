"""The parts timed call by call from Python: scale, the clients' cost, the test kit, the contract
suite's throughput and the fidelity comparison.
"""

from __future__ import annotations

import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from polyai_telephony import AuthenticatedClient, PolyAI
from polyai_telephony.api.phone_numbers import (
    batch_get_phone_numbers,
    get_phone_number,
    import_phone_numbers,
    list_phone_numbers,
)
from polyai_telephony.models import BatchGetPhoneNumbersRequest, ClientEnv, ImportPhoneNumbersRequest

from telephony_mock import InProcessTransport, PolyAIMock, create_app

from . import harness as h
from .load import BATCH_NUMBERS, LISTED, OPERATIONS, STORE, Operation, seeded

SIZES, BATCH = (10_000, 100_000, 1_000_000), 1_000


def in_process(app: Any = None, state: Path | None = None) -> httpx.Client:
    """The mock (or `app`) in this process, reached through the mock's transport: no server, no socket."""
    transport = InProcessTransport(app or create_app(admin=True, state_path=state))
    return httpx.Client(transport=transport, base_url="http://127.0.0.1:8000", headers={"X-API-KEY": h.API_KEY})


def batch_timings(clients: dict[int, httpx.Client]) -> dict[str, Any]:
    """Batches of 1,000 random numbers of the store, the sizes taking turns batch by batch."""
    rng, path = random.Random(0), h.numbers_path(STORE)

    def turn(size: int, delete: bool) -> float:
        batch = [h.number(0, index) for index in rng.sample(range(size), BATCH)]
        method, url = ("DELETE", path) if delete else ("POST", f"{path}/batch")
        started = time.perf_counter()
        answer = clients[size].request(method, url, json={"phoneNumbers": batch})
        elapsed = (time.perf_counter() - started) * 1000
        assert len(answer.json()["deleted" if delete else "found"]) == BATCH, answer.text[:200]
        if delete:  # put back, so that every batch finds all it asks for
            clients[size].post("/_admin/seed", json={"agentId": STORE, "phoneNumbers": batch}).raise_for_status()
        return elapsed

    h.interleave(1, {size: partial(turn, size, False) for size in clients})  # warm
    runs = {
        op: h.interleave(repeats, {size: partial(turn, size, op == "batch_delete") for size in clients})
        for op, repeats in (("batch_get", 30), ("batch_delete", 10))
    }
    return {
        str(size): {op: {"median_ms": round(statistics.median(by_size[size]), 3)} for op, by_size in runs.items()}
        for size in clients
    }


def scale(work: Path, *_: float) -> dict[str, Any]:
    """Batch get and delete against stores of 10k, 100k and 1M, in-process (memory and SQLite) and
    over HTTP; memory per number by tracemalloc, by the server's RSS, and on disk."""
    results: dict[str, Any] = {"batch": BATCH, "sizes": SIZES, "in_process": {}}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=work)))
        for store in ("memory", "sqlite"):
            states = {size: folder / f"{size}.sqlite3" if store == "sqlite" else None for size in SIZES}
            clients = {size: stack.enter_context(in_process(state=state)) for size, state in states.items()}
            for size, client in clients.items():
                h.seed(client, STORE, 0, size)
            results["in_process"][store] = batch_timings(clients)
            print(f"  in-process, {store}: {results['in_process'][store]}", flush=True)
        on_disk = sum(file.stat().st_size for file in folder.glob(f"{SIZES[-1]}.sqlite3*"))
        results["sqlite_file_bytes_per_number"] = round(on_disk / SIZES[-1], 1)
    gc.collect()
    with in_process() as client:
        tracemalloc.start()
        h.seed(client, STORE, 0, 100_000)
        results["tracemalloc_bytes_per_number"] = round(tracemalloc.get_traced_memory()[0] / 100_000, 1)
        tracemalloc.stop()
    with ExitStack() as stack, h.on_client_core():
        servers = {size: stack.enter_context(h.serve(f"mock-{size}", h.mock_command(), work)) for size in SIZES}
        clients = {size: stack.enter_context(server.client()) for size, server in servers.items()}
        for size, client in clients.items():
            before = _rss(servers[size])
            h.seed(client, STORE, 0, size)
        results["http"] = {
            **batch_timings(clients),
            "rss_bytes_per_number": round((_rss(servers[SIZES[-1]]) - before) / SIZES[-1], 1),
        }
    print(f"  http: {results['http']}", flush=True)
    return results


def _rss(server: h.Server) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text().splitlines()
    return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def clients(work: Path, *_: float, rounds: int = 2000) -> dict[str, Any]:
    """Raw httpx, the generated functions and `PolyAI`, each over its own connection to one served
    mock, taking turns call by call; an overhead is the median of the rounds' differences."""
    fresh = {side: iter(range(0, 1_000_000, 10)) for side in ("raw", "generated", "sdk")}
    one, many = h.number(0, 12_345), BATCH_NUMBERS
    results: dict[str, Any] = {"rounds": rounds, **h.stamp()}
    with h.on_client_core(), h.serve("mock", h.mock_command(), work) as server, ExitStack() as stack:
        seeded(server)
        raw = stack.enter_context(server.client())
        generated = stack.enter_context(
            AuthenticatedClient(base_url=server.base_url, token=h.API_KEY, auth_header_name="X-API-KEY", prefix="")
        )
        sdk = stack.enter_context(PolyAI(api_key=h.API_KEY, base_url=server.base_url, agent_id=STORE))

        def new(side: str, block: int) -> list[str]:
            return h.numbers(block, 10, next(fresh[side]))

        def raw_httpx(op: Operation) -> Any:
            body = {"phoneNumbers": new("raw", 5), "clientEnv": "sandbox"} if op.imports else op.body
            response = raw.request(op.method, op.path, json=body)
            assert response.is_success, response.text[:200]
            return response.json()

        operations: dict[str, dict[str, Callable[[], Any]]] = {  # raw httpx sends each operation as it is
            "get one": {
                "generated": lambda: get_phone_number.sync(STORE, one, client=generated),
                "sdk": lambda: sdk.phone_numbers.get(one),
            },
            "list (1,000 numbers)": {
                "generated": lambda: list_phone_numbers.sync(LISTED, client=generated),
                "sdk": lambda: sdk.phone_numbers.list(agent_id=LISTED),
            },
            "batch get (100 of 100,000)": {
                "generated": lambda: batch_get_phone_numbers.sync(
                    STORE, client=generated, body=BatchGetPhoneNumbersRequest(many)
                ),
                "sdk": lambda: sdk.phone_numbers.batch_get(many),
            },
            "import (10 numbers a call)": {
                "generated": lambda: import_phone_numbers.sync(
                    STORE, client=generated, body=ImportPhoneNumbersRequest(new("generated", 6), ClientEnv.SANDBOX)
                ),
                "sdk": lambda: sdk.phone_numbers.import_(new("sdk", 7), client_env="sandbox"),
            },
        }
        for op in OPERATIONS:
            name, sides = op.name, {"raw_httpx": partial(raw_httpx, op)} | operations[op.name]
            # Every side must get what the raw side gets, or the comparison is of different work.
            assert all(type(call()).__name__ != "Error" for call in sides.values()), name
            times = h.interleave(rounds, {side: h.timed_us(call) for side, call in sides.items()})
            medians = {side: statistics.median(values) for side, values in times.items()}
            figures = {f"{side}_us": round(value, 1) for side, value in medians.items()}
            for side in ("generated", "sdk"):
                figures[f"{side}_overhead_us"] = round(
                    statistics.median(map(float.__sub__, times[side], times["raw_httpx"])), 1
                )
                figures[f"{side}_ratio"] = round(medians[side] / medians["raw_httpx"], 3)
            results[name] = figures
            print(f"  {name:28} {figures}", flush=True)
    return results


def kit(work: Path, *_: float, cycles: int = 300, tests: int = 200, rounds: int = 2000) -> dict[str, Any]:
    """The kit's fixture cycle per test (timed directly, and as pytest sees it), and a get through
    the in-process transport against the same get over loopback HTTP to `telephony-mock`."""
    PolyAIMock().close()  # the first compiles the contract and reads the config, once per process

    def cycle() -> None:
        with PolyAIMock() as mock:
            mock.client()

    fixture = [us / 1000 for us in h.interleave(cycles, {"cycle": h.timed_us(cycle)})["cycle"]]
    median, p90 = round(statistics.median(fixture), 3), round(h.percentile(fixture, 0.9), 3)
    results: dict[str, Any] = {**h.stamp(), "fixture": {"rounds": cycles, "median_ms": median, "p90_ms": p90}}
    results["pytest"] = {"tests": tests, "per_test_ms": round(_pytest_slope_ms(tests), 3)}
    with h.on_client_core(), h.serve("mock", h.mock_command(), work) as server, PolyAIMock(auto_advance=False) as mock:
        loopback = PolyAI(api_key=h.API_KEY, base_url=server.base_url, agent_id=STORE, retry=None)
        sides = {"in_process": mock.client(retry=None), "loopback": loopback}
        held = "+442079460001"  # in the default config, so both sides hold it
        assert all(client.phone_numbers.get(held).number == held for client in sides.values())
        times = h.interleave(
            rounds, {side: h.timed_us(partial(c.phone_numbers.get, held)) for side, c in sides.items()}
        )
        medians = {f"{side}_us": round(statistics.median(values), 1) for side, values in times.items()}
        ratio = round(medians["in_process_us"] / medians["loopback_us"], 3)
        results["get"] = {"rounds": rounds, **medians, "ratio": ratio}
        loopback.close()
    print(f"  {results}", flush=True)
    return results


def _pytest_slope_ms(tests: int) -> float:
    """One more test asking for `polyai_client`, less one more bare test: the slopes between files of
    `tests` and twice as many tests, so that what a session pays once cancels out."""
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as folder:
        files = {
            (side, count): Path(folder) / f"test_{side}_{count}.py"
            for side in ("polyai_client", "")
            for count in (tests, 2 * tests)
        }
        for (side, count), file in files.items():
            file.write_text("\n".join(f"def test_{i}({side}):\n    pass\n" for i in range(count)))
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        runs = {
            key: h.timed_us(partial(subprocess.run, [*pytest, file.name], cwd=folder, check=True, capture_output=True))
            for key, file in files.items()
        }
        walls = {key: min(times) / 1000 for key, times in h.interleave(3, runs).items()}
    slope = {side: (walls[side, 2 * tests] - walls[side, tests]) / tests for side in ("polyai_client", "")}
    return slope["polyai_client"] - slope[""]


def conformance(work: Path, *_: float) -> dict[str, Any]:
    """The contract suite's CI profile in-process (as `make conformance` runs it) and over HTTP."""
    from contract_tests import conformance, runner

    started = time.monotonic()
    conducted = conformance.conduct("mock", report_dir=work, command="python -m scripts.bench --only conformance")
    results: dict[str, Any] = {"ci_profile_seconds": round(time.monotonic() - started, 1)}
    with h.on_client_core(), h.serve("mock", h.mock_command(), work) as server:

        def reset() -> None:
            httpx.post(f"{server.base_url}/_admin/reset").raise_for_status()

        schema = runner.build_schema(runner.PROFILES["ci"], overrides={"base-url": server.base_url})
        over_http = runner.run(schema, app=None, reset=reset)
    for name, outcome in (("in_process", conducted.outcome), ("http", over_http)):
        if not outcome.passed:
            raise RuntimeError(f"the contract suite failed {name}: {outcome.findings[:3]} {outcome.errors[:3]}")
        results[name] = {"cases": outcome.cases, "seconds": round(outcome.seconds, 2)}
    return results


def _night(cycle: int) -> Iterator[tuple[str, str, Any]]:
    """A cycle of a night's requests around a fictional number of its own, errors included."""
    own, base = f"+4477009{cycle % 1000:05d}", h.numbers_path(STORE)
    one, connectors = f"{base}/{own.replace('+', '%2B')}", base.replace("phone-numbers", "connectors")
    yield from [
        ("POST", base, {"phoneNumbers": [own], "clientEnv": "sandbox"}),
        ("POST", base, {"phoneNumbers": [own], "clientEnv": "sandbox"}),  # 409
        ("GET", one, None),
        ("POST", f"{base}/batch", {"phoneNumbers": [own, "+442079460999"]}),
        ("PATCH", one, {"connectorId": "conn-dev-en"}),
        ("POST", f"{connectors}/lookup", {"phoneNumber": own}),
        ("GET", f"{connectors}/conn-dev-es", None),
        ("GET", f"{base}/%2B4420794", None),  # 400
        ("DELETE", one, None),
        ("GET", one, None),  # 404
    ]


def fidelity(work: Path, *_: float, exchanges: int = 30_000) -> dict[str, Any]:
    """`make fidelity` on a night's recording generated from the mock, against the replay alone."""
    from contract_tests import fidelity, recording, replay

    results, har = h.stamp(), work / "night.har"
    recorder = recording.Recorder(har, run_keys=[h.API_KEY], comment="generated by scripts/bench")
    with in_process(recording.RecordingApp(create_app(), recorder, "http://127.0.0.1:8000")) as client:
        # A night starts by reading the agent's connectors, which the replay's seed is made of.
        client.get(h.path("listConnectors", agentId=STORE))
        for cycle in range(exchanges):
            for method, url, body in _night(cycle):
                if recorder.count < exchanges:
                    client.request(method, url, json=body)
            if recorder.count >= exchanges:
                break
    recorder.close()
    replay_seconds = h.timed_us(lambda: replay.replay(recording.read(har).exchanges))() / 1e6
    started = time.perf_counter()
    if (score := fidelity.compare(recording.read(har)).score) != 1.0:
        raise RuntimeError(f"the mock's own recording scored {score}; the benchmark compares a faithful night")
    compare_seconds = time.perf_counter() - started
    return {
        **results,
        "exchanges": recorder.count,
        "megabytes": round(har.stat().st_size / 1e6, 1),
        "replay_seconds": round(replay_seconds, 2),
        "replay_per_second": round(recorder.count / replay_seconds),
        "compare_seconds": round(compare_seconds, 2),
        "compare_per_second": round(recorder.count / compare_seconds),
    }
