"""Each mutation of the matrix is caught with the class it should have, and names nothing else.

A published fact changed is drift (tenancy for another account's data), with no assumption
named; an assumption changed is that assumption refuted and nothing else: no drift, no other
assumption, no toolkit finding. One mutation per class runs by default; the whole matrix is
marked slow (`pytest contract_tests/test_mutation_matrix.py -m slow`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests import mutation_matrix
from contract_tests.attribution import ASSUMPTION
from contract_tests.mutation_matrix import MATRIX, Mutation

# One of each class in the default run: the body field the attribution once blamed on the
# correlation header, another account's numbers, and the correlation header itself.
FAST = {"field-dropped", "another-accounts-numbers", "correlation-header-missing"}


@pytest.mark.parametrize(
    "mutation",
    [pytest.param(m, id=m.name, marks=() if m.name in FAST else pytest.mark.slow) for m in MATRIX],
)
def test_a_mutation_is_caught_with_its_class_and_nothing_else(mutation: Mutation, tmp_path: Path) -> None:
    caught, _ = mutation_matrix.run(mutation, tmp_path)

    shown = [(c.check, c.operation, c.kind, c.klass, c.assumptions) for c in caught]
    assert mutation.caught_by in {c.check for c in caught}, f"{mutation.changes}: {shown}"
    assert {c.klass for c in caught} == {mutation.klass}, shown
    named = {assumption for c in caught for assumption in c.assumptions}
    assert named == ({mutation.assumption} if mutation.klass == ASSUMPTION else set()), shown


def test_every_class_has_a_mutation_in_the_default_run() -> None:
    fast = [mutation for mutation in MATRIX if mutation.name in FAST]

    assert len(fast) == len(FAST)
    assert {mutation.klass for mutation in fast} == {mutation.klass for mutation in MATRIX}
