"""Every operation of the contract has a mock rule, an invariant that judges it, and a broken mock that proves it.

Adding an operation is the contract, its rule and its tests; whichever of those is forgotten,
a test here fails and names the operation. Where no broken mock proves an operation's invariants
yet, the reason is declared below, and the declaration must go once one does. A broken mock is
one of contract_tests/broken_mocks.py's variants or one of the mutation matrix's mutations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
import yaml

from contract_tests import broken_mocks, hooks
from contract_tests.mutation_matrix import MATRIX
from telephony_contract import SPEC_PATH, Catalogue, load_catalogue
from telephony_mock._rule_book import default_rules

CATALOGUE = load_catalogue()

# Operations judged by invariants that no broken mock proves yet, and why that is accepted.
UNPROVEN: dict[str, str] = {}
# The checks some broken mock proves: the broken-mock suite's and the mutation matrix's.
PROVEN = {variant.caught_by for variant in broken_mocks.VARIANTS} | {mutation.caught_by for mutation in MATRIX}


def coverage_gaps(
    catalogue: Catalogue,
    rules: Iterable[str],
    judged_by: Mapping[str, frozenset[str]],
    proven: Iterable[str],
    declared: Mapping[str, str],
) -> list[str]:
    """What each operation lacks: a rule, an invariant naming it, a broken mock proving one of those."""
    rules, proven = set(rules), set(proven)
    gaps = []
    for operation_id in catalogue:
        if operation_id not in rules:
            gaps.append(f"{operation_id}: the mock has no rule for it")
        checks = {check for check, operations in judged_by.items() if operation_id in operations}
        if not checks:
            gaps.append(f"{operation_id}: no invariant in contract_tests/hooks.py names it")
        elif not checks & proven and operation_id not in declared:
            gaps.append(f"{operation_id}: no broken mock proves {' or '.join(sorted(checks))}")
    return gaps


def _gaps(catalogue: Catalogue, judged_by: Mapping[str, frozenset[str]] = hooks.CHECKED_OPERATIONS) -> list[str]:
    return coverage_gaps(catalogue, default_rules(), judged_by, PROVEN, UNPROVEN)


@pytest.mark.parametrize("operation_id", list(CATALOGUE))
def test_the_operation_has_a_rule_an_invariant_and_a_broken_mock_that_proves_it(operation_id: str) -> None:
    assert [gap for gap in _gaps(CATALOGUE) if gap.startswith(f"{operation_id}:")] == []


def test_every_declared_gap_is_still_one() -> None:
    still_unproven = {
        operation_id
        for operation_id in UNPROVEN
        if not {check for check, ops in hooks.CHECKED_OPERATIONS.items() if operation_id in ops} & PROVEN
    }

    assert set(UNPROVEN) <= set(CATALOGUE)
    assert still_unproven == set(UNPROVEN)


def _with_throwaway_operation(repository: Path) -> Catalogue:
    """A copy of the contract in `repository` with one more operation, and its catalogue."""
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    listing = document["paths"]["/v1/agents/{agentId}/telephony/connectors"]["get"]
    document["paths"]["/v1/agents/{agentId}/telephony/throwaways"] = {
        "get": {**listing, "operationId": "listThrowaways", "tags": ["throwaways"]}
    }
    repository.mkdir()
    (repository / "openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_catalogue(repository / "openapi.yaml")


def test_an_operation_added_to_the_contract_alone_is_named_until_its_rule_and_tests_exist(tmp_path: Path) -> None:
    catalogue = _with_throwaway_operation(tmp_path / "repository")

    assert _gaps(catalogue) == [
        "listThrowaways: the mock has no rule for it",
        "listThrowaways: no invariant in contract_tests/hooks.py names it",
    ]

    judged = {**hooks.CHECKED_OPERATIONS, "throwaways_are_listed": frozenset({"listThrowaways"})}
    rules = {*default_rules(), "listThrowaways"}
    assert coverage_gaps(catalogue, rules, judged, PROVEN, UNPROVEN) == [
        "listThrowaways: no broken mock proves throwaways_are_listed"
    ]
    assert coverage_gaps(catalogue, rules, judged, {*PROVEN, "throwaways_are_listed"}, UNPROVEN) == []
    # A reason declared in place of the broken mock is accepted too.
    assert coverage_gaps(catalogue, rules, judged, PROVEN, {"listThrowaways": "a reason"}) == []
