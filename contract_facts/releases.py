"""Versions that mean something: the bump a set of changes needs, and the changelog of releases.

Each release's classified entries are recorded in `contract-releases.json` when the version is
bumped (`make contract-diff RECORD=1`), so that `generated/CHANGELOG.md` can be rendered from
committed data on a fresh clone, without the history it was diffed from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .classify import BREAKING, VERDICTS, Entry

MAJOR, MINOR, NONE = "major", "minor", "none"


def parse_version(text: str) -> tuple[int, int, int]:
    parts = text.split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"info.version {text!r} is not MAJOR.MINOR.PATCH")
    return int(parts[0]), int(parts[1]), int(parts[2])


def required_bump(entries: list[Entry]) -> str:
    """A breaking change needs a new major version; any other change to the contract a new minor."""
    if any(entry.verdict == BREAKING for entry in entries):
        return MAJOR
    return MINOR if entries else NONE


def bump_problem(base_version: str, version: str, entries: list[Entry]) -> str | None:
    """Why *version* is not a valid successor of *base_version* for *entries*, or None."""
    old, new = parse_version(base_version), parse_version(version)
    needed = required_bump(entries)
    if needed == MAJOR and new[0] <= old[0]:
        return f"the contract has breaking changes: info.version must go to {old[0] + 1}.0.0 (is {version})"
    if needed == MINOR and new[:2] <= old[:2]:
        minimum = f"{old[0]}.{old[1] + 1}.0"
        return f"the contract changed compatibly: info.version must go to at least {minimum} (is {version})"
    if new < old:
        return f"info.version went backwards from {base_version} to {version}"
    return None


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    releases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["releases"]
    return releases


def save(path: Path, releases: list[dict[str, Any]]) -> None:
    ordered = sorted(releases, key=lambda release: parse_version(release["version"]), reverse=True)
    path.write_text(json.dumps({"releases": ordered}, indent=2) + "\n", encoding="utf-8")


def record(path: Path, version: str, base: str, entries: list[Entry]) -> None:
    """Set the entries of *version* (replacing an earlier record of it) and keep releases newest first."""
    releases = [release for release in load(path) if release["version"] != version]
    releases.append({"version": version, "base": base, "entries": [entry.to_json() for entry in entries]})
    save(path, releases)


def recorded_entries(path: Path, version: str) -> list[dict[str, str]] | None:
    for release in load(path):
        if release["version"] == version:
            entries: list[dict[str, str]] = release["entries"]
            return entries
    return None


def render(releases: list[dict[str, Any]], package: str) -> str:
    """CHANGELOG.md: newest first, breaking entries marked and listed first."""
    lines = [
        "# Changelog",
        "",
        f"Versions of `{package}`. The version is the contract's `info.version`; each entry is a change",
        "to the contract, classified for code that calls the API through this package.",
        "",
    ]
    order = {verdict: index for index, verdict in enumerate(VERDICTS)}
    for release in sorted(releases, key=lambda r: parse_version(r["version"]), reverse=True):
        lines += [f"## {release['version']}", ""]
        entries = sorted(release["entries"], key=lambda e: (order[e["verdict"]], e["subject"], e["rule"]))
        if not entries:
            lines += ["Initial release." if release.get("base") is None else "No change to the API.", ""]
            continue
        for entry in entries:
            mark = {"breaking": "**BREAKING**", "potentially breaking": "*potentially breaking*"}.get(
                entry["verdict"], "compatible"
            )
            lines.append(f"- {mark}: `{entry['subject']}`: {entry['rule']}")
        lines.append("")
    return "\n".join(lines)
