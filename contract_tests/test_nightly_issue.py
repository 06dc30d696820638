"""The nightly issue step: one issue for news, comments after that, silence otherwise; never a secret.

`scripts/nightly_issue.py` runs as the workflow runs it, with a fake `gh` first on PATH that
records its arguments and the body it was given, and answers `issue list` as told.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "nightly_issue.py"
TITLE = "Nightly conformance: drift or refuted assumptions"
FAKE_GH = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"args": args}}
if "--body-file" in args:
    record["body"] = open(args[args.index("--body-file") + 1], encoding="utf-8").read()
with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\\n")
if args[:2] == ["issue", "list"]:
    print(os.environ.get("FAKE_GH_OPEN", "[]"))
elif args[:2] == ["issue", "create"]:
    print("https://github.com/example/toolkit/issues/7")
"""
DRIFT = {"id": "ab12cd34", "class": "drift", "check": "not_a_server_error", "operation": "getConnector"}
REFUTED = {"previous": "2026-11-26T03:40:00+00:00", "new": [], "gone": [], "newly_refuted": ["strict-requests"]}


def _night(reports: Path, changes: dict[str, Any] | None, summary: str = "# Conformance: FAIL\n") -> None:
    reports.mkdir(exist_ok=True)
    figures = {"date": "2026-11-27T03:41:00+00:00", "target": "https://api.us.poly.ai", "changes": changes}
    (reports / "conformance-real-20261127T034100.json").write_text(json.dumps(figures), encoding="utf-8")
    (reports / "conformance-real-20261127T034100.md").write_text(summary, encoding="utf-8")


def _run(tmp_path: Path, open_issues: list[dict[str, Any]], **extra: str) -> tuple[str, list[dict[str, Any]]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
    gh.chmod(0o755)
    log = tmp_path / "gh.log"
    environ = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_GH_LOG": str(log),
        "FAKE_GH_OPEN": json.dumps(open_issues),
        **extra,
    }
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--reports", str(tmp_path / "reports")],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return result.stdout, calls


@pytest.mark.parametrize(
    "changes",
    [None, {"previous": None, "new": [], "gone": [], "newly_refuted": []}, {"new": [{**DRIFT, "class": "toolkit"}]}],
    ids=["first-night", "nothing-new", "only-toolkit"],
)
def test_a_quiet_night_touches_no_issue(tmp_path: Path, changes: dict[str, Any] | None) -> None:
    _night(tmp_path / "reports", changes)

    stdout, calls = _run(tmp_path, [])

    assert calls == []
    assert "no issue activity" in stdout


def test_new_drift_opens_the_issue_with_the_summary(tmp_path: Path) -> None:
    _night(
        tmp_path / "reports", {"new": [{**DRIFT, "kind": "server error 500"}]}, "# Conformance: FAIL\n\nthe details\n"
    )

    _, calls = _run(tmp_path, [{"number": 3, "title": "Something else"}], GITHUB_RUN_ID="99", GITHUB_REPOSITORY="o/r")

    assert [call["args"][:2] for call in calls] == [["issue", "list"], ["issue", "create"]]
    created = calls[1]
    assert created["args"][created["args"].index("--title") + 1] == TITLE
    assert "new drift: `not_a_server_error` on `getConnector`: server error 500" in created["body"]
    assert "the details" in created["body"]
    assert "https://github.com/o/r/actions/runs/99" in created["body"]


def test_a_refuted_assumption_comments_on_the_open_issue(tmp_path: Path) -> None:
    _night(tmp_path / "reports", REFUTED)

    _, calls = _run(tmp_path, [{"number": 5, "title": TITLE}])

    assert [call["args"][:3] for call in calls] == [["issue", "list", "--state"], ["issue", "comment", "5"]]
    assert "newly refuted assumption: `strict-requests`" in calls[1]["body"]


def test_no_secret_reaches_the_issue(tmp_path: Path) -> None:
    key, token = "pk-live-0123456789abcdef", "ghs_faketoken0123456789"
    _night(tmp_path / "reports", REFUTED, f"# Conformance: FAIL\n\nkey {key} and token {token} leaked upstream\n")

    _, calls = _run(tmp_path, [], POLYAI_API_KEY=key, GH_TOKEN=token)

    body = calls[-1]["body"]
    assert key not in body and token not in body
    assert body.count("[REDACTED]") == 2


def test_another_account_s_data_is_in_the_issue_every_night_it_is_seen(tmp_path: Path) -> None:
    # Seen the night before and accepted into the baseline: still news, and first in the issue.
    breach = {**DRIFT, "class": "tenancy", "check": "agent_sees_only_its_project", "operation": "listPhoneNumbers"}
    nothing_new = {"previous": "2026-11-26T03:40:00+00:00", "new": [], "gone": [], "newly_refuted": []}
    _night(tmp_path / "reports", nothing_new)
    path = tmp_path / "reports" / "conformance-real-20261127T034100.json"
    figures = json.loads(path.read_text(encoding="utf-8"))
    figures["findings"] = [{**breach, "kind": "another account's resource shown", "known": "e1"}]
    path.write_text(json.dumps(figures), encoding="utf-8")

    _, calls = _run(tmp_path, [{"number": 5, "title": TITLE}])

    assert [call["args"][:3] for call in calls] == [["issue", "list", "--state"], ["issue", "comment", "5"]]
    assert "- TENANCY: `agent_sees_only_its_project` on `listPhoneNumbers`" in calls[1]["body"]
