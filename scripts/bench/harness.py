"""What every part shares: fictional numbers, the servers under test, wrk, and interleaved rounds.

Servers are child processes pinned to the first core, and wrk (or this process) to the second.
On a shared machine other work can only take time from a run, never give it any, so the sides
of a comparison take turns round by round and each reports its least-disturbed round.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from contract_tests.fictional_ranges import FICTIONAL_RANGES
from contract_tests.target import free_port
from telephony_contract import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".bench" / "prism"
LUA = ROOT / "scripts" / "bench" / "wrk_requests.lua"
API_KEY = "polyai-mock-dev-key"
WARMUP_S = 2
# The fictional ranges lengthened to E.164's 15 digits, which no UK or North American number has,
# so none reaches a subscriber: a million numbers each.
BLOCKS = [reserved.prefix for reserved in FICTIONAL_RANGES]
CATALOGUE = load_catalogue()
K = TypeVar("K")
T = TypeVar("T")


def number(block: int, index: int) -> str:
    return f"{BLOCKS[block]}{index:06d}"


def numbers(block: int, count: int, start: int = 0) -> list[str]:
    return [number(block, index) for index in range(start, start + count)]


def path(operation_id: str, **values: str) -> str:
    """The operation's path from the contract, its parameters filled in (the values need no escaping)."""
    return CATALOGUE[operation_id].path.format_map(values)


def numbers_path(agent: str) -> str:
    return path("listPhoneNumbers", agentId=agent)


def seed(client: httpx.Client, agent: str, block: int, count: int) -> None:
    """Fill the mock through its admin endpoint, in pieces well under the 1 MiB body limit."""
    for start in range(0, count, 20_000):
        chunk = numbers(block, min(20_000, count - start), start)
        client.post("/_admin/seed", json={"agentId": agent, "phoneNumbers": chunk}).raise_for_status()


def interleave(rounds: int, turns: Mapping[K, Callable[[], T]]) -> dict[K, list[T]]:
    """Each side once a round, in turn, so that a disturbance falls on a round, not on a side."""
    results: dict[K, list[T]] = {side: [] for side in turns}
    for _ in range(rounds):
        for side, turn in turns.items():
            results[side].append(turn())
    return results


def best(rounds: list[dict[str, Any]], key: str = "throughput_rps") -> dict[str, Any]:
    return {**max(rounds, key=lambda figures: figures[key]), "rounds": rounds}


def timed_us(call: Callable[[], Any]) -> Callable[[], float]:
    def timed() -> float:
        started = time.perf_counter()
        call()
        return (time.perf_counter() - started) * 1e6

    return timed


def percentile(samples: list[float], share: float) -> float:
    return sorted(samples)[int(share * (len(samples) - 1))]


def stamp() -> dict[str, Any]:
    """When a part began and how busy the shared machine was: times move with the load, ratios less."""
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": round(os.getloadavg()[0], 2)}


@contextmanager
def on_client_core() -> Iterator[None]:
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {1})
    try:
        yield
    finally:
        os.sched_setaffinity(0, affinity)


@dataclass(frozen=True)
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"X-API-KEY": API_KEY}, timeout=120.0)

    def cpu_seconds(self, pid: int | None = None) -> float:
        """User and system time of the server and its children (granian serves from a worker)."""
        pid = pid or self.process.pid
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # it ended in between
            return 0.0
        children = [
            int(child) for task in Path(f"/proc/{pid}/task").glob("*/children") for child in task.read_text().split()
        ]
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(map(self.cpu_seconds, children))


def mock_command(*flags: str) -> list[str]:
    return [sys.executable, "-m", "telephony_mock", "--admin", *flags, "--port"]


# The server stacks apps.py is served on: uvicorn's stock protocol with its two parsers, and granian.
STACKS = {
    "default": "uvicorn --http httptools --loop uvloop --log-level warning --no-access-log",
    "h11": "uvicorn --http h11 --loop asyncio --log-level warning --no-access-log",
    "granian": "granian --interface asgi --workers 1 --runtime-threads 1 --loop uvloop --no-ws --no-log",
}


def app_command(app: str, stack: str) -> list[str]:
    return [sys.executable, "-m", *shlex.split(STACKS[stack]), "--factory", f"scripts.bench.apps:{app}", "--port"]


@contextmanager
def serve(
    name: str, command: list[str], logs: Path, *, cpu: int | None = 0, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run `command` and a free port on `cpu` (None: any) until the block ends, in a session of its own
    so that stopping it reaches whatever it forks."""
    port, pinned = free_port(), ["taskset", "--cpu-list", str(cpu)] if cpu is not None else []
    with (logs / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(
            [*pinned, *command, str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        try:
            deadline = time.monotonic() + 60
            while not _serving(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start serving; see {logs / name}.log")
                time.sleep(0.1)
            yield Server(name, process, f"http://127.0.0.1:{port}")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def _serving(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
    except httpx.TransportError:
        return False
    return True


def run_wrk(
    server: Server, args: list[str], seconds: float, *, connections: int = 16, warmup: list[str] | None = None
) -> dict[str, Any]:
    """wrk on the second core, after a warm-up run when `warmup` is given; any error fails the run."""

    def wrk(seconds: float, args: list[str]) -> str:
        options = f"--threads 1 --connections {connections} --duration {max(1, round(seconds))}s --timeout 10s"
        command = ["taskset", "--cpu-list", "1", tool("wrk"), *options.split(), "--script", str(LUA)]
        return subprocess.run(
            [*command, server.base_url, "--", *args], env=env, check=True, capture_output=True, text=True
        ).stdout

    env = {**os.environ, "BENCH_API_KEY": API_KEY}
    if warmup is not None:
        wrk(WARMUP_S, warmup)
    before, server_before = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_seconds()
    started = time.monotonic()
    figures = json.loads(wrk(seconds, args).strip().splitlines()[-1])
    wall, after = time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if any(figures["errors"].values()):
        raise RuntimeError(f"{server.name} {args[:3]}: errors {figures['errors']}")
    return {
        "requests": figures["requests"],
        "throughput_rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        **{f"{name}_ms": figures["latency_us"][name] / 1000 for name in ("p50", "p90", "p99", "max")},
        # wrk's and the server's CPU time over the wall time: near 1.0 for wrk would mean it was the limit.
        "client_cpu": round((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / wall, 3),
        "server_cpu": round((server.cpu_seconds() - server_before) / wall, 3),
    }


def tool(name: str) -> str:
    """wrk or Prism, which `make bench` installs (wrk with apt-get, Prism with npm into .bench/)."""
    found = shutil.which(name) if name == "wrk" else str(PRISM / "node_modules" / ".bin" / name)
    return found if found and Path(found).exists() else sys.exit(f"{name} is not installed; `make bench` installs it")


def prism_version() -> str | None:
    installed = PRISM / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    return str(json.loads(installed.read_text())["version"]) if installed.exists() else None
