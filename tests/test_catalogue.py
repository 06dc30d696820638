"""The operation catalogue and every part that acts on what an operation is agree, operation by operation.

The catalogue (`telephony_contract`) is read from openapi.yaml. The generator templates cannot
read `x-` extensions, so they keep a name rule for which operations only read; the mock, the
guard, the checks and the broken mocks read the catalogue. Each test below is parametrised by
operationId, so a disagreement fails under the name of the operation it concerns.
"""

from __future__ import annotations

import importlib
import re
from typing import Any
from urllib.parse import quote

import pytest

from contract_tests import broken_mocks, hooks
from contract_tests.guard import SafetyPolicy
from telephony_contract import Catalogue, Operation, load_catalogue, load_document
from telephony_mock import create_app
from telephony_mock._routing import split_path

CATALOGUE = load_catalogue()
OPERATIONS = list(CATALOGUE.values())
# Path values: another agent than the guard's, and a number whose `+` must be percent-encoded.
SAMPLE_VALUES = {"agentId": "agent-elsewhere", "phoneNumber": "+442079460001"}


def _value(name: str) -> str:
    return SAMPLE_VALUES.get(name, f"{name}-1")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).replace("-", "_").lower()


def _path(operation: Operation, **values: str) -> str:
    """A concrete path for the operation, every parameter percent-encoded as a client sends it."""
    path = operation.path
    for name in operation.path_parameters:
        path = path.replace(f"{{{name}}}", quote(values.get(name) or _value(name), safe=""))
    return path


@pytest.fixture(scope="module")
def mock() -> Any:
    return create_app().state.mock


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_generated_client_retries_exactly_the_operations_the_catalogue_calls_safe(operation: Operation) -> None:
    module = importlib.import_module(f"polyai_telephony.api.{_snake(operation.tag)}.{_snake(operation.operation_id)}")

    assert module.RETRY_SAFE is operation.retry_safe


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_mock_routes_the_operation_and_writes_only_when_the_catalogue_says(operation: Operation, mock: Any) -> None:
    compiled = next(op for op in mock.spec.operations if op.operation_id == operation.operation_id)
    routed = mock._router.match(operation.method, split_path(_path(operation).encode()))

    assert (compiled.method, compiled.path_template) == (operation.method, operation.path)
    assert routed is not None and routed.target is compiled
    assert compiled.writes is operation.writes
    assert set(compiled.responses) == operation.statuses


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_guard_forwards_an_operation_to_another_agent_only_when_it_reads(operation: Operation) -> None:
    policy = SafetyPolicy("agent-dev", catalogue=CATALOGUE)

    refusal = policy.refusal(operation.method, _path(operation), None)

    assert (refusal is None) is operation.safe, refusal


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_catalogue_and_broken_mocks_find_the_operation_from_its_request(operation: Operation) -> None:
    exchange = broken_mocks.Exchange(operation.method, _path(operation), "", {}, b"")

    assert exchange.match == (operation.operation_id, {name: _value(name) for name in operation.path_parameters})


@pytest.mark.parametrize("check", sorted(hooks.CHECKED_OPERATIONS))
def test_every_operation_a_check_names_is_in_the_catalogue(check: str) -> None:
    assert hooks.CHECKED_OPERATIONS[check] <= CATALOGUE.keys()


@pytest.mark.parametrize("variant", [v for v in broken_mocks.VARIANTS if v.rules], ids=lambda v: v.name)
def test_every_rule_a_broken_mock_replaces_is_in_the_catalogue(variant: broken_mocks.Variant) -> None:
    assert variant.rules is not None and variant.rules.keys() <= CATALOGUE.keys()


def test_checks_read_clearable_fields_from_the_catalogue() -> None:
    updates = [operation for operation in OPERATIONS if operation.clearable_fields]

    assert {operation.operation_id for operation in updates} >= hooks.CHECKED_OPERATIONS[
        "connector_updates_apply_and_persist"
    ]


# -- the catalogue itself, on tiny documents ---------------------------------------------------------


def _tiny(**operation: Any) -> Catalogue:
    return Catalogue.from_document(
        {
            "paths": {
                "/things/{thingId}": {"post": {"operationId": "doThing", "tags": ["things"], **operation}},
                "/things/batch": {"get": {"operationId": "listThings", "tags": ["things"]}},
            },
            "components": {"schemas": {"Phone": {"type": "string", "format": "e164"}}},
        }
    )


def test_method_semantics_decide_when_no_extension_says_otherwise() -> None:
    catalogue = _tiny()

    assert catalogue["listThings"].safe and catalogue["listThings"].idempotent
    assert not catalogue["doThing"].safe and not catalogue["doThing"].idempotent
    assert not catalogue["doThing"].places_call


def test_x_safe_makes_a_post_a_read_and_x_places_call_marks_a_call() -> None:
    assert _tiny(**{"x-safe": True})["doThing"].retry_safe
    assert _tiny(**{"x-places-call": True})["doThing"].places_call


def test_nullable_request_fields_are_clearable_and_e164_fields_concern_numbers() -> None:
    body = {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}},
            },
            "to": {"$ref": "#/components/schemas/Phone"},
        },
    }
    operation = _tiny(requestBody={"content": {"application/json": {"schema": body}}})["doThing"]

    assert operation.clearable_fields == {"name"}
    assert operation.takes_phone_numbers


def test_literal_segments_win_over_parameters() -> None:
    catalogue = _tiny()

    found = catalogue.match("GET", "/things/batch")
    assert found is not None and found.operation.operation_id == "listThings"
    assert catalogue.match("POST", "/things/batch") is not None
    assert catalogue.match("DELETE", "/things/batch") is None


def test_x_safe_is_only_where_the_method_does_not_already_say_it() -> None:
    for item in load_document()["paths"].values():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("x-safe"):
                assert method.upper() not in ("GET", "HEAD", "OPTIONS"), operation["operationId"]
