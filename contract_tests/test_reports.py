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

from contract_tests import plan, report, runner
from contract_tests.annotations import Contract
from contract_tests.baseline import Entry
from contract_tests.conformance import Conducted, conduct
from contract_tests.findings import (
    Evidence,
    Finding,
    OtherAccountsData,
    PublishedRule,
    SchemaMismatch,
    ServerError,
    UndocumentedContentType,
    UndocumentedStatus,
)
from contract_tests.guard import Guard, RealTarget, Refusal, SentRequest
from contract_tests.junit import write_junit
from contract_tests.target import mock_credentials
from telephony_mock import PolyAIMock

CONTRACT = Contract.load(runner.SPEC)
AGENT, KEY = mock_credentials(runner.load_settings())
# Examples, fuzzing and stateful: the examples phase skips operations without examples ("No
# examples in schema") that fuzzing then tests, which is what the JUnit file once got wrong.
TINY = {
    "generation": {"max-examples": 2, "no-shrink": True},
    "phases": {"coverage": {"enabled": False}, "stateful": {"max-steps": 4}},
}


def _summary(tmp_path: Path, outcome: runner.Outcome, accepted: list[Entry] | None = None) -> str:
    judged = report.Judged.of(outcome, CONTRACT, accepted=accepted or [])
    path = tmp_path / "summary.md"
    report.write_summary(
        path, judged, target="real service", profile="deep", command="c", operations=CONTRACT.operation_ids
    )
    return path.read_text(encoding="utf-8")


