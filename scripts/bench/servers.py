"""Start the servers under test as child processes pinned to one core, and always stop them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SERVER_CPU = 0
LOADGEN_CPU = 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User plus system time so far of the server process and its children (granian serves
        from a worker process), all their threads included."""
        return sum(_cpu_seconds(pid) for pid in _process_tree(self.process.pid))


def _process_tree(pid: int) -> list[int]:
    tree = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            tree += _process_tree(int(child))
    return tree


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # it ended in between
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def pinned(command: Sequence[str], cpu: int) -> list[str]:
    return ["taskset", "--cpu-list", str(cpu), *command]


@contextmanager
def serve(
    name: str,
    command: Sequence[str],
    port: int,
    log: Path,
    *,
    env: Mapping[str, str] | None = None,
    ready_timeout: float = 60.0,
    cpu: int | None = SERVER_CPU,
) -> Iterator[Server]:
    """Run `command` (which must listen on 127.0.0.1:port) on `cpu` (None: any) until the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as log_file:
        # A session of its own, so that stopping it reaches any child it forks and nothing else.
        process = subprocess.Popen(
            pinned(command, cpu) if cpu is not None else list(command),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **env} if env else None,
        )
        try:
            _wait_until_serving(process, port, ready_timeout, log)
            yield Server(name, process, port)
        finally:
            _stop(process)


def _wait_until_serving(process: subprocess.Popen[bytes], port: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before serving; see {log}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer on port {port} within {timeout:.0f}s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
