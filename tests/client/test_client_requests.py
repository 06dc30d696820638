"""What the generated client puts on the wire for each operation of the contract."""

from __future__ import annotations

import json
from pathlib import Path

import polyai_telephony
import pytest
from client_stubs import API_KEY, Recorder, client_over
from openapi_cases import PARAMETER_VALUES, Operation, operations, snake_case, success_responses
from polyai_telephony.api.phone_numbers import import_phone_number, list_phone_numbers

OPERATIONS = operations()


def _send(operation: Operation) -> Recorder:
    success = next(r for r in success_responses() if r.operation == operation)
    recorder = Recorder(status=success.status, body=success.fresh_body())
    operation.call(client_over(recorder))
    return recorder


def test_every_operation_has_exactly_one_generated_module() -> None:
    api = Path(polyai_telephony.__file__).parent / "api"
    generated = {f"{p.parent.name}.{p.stem}" for p in api.glob("*/*.py") if p.stem != "__init__"}
    expected = {f"{snake_case(op.tag)}.{snake_case(op.operation_id)}" for op in OPERATIONS}
    assert generated == expected


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_sends_method_and_percent_encoded_path(operation: Operation) -> None:
    request = _send(operation).only_request

    assert request.method == operation.method
    assert request.url.host == "api.us.poly.ai"
    assert request.url.raw_path.decode().split("?")[0] == operation.expected_raw_path()


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if "phoneNumber" in op.parameters_in("path")], ids=str)
def test_plus_of_a_path_number_goes_out_as_2B(operation: Operation) -> None:
    raw_path = _send(operation).only_request.url.raw_path.decode()

    assert raw_path.endswith("/phone-numbers/%2B442079460123")
    assert "+" not in raw_path


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_sends_the_api_key_header_without_prefix(operation: Operation) -> None:
    request = _send(operation).only_request

    assert request.headers["X-API-KEY"] == API_KEY
    assert "Authorization" not in request.headers


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_operation_sends_its_query_parameters(operation: Operation) -> None:
    request = _send(operation).only_request

    expected = {name: PARAMETER_VALUES[name] for name in operation.parameters_in("query")}
    assert dict(request.url.params) == expected


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.request_body], ids=str)
def test_operation_sends_the_request_example_as_json(operation: Operation) -> None:
    """DELETE with a body included: httpx drops nothing, and the generated code must not either."""
    request = _send(operation).only_request

    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == operation.request_example()


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if not op.request_body], ids=str)
def test_operation_without_a_body_sends_none(operation: Operation) -> None:
    request = _send(operation).only_request

    assert request.content == b""


def test_list_phone_numbers_without_filter_sends_no_query() -> None:
    recorder = Recorder(status=200, body={"phoneNumbers": []})

    list_phone_numbers.sync_detailed("agent-dev", client=client_over(recorder))

    assert recorder.only_request.url.query == b""


def test_import_phone_number_body_is_optional() -> None:
    recorder = Recorder(status=201, body={"imported": "+442079460123"})

    response = import_phone_number.sync_detailed("agent-dev", "+442079460123", client=client_over(recorder))

    assert recorder.only_request.content == b""
    assert response.status_code == 201
