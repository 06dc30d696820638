"""Every operation of the contract has a mock rule, an invariant that judges it, and a broken mock that proves it.

Adding an operation is the contract, its rule and its tests. The invariants that judge every
operation of a kind (contract_tests/kinds.py: the schema check for an answer publishing required
fields, the tenancy check for an answer showing resources, the get check for a read by id) and
their broken mocks (`kinds.derived`) follow from the contract, so a new operation of such a kind
is judged and proven without being named anywhere by hand. A behaviour of its own needs one
checks file, contract_tests/hooks.py: an `@invariant` naming the operation, with the broken mock
that proves it declared beside it (`proven_by`). Whichever is missing, a test here fails and
names the operation. Where no broken mock proves an operation's invariants yet, the reason is
declared below, and the declaration must go once one does.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from schemathesis.checks import CHECKS

from contract_tests import hooks, kinds
from contract_tests.broken_mocks import BUILT_IN, Mutation
from contract_tests.registry import Registry
from telephony_contract import SPEC_PATH, Catalogue, load_catalogue
from telephony_mock import InProcessTransport, SpecError, create_app
from telephony_mock._rule_book import default_rules

CATALOGUE = load_catalogue()
AGENT = "/v1/agents/agent-dev/telephony"  # the default config's agent and key
KEY = {"X-API-KEY": "polyai-mock-dev-key"}

# Operations judged by invariants that no broken mock proves yet, and why that is accepted.
UNPROVEN: dict[str, str] = {}


def judged_by(catalogue: Catalogue, registry: Registry) -> dict[str, frozenset[str]]:
    """Each invariant with the operations it judges: those of their kind, and those its module names."""
    generic = kinds.generic_invariants(catalogue)
    return {
        check: generic.get(check, frozenset()) | registry.judges.get(check, frozenset())
        for check in generic.keys() | registry.judges.keys()
    }


def broken_mocks(catalogue: Catalogue, registry: Registry) -> list[Mutation]:
    return [*BUILT_IN, *registry.mutations, *kinds.derived(catalogue)]


def coverage_gaps(
    catalogue: Catalogue,
    rules: Iterable[str],
    registry: Registry,
    declared: Mapping[str, str],
    mutations: list[Mutation] | None = None,
) -> list[str]:
    """What each operation lacks: a rule, an invariant judging it, a broken mock proving one of those.

    An invariant of a kind judges many operations, so a broken mock proves it for an operation only
    when it runs on that operation; a hand-written invariant's broken mock proves it for all it names.
    """
    rules = set(rules)
    mutations = broken_mocks(catalogue, registry) if mutations is None else mutations
    pairs = {(mutation.caught_by, operation) for mutation in mutations for operation in mutation.operations}
    hand_proven = {mutation.caught_by for mutation in mutations} - kinds.generic_invariants(catalogue).keys()
    gaps = []
    for operation_id in catalogue:
        if operation_id not in rules:
            gaps.append(f"{operation_id}: the mock has no rule for it")
        checks = {check for check, operations in judged_by(catalogue, registry).items() if operation_id in operations}
        if not checks:
            gaps.append(f"{operation_id}: no invariant judges it (none of its kind, none in a checks module)")
            continue
        proofs = {check for check in checks if (check, operation_id) in pairs or check in hand_proven}
        if not proofs and operation_id not in declared:
            gaps.append(f"{operation_id}: no broken mock proves {' or '.join(sorted(checks))}")
    return gaps


def _gaps(catalogue: Catalogue, *checks: ModuleType) -> list[str]:
    return coverage_gaps(catalogue, default_rules(), Registry.of(hooks, *checks), UNPROVEN)


@pytest.mark.parametrize("operation_id", list(CATALOGUE))
def test_the_operation_has_a_rule_an_invariant_and_a_broken_mock_that_proves_it(operation_id: str) -> None:
    assert [gap for gap in _gaps(CATALOGUE) if gap.startswith(f"{operation_id}:")] == []


def test_every_declared_gap_is_still_one() -> None:
    undeclared = coverage_gaps(CATALOGUE, default_rules(), hooks.registry(), {})
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
    connectors = document["paths"]["/v1/agents/{agentId}/telephony/connectors"]
    listing = connectors["get"]
    document["paths"]["/v1/agents/{agentId}/telephony/throwaways"] = {
        "parameters": connectors["parameters"],
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


# What a behaviour of its own adds to hooks.py: its invariant, and the broken mock proving it
# declared beside it (`PROOF` is filled in by the test, to show the gap without one). The demo
# writes it as a module beside the contract's copy, since importing a second hooks.py would
# register every check with Schemathesis again; `Registry.of` reads both alike.
THROWAWAY_CHECKS = '''
from collections.abc import Iterator
from typing import Any

from contract_tests.broken_mocks import Exchange, Mutation
from contract_tests.hooks import Judged, Problem, invariant


async def remembers_throwaways(app: Any, exchange: Exchange) -> None:
    """Forgetting answers 204 and forgets nothing."""
    await exchange.forward(app)


@invariant("forgetThrowaways", answers=lambda status: status == 204, proven_by=PROOF)
def throwaways_are_forgotten(judged: Judged) -> Iterator[Problem]:
    """After forgetting, the list shows no throwaway."""
    if judged.reader().listed("listThrowaways", "connectors"):
        yield Problem("throwaways remembered", "the list still shows throwaways after forgetting them")
'''


# Its rule, as it would go into a rule module of the mock (and one line of _rule_book.py's
# _MODULES for a new module): served by the mock compiled from the contract's copy below.
THROWAWAY_RULES = """
from typing import Any


