"""Every operation of the contract has a mock rule, an invariant that judges it, and a broken mock that proves it.

Adding an operation is the contract, its rule and its tests. The invariants that judge every
operation of a kind (contract_tests/kinds.py: the schema check for an answer publishing required
fields, the tenancy check for an answer showing resources) and their broken mocks (the mutation
matrix's derived mutations) follow from the contract, so a new operation of such a kind is judged
and proven without being named anywhere by hand. Only a behaviour of its own needs a hand-written
invariant in contract_tests/hooks.py and a broken mock for it. Whichever is missing, a test here
fails and names the operation. Where no broken mock proves an operation's invariants yet, the
reason is declared below, and the declaration must go once one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
import yaml

from contract_tests import broken_mocks, hooks, kinds
from contract_tests.mutation_matrix import MATRIX, derived
from telephony_contract import SPEC_PATH, Catalogue, load_catalogue
from telephony_mock._rule_book import default_rules

CATALOGUE = load_catalogue()

# Operations judged by invariants that no broken mock proves yet, and why that is accepted.
UNPROVEN: dict[str, str] = {}
# The hand-written invariants some hand-written broken mock proves: the broken-mock suite's and the
# mutation matrix's. Such a mock proves its invariant for every operation the invariant names.
PROVEN = {variant.caught_by for variant in broken_mocks.VARIANTS} | {mutation.caught_by for mutation in MATRIX}


def judged_by(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Each invariant with the operations it judges: those of their kind, and those hooks.py names."""
    generic = kinds.generic_invariants(catalogue)
    return {
        check: generic.get(check, frozenset()) | hooks.CHECKED_OPERATIONS.get(check, frozenset())
        for check in generic.keys() | hooks.CHECKED_OPERATIONS.keys()
    }


def proven_for(catalogue: Catalogue) -> set[tuple[str, str]]:
    """(invariant, operation) pairs a broken mock proves by running on that very operation."""
    return {
        (mutation.caught_by, operation)
        for mutation in [*MATRIX, *derived(catalogue)]
        for operation in mutation.operations
    }


def coverage_gaps(
    catalogue: Catalogue,
    rules: Iterable[str],
    judged: Mapping[str, frozenset[str]],
    proven: Iterable[str],
    declared: Mapping[str, str],
    pairs: set[tuple[str, str]] | None = None,
) -> list[str]:
    """What each operation lacks: a rule, an invariant judging it, a broken mock proving one of those.

    An invariant of a kind judges many operations, so a broken mock proves it for an operation only
    when it runs on that operation; a hand-written invariant's broken mock proves it for all it names.
    """
    rules, proven = set(rules), set(proven)
    generic = kinds.generic_invariants(catalogue).keys()
    pairs = proven_for(catalogue) if pairs is None else pairs
    gaps = []
    for operation_id in catalogue:
        if operation_id not in rules:
            gaps.append(f"{operation_id}: the mock has no rule for it")
        checks = {check for check, operations in judged.items() if operation_id in operations}
        if not checks:
            gaps.append(f"{operation_id}: no invariant judges it (none of its kind, none in contract_tests/hooks.py)")
            continue
        proofs = {check for check in checks if (check, operation_id) in pairs or (check in proven - generic)}
        if not proofs and operation_id not in declared:
            gaps.append(f"{operation_id}: no broken mock proves {' or '.join(sorted(checks))}")
    return gaps


def _gaps(catalogue: Catalogue) -> list[str]:
    return coverage_gaps(catalogue, default_rules(), judged_by(catalogue), PROVEN, UNPROVEN)


@pytest.mark.parametrize("operation_id", list(CATALOGUE))
def test_the_operation_has_a_rule_an_invariant_and_a_broken_mock_that_proves_it(operation_id: str) -> None:
    assert [gap for gap in _gaps(CATALOGUE) if gap.startswith(f"{operation_id}:")] == []


def test_every_declared_gap_is_still_one() -> None:
    undeclared = coverage_gaps(CATALOGUE, default_rules(), judged_by(CATALOGUE), PROVEN, {})
    still_unproven = {
        operation_id for operation_id in UNPROVEN if any(g.startswith(f"{operation_id}:") for g in undeclared)
    }

    assert set(UNPROVEN) <= set(CATALOGUE)
    assert still_unproven == set(UNPROVEN)


