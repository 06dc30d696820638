"""Versions move together and by the rules; the changelog is rendered newest first, breaking marked."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import polyai_telephony
import pytest
import yaml

from contract_facts import releases
from contract_facts.classify import BREAKING, COMPATIBLE, POTENTIALLY_BREAKING, Entry, classify
from contract_facts.model import load_document, read

ROOT = Path(__file__).resolve().parents[2]


def contract_version() -> str:
    return str(yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))["info"]["version"])


def test_the_package_version_is_the_contract_version() -> None:
    project = tomllib.loads((ROOT / "generated" / "pyproject.toml").read_text(encoding="utf-8"))

    assert project["project"]["version"] == contract_version()
    assert polyai_telephony.__version__ == contract_version()
    assert polyai_telephony.__contract_version__ == contract_version()


def test_the_generator_config_does_not_pin_a_version_of_its_own() -> None:
    config = yaml.safe_load((ROOT / "generator-config.yaml").read_text(encoding="utf-8"))

    assert "package_version_override" not in config


def test_every_release_up_to_the_contracts_version_is_recorded() -> None:
    recorded = [release["version"] for release in releases.load(ROOT / "contract-releases.json")]

    assert recorded[0] == contract_version()
    assert recorded[-1] == "1.0.0"
    assert recorded == sorted(recorded, key=releases.parse_version, reverse=True)


def test_this_branch_bumped_the_version_its_contract_changes_need() -> None:
    # The same check as `make contract-diff`'s, against the merge-base with main.
    bases = [
        subprocess.run(["git", "merge-base", "HEAD", ref], cwd=ROOT, capture_output=True, text=True)
        for ref in ("main", "origin/main")
    ]
    if all(base.returncode != 0 for base in bases):
        pytest.skip("no main or origin/main in this clone to compare with (a shallow CI checkout)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "contract_diff.py"), "check-version"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("verdicts", "base", "version", "problem"),
    [
        ([BREAKING], "1.2.3", "1.3.0", "info.version must go to 2.0.0"),
        ([BREAKING], "1.2.3", "2.0.0", None),
        ([POTENTIALLY_BREAKING], "1.2.3", "1.2.4", "at least 1.3.0"),
        ([COMPATIBLE], "1.2.3", "1.3.0", None),
        ([COMPATIBLE], "1.2.3", "2.0.0", None),
        ([], "1.2.3", "1.2.3", None),
        ([], "1.2.3", "1.2.2", "went backwards"),
    ],
)
def test_bump_rules(verdicts: list[str], base: str, version: str, problem: str | None) -> None:
    entries = [Entry(verdict, "rule", "subject") for verdict in verdicts]

    found = releases.bump_problem(base, version, entries)

    assert (found is None) if problem is None else (found is not None and problem in found), found


def test_changelog_is_newest_first_with_breaking_entries_marked_and_listed_first(tmp_path: Path) -> None:
    path = tmp_path / "releases.json"
    releases.save(path, [{"version": "1.0.0", "base": None, "entries": []}])
    releases.record(
        path,
        "2.0.0",
        "abc1234",
        [Entry(COMPATIBLE, "new operation", "GET /b"), Entry(BREAKING, "operation removed", "GET /a")],
    )
    releases.record(
        path,
        "1.1.0",
        "def5678",
        [Entry(POTENTIALLY_BREAKING, "new response enum value(s) ['X']", "GET /c: response 200 body s")],
    )

    text = releases.render(releases.load(path), "pkg")

    assert [line for line in text.splitlines() if line.startswith("## ")] == ["## 2.0.0", "## 1.1.0", "## 1.0.0"]
    section = text.split("## 2.0.0\n\n")[1].split("\n\n")[0].splitlines()
    assert section == ["- **BREAKING**: `GET /a`: operation removed", "- compatible: `GET /b`: new operation"]
    assert "- *potentially breaking*: `GET /c: response 200 body s`: new response enum value(s) ['X']" in text
    assert text.split("## 1.0.0\n\n")[1].startswith("Initial release.")


def test_recording_a_version_again_replaces_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "releases.json"
    releases.record(path, "1.1.0", "a", [Entry(COMPATIBLE, "new operation", "GET /a")])
    releases.record(path, "1.1.0", "b", [Entry(COMPATIBLE, "new operation", "GET /b")])

    assert releases.recorded_entries(path, "1.1.0") == [
        {"verdict": COMPATIBLE, "rule": "new operation", "subject": "GET /b"}
    ]


def test_the_newest_release_records_the_classified_changes_since_its_base() -> None:
    newest = releases.load(ROOT / "contract-releases.json")[0]
    base = newest["base"]
    if (
        base is None
        or subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=ROOT, capture_output=True).returncode
    ):
        pytest.skip(f"the base of {newest['version']} is not in this clone's history")
    spec_at_base = subprocess.run(
        ["git", "show", f"{base}:openapi.yaml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    entries = classify(read(load_document(spec_at_base)), read(load_document(ROOT / "openapi.yaml")))

    assert sorted(map(str, newest["entries"])) == sorted(str(entry.to_json()) for entry in entries)


def test_release_1_1_0_is_the_compatible_addition_of_outbound_calls() -> None:
    recorded = releases.recorded_entries(ROOT / "contract-releases.json", "1.1.0") or []

    added = {entry["subject"] for entry in recorded if entry["rule"] == "new operation"}
    assert added == {
        "POST /v1/agents/{agentId}/telephony/outbound-calls",
        "GET /v1/agents/{agentId}/telephony/outbound-calls/{callSid}/status",
    }
    assert [entry for entry in recorded if entry["verdict"] == BREAKING] == []
