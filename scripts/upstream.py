"""Compare openapi.yaml with PolyAI's published Agents API reference, telephony paths only.

    python scripts/upstream.py check [--from FILE | --snapshot]   # every difference declared, or fail
    python scripts/upstream.py refresh [--from FILE] [--check]    # what changed since the snapshot

`check` reads the reference (the URL below by default), derives its facts, and fails naming every
difference that openapi.yaml does not declare with `x-assumed` or `x-upstream`. `--snapshot`
compares with the committed facts instead, offline. `refresh` derives the facts again, prints
what changed since the snapshot and rewrites it; with `--check` it only reports, and exits 1 when
anything changed (the nightly run: a change must be reviewed and committed by a person).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

from contract_facts.model import Facts, load_document, read
from contract_facts.upstream import TELEPHONY, check, summarize_refresh, undeclared

ROOT = Path(__file__).resolve().parent.parent
URL = "https://raw.githubusercontent.com/PolyAI-LDN/polyai-mintlify-doc/main/api-reference/agents/openapi.json"
SPEC = ROOT / "openapi.yaml"
SNAPSHOT = ROOT / "contract_facts" / "upstream-snapshot.json"


def fetch(source: Path | None) -> Facts:
    if source is not None:
        return read(load_document(source)).only(TELEPHONY)
    try:
        with urllib.request.urlopen(URL, timeout=60) as response:
            text = response.read().decode("utf-8")
    except OSError as error:  # URLError and timeouts: say what failed, not a traceback
        raise SystemExit(f"could not fetch PolyAI's reference from {URL}: {error}; use --from FILE") from error
    return read(load_document(text)).only(TELEPHONY)


def load_snapshot(path: Path) -> Facts:
    return Facts.from_json(json.loads(path.read_text(encoding="utf-8")))


def write_snapshot(facts: Facts, path: Path) -> None:
    path.write_text(json.dumps(facts.to_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")


def run_check(upstream: Facts, spec: Path) -> int:
    findings = check(upstream, load_document(spec))
    missing = undeclared(findings)
    for finding in missing:
        print(f"UNDECLARED {finding.describe()}" + (f" ({finding.problem})" if finding.problem else ""))
    declared = len(findings) - len(missing)
    if missing:
        print(
            f"{len(missing)} difference(s) from PolyAI's reference are not declared in {spec.name}: "
            "add `x-assumed: {<keyword>: <assumption id>}` or `x-upstream: {says, why}` on the node."
        )
        return 1
    print(f"{spec.name} agrees with PolyAI's reference; {declared} declared difference(s).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "refresh"])
    parser.add_argument("--from", dest="source", type=Path, help="read the reference from this file, not the URL")
    parser.add_argument("--snapshot", action="store_true", help="check against the committed facts (offline)")
    parser.add_argument("--check", action="store_true", help="refresh: report and fail on a change, write nothing")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--snapshot-file", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)

    if args.command == "check":
        upstream = load_snapshot(args.snapshot_file) if args.snapshot else fetch(args.source)
        return run_check(upstream, args.spec)

    fresh = fetch(args.source)
    previous = load_snapshot(args.snapshot_file) if args.snapshot_file.exists() else Facts()
    changes = summarize_refresh(previous, fresh)
    print("\n".join(changes) if changes else "PolyAI's reference: no change in the telephony facts since the snapshot.")
    if args.check:
        if changes:
            print(f"{len(changes)} change(s) not yet reviewed: run `make upstream-refresh` and commit the snapshot.")
            return 1
        return 0
    write_snapshot(fresh, args.snapshot_file)
    shown = args.snapshot_file.relative_to(ROOT) if args.snapshot_file.is_relative_to(ROOT) else args.snapshot_file
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
