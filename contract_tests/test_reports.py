"""The reports say what the morning-after reader needs, agree with each other, and survive a cut run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests import report, runner
from contract_tests.annotations import Contract
from contract_tests.baseline import Entry
from contract_tests.conformance import Conducted, conduct
from contract_tests.findings import Evidence, Finding
from contract_tests.guard import Guard, RealTarget, Refusal, SentRequest
from contract_tests.target import mock_credentials, serve
from telephony_mock import create_app

CONTRACT = Contract.load(runner.SPEC)
AGENT, KEY = mock_credentials(runner.load_settings())
# Examples, fuzzing and stateful: the examples phase skips operations without examples ("No
# examples in schema") that fuzzing then tests, which is what the JUnit file once got wrong.
TINY = {
    "generation": {"max-examples": 2, "no-shrink": True},
    "phases": {"coverage": {"enabled": False}, "stateful": {"max-steps": 4}},
}


def _summary(tmp_path: Path, outcome: runner.Outcome, accepted: list[Entry] | None = None) -> str:
    judged = report.Judged.of(outcome, CONTRACT)
    judged.accepted = accepted or []
    path = tmp_path / "summary.md"
    report.write_summary(
        path, judged, target="real service", profile="deep", command="c", operations=CONTRACT.operation_ids
    )
    return path.read_text(encoding="utf-8")


def test_a_server_error_shows_status_body_and_correlation_id(tmp_path: Path) -> None:
    crash = Finding(
        "not_a_server_error",
        "getConnector",
        "server error 500",
        "Server error",
        "",
        evidence=Evidence(500, '{"error_id": "7f3c", "error_message": "upstream <b>timeout</b>"}', "7f3c"),
    )

    text = _summary(tmp_path, runner.Outcome(findings=[crash]))

    assert text.splitlines()[2].startswith("**0 tenancy, 1 drift, 0 assumptions refuted, 0 toolkit** new findings")
    assert "Answer: status **500**, correlation id `7f3c`; the body:" in text
    assert '```\n{"error_id": "7f3c", "error_message": "upstream <b>timeout</b>"}\n```' in text
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;timeout&lt;/b&gt;" in page and "<b>timeout</b>" not in page
    assert "<table>" in page


def test_another_account_s_data_comes_first_in_the_summary(tmp_path: Path) -> None:
    class Breach(AssertionError):
        basis, assumption = "tenancy", None

    crash = Finding("not_a_server_error", "getConnector", "server error 500", "", "", evidence=Evidence(500, "", None))
    breach = Finding("agent_sees_only_its_project", "listPhoneNumbers", "another account's resource shown", "", "")
    breach.failure = Breach()

    text = _summary(tmp_path, runner.Outcome(findings=[crash, breach]))

    assert text.splitlines()[2].startswith("**1 tenancy, 1 drift,")
    assert text.index("## Tenancy: another account's data (1 new)") < text.index("## Drift (1 new)")


def test_findings_accepted_by_the_run_make_it_pass_and_say_so(tmp_path: Path) -> None:
    finding = Finding("content_type_conformance", "listConnectors", "undocumented content type text/plain", "", "")
    entry = Entry(*finding.identity, expires="2099-01-01", accepted="2026-11-27")
    finding.known = entry.id

    text = _summary(tmp_path, runner.Outcome(findings=[finding]), accepted=[entry])

    assert text.startswith("# Conformance against the real service: PASS (1 failures accepted into the baseline)")
    assert "1 known (baseline), 1 of them accepted by this run" in text
    assert f"| {entry.id} (accepted now) |" in text


def test_the_dry_run_escapes_control_characters_and_summarises_per_operation(tmp_path: Path) -> None:
    guard = Guard(RealTarget("https://api.example.com", "agent-real", "real-key"), dry_run=True)
    numbers = "/v1/agents/agent-real/telephony/phone-numbers"
    guard.sent += [
        SentRequest("POST", f"{numbers}/batch", '{"phoneNumbers": ["\x00\r\n|"]}', 400),
        SentRequest("GET", numbers, "", 200),
    ]
    guard.refusals.append(Refusal("DELETE", f"{numbers}/+15550000000", "it was not imported by this run"))
    path = tmp_path / "dry-run.md"

    report.write_dry_run(path, guard, base_url="https://api.example.com", profile="deep", contract=CONTRACT)
    guard.close()

    text = path.read_text(encoding="utf-8")
    assert "\x00" not in text and "\r" not in text
    assert '`{"phoneNumbers": ["\\x00\\r\\n\\|"]}`' in text
    per_operation = text.index("## Per operation")
    assert per_operation < text.index("## Would send")
    assert "| `batchGetPhoneNumbers` | 1 | 0 |" in text
    assert "| `deletePhoneNumber` | 0 | 1 |" in text
    assert "the `deep` profile" in text


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conducted]:
    reports = tmp_path_factory.mktemp("reports")
    with serve(create_app(admin=True)) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}
        yield conduct(
            "real",
            environ=environ,
            report_dir=reports,
            baseline_path=None,
            history_path=reports / "history.jsonl",
            overrides=TINY,
        )


def test_junit_and_json_agree_on_what_was_tested(real_run: Conducted) -> None:
    figures = json.loads(real_run.figures.read_text(encoding="utf-8"))
    cases = ElementTree.parse(real_run.junit).getroot().iter("testcase")
    skipped: set[str | None] = set()
    tested: set[str | None] = set()
    for case in cases:
        if case.attrib["name"] == "Stateful tests":  # the stateful phase's one entry, for every operation
            continue
        method, path = case.attrib["name"].split(" ", 1)
        operation = CONTRACT.operation_for(method, path.replace("{", "x").replace("}", "x"))
        (skipped if case.find("skipped") is not None else tested).add(operation)

    assert tested == set(figures["tested_operation_ids"])
    assert skipped <= set(figures["not_tested"])
    assert set(figures["tested_operation_ids"]) | set(figures["not_tested"]) == set(CONTRACT.operation_ids)


def test_the_summary_names_what_was_not_tested_and_why(real_run: Conducted) -> None:
    text = real_run.summary.read_text(encoding="utf-8")
    table = text[text.index("## Not tested against this target") :].split("\n\n")[1]

    for operation in real_run.selected.exclude_operations:
        assert f"| `{operation}` | never sent to this target: " in table


def test_the_ledger_lists_every_assumption_of_the_contract(real_run: Conducted) -> None:
    figures = json.loads(real_run.figures.read_text(encoding="utf-8"))
    text = real_run.summary.read_text(encoding="utf-8")
    ledger = text[text.index("## Assumption ledger") :]

    assert [line["id"] for line in figures["ledger"]] == list(CONTRACT.assumptions)
    for line in figures["ledger"]:
        assert f"| `{line['id']}` | {line['scope']} | {line['state']} | {line['exercised']} |" in ledger
        assert line["state"] != "not exercised" or line["why"]
    assert text.index("new findings") < text.index("## Assumption ledger")


def test_the_run_is_appended_to_the_history(real_run: Conducted) -> None:
    history = real_run.figures.parent / "history.jsonl"
    (record,) = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines()]
    figures = json.loads(real_run.figures.read_text(encoding="utf-8"))

    assert record["target"] == real_run.selected.display_base_url
    assert record["cases"] == figures["cases"] > 0
    # Operations whose every request the guard refused (the outbound call) have no latency.
    assert "getPhoneNumber" in record["latency"]
    assert set(record["latency"]) <= set(figures["tested_operation_ids"])
    assert all(0 < figures["p50"] <= figures["p95"] for figures in record["latency"].values())
    assert "This is the first recorded run against this target." in real_run.summary.read_text(encoding="utf-8")


def test_a_run_cut_short_by_sigterm_still_writes_its_reports(tmp_path: Path) -> None:
    script = runner.ROOT / "scripts" / "conformance.py"
    process = subprocess.Popen(
        [sys.executable, str(script), "--report-dir", str(tmp_path), "--history", str(tmp_path / "h.jsonl")],
        cwd=runner.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The CI profile runs for more than a minute; by now the engine is well into it.
    time.sleep(30)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 1, stderr[-2000:]
    summary = next(tmp_path.glob("conformance-mock-*.md")).read_text(encoding="utf-8")
    figures = json.loads(next(tmp_path.glob("conformance-mock-*.json")).read_text(encoding="utf-8"))
    assert summary.startswith("# Conformance against the mock: INCOMPLETE")
    assert "**cut short**" in summary
    assert figures["interrupted"] and figures["cases"] > 0
    assert [f["kind"] for f in figures["findings"] if f["class"] == "toolkit"] == ["run cut short"]
    assert next(tmp_path.glob("conformance-mock-*.xml")).exists()