def list_throwaways(tx: Any, call: Any) -> Any:
    return {"connectors": tx.connectors_in_project(call.caller.project_id)}


def forget_throwaways(tx: Any, call: Any) -> None:
    return None


RULES = {"listThrowaways": list_throwaways, "forgetThrowaways": forget_throwaways}
"""


def _written(path: Path, text: str) -> ModuleType:
    """Writes a module into the repository copy and imports it from there."""
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rules(repository: Path) -> dict[str, Any]:
    """The mock's rules with the throwaway rule module written into the repository copy."""
    return {**default_rules(), **_written(repository / "throwaway_rules.py", THROWAWAY_RULES).RULES}


def _served(repository: Path, rules: Mapping[str, Any]) -> httpx.Client:
    """The mock compiled from the repository's contract with its rules: it refuses to start otherwise."""
    app = create_app(spec_path=repository / "openapi.yaml", rules=dict(rules))
    return httpx.Client(transport=InProcessTransport(app), base_url="http://mock")


@pytest.fixture
def checks_module(tmp_path: Path) -> Iterator[Callable[[str], ModuleType]]:
    """Writes the throwaway checks module into the repository copy and imports it from there."""

    def load(proof: str) -> ModuleType:
        return _written(tmp_path / "repository" / "throwaway_checks.py", THROWAWAY_CHECKS.replace("PROOF", proof))

    yield load
    if "throwaways_are_forgotten" in CHECKS.get_all_names():
        CHECKS.unregister("throwaways_are_forgotten")  # registered with Schemathesis on import


def test_an_operation_of_a_known_kind_takes_the_contract_its_rule_and_its_tests(tmp_path: Path) -> None:
    catalogue = _with_throwaway_operations(tmp_path / "repository")
    forgetting = [gap for gap in _gaps(catalogue) if gap.startswith("forgetThrowaways:")]

    # The contract alone: the invariants of its kind judge it and its derived broken mocks prove
    # them, with no checks module nor broken mock edited; only the rule is missing.
    assert [gap for gap in _gaps(catalogue) if gap not in forgetting] == ["listThrowaways: the mock has no rule for it"]
    judged = judged_by(catalogue, hooks.registry())
    assert {check for check, operations in judged.items() if "listThrowaways" in operations} == {
        kinds.SCHEMA_CHECK,
        kinds.TENANCY_CHECK,
    }
    assert [m.name for m in kinds.derived(catalogue) if "listThrowaways" in m.operations] == [
        "field-dropped-listThrowaways",
        "another-account-listThrowaways",
    ]
    # The mock compiled from the contract alone refuses to start: it names the missing rules.
    with pytest.raises(SpecError, match=r"no rule for .*listThrowaways"):
        _served(tmp_path / "repository", default_rules())
    # With its rule, the mock serves it and nothing is missing.
    rules = _rules(tmp_path / "repository")
    listed = _served(tmp_path / "repository", rules).get(f"{AGENT}/throwaways", headers=KEY)
    assert listed.status_code == 200 and listed.json()["connectors"]
    gaps = coverage_gaps(catalogue, rules, hooks.registry(), UNPROVEN)
    assert [gap for gap in gaps if gap not in forgetting] == []


