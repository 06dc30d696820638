"""The mock served over real HTTP on loopback, as the `telephony-mock` process users run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from contract_tests.target import free_port

API_KEY = "polyai-mock-dev-key"
OTHER_API_KEY = "polyai-mock-other-key"


class MockProcess:
    """`python -m telephony_mock [--state FILE]` as a child process, started and stopped by the test.

    A process of its own also has an interpreter lock of its own: writers in the test's threads
    then contend only for the server, as real clients do, not for the test process's lock.
    """

    def __init__(self, log_path: Path, state_path: Path | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.state_path = state_path
        self.extra_args = extra_args
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self, timeout: float = 30.0) -> None:
        # The free port is only free when asked; another process may take it before the mock
        # binds it, and then the mock exits at once and another port is tried.
        for _ in range(3):
            port = free_port()
            self.base_url = f"http://127.0.0.1:{port}"
            log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
            with self.log_path.open("ab") as log:
                state = ["--state", str(self.state_path)] if self.state_path else []
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "telephony_mock",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        *state,
                        *self.extra_args,
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                self._wait_until_serving(timeout)
                return
            except RuntimeError:
                if "address already in use" not in self.log_path.read_text()[log_start:]:
                    raise
        raise RuntimeError("no free loopback port could be bound in three tries")

    def _wait_until_serving(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.base_url, headers={"X-API-KEY": API_KEY}, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the mock exited with {self.process.returncode}:\n{self.log_path.read_text()}")
                try:
                    client.get("/v1/agents/agent-dev/telephony/connectors")
                    return
                except httpx.TransportError:
                    # Polling a port is the only readiness signal a separate process offers.
                    time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the mock did not serve within {timeout:.0f}s:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, exactly like a crash."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
