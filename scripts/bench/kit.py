"""What the test kit costs a user's suite: a fixture per test, and a call without a server.

Two figures, each against a reference taken in the same run:
- the `polyai_mock` + `polyai_client` fixtures' set-up and tear-down per test: the cycle they run
  (a fresh `PolyAIMock`, its `PolyAI`, closing both) timed directly, and as pytest sees it (a file
  of tests that ask for `polyai_client` against the same file without it; the difference per test);
- `PolyAI.phone_numbers.get` through the in-process sync transport against the same call over
  loopback HTTP to the mock served by `telephony-mock` on the other core, the two taking turns.

    .venv/bin/python scripts/bench/kit.py   # this part alone; rewrites its section of BENCHMARKS.md
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from compare import API_KEY, mock_server
from polyai_telephony import PolyAI
from report import kit_section
from servers import LOADGEN_CPU
from tools import ROOT

from telephony_mock import PolyAIMock

FIXTURE_ROUNDS = 300
PYTEST_TESTS = 200
PYTEST_REPEATS = 3
GET_ROUNDS = 2000
AGENT = "agent-dev"
NUMBER = "+442079460001"  # seeded by the mock's default config, so both sides hold it


def fixture_cycle_ms(rounds: int = FIXTURE_ROUNDS) -> dict[str, float]:
    """What the two fixtures do around one test, timed on its own."""
    PolyAIMock().close()  # the first compiles the contract and reads the config, once per process
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        mock = PolyAIMock()
        mock.client()
        mock.close()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "rounds": rounds,
        "median_ms": round(statistics.median(times), 3),
        "p90_ms": round(times[int(len(times) * 0.9)], 3),
    }


def pytest_per_test_ms(tests: int = PYTEST_TESTS, repeats: int = PYTEST_REPEATS) -> dict[str, float]:
    """The fixtures' cost per test as pytest sees it, without what a session pays once.

    Four files: `tests` and 2 x `tests` tests asking for `polyai_client`, and as many bare ones.
    The slope between the two sizes is the cost of one more test, with the one-off import and
    compilation of the contract cancelled out; the bare files' slope is pytest's own share.
    """
    sizes = {"with": "polyai_client", "without": ""}
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        folder = Path(tmp)
        for side, argument in sizes.items():
            for count in (tests, 2 * tests):
                body = "\n".join(f"def test_{i}({argument}):\n    pass\n" for i in range(count))
                (folder / f"test_{side}_{count}.py").write_text(body)
        walls: dict[str, list[float]] = {}
        for _ in range(repeats):
            for side in sizes:
                for count in (tests, 2 * tests):
                    name = f"test_{side}_{count}.py"
                    started = time.perf_counter()
                    subprocess.run(
                        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
                        cwd=folder,
                        check=True,
                        capture_output=True,
                    )
                    walls.setdefault(name, []).append(time.perf_counter() - started)
    best = {name: min(values) for name, values in walls.items()}
    slope = {side: (best[f"test_{side}_{2 * tests}.py"] - best[f"test_{side}_{tests}.py"]) / tests for side in sizes}
    return {"tests": tests, "per_test_ms": round((slope["with"] - slope["without"]) * 1000, 3)}


def get_in_process_vs_loopback(work: Path, rounds: int = GET_ROUNDS) -> dict[str, float]:
    with (
        mock_server(work) as server,
        PolyAIMock(auto_advance=False) as kit,
        PolyAI(api_key=API_KEY, base_url=server.base_url, agent_id=AGENT, retry=None) as loopback,
    ):
        in_process = kit.client(retry=None)
        sides = (in_process, loopback)
        for client in sides:  # warm: connections, the first parse
            assert client.phone_numbers.get(NUMBER).number == NUMBER
        times: list[list[float]] = [[], []]
        clock = time.perf_counter
        for _ in range(rounds):
            for side, client in enumerate(sides):
                started = clock()
                client.phone_numbers.get(NUMBER)
                times[side].append((clock() - started) * 1e6)
    in_process_us, loopback_us = (statistics.median(values) for values in times)
    return {
        "rounds": rounds,
        "in_process_us": round(in_process_us, 1),
        "loopback_us": round(loopback_us, 1),
        "ratio": round(in_process_us / loopback_us, 3),
    }


def run(work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOADGEN_CPU})  # the loopback server has the other core
    try:
        results: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average": round(os.getloadavg()[0], 2),
            "fixture": fixture_cycle_ms(),
            "pytest": pytest_per_test_ms(),
            "get": get_in_process_vs_loopback(work),
        }
    finally:
        os.sched_setaffinity(0, affinity)
    for name in ("fixture", "pytest", "get"):
        print(f"  {name:8} {results[name]}", flush=True)
    return results


def rewrite_section(results: dict[str, Any], path: Path) -> None:
    """Replace (or add, before the conformance section) this part's section of BENCHMARKS.md."""
    text = path.read_text()
    section = "\n".join(kit_section(results)) + "\n"
    pattern = re.compile(r"^## The test kit\n.*?(?=^## )", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.replace("## Conformance throughput\n", section + "## Conformance throughput\n", 1)
    path.write_text(text)


def main() -> int:
    results_dir = ROOT / "reports" / "bench"
    kit = run(results_dir / "kit")
    results_file = results_dir / "results.json"
    if results_file.exists():
        results = json.loads(results_file.read_text())
        results["kit"] = kit
        results_file.write_text(json.dumps(results, indent=2) + "\n")
    else:
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / "kit.json").write_text(json.dumps(kit, indent=2) + "\n")
    rewrite_section(kit, ROOT / "BENCHMARKS.md")
    print("report: BENCHMARKS.md (test kit section)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
