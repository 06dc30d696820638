"""Each mutation of the matrix is caught with the class it should have, and names nothing else.

A published fact changed is drift (tenancy for another account's data), with no assumption
named; an assumption changed is that assumption refuted and nothing else: no drift, no other
assumption, no toolkit finding. The mutations whose run takes about a second each run by default,
at least one of each class; the few that take several (imports, calls, negative fuzzing) are
marked slow (`pytest contract_tests/test_mutation_matrix.py -m slow`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests import mutation_matrix
from contract_tests.attribution import ASSUMPTION, DRIFT, TENANCY
from contract_tests.broken_mocks import Mutation
from contract_tests.mutation_matrix import DERIVED, MATRIX
from telephony_mock import create_app


@pytest.mark.parametrize(
    "mutation",
    [pytest.param(m, id=m.name, marks=pytest.mark.slow if m.slow else ()) for m in [*MATRIX, *DERIVED]],
)
def test_a_mutation_is_caught_with_its_class_and_nothing_else(mutation: Mutation, tmp_path: Path) -> None:
    caught, _ = mutation_matrix.run(mutation, tmp_path)

    shown = [(c.check, c.operation, c.kind, c.klass, c.assumptions) for c in caught]
    assert mutation.caught_by in {c.check for c in caught}, f"{mutation.changes}: {shown}"
    assert {c.klass for c in caught} == {mutation.klass}, shown
    named = {assumption for c in caught for assumption in c.assumptions}
    assert named == ({mutation.assumption} if mutation.klass == ASSUMPTION else set()), shown


@pytest.mark.slow
def test_the_unmutated_mock_passes_on_the_matrix_s_operations(tmp_path: Path) -> None:
    # So that whatever a mutation's run finds comes from the mutation alone (about 15 s: slow).
    operations = tuple(sorted({operation for mutation in MATRIX for operation in mutation.operations}))

    caught, _ = mutation_matrix.run_app(create_app(admin=True), operations, tmp_path, "unmutated")

    assert caught == []


def test_every_class_has_a_mutation_in_the_default_run() -> None:
    fast = [mutation for mutation in MATRIX if not mutation.slow]

    assert (
        {mutation.klass for mutation in fast} == {mutation.klass for mutation in MATRIX} == {TENANCY, DRIFT, ASSUMPTION}
    )
