"""A nightly run fails only on new drift: known failures pass until their entry expires."""

from __future__ import annotations

import datetime
from pathlib import Path

from schemathesis.baseline import Baseline

from contract_tests import broken_mocks, runner
from contract_tests.conformance import conduct
from contract_tests.target import mock_credentials, serve
from telephony_mock import create_app

AGENT, KEY = mock_credentials(runner.load_settings())
# The drift to accept: the connector list comes back as text/plain; a short fuzzing run sees it.
SHORT_RUN = {
    "generation": {"max-examples": 3},
    "phases": {name: {"enabled": False} for name in ("examples", "coverage", "stateful")},
}


def test_known_failures_pass_until_they_expire(tmp_path: Path) -> None:
    known = tmp_path / "known-failures.json"
    drifted = broken_mocks.Broken(create_app(admin=True), broken_mocks.connectors_as_text)

    with serve(drifted) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}

        def nightly(name: str) -> runner.Outcome:
            run = conduct("real", environ=environ, report_dir=tmp_path / name, baseline_path=known, overrides=SHORT_RUN)
            return run.outcome

        first = nightly("first")
        accepted = runner.record_baseline(first.findings, known, days=30)
        second = nightly("second")
        baseline = Baseline.load(known)
        for entry in baseline.entries:
            entry.expires = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        baseline.save(known)
        third = nightly("third")

    assert first.failed_checks == {"content_type_conformance"}
    assert accepted == len(first.new_findings) > 0
    assert second.passed
    assert {finding.check for finding in second.findings if finding.known} == {"content_type_conformance"}
    assert third.failed_checks == {"content_type_conformance"}
    assert [entry.check for entry in third.expired_baseline] == ["content_type_conformance"] * accepted
    summary = next((tmp_path / "third").glob("conformance-real-*.md")).read_text(encoding="utf-8")
    assert "## Expired baseline entries" in summary
