"""Run the conformance suite and write its reports under reports/.

    python scripts/conformance.py                      # the mock, CI profile (make conformance)
    python scripts/conformance.py --target real        # POLYAI_BASE_URL / POLYAI_API_KEY / POLYAI_AGENT_ID
    python scripts/conformance.py --profile deep       # the night budget (make conformance-deep)
    python scripts/conformance.py --target real --dry-run   # plan the night's run in under a minute, send nothing
    python scripts/conformance.py --target real --accept-failures 30   # accept today's findings for 30 days

Exit status: 0 when there is no new finding (accepted ones included); 1 when there is one, the
run was cut short, or it crashed; 2 when the target is unsafe to test. The status is also written
to `exit-status` in the report folder, whatever happens, since `make` turns every failure into 2.
SIGTERM or SIGINT ends the run early; every report is still written, with what was found until
then, before the process exits.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
from pathlib import Path
from types import FrameType

from contract_tests import interrupt, runner
from contract_tests.conformance import HISTORY, REPORTS, conduct
from contract_tests.guard import UnsafeTarget
from contract_tests.plan import plan_night

PASSED, NEW_FINDINGS, UNSAFE_TARGET = 0, 1, 2
STATUS_FILE = "exit-status"
_MEANING = {NEW_FINDINGS: "new findings, cut short or crashed", UNSAFE_TARGET: "unsafe target"}


def _stop(signum: int, frame: FrameType | None) -> None:
    interrupt.request(signal.Signals(signum).name)


def _progress(line: str) -> None:
    print(f"plan: {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=["mock", "real"], default="mock")
    parser.add_argument(
        "--profile",
        choices=sorted(runner.PROFILES),
        help="the budget: ci (the default), or deep (the night's; the default of --dry-run, which plans the night)",
    )
    parser.add_argument("--report-dir", type=Path, default=REPORTS)
    parser.add_argument("--history", type=Path, default=HISTORY, help="the run history to append to and compare with")
    parser.add_argument("--allow-live", action="store_true", help="let requests set clientEnv to live")
    parser.add_argument(
        "--allow-outbound-calls",
        action="store_true",
        help="let one call be placed, to the number POLYAI_OUTBOUND_ALLOWED_NUMBER names (it rings a real phone)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="plan the night in under a minute: a small sample through the guard against a mock; nothing is sent",
    )
    parser.add_argument(
        "--accept-failures",
        type=int,
        metavar="DAYS",
        help="accept this run's new findings into the baseline, expiring after DAYS days",
    )
    args = parser.parse_args(argv)
    if args.dry_run and args.target != "real":
        parser.error("--dry-run only makes sense with --target real")
    profile = args.profile or ("deep" if args.dry_run else "ci")
    command = "python scripts/conformance.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    previous = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    status = NEW_FINDINGS  # what a crash leaves in the status file
    try:
        status = _plan(args, profile) if args.dry_run else _run(args, profile, command.strip())
    except UnsafeTarget as exc:
        print(f"refusing to run: {exc}", file=sys.stderr)
        status = UNSAFE_TARGET
    finally:
        status_file = args.report_dir / STATUS_FILE
        status_file.parent.mkdir(parents=True, exist_ok=True)
        status_file.write_text(f"{status}\n", encoding="utf-8")
        if status != PASSED:
            print(f"scripts/conformance.py exited {status} ({_MEANING[status]}); see {status_file}", file=sys.stderr)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status


def _run(args: argparse.Namespace, profile: str, command: str) -> int:
    run = conduct(
        args.target,
        profile=profile,
        report_dir=args.report_dir,
        allow_live=args.allow_live,
        allow_outbound_calls=args.allow_outbound_calls,
        accept_days=args.accept_failures,
        history_path=args.history,
        command=command,
    )
    print(run.summary.read_text(encoding="utf-8"))
    if run.judged.accepted:
        print(f"baseline: {len(run.judged.accepted)} findings accepted for {args.accept_failures} days")
    print(f"summary page: {run.html}")
    # Last, and in this order: the CI test reads the three paths from this line.
    print(f"reports: {run.summary} {run.junit} {run.figures}", flush=True)
    return PASSED if run.outcome.passed and run.outcome.interrupted is None else NEW_FINDINGS


def _plan(args: argparse.Namespace, profile: str) -> int:
    planned = plan_night(
        report_dir=args.report_dir,
        profile=profile,
        allow_live=args.allow_live,
        allow_outbound_calls=args.allow_outbound_calls,
        progress=_progress,
    )
    print(planned.text)
    print(f"plan: {planned.path}", flush=True)
    return PASSED if planned.outcome.interrupted is None else NEW_FINDINGS


if __name__ == "__main__":
    sys.exit(main())
