"""The generated client parses every response the contract documents, and what the service may add."""

from __future__ import annotations

from typing import Any

import pytest
from client_stubs import Recorder, client_over
from openapi_cases import (
    DocumentedResponse,
    documented_responses,
    success_responses,
    walk_objects,
    without_optional_fields,
)
from polyai_telephony.models import Error
from polyai_telephony.types import Response

DOCUMENTED = documented_responses()
SUCCESSES = success_responses()
ERRORS = [r for r in DOCUMENTED if not r.is_success]


def _answer(case: DocumentedResponse, body: Any) -> Response[Any]:
    # One canned answer per call: retrying the transient statuses is tested on its own.
    return case.operation.call(client_over(Recorder(status=case.status, body=body), retry=None))  # type: ignore[no-any-return]


def test_every_operation_documents_a_success_and_errors() -> None:
    """Guards the parametrisation below: an operation without examples would silently go untested."""
    operations = {r.operation.operation_id for r in DOCUMENTED}
    assert operations == {r.operation.operation_id for r in SUCCESSES}
    assert operations == {r.operation.operation_id for r in ERRORS}


@pytest.mark.parametrize("case", SUCCESSES, ids=str)
def test_documented_success_parses_into_its_model(case: DocumentedResponse) -> None:
    response = _answer(case, case.fresh_body())

    assert response.status_code == case.status
    assert isinstance(response.parsed, case.model())
    assert response.parsed.to_dict() == case.body


@pytest.mark.parametrize("case", ERRORS, ids=str)
def test_documented_error_parses_into_the_envelope(case: DocumentedResponse) -> None:
    response = _answer(case, case.fresh_body())

    assert response.status_code == case.status
    assert isinstance(response.parsed, Error)
    assert response.parsed.success is False
    assert response.parsed.error_code == case.body["error_code"]
    assert response.parsed.error_id == case.body["error_id"]
    assert response.parsed.error_message == case.body["error_message"]
    assert response.parsed.data is None


@pytest.mark.parametrize("case", [r for r in SUCCESSES if any("clientEnv" in o for o in walk_objects(r.body))], ids=str)
def test_unknown_client_env_in_a_response_parses(case: DocumentedResponse) -> None:
    body = case.fresh_body()
    for obj in walk_objects(body):
        if "clientEnv" in obj:
            obj["clientEnv"] = "staging-eu-2"

    response = _answer(case, body)

    assert isinstance(response.parsed, case.model())
    assert response.parsed.to_dict() == body


@pytest.mark.parametrize("case", DOCUMENTED, ids=str)
def test_fields_the_service_adds_parse_and_are_kept(case: DocumentedResponse) -> None:
    body = case.fresh_body()
    objects = list(walk_objects(body))
    for obj in objects:
        obj["addedLater"] = {"nested": [1, "two", None]}

    response = _answer(case, body)

    assert response.status_code == case.status
    assert isinstance(response.parsed, case.model())
    assert response.parsed.to_dict() == body
    assert response.parsed.additional_properties["addedLater"] == {"nested": [1, "two", None]}


@pytest.mark.parametrize("case", [r for r in SUCCESSES if without_optional_fields(r.body, r.schema) != r.body], ids=str)
def test_response_without_its_optional_fields_parses(case: DocumentedResponse) -> None:
    body = without_optional_fields(case.fresh_body(), case.schema)

    response = _answer(case, body)

    assert isinstance(response.parsed, case.model())
    assert response.parsed.to_dict() == body
