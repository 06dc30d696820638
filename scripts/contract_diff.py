"""What a change to openapi.yaml does to its users, and whether the version says so.

    python scripts/contract_diff.py [--base REF]                # report: contract and Python surface
    python scripts/contract_diff.py check-version [--base REF]  # fail when the bump or the record is missing
    python scripts/contract_diff.py record [--base REF]         # record this version's entries for the changelog

The base defaults to `git merge-base HEAD main`. The contract at the base is read from git; the
working copy from the file system. The generated package's public surface is diffed with griffe,
the base's taken from `git archive`.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from contract_facts import releases
from contract_facts.classify import BREAKING, VERDICTS, Entry, classify
from contract_facts.model import load_document, read
from contract_facts.surface import SurfaceChange, surface_changes

ROOT = Path(__file__).resolve().parent.parent

SPEC = "openapi.yaml"
PACKAGE = "polyai_telephony"
RELEASES = "contract-releases.json"


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def default_base(root: Path) -> str:
    # A CI checkout may hold main only as origin/main.
    for ref in ("main", "origin/main"):
        found = subprocess.run(["git", "merge-base", "HEAD", ref], cwd=root, capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.strip()
    raise SystemExit("no main or origin/main to compare with: pass --base <ref>")


def contract_entries(root: Path, base: str) -> tuple[str, str, list[Entry]]:
    """(base version, working version, classified entries) for openapi.yaml at *base* vs the working copy."""
    old_doc = load_document(git(root, "show", f"{base}:{SPEC}"))
    new_doc = load_document(root / SPEC)
    entries = classify(read(old_doc), read(new_doc))
    return str(old_doc["info"]["version"]), str(new_doc["info"]["version"]), entries


def python_surface(root: Path, base: str) -> list[SurfaceChange]:
    archive = subprocess.run(
        ["git", "archive", base, f"generated/{PACKAGE}"], cwd=root, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")
        return surface_changes(PACKAGE, Path(tmp) / "generated", root / "generated")


def as_entries(surface: list[SurfaceChange]) -> list[Entry]:
    return [Entry(change.verdict, "Python surface changed", change.text) for change in surface]


def report(base: str, base_version: str, version: str, entries: list[Entry], surface: list[SurfaceChange]) -> None:
    print(f"openapi.yaml {base_version} at {base[:12]} -> {version} in the working copy")
    if not entries:
        print("no change to the API's facts")
    for verdict in VERDICTS:
        chosen = [entry for entry in entries if entry.verdict == verdict]
        if chosen:
            print(f"\n{verdict.upper()} ({len(chosen)})")
            for entry in chosen:
                print(f"  {entry.text}")
    print(f"\ngenerated/{PACKAGE} public surface (griffe):")
    if not surface:
        print("  no name removed or changed")
    for change in surface:
        print(f"  {change.verdict}: {change.text}")
    needed = releases.required_bump(entries + as_entries(surface))
    print(f"\nversion bump needed: {needed}")


def check_version(
    root: Path, base: str, base_version: str, version: str, entries: list[Entry], surface: list[SurfaceChange]
) -> list[str]:
    problems = []
    problem = releases.bump_problem(base_version, version, entries + as_entries(surface))
    if problem:
        problems.append(problem)
        problems += [f"  {entry.verdict}: {entry.text}" for entry in entries if entry.verdict == BREAKING]
        problems += [f"  {change.verdict}: {change.text}" for change in surface if change.verdict == BREAKING]
    if version != base_version:
        recorded = releases.recorded_entries(root / RELEASES, version)
        expected = [entry.to_json() for entry in entries]
        if recorded is None or sorted(map(str, recorded)) != sorted(map(str, expected)):
            problems.append(
                f"{RELEASES} has no up-to-date entry for {version}: run `make contract-diff RECORD=1`, "
                "then `make generate` for the changelog"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="report", choices=["report", "check-version", "record"])
    parser.add_argument("--base", help="git ref of the base (default: merge-base of HEAD and main)")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument(
        "--contract-only",
        action="store_true",
        help="skip the Python surface (for a tree whose generated/ is not regenerated)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root
    base = git(root, "rev-parse", args.base or default_base(root)).strip()
    base_version, version, entries = contract_entries(root, base)

    surface = [] if args.contract_only or args.command == "record" else python_surface(root, base)
    if args.command == "report":
        report(base, base_version, version, entries, surface)
        return 0
    if args.command == "record":
        if version == base_version:
            print(f"info.version is still {version}: bump it before recording a release")
            return 1
        releases.record(root / RELEASES, version, git(root, "rev-parse", "--short", base).strip(), entries)
        print(f"recorded {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} for {version} in {RELEASES}")
        return 0
    problems = check_version(root, base, base_version, version, entries, surface)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"info.version {version} fits the changes since {base[:12]} ({base_version})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
