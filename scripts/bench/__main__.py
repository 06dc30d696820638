"""Run the benchmarks from the repository's root; writes reports/bench/results.json and BENCHMARKS.md.

    make bench                                       # every part, about 25 minutes on 2 cores
    .venv/bin/python -m scripts.bench --only compare --duration 1 --rounds 1 --no-report

Parts not rerun keep their figures in the results file, so one part can be refreshed alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from . import calls, load, report
from .harness import ROOT, WARMUP_S, prism_version

PARTS: dict[str, Callable[[Path, float, int], dict[str, Any]]] = {
    "compare": load.compare,
    "profile": load.profile,
    "scale": calls.scale,
    "small-under-big": load.small_under_big,
    "workers": load.workers,
    "client": calls.clients,
    "kit": calls.kit,
    "fidelity": calls.fidelity,
    "conformance": calls.conformance,  # the longest of the parts that need no wrk, so last
}


def main() -> int:
    parser = argparse.ArgumentParser(
        "python -m scripts.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), metavar="PART", help=", ".join(PARTS))
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per operation and server")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the comparison under load")
    parser.add_argument("--results", type=Path, default=ROOT / "reports" / "bench", help="the folder of results.json")
    parser.add_argument("--no-report", action="store_true", help="write results.json but not BENCHMARKS.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md from the last results")
    args = parser.parse_args()
    results_file = args.results / "results.json"
    results: dict[str, Any] = json.loads(results_file.read_text()) if results_file.exists() else {}
    # The machine table describes a run of every part; a part rerun alone states its own date and load.
    whole = not args.report_only and (set(args.only) == set(PARTS) or "environment" not in results)
    if whole:
        results["environment"] = environment()
    for part in [] if args.report_only else args.only:
        print(f"== {part}", flush=True)
        (work := args.results / part).mkdir(parents=True, exist_ok=True)
        results[part.replace("-", "_")] = PARTS[part](work, args.duration, args.rounds)
        if whole:
            results["environment"]["prism"] = prism_version()  # installed by the first part that needs it
        results_file.write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_report:
        (ROOT / "BENCHMARKS.md").write_text(report.render(results))
        print("report: BENCHMARKS.md")
    return 0


def environment() -> dict[str, Any]:
    """The machine, and the versions of what runs on it."""
    cpu = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    stack = {}
    for package in ("uvicorn", "httptools", "uvloop", "h11", "granian"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            stack[package] = metadata.version(package)
    # wrk prints its version on any unknown option, and exits non-zero.
    wrk = subprocess.run([shutil.which("wrk") or "true", "-v"], capture_output=True, text=True, check=False)
    return {
        "cpu": cpu.split(":", 1)[1].strip(),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": platform.freedesktop_os_release()["PRETTY_NAME"],
        "kernel": platform.release(),
        "python": platform.python_version(),
        "stack": stack,
        "wrk": (wrk.stdout or wrk.stderr or "not installed").splitlines()[0].strip(),
        "node": subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "warmup_s": WARMUP_S,
    }


if __name__ == "__main__":
    sys.exit(main())
