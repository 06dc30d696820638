"""The suite has teeth: run against a mock broken in one way, it reports that defect by name.

Each variant of contract_tests/broken_mocks.py breaks one promise of the contract; the suite
(every phase, every check, schemathesis.toml and the hooks) runs against it on a smaller budget
than CI, and the check that guards that promise must be among the failures. The unbroken mock
under the same budget, over every operation, must report nothing, so a failure can only come from
the defect.

A broken mock is run only against the operations where its defect can be seen: those its check
judges, narrowed to the operations the defect touches (its broken rules, or DEFECT_OPERATIONS
below for a defect on the wire). Every other operation answers as the unbroken mock does, which
the unbroken run already proves passes; leaving them out only saves time.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from contract_tests import broken_mocks, hooks, runner
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


# The operations a wire defect touches, by variant name (a rule defect names its own operations).
# A defect every operation shows (any key accepted, every 404 bare) is proven on one or two.
DEFECT_OPERATIONS: dict[str, frozenset[str]] = {
    "auth-not-enforced": frozenset({"listPhoneNumbers"}),
    "error-without-envelope": frozenset({"getPhoneNumber", "getConnector"}),
    "required-field-missing": frozenset({"getPhoneNumber"}),
    "wrong-success-code": frozenset({"importPhoneNumbers"}),
    "server-error-on-some-input": frozenset({"getPhoneNumber"}),
    "another-agents-numbers-visible": frozenset({"listPhoneNumbers"}),
    "state-not-kept-after-import": frozenset({"importPhoneNumber", "importPhoneNumbers"}),
    "wrong-content-type": frozenset({"listConnectors"}),
    "lookup-returns-wrong-connector": frozenset({"lookupConnector"}),
}
CATALOGUE = load_catalogue()


def operations_for(variant: broken_mocks.Variant) -> frozenset[str]:
    """Where the variant's defect can be seen: what its check judges, within what the defect touches."""
    everything = frozenset(CATALOGUE)
    judged = frozenset(hooks.CHECKED_OPERATIONS.get(variant.caught_by, ())) & everything or everything
    touched = frozenset(variant.rules or ()) or DEFECT_OPERATIONS.get(variant.name, everything)
    return judged & touched or touched


def _only(operations: Collection[str]) -> dict[str, Any]:
    """TEETH_BUDGET with every operation but `operations` disabled, schemathesis.toml's own blocks kept."""
    rest = sorted(set(CATALOGUE) - set(operations))
    if not rest:
        return TEETH_BUDGET
    blocks = [*runner.load_settings().get("operations", []), {"include-operation-id": rest, "enabled": False}]
    return {**TEETH_BUDGET, "operations": blocks}


def _run(app: object, report_dir: Path, operations: Collection[str] = ()) -> runner.Outcome:
    overrides = _only(operations) if operations else TEETH_BUDGET
    run = conduct("mock", mock_app=app, report_dir=report_dir, overrides=overrides, command="pytest test_teeth.py")
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

    operations = operations_for(variant)

    outcome = _run(variant.app(dev_key), tmp_path, operations)

    assert outcome.tested_operation_ids == operations
    assert variant.caught_by in outcome.failed_checks, (
        f"{variant.defect}: expected `{variant.caught_by}` among the failures, got:\n{_summary(outcome)}"
    )


def test_the_defect_table_names_only_variants_and_operations_that_exist() -> None:
    names = {variant.name for variant in broken_mocks.VARIANTS}
    assert set(DEFECT_OPERATIONS) <= names
    assert set().union(*DEFECT_OPERATIONS.values()) <= set(CATALOGUE)
