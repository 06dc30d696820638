"""Run the conformance suite and write its reports under reports/.

    python scripts/conformance.py                      # the mock, CI profile (make conformance)
    python scripts/conformance.py --target real        # POLYAI_BASE_URL / POLYAI_API_KEY / POLYAI_AGENT_ID
    python scripts/conformance.py --profile deep       # the night budget (make conformance-deep)
    python scripts/conformance.py --target real --dry-run   # list what would be sent, send nothing

Exit status 0 when there is no new failure; 1 otherwise; 2 when the target is unsafe to test.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from contract_tests import runner
from contract_tests.conformance import REPORTS, conduct
from contract_tests.guard import UnsafeTarget


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["mock", "real"], default="mock")
    parser.add_argument("--profile", choices=sorted(runner.PROFILES), default="ci")
    parser.add_argument("--report-dir", type=Path, default=REPORTS)
    parser.add_argument("--allow-live", action="store_true", help="let requests set clientEnv to live")
    parser.add_argument(
        "--allow-outbound-calls",
        action="store_true",
        help="let one call be placed, to the number POLYAI_OUTBOUND_ALLOWED_NUMBER names (it rings a real phone)",
    )
    parser.add_argument("--dry-run", action="store_true", help="run against a mock and list what would be sent")
    parser.add_argument(
        "--accept-failures",
        type=int,
        metavar="DAYS",
        help="record this run's new failures in the baseline, expiring after DAYS days",
    )
    args = parser.parse_args(argv)
    if args.dry_run and args.target != "real":
        parser.error("--dry-run only makes sense with --target real")
    command = "python scripts/conformance.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    try:
        run = conduct(
            args.target,
            profile=args.profile,
            report_dir=args.report_dir,
            allow_live=args.allow_live,
            allow_outbound_calls=args.allow_outbound_calls,
            dry_run=args.dry_run,
            command=command.strip(),
        )
    except UnsafeTarget as exc:
        print(f"refusing to run: {exc}", file=sys.stderr)
        return 2
    outcome = run.outcome
    print(run.summary.read_text(encoding="utf-8"))
    print(f"reports: {run.summary} {run.junit} {run.figures}")
    if args.accept_failures is not None:
        added = runner.record_baseline(outcome.findings, runner.BASELINE, days=args.accept_failures)
        print(f"baseline: {added} failures accepted for {args.accept_failures} days in {runner.BASELINE}")
        return 0
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())
