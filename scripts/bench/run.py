"""Run the benchmarks and write reports/bench/results.json and BENCHMARKS.md.

    make bench                                    # everything, about 25 minutes on 2 cores
    .venv/bin/python scripts/bench/run.py --only compare --duration 5

Parts: compare (mock, Prism and the ceiling under wrk), profile (py-spy on the mock under load),
scale (batch get and delete against stores of 10k, 100k and 1M numbers; memory per number),
small-under-big (a get of one number while lists of 100,000 go out), workers (get one and
import with --workers 1 and 2 on one SQLite file),
client (the clients' cost per call against raw httpx), conformance (the contract
suite's cases per second in-process and over HTTP), kit (the test kit's fixture per test, and a
get in-process against over loopback HTTP), fidelity (`make fidelity` on a generated
recording of a deep night, 30,000 exchanges).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sibling modules: scripts/ is not a package.
import client_overhead
import compare
import conformance_speed
import fidelity_speed
import kit
import machine
import profiling
import report
import scale
import workers
from loadgen import LoadSettings
from tools import ROOT, ensure_wrk, node_version, prism_version, wrk_version

PARTS = ("compare", "profile", "scale", "small-under-big", "workers", "client", "conformance", "kit", "fidelity")
RESULTS = ROOT / "reports" / "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per operation and server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the comparison")
    parser.add_argument("--no-report", action="store_true", help="write the JSON results but not BENCHMARKS.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md from the last results")
    args = parser.parse_args()
    if args.report_only:
        report.write(json.loads((RESULTS / "results.json").read_text()), ROOT / "BENCHMARKS.md")
        return 0

    RESULTS.mkdir(parents=True, exist_ok=True)
    results_file = RESULTS / "results.json"
    # Parts not rerun keep their last figures, so one part can be refreshed on its own.
    results: dict[str, Any] = json.loads(results_file.read_text()) if results_file.exists() else {}
    started = time.time()
    settings = LoadSettings(connections=args.connections, duration_s=args.duration)

    # Only the load tests need wrk.
    wrk = ensure_wrk() if {"compare", "profile", "small-under-big", "workers"} & set(args.only) else None
    for part in args.only:
        print(f"== {part}", flush=True)
        if part == "compare":
            assert wrk is not None
            results["compare"] = compare.run(wrk, settings, RESULTS / "compare", rounds=args.rounds)
        elif part == "profile":
            assert wrk is not None
            results["profile"] = profiling.run(wrk, settings, RESULTS / "profile")
        elif part == "scale":
            results["scale"] = scale.run(RESULTS / "scale")
        elif part == "small-under-big":
            assert wrk is not None
            results["small_under_big"] = scale.small_under_big(wrk, RESULTS / "small-under-big")
        elif part == "workers":
            assert wrk is not None
            results["workers"] = workers.run(wrk, settings, RESULTS / "workers", rounds=args.rounds)
        elif part == "client":
            results["client"] = client_overhead.run(RESULTS / "client")
        elif part == "conformance":
            results["conformance"] = conformance_speed.run(RESULTS / "conformance")
        elif part == "kit":
            results["kit"] = kit.run(RESULTS / "kit")
        elif part == "fidelity":
            results["fidelity"] = fidelity_speed.run(RESULTS / "fidelity")
        results_file.write_text(json.dumps(results, indent=2) + "\n")

    results["environment"] = {
        **machine.describe(),
        "stack": machine.server_stack(),
        "wrk": wrk_version(wrk) if wrk is not None else results.get("environment", {}).get("wrk"),
        "prism": prism_version() if "compare" in results else None,
        "node": node_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "command": "make bench",
    }
    results_file.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {results_file.relative_to(ROOT)}")
    if not args.no_report:
        report.write(results, ROOT / "BENCHMARKS.md")
        print("report: BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
