"""How faithful is the mock? Replay a recording of the real service against a fresh mock and compare.

    python scripts/fidelity.py                          # the newest recording in reports/recordings/real/
    python scripts/fidelity.py --recording FILE.har     # any recording (HAR 1.2)

Writes reports/fidelity-<stamp>.md, .html and .json: the score per operation and overall, every
difference classed (mock must change, contract must change, not deterministic) with the request,
both answers and the contract node where they part, and coverage side by side (the service over
its kept recordings, the mock over its own conformance recordings). Appends the score to the run
history and compares it with the previous fidelity run.

Exit status: 0 when compared; 1 when the score dropped since the previous run; 2 when there is no
recording to compare.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from contract_tests import coverage, fidelity, fidelity_report, recording
from contract_tests.conformance import HISTORY, REPORTS

COMPARED, DROPPED, NO_RECORDING = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recording", type=Path, help="the recording to replay (default: the newest real one)")
    parser.add_argument("--report-dir", type=Path, default=REPORTS)
    parser.add_argument("--history", type=Path, default=HISTORY, help="the run history the score is kept in")
    parser.add_argument("--service-recordings", type=Path, help="kept recordings of the service, for coverage")
    parser.add_argument("--mock-recordings", type=Path, help="recordings of the mock's conformance runs, for coverage")
    args = parser.parse_args(argv)
    service_dir = args.service_recordings or recording.folder(args.report_dir, "real")
    mock_dir = args.mock_recordings or recording.folder(args.report_dir, "mock")
    path = args.recording or recording.newest(service_dir)
    if path is None or not path.exists():
        print(f"no recording to compare: give --recording, or run `make conformance TARGET=real` ({service_dir})")
        return NO_RECORDING
    result = fidelity.compare(recording.read(path))
    service_files = recording.listed(service_dir)
    if path.resolve() not in {kept.resolve() for kept in service_files}:
        service_files.append(path)
    sides = coverage.measure(service_files, recording.listed(mock_dir))
    changes = fidelity_report.remember(args.history, result) if args.history else None
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    summary, html, figures = fidelity_report.write(args.report_dir, stamp, result, changes, sides)
    print(summary.read_text(encoding="utf-8"))
    print(f"summary page: {html}")
    print(f"reports: {summary} {figures}")
    return DROPPED if changes is not None and changes.dropped else COMPARED


if __name__ == "__main__":
    sys.exit(main())
