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
from contract_tests.broken_mocks import Mutation
from contract_tests.guard import SafetyPolicy
from contract_tests.mutation_matrix import MUTATIONS
from telephony_contract import Catalogue, Operation, Router, load_catalogue, load_document, resolve
from telephony_contract.router import MethodNotAllowed
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


@pytest.mark.parametrize("check", sorted(hooks.registry().judges))
def test_every_operation_a_check_names_is_in_the_catalogue(check: str) -> None:
    assert hooks.registry().judges[check] <= CATALOGUE.keys()


@pytest.mark.parametrize("mutation", [m for m in MUTATIONS if m.rules], ids=lambda m: m.name)
def test_every_rule_a_broken_mock_replaces_is_in_the_catalogue(mutation: Mutation) -> None:
    assert mutation.rules is not None and mutation.rules.keys() <= CATALOGUE.keys()


def test_checks_read_clearable_fields_from_the_catalogue() -> None:
    updates = [operation for operation in OPERATIONS if operation.clearable_fields]

    assert {operation.operation_id for operation in updates} >= hooks.registry().judges[
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


# -- the model's other readers: resources, the key header, the router, assumption sites ----------------


def _shop() -> Catalogue:
    """A tiny contract: items listed and read one at a time, added with 201, looked up in a batch."""
    item = {"$ref": "#/components/schemas/Item"}
    ids = {"type": "array", "items": {"type": "string"}}

    def answer(schema: Any, status: str = "200") -> dict[str, Any]:
        return {status: {"content": {"application/json": {"schema": schema}}}}

    return Catalogue.from_document(
        {
            "security": [{"Key": []}],
            "paths": {
                "/items": {
                    "get": {"operationId": "listItems", "responses": answer({"$ref": "#/components/schemas/Items"})},
                    "post": {"operationId": "addItem", "responses": answer(item, "201")},
                },
                "/items/{itemId}": {"get": {"operationId": "getItem", "responses": answer(item)}},
                "/items/batch": {
                    "post": {
                        "operationId": "batchGetItems",
                        "x-safe": True,
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["ids"], "properties": {"ids": ids}}
                                }
                            }
                        },
                        "responses": answer(
                            {"type": "object", "properties": {"found": {"type": "array", "items": item}}}
                        ),
                    }
                },
            },
            "components": {
                "securitySchemes": {"Key": {"type": "apiKey", "in": "header", "name": "X-Shop-Key"}},
                "schemas": {
                    "Item": {
                        "type": "object",
                        "required": ["itemId", "name"],
                        "x-assumed": {"required": "items-named"},
                        "properties": {"itemId": {"type": "string"}, "name": {"type": "string"}},
                    },
                    "Items": {"type": "object", "properties": {"items": {"type": "array", "items": item}}},
                },
            },
        }
    )


def test_the_model_tells_which_answers_carry_one_resource_a_list_or_a_creation() -> None:
    shop = _shop()

    assert shop.resource_schemas == {"#/components/schemas/Item"}
    assert [op.operation_id for op in shop.values() if shop.answers_one_resource(op)] == ["addItem", "getItem"]
    assert [op.operation_id for op in shop.values() if shop.lists_resources(op)] == ["listItems", "batchGetItems"]
    assert [op.operation_id for op in shop.values() if op.creates] == ["addItem"]
    assert shop.identifier({"$ref": "#/components/schemas/Item"}) == "itemId"
    assert shop.api_key_header == "X-Shop-Key"


def test_assumption_sites_carry_the_pointer_of_the_node_that_marks_them() -> None:
    (site,) = [site for site in _shop()["getItem"].sites if site.status == "200"]

    assert (site.keyword, site.assumption, site.part, site.path) == ("required", "items-named", "response", ())
    assert (site.pointer, site.node) == ("/required", "/components/schemas/Item")


def test_the_router_prefers_a_literal_segment_and_answers_405_with_the_path_s_methods() -> None:
    router = Router([("GET", "/items/{itemId}", "getItem"), ("POST", "/items/batch", "batchGetItems")])

    found = router.match("GET", ("items", "a%2Fb"))
    assert found is not None and (found.target, found.parameters) == ("getItem", {"itemId": "a%2Fb"})
    with pytest.raises(MethodNotAllowed) as refused:
        router.match("GET", ("items", "batch"))
    assert refused.value.allowed == ("POST",)
    # Asked for a method the literal path lacks, `find` falls back to the template that has it.
    fallback = router.find("GET", ("items", "batch"))
    assert fallback is not None and fallback.target == "getItem"
    assert router.match("GET", ("items", "")) is None


def test_a_ref_cycle_is_refused_with_the_ref_that_closes_it() -> None:
    document = {"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}}

    with pytest.raises(ValueError, match="cycle through #/b"):
        resolve(document, document["a"])