def test_a_server_error_shows_status_body_and_correlation_id(tmp_path: Path) -> None:
    crash = Finding(
        "not_a_server_error",
        "getConnector",
        ServerError(500),
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
    crash = Finding("not_a_server_error", "getConnector", ServerError(500), "", "", evidence=Evidence(500, "", None))
    shown = OtherAccountsData("another account's resource shown", basis="tenancy")
    breach = Finding("agent_sees_only_its_project", "listPhoneNumbers", shown, "", "")

    text = _summary(tmp_path, runner.Outcome(findings=[crash, breach]))

    assert text.splitlines()[2].startswith("**1 tenancy, 1 drift,")
    assert text.index("## Tenancy: another account's data (1 new)") < text.index("## Drift (1 new)")


def test_findings_accepted_by_the_run_make_it_pass_and_say_so(tmp_path: Path) -> None:
    finding = Finding("content_type_conformance", "listConnectors", UndocumentedContentType("text/plain"), "", "")
    entry = Entry(*finding.identity, expires="2099-01-01", accepted="2026-11-27")
    finding.known = entry.id

    text = _summary(tmp_path, runner.Outcome(findings=[finding]), accepted=[entry])

    assert text.startswith("# Conformance against the real service: PASS (1 failures accepted into the baseline)")
    assert "1 known (baseline), 1 of them accepted by this run" in text
    assert f"| {entry.id} (accepted now) |" in text


def test_the_plan_escapes_control_characters_and_summarises_per_operation(tmp_path: Path) -> None:
    guard = Guard(RealTarget("https://api.example.com", "agent-real", "real-key"), dry_run=True)
    numbers = "/v1/agents/agent-real/telephony/phone-numbers"
    guard.sent += [
        SentRequest("POST", f"{numbers}/batch", '{"phoneNumbers": ["\x00\r\n|"]}', 400),
        SentRequest("GET", numbers, "", 200),
    ]
    guard.refusals += [
        Refusal("DELETE", f"{numbers}/+15550000000", "'+15550000000' was not imported by this run"),
        Refusal("DELETE", f"{numbers}/+15550000001", "'+15550000001' was not imported by this run"),
    ]
    settings = runner.load_settings()

    text = plan.render(
        guard,
        runner.Outcome(cases=4),
        contract=CONTRACT,
        base_url="https://api.example.com",
        profile=runner.PROFILES["deep"],
        settings=settings,
        seconds=3.0,
    )
    guard.close()

    assert text.startswith("# Plan of the `deep` run against https://api.example.com\n")
    assert "PASS" not in text and "FAIL" not in text
    assert "\x00" not in text and "\r" not in text
    assert '`{"phoneNumbers": ["\\x00\\r\\n\\|"]}`' in text
    assert "up to 600 examples per operation" in text
    assert "| `batchGetPhoneNumbers` | tested | 1 | 0 |" in text
    assert "| `deletePhoneNumber` | tested | 0 | 2 |" in text
    assert "| `deleteConnector` | never sent: it changes a connector" in text
    assert "| 2 | … was not imported by this run |" in text


def test_a_dry_run_is_a_short_plan_with_progress(tmp_path: Path) -> None:
    lines: list[str] = []
    environ = {
        "POLYAI_BASE_URL": "https://api.example.com",
        "POLYAI_API_KEY": "real-key-never-sent",
        "POLYAI_AGENT_ID": "agent-real",
    }

    planned = plan.plan_night(
        environ=environ, report_dir=tmp_path, progress=lines.append, sample={**TINY, "max-time": 10}
    )

    text = planned.path.read_text(encoding="utf-8")
    assert text == planned.text
    assert planned.path.name.startswith("plan-real-")
    assert [path.name for path in tmp_path.iterdir()] == [planned.path.name]
    assert "examples phase started" in lines
    assert any(line.startswith("fuzzing: ") for line in lines)
    # However many requests the sample sent, the plan stays a page: a row per operation, a row
    # per refusal reason, and a few requests per operation.
    assert len(text.splitlines()) < 30 + 4 * len(CONTRACT.operation_ids) + len(
        set(r.reason for r in planned.guard.refusals)
    )
    for operation in CONTRACT.operation_ids:
        assert f"| `{operation}` |" in text


def test_junit_counts_one_failure_per_new_finding(tmp_path: Path) -> None:
    on_one_operation = [
        Finding("not_a_server_error", "getConnector", ServerError(status), "Server error", "")
        for status in (500, 502, 503)
    ]
    others = [
        Finding("response_schema_conformance", "listPhoneNumbers", SchemaMismatch(("required",)), "Schema", ""),
        Finding(
            "error_carries_envelope_and_correlation_id", "getConnector", PublishedRule("no envelope"), "Envelope", ""
        ),
        Finding("status_code_conformance", "listConnectors", UndocumentedStatus(418), "Status", ""),
        runner.cut_short(),
    ]
    known = Finding("content_type_conformance", "listConnectors", UndocumentedContentType("text/plain"), "", "")
    known.known = "KF-1"
    outcome = runner.Outcome(
        findings=[*on_one_operation, *others, known],
        tested_operation_ids={"getConnector", "listPhoneNumbers", "listConnectors", "getPhoneNumber"},
        interrupted=runner.INTERRUPTED,
    )
    path = tmp_path / "run.xml"
    judged = report.Judged.of(outcome, CONTRACT)

    write_junit(path, judged, target="https://api.example.com", operations=CONTRACT.operation_ids)

    root = ElementTree.parse(path).getroot()
    failures = list(root.iter("failure"))
    assert len(failures) == 7 == len(outcome.new_findings)
    assert root.attrib["failures"] == "7" == root.find("testsuite").attrib["failures"]  # type: ignore[union-attr]
    assert sorted(failure.attrib["type"] for failure in failures) == sorted(map(judged.klass, outcome.new_findings))
    assert [failure.attrib["type"] for failure in failures].count("toolkit") >= 1  # the cut-short run's own
    skipped = {case.attrib["name"]: case.find("skipped") for case in root.iter("testcase")}
    assert skipped["content_type_conformance: undocumented content type text/plain"] is not None
    assert skipped["getPhoneNumber"] is None  # tested, no finding: passed
    assert skipped["deleteConnector"] is not None  # not tested


def test_pass_and_fail_look_different_and_the_page_names_the_target(tmp_path: Path) -> None:
    def page(outcome: runner.Outcome, name: str) -> str:
        judged = report.Judged.of(outcome, CONTRACT)
        html = report.write_summary(
            tmp_path / f"{name}.md",
            judged,
            target="real service",
            profile="deep",
            command="c",
            operations=CONTRACT.operation_ids,
            base_url="https://api.example.com",
        )
        return html.read_text(encoding="utf-8")

    passed = page(runner.Outcome(), "pass")
    failed = page(
        runner.Outcome(findings=[Finding("not_a_server_error", "getConnector", ServerError(500), "", "")]), "fail"
    )
    cut = page(runner.Outcome(interrupted=runner.INTERRUPTED, findings=[runner.cut_short()]), "cut")

    banners = [text[text.index("<body>") :].split("</p>", 1)[0] for text in (passed, failed, cut)]
    assert 'class="verdict verdict-pass"' in banners[0] and "PASS" in banners[0]
    assert 'class="verdict verdict-fail"' in banners[1] and "FAIL" in banners[1]
    assert 'class="verdict verdict-incomplete"' in banners[2] and "INCOMPLETE" in banners[2]
    for text, banner in zip((passed, failed, cut), banners, strict=True):
        assert "https://api.example.com" in banner
        assert "<title>Conformance against the real service (https://api.example.com): " in text
    styles = passed[passed.index("<style>") : passed.index("</style>")]
    pass_rule = styles[styles.index(".verdict-pass") :].split("}", 1)[0]
    fail_rule = styles[styles.index(".verdict-fail") :].split("}", 1)[0]
    assert pass_rule.split("{", 1)[1] != fail_rule.split("{", 1)[1]


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conducted]:
    reports = tmp_path_factory.mktemp("reports")
    with PolyAIMock(admin=True, auto_advance=False) as mock:
        url = mock.serve()
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
    skipped: set[str] = set()
    tested: set[str] = set()
    for case in cases:
        if case.attrib["name"] != case.attrib["classname"]:  # a finding's case, not an operation's
            continue
        (skipped if case.find("skipped") is not None else tested).add(case.attrib["name"])

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
        [
            sys.executable,
            str(script),
            "--profile",
            "deep",
            "--report-dir",
            str(tmp_path),
            "--history",
            str(tmp_path / "h.jsonl"),
        ],
        cwd=runner.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The deep profile runs for many minutes however fast the machine; by now the engine is well into it.
    time.sleep(20)
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
