"""The mock with `--workers 1` and `--workers 2` on a SQLite state file: get one and import.

Each worker count serves its own state file (10,000 numbers seeded), and neither server is
pinned: two workers need both cores. wrk stays pinned to the second core, as everywhere in these
benchmarks, so with two workers it shares a core with one of them; the ratio is therefore what
a second process buys on this machine with its load generator on it, not a clean doubling test.
The two servers take turns, round by round; each figure is from its best round.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from compare import API_KEY, SEED_CHUNK, BenchOperation, ImportBlocks, best_result, wrk_arguments
from fictional import block_start, fictional_number, fictional_numbers
from loadgen import LoadResult, LoadSettings, run_wrk
from servers import Server, serve

from contract_tests.target import free_port

WORKER_COUNTS = (1, 2)
AGENT, STORE_SIZE, STORE_BLOCK = "agent-dev", 10_000, 0
PATH = f"/v1/agents/{AGENT}/telephony/phone-numbers"
IMPORT_BATCH = 10


def operations() -> list[BenchOperation]:
    one = fictional_number(block_start(STORE_BLOCK) + 1_234)
    return [
        BenchOperation("get one", "GET", f"{PATH}/{one.replace('+', '%2B')}"),
        BenchOperation(f"import ({IMPORT_BATCH} numbers a call)", "POST", PATH, imports=True),
    ]


def _seed(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=120.0) as client:
        for offset in range(0, STORE_SIZE, SEED_CHUNK):
            numbers = list(fictional_numbers(min(SEED_CHUNK, STORE_SIZE - offset), block_start(STORE_BLOCK) + offset))
            client.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": numbers}).raise_for_status()


def _measure(
    wrk: Path, server: Server, op: BenchOperation, settings: LoadSettings, work: Path, blocks: ImportBlocks
) -> LoadResult:
    arguments = wrk_arguments(op, work, blocks.take() if op.imports else 0)
    warmup = wrk_arguments(op, work, blocks.take() if op.imports else 0)
    result = run_wrk(wrk, server, arguments, settings, api_key=API_KEY, warmup_args=warmup)
    if result.non_2xx or result.socket_errors:
        raise RuntimeError(f"{server.name} {op.name}: {result.non_2xx} non-2xx, {result.socket_errors} socket errors")
    print(
        f"  {server.name:10} {op.name:28} {result.throughput_rps:7.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
        f"p99 {result.p99_ms:7.2f} ms  cpu: server {result.server_cpu:.0%}, wrk {result.client_cpu:.0%}",
        flush=True,
    )
    return result


def run(wrk: Path, settings: LoadSettings, work: Path, rounds: int = 3) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    load_average = os.getloadavg()[0]  # the machine is shared: say how busy it was
    ops = operations()
    measured: dict[int, dict[str, list[LoadResult]]] = {count: {} for count in WORKER_COUNTS}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=work)))
        servers: dict[int, Server] = {}
        blocks: dict[int, ImportBlocks] = {}
        for count in WORKER_COUNTS:
            port = free_port()
            command = [
                sys.executable,
                "-m",
                "telephony_mock",
                "--port",
                str(port),
                "--state",
                str(folder / f"state-{count}.sqlite3"),
                "--admin",
                "--workers",
                str(count),
            ]
            name = f"workers={count}"
            servers[count] = stack.enter_context(serve(name, command, port, work / f"{name}.log", cpu=None))
            _seed(servers[count].base_url)
            blocks[count] = ImportBlocks()  # each server has a state of its own
        for op in ops:
            for _ in range(rounds):
                for count, server in servers.items():
                    result = _measure(wrk, server, op, settings, work, blocks[count])
                    measured[count].setdefault(op.name, []).append(result)
    results: dict[str, Any] = {
        "load_average": round(load_average, 2),
        "cores": os.cpu_count(),
        "settings": {**settings.__dict__, "rounds": rounds},
        "store_size": STORE_SIZE,
        "operations": [op.name for op in ops],
    }
    for count, by_op in measured.items():
        results[str(count)] = {name: best_result(rounds_) for name, rounds_ in by_op.items()}
    results["speedup"] = {
        op.name: round(results["2"][op.name]["throughput_rps"] / results["1"][op.name]["throughput_rps"], 2)
        for op in ops
    }
    print(f"  speed-up with 2 workers: {results['speedup']}", flush=True)
    return results


if __name__ == "__main__":
    sys.exit("run through scripts/bench/run.py --only workers")
