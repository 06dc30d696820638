"""The suite has teeth: run against a mock broken in one way, it reports that defect by name.

Each broken mock (a `Mutation` without a class of finding to prove) breaks one promise of the contract; the suite
(every phase, every check, schemathesis.toml and the hooks) runs against it on a smaller budget
than CI, and the check that guards that promise must be among the failures. The unbroken mock
under the same budget, over every operation, must report nothing, so a failure can only come from
the defect.

A broken mock is run only against the operations where its defect can be seen, which it names
beside the check that must catch it (hooks.py, broken_mocks.BUILT_IN). Every other operation
answers as the unbroken mock does, which the unbroken run already proves passes; leaving them out
only saves time. The broken mocks with a class of finding to prove are the mutation matrix's.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from contract_tests import runner
from contract_tests.broken_mocks import Mutation
from contract_tests.conformance import conduct
from contract_tests.mutation_matrix import MUTATIONS
from contract_tests.target import mock_credentials
from telephony_contract import load_catalogue
from telephony_mock import create_app

# Enough to reach every operation in every phase and stateful sequences through connectors; a
# defect only has to be found, not shrunk to its smallest example.
TEETH_BUDGET = {
    "generation": {"max-examples": 12, "no-shrink": True},
    "phases": {"stateful": {"max-steps": 15}},
}


CATALOGUE = load_catalogue()
TEETH = [mutation for mutation in MUTATIONS if mutation.klass is None]


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


@pytest.mark.parametrize("mutation", TEETH, ids=lambda mutation: mutation.name)
def test_suite_reports_the_broken_mock(mutation: Mutation, tmp_path: Path) -> None:
    _, dev_key = mock_credentials(runner.load_settings())

    outcome = _run(mutation.app(dev_key), tmp_path, mutation.operations)

    assert outcome.tested_operation_ids == frozenset(mutation.operations)
    assert mutation.caught_by in outcome.failed_checks, (
        f"{mutation.changes}: expected `{mutation.caught_by}` among the failures, got:\n{_summary(outcome)}"
    )


def test_every_broken_mock_names_operations_that_exist_and_a_check() -> None:
    for mutation in MUTATIONS:
        assert mutation.operations and set(mutation.operations) <= set(CATALOGUE), mutation.name
        assert mutation.caught_by, mutation.name
    assert len({mutation.name for mutation in MUTATIONS}) == len(MUTATIONS)
