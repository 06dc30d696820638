"""Schemathesis's internals are reached from one module, so that an upgrade is checked in one place.

contract_tests/schemathesis_boundary.py is the only module of the toolkit that imports a private
Schemathesis module, its failure classes or its cases' metadata; no production module patches with
unittest.mock. The checks (hooks.py) raise Schemathesis failures, which is how a check reports.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests import findings, hooks, schemathesis_boundary

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = "contract_tests/schemathesis_boundary.py"
# Schemathesis modules that hold its failures' classes, its cases' metadata and its engine's probes.
INTERNAL = ("schemathesis.core.failures", "schemathesis.openapi.checks", "schemathesis.generation.meta")
# Who else may import one of them, which one, and why.
ALSO_ALLOWED = {
    ("contract_tests/hooks.py", "schemathesis.core.failures"): "a check reports by raising a Schemathesis failure",
    ("contract_tests/hooks.py", "schemathesis.openapi.checks"): "the failure filter hook names the one it drops",
}


def _production_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [
        path
        for path in listed.split()
        if not path.startswith(("tests/", "generated/"))
        and not Path(path).name.startswith("test_")
        and Path(path).name != "conftest.py"
    ]


def _imports(path: str) -> Iterator[tuple[str, str]]:
    """(module, name) for every import in the file; name is "" for `import module`."""
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            yield from ((node.module, alias.name) for alias in node.names)


def _reaches_in(module: str, name: str) -> str | None:
    """What the import reaches into, or None when it is Schemathesis's public API or another library."""
    if module.split(".")[0] == "unittest":
        return "unittest"
    if module.split(".")[0] != "schemathesis":
        return None
    dotted = f"{module}.{name}" if name else module
    if any(part.startswith("_") for part in dotted.split(".")):
        return "a private Schemathesis module or name"
    if dotted == "schemathesis.engine.run.probes" or module == "schemathesis.engine.run.probes":
        return "schemathesis.engine.run.probes"
    return next((internal for internal in INTERNAL if module.startswith(internal)), None)


def test_the_boundary_still_reaches_every_internal_it_is_there_for() -> None:
    # If this failed, the grep below would pass for the wrong reason (nothing left to find).
    reached = {_reaches_in(module, name) for module, name in _imports(BOUNDARY)}
    assert {"a private Schemathesis module or name", "schemathesis.engine.run.probes", *INTERNAL} <= reached


@pytest.mark.parametrize("path", [path for path in _production_files() if path != BOUNDARY])
def test_no_other_module_reaches_into_schemathesis(path: str) -> None:
    reaching = [
        f"{module} {name}".strip()
        for module, name in _imports(path)
        if (found := _reaches_in(module, name)) is not None and (path, found) not in ALSO_ALLOWED
    ]
    assert not reaching, f"{path} imports {reaching}: go through {BOUNDARY}"


def test_the_grep_finds_what_it_is_for() -> None:
    # The rule recognises each way in: a private module, a private name, mock, a failure class.
    assert _reaches_in("schemathesis.specs.openapi._caches", "") is not None
    assert _reaches_in("schemathesis.specs.openapi", "_caches") is not None
    assert _reaches_in("unittest", "mock") is not None
    assert _reaches_in("schemathesis.openapi.checks", "JsonSchemaError") is not None
    assert _reaches_in("schemathesis.engine.run", "probes") is not None
    assert _reaches_in("schemathesis", "CheckContext") is None


def _kinds(cls: type[findings.Kind]) -> Iterator[type[findings.Kind]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _kinds(sub)


def test_each_kind_of_failure_has_its_own_stable_code() -> None:
    codes: dict[str, list[str]] = {}
    for kind in _kinds(findings.Kind):
        codes.setdefault(kind.code, []).append(kind.__name__)

    assert len(codes) >= 20
    assert {code: names for code, names in codes.items() if len(names) > 1} == {}
    assert all(code.startswith("ST") and code != findings.Kind.code for code in codes)


@pytest.mark.parametrize(
    ("raised", "kind"),
    [
        (hooks.ContractViolation, findings.PublishedRule),
        (hooks.AssumptionRefuted, findings.AssumedRule),
        (hooks.TenancyBreach, findings.OtherAccountsData),
        (hooks.FollowUpReadProblem, findings.FollowUpRead),
    ],
)
def test_a_contract_check_s_failure_becomes_the_kind_it_declares_and_carries_its_code(
    raised: type[hooks.ContractViolation], kind: type[findings.PublishedRule]
) -> None:
    failure = raised(check="a_check", operation="getPhoneNumber", kind="a phrase", message="what was wrong")
    found = schemathesis_boundary.failure_kind(failure)

    assert type(found) is kind
    assert (str(found), failure.code) == ("a phrase", kind.code)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (findings.ServerError(503), "server error 503"),
        (findings.UndocumentedStatus(418), "undocumented status 418"),
        (findings.SchemaMismatch(("properties", "found", "type")), "schema properties/found/type"),
        (findings.MissingHeaders(("X-B", "X-A")), "missing header X-A,X-B"),
        (findings.MissingHeaderNotRejected("X-API-KEY"), "missing X-API-KEY not rejected"),
        (findings.AllowHeaderMismatch(("GET",), ()), "Allow header missing ['GET'] undocumented []"),
        (findings.InvalidRequestAccepted(200, ()), "accepted with 200: invalid input"),
        (findings.PublishedRule("`error_code` {x} unknown", basis="published"), "`error_code` {x} unknown"),
        (findings.RunCutShort(), "run cut short"),
    ],
)
def test_a_kind_s_text_is_the_phrase_finding_ids_and_the_baseline_are_keyed_on(kind: findings.Kind, text: str) -> None:
    # Changing one of these texts changes finding ids: every known failure would count as new.
    assert str(kind) == text
