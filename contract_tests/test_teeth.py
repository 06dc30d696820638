"""The suite has teeth: run against a mock broken in one way, it reports that defect by name.

Each variant of contract_tests/broken_mocks.py breaks one promise of the contract; the whole
suite (every phase, every check, schemathesis.toml and the hooks) runs against it on a smaller
budget than CI, and the check that guards that promise must be among the failures. The unbroken
mock under the same budget must report nothing, so a failure can only come from the defect.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests import broken_mocks, runner
from contract_tests.conformance import conduct
from contract_tests.target import mock_credentials
from telephony_contract import load_catalogue
from telephony_mock import create_app

# Enough to reach every operation in every phase and stateful sequences through connectors; a
# defect only has to be found, not shrunk to its smallest example.
TEETH_BUDGET = {
    "generation": {"max-examples": 12, "no-shrink": True},
    "phases": {"stateful": {"max-steps": 15}},
}


def _run(app: object, report_dir: Path) -> runner.Outcome:
    run = conduct("mock", mock_app=app, report_dir=report_dir, overrides=TEETH_BUDGET, command="pytest test_teeth.py")
    return run.outcome


def _summary(outcome: runner.Outcome) -> str:
    return "\n".join(f"{finding.check} on {finding.operation}: {finding.title}" for finding in outcome.new_findings)


def test_unbroken_mock_passes_under_the_teeth_budget(tmp_path: Path) -> None:
    outcome = _run(create_app(admin=True), tmp_path)

    assert outcome.passed, _summary(outcome) or outcome.errors
    assert outcome.tested_operations == {f"{op.method} {op.path}" for op in load_catalogue().values()}


@pytest.mark.parametrize("variant", broken_mocks.VARIANTS, ids=lambda variant: variant.name)
def test_suite_reports_the_broken_mock(variant: broken_mocks.Variant, tmp_path: Path) -> None:
    _, dev_key = mock_credentials(runner.load_settings())

    outcome = _run(variant.app(dev_key), tmp_path)

    assert variant.caught_by in outcome.failed_checks, (
        f"{variant.defect}: expected `{variant.caught_by}` among the failures, got:\n{_summary(outcome)}"
    )