def _with_throwaway_operations(repository: Path) -> Catalogue:
    """A copy of the contract in `repository` with two more operations, and its catalogue.

    `listThrowaways` lists resources as `listConnectors` does: an operation of a known kind.
    `forgetThrowaways` answers 204 without a body: nothing of a kind judges it.
    """
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    listing = document["paths"]["/v1/agents/{agentId}/telephony/connectors"]["get"]
    document["paths"]["/v1/agents/{agentId}/telephony/throwaways"] = {
        "get": {**listing, "operationId": "listThrowaways", "tags": ["throwaways"]},
        "delete": {
            **listing,
            "operationId": "forgetThrowaways",
            "tags": ["throwaways"],
            "responses": {"204": {"description": "Forgotten."}},
        },
    }
    repository.mkdir()
    (repository / "openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_catalogue(repository / "openapi.yaml")


def test_an_operation_of_a_known_kind_takes_the_contract_its_rule_and_its_tests(tmp_path: Path) -> None:
    catalogue = _with_throwaway_operations(tmp_path / "repository")
    judged = judged_by(catalogue)
    forgetting = [gap for gap in _gaps(catalogue) if gap.startswith("forgetThrowaways:")]

    # The contract alone: the invariants of its kind judge it and its derived broken mock proves
    # them, with neither contract_tests/hooks.py nor a broken mock edited; only the rule is missing.
    assert [gap for gap in _gaps(catalogue) if gap not in forgetting] == ["listThrowaways: the mock has no rule for it"]
    assert {check for check, operations in judged.items() if "listThrowaways" in operations} == {
        kinds.SCHEMA_CHECK,
        kinds.TENANCY_CHECK,
    }
    assert [m.name for m in derived(catalogue) if "listThrowaways" in m.operations] == [
        "field-dropped-listThrowaways",
        "another-account-listThrowaways",
    ]
    # With its rule (in a rule module; its own tests beside the rule's), nothing is missing.
    rules = {*default_rules(), "listThrowaways", "forgetThrowaways"}
    assert [g for g in coverage_gaps(catalogue, rules, judged, PROVEN, UNPROVEN) if g not in forgetting] == []


def test_an_operation_of_no_kind_is_named_until_its_own_invariant_and_broken_mock_exist(tmp_path: Path) -> None:
    catalogue = _with_throwaway_operations(tmp_path / "repository")
    rules = {*default_rules(), "listThrowaways", "forgetThrowaways"}

    assert _gaps(catalogue) == [
        "listThrowaways: the mock has no rule for it",
        "forgetThrowaways: the mock has no rule for it",
        "forgetThrowaways: no invariant judges it (none of its kind, none in contract_tests/hooks.py)",
    ]

    judged = {**judged_by(catalogue), "throwaways_are_forgotten": frozenset({"forgetThrowaways"})}
    assert coverage_gaps(catalogue, rules, judged, PROVEN, UNPROVEN) == [
        "forgetThrowaways: no broken mock proves throwaways_are_forgotten"
    ]
    assert coverage_gaps(catalogue, rules, judged, {*PROVEN, "throwaways_are_forgotten"}, UNPROVEN) == []
    # A reason declared in place of the broken mock is accepted too.
    assert coverage_gaps(catalogue, rules, judged, PROVEN, {"forgetThrowaways": "a reason"}) == []


def test_a_generic_invariant_is_proven_for_an_operation_only_by_a_broken_mock_run_on_it(tmp_path: Path) -> None:
    catalogue = _with_throwaway_operations(tmp_path / "repository")
    rules = {*default_rules(), "listThrowaways", "forgetThrowaways"}
    judged = {**judged_by(catalogue), "throwaways_are_forgotten": frozenset({"forgetThrowaways"})}
    proven = {*PROVEN, "throwaways_are_forgotten"}
    pairs = proven_for(catalogue)
    derived_here = {(kinds.SCHEMA_CHECK, "listThrowaways"), (kinds.TENANCY_CHECK, "listThrowaways")}
    assert derived_here <= pairs
    # Both invariants of its kind are proven on other operations by hand-written broken mocks;
    # that is not enough: without its derived mutations, the new operation is named.
    assert {kinds.SCHEMA_CHECK, kinds.TENANCY_CHECK} <= PROVEN

    without = pairs - derived_here

    assert coverage_gaps(catalogue, rules, judged, proven, UNPROVEN, without) == [
        f"listThrowaways: no broken mock proves {kinds.TENANCY_CHECK} or {kinds.SCHEMA_CHECK}"
    ]
    assert coverage_gaps(catalogue, rules, judged, proven, UNPROVEN, pairs) == []
