"""How fast the contract suite runs: cases per second in-process and over HTTP, and the CI profile.

The suite is the one `make conformance` runs (contract_tests/, the CI profile of
schemathesis.toml). In-process, its runner calls the mock as an ASGI app, which is how
`make conformance` runs it, so the wall time of that run is the CI profile's time. Over HTTP, the
same runner sends the same cases to the mock server on loopback.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
from compare import mock_server
from servers import LOADGEN_CPU


def run(work: Path) -> dict[str, Any]:
    try:
        from contract_tests import conformance, runner
    except ImportError as error:
        return {"skipped": f"the contract suite cannot be imported ({error})"}
    work.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    in_process = conformance.conduct("mock", report_dir=work, command="scripts/bench/run.py --only conformance")
    ci_seconds = time.monotonic() - started
    if not in_process.outcome.passed:
        raise RuntimeError(f"the conformance suite failed against the mock; see {in_process.summary}")

    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOADGEN_CPU})
    try:
        with mock_server(work) as mock:

            def reset() -> None:
                response = httpx.post(f"{mock.base_url}/_admin/reset")
                response.raise_for_status()

            schema = runner.build_schema(runner.PROFILES["ci"], overrides={"base-url": mock.base_url})
            over_http = runner.run(schema, app=None, reset=reset)
    finally:
        os.sched_setaffinity(0, affinity)
    if not over_http.passed:
        raise RuntimeError(f"the conformance suite failed over HTTP: {over_http.findings[:3]} {over_http.errors[:3]}")

    def figures(outcome: Any) -> dict[str, Any]:
        return {"cases": outcome.cases, "seconds": round(outcome.seconds, 2)}

    return {
        "in_process": figures(in_process.outcome),
        "http": figures(over_http),
        "ci_profile_seconds": round(ci_seconds, 1),
    }
