"""Drive a server with wrk pinned to the other core, and read back its figures.

wrk is a C event loop: one thread keeps every connection busy with a few microseconds of work per
request, so on the second core it can offer several times what a Python server on the first core
can answer. Each run records wrk's own CPU use, which shows whether the client was ever the limit.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from servers import LOADGEN_CPU, Server, pinned

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_requests.lua"


@dataclass(frozen=True)
class LoadSettings:
    connections: int = 16
    duration_s: float = 10.0
    warmup_s: float = 2.0


@dataclass(frozen=True)
class LoadResult:
    requests: int
    duration_s: float
    throughput_rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    client_cpu: float  # wrk's CPU seconds over wall seconds: near 1.0 would mean wrk was the limit
    server_cpu: float  # the server's CPU seconds over wall seconds

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_wrk(
    wrk: Path,
    server: Server,
    script_args: list[str],
    settings: LoadSettings,
    *,
    api_key: str,
    warmup_args: list[str] | None = None,
) -> LoadResult:
    """One warm-up run (with warmup_args, if its requests must differ), then the measured run."""
    env = {**os.environ, "BENCH_API_KEY": api_key}

    def command(duration: float, args: list[str]) -> list[str]:
        return pinned(
            [
                str(wrk),
                "--threads",
                "1",
                "--connections",
                str(settings.connections),
                "--duration",
                f"{max(1, round(duration))}s",
                "--timeout",
                "10s",
                "--script",
                str(LUA_SCRIPT),
                server.base_url,
                "--",
                *args,
            ],
            LOADGEN_CPU,
        )

    if settings.warmup_s > 0:
        subprocess.run(command(settings.warmup_s, warmup_args or script_args), env=env, check=True, capture_output=True)

    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server.cpu_seconds()
    started = time.monotonic()
    completed = subprocess.run(
        command(settings.duration_s, script_args), env=env, check=True, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    server_cpu = server.cpu_seconds() - server_before
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (children_after.ru_utime - children_before.ru_utime) + (
        children_after.ru_stime - children_before.ru_stime
    )

    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    duration_s = figures["duration_us"] / 1e6
    latency = figures["latency_us"]
    errors = figures["errors"]
    return LoadResult(
        requests=figures["requests"],
        duration_s=round(duration_s, 3),
        throughput_rps=round(figures["requests"] / duration_s, 1),
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        non_2xx=errors["status"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        client_cpu=round(client_cpu / wall, 3),
        server_cpu=round(server_cpu / wall, 3),
    )
