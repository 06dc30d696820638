"""Every operation of the contract is one method of `PolyAI`, `AsyncPolyAI` and their raw twins, under
the name the rule gives, typed to return the operation's success model."""

from __future__ import annotations

import inspect
import sys
import typing
from pathlib import Path

import pytest
from openapi_cases import Operation, operations, schema_name, snake_case, spec
from polyai_telephony import AsyncPolyAI, PolyAI, RawResponse

from telephony_contract import load_catalogue

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from sdk_layer import method_name

CLIENT = PolyAI(api_key="polyai-test-key", agent_id="agent-dev")
ASYNC_CLIENT = AsyncPolyAI(api_key="polyai-test-key", agent_id="agent-dev")


def _success_model(operation: Operation) -> str:
    (status,) = [s for s in operation.responses if s.startswith("2")]
    return schema_name(operation.responses[status]["content"]["application/json"]["schema"])


@pytest.mark.parametrize(
    ("operation_id", "tag", "expected"),
    [
        ("listPhoneNumbers", "phone-numbers", "list"),
        ("getPhoneNumber", "phone-numbers", "get"),
        ("batchGetPhoneNumbers", "phone-numbers", "batch_get"),
        ("importPhoneNumbers", "phone-numbers", "import_"),
        ("lookupConnector", "connectors", "lookup"),
        ("batchUpdateConnectors", "connectors", "batch_update"),
        ("getOutboundCallStatus", "outbound-calls", "get_status"),
    ],
)
def test_a_method_is_the_operation_id_without_the_tag_s_noun(operation_id: str, tag: str, expected: str) -> None:
    assert method_name(operation_id, tag) == expected


def test_x_sdk_method_names_the_method_when_present() -> None:
    assert method_name("deletePhoneNumbers", "phone-numbers", "delete_many") == "delete_many"


@pytest.mark.parametrize("operation", operations(), ids=str)
def test_each_operation_is_a_method_returning_its_success_model(operation: Operation) -> None:
    name = _method_of(operation)
    model = _success_model(operation)

    for client in (CLIENT, ASYNC_CLIENT):
        namespace = getattr(client, snake_case(operation.tag))
        method = getattr(namespace, name)
        raw_method = getattr(namespace.with_raw_response, name)
        assert typing.get_type_hints(method)["return"].__name__ == model
        raw_return = typing.get_type_hints(raw_method)["return"]
        assert typing.get_origin(raw_return) is RawResponse
        assert typing.get_args(raw_return)[0].__name__ == model
        assert inspect.iscoroutinefunction(method) is (client is ASYNC_CLIENT)
        assert "agent_id" in inspect.signature(method).parameters


def test_the_namespaces_hold_no_method_the_contract_lacks() -> None:
    """One method per operation, and a `wait` beside a status method whose `x-sdk-method` asks for one."""
    expected: dict[str, set[str]] = {}
    waits: dict[str, set[str]] = {}
    for operation in operations():
        tag = snake_case(operation.tag)
        expected.setdefault(tag, set()).add(_method_of(operation))
        declared = spec()["paths"][operation.path][operation.method.lower()].get("x-sdk-method")
        waits.setdefault(tag, set()).update({"wait"} if isinstance(declared, dict) and "wait" in declared else set())

    assert any(waits.values()), "the contract asks for a wait on getOutboundCallStatus"
    for attribute, names in expected.items():
        for namespace in (getattr(CLIENT, attribute), getattr(ASYNC_CLIENT, attribute)):
            public = {n for n in vars(type(namespace)) if not n.startswith("_")}
            assert public == names | waits[attribute]
            assert {n for n in vars(type(namespace.with_raw_response)) if not n.startswith("_")} == names


def _method_of(operation: Operation) -> str:
    return method_name(operation.operation_id, operation.tag, load_catalogue()[operation.operation_id].sdk_method)