def test_an_operation_of_no_kind_takes_the_contract_its_rule_and_one_checks_module(
    tmp_path: Path, checks_module: Callable[[str], ModuleType]
) -> None:
    catalogue = _with_throwaway_operations(tmp_path / "repository")

    # 1. The contract alone.
    assert _gaps(catalogue) == [
        "listThrowaways: the mock has no rule for it",
        "forgetThrowaways: the mock has no rule for it",
        "forgetThrowaways: no invariant judges it (none of its kind, none in a checks module)",
    ]
    # 2. With the rules, which the mock serves: what judges it is still missing.
    rules = _rules(tmp_path / "repository")
    forgotten = _served(tmp_path / "repository", rules).delete(f"{AGENT}/throwaways", headers=KEY)
    assert (forgotten.status_code, forgotten.content) == (204, b"")
    assert coverage_gaps(catalogue, rules, hooks.registry(), UNPROVEN) == [
        "forgetThrowaways: no invariant judges it (none of its kind, none in a checks module)"
    ]
    # 3. Its checks module with the invariant but no broken mock: named again.
    unproven = Registry.of(hooks, checks_module("()"))
    assert coverage_gaps(catalogue, rules, unproven, UNPROVEN) == [
        "forgetThrowaways: no broken mock proves throwaways_are_forgotten"
    ]
    # A reason declared in place of the broken mock is accepted.
    assert coverage_gaps(catalogue, rules, unproven, {"forgetThrowaways": "a reason"}) == []
    # 4. The same module with the broken mock beside the invariant: nothing is missing, and the
    # mutation matrix and test_teeth run that mock as they run every declared one.
    proven = Registry.of(
        hooks,
        checks_module(
            '[Mutation("throwaways-remembered", "forgets nothing", ("forgetThrowaways",), remembers_throwaways)]'
        ),
    )
    assert coverage_gaps(catalogue, rules, proven, UNPROVEN) == []
    assert [(m.name, m.caught_by) for m in proven.proofs["throwaways_are_forgotten"]] == [
        ("throwaways-remembered", "throwaways_are_forgotten")
    ]
    # Three files written by hand: the contract, its rule module and its checks module.
    written = sorted(path.name for path in (tmp_path / "repository").iterdir() if path.is_file())
    assert written == ["openapi.yaml", "throwaway_checks.py", "throwaway_rules.py"]


def test_a_generic_invariant_is_proven_for_an_operation_only_by_a_broken_mock_run_on_it(
    tmp_path: Path, checks_module: Callable[[str], ModuleType]
) -> None:
    catalogue = _with_throwaway_operations(tmp_path / "repository")
    rules = _rules(tmp_path / "repository")
    registry = Registry.of(
        hooks, checks_module('[Mutation("remembered", "-", ("forgetThrowaways",), remembers_throwaways)]')
    )
    mutations = broken_mocks(catalogue, registry)
    derived_here = [m for m in mutations if m.name.endswith("-listThrowaways")]
    assert {m.caught_by for m in derived_here} == {kinds.SCHEMA_CHECK, kinds.TENANCY_CHECK}
    # Both invariants of its kind are proven on other operations by hand-written broken mocks;
    # that is not enough: without its derived mutations, the new operation is named.
    hand_written = {m.caught_by for m in [*BUILT_IN, *registry.mutations]}
    assert {kinds.SCHEMA_CHECK, kinds.TENANCY_CHECK} <= hand_written

    without = [m for m in mutations if m not in derived_here]

    assert coverage_gaps(catalogue, rules, registry, UNPROVEN, without) == [
        f"listThrowaways: no broken mock proves {kinds.TENANCY_CHECK} or {kinds.SCHEMA_CHECK}"
    ]
    assert coverage_gaps(catalogue, rules, registry, UNPROVEN, mutations) == []
