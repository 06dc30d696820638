"""The fields a rule reads: declared, checked against the contract at start-up, enforced in self-check mode.

Start-up runs on edited copies of openapi.yaml (load, change, dump to tmp_path): a renamed request
field that a rule reads must stop the mock naming the rule and the field, not answer 500 later.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from mock_support import AGENT, SEEDED_ROUTED, http_client

from telephony_contract import SPEC_PATH, load_document
from telephony_mock import Call, SpecError, create_app
from telephony_mock._reads import RuleReadError, check_reads, runnable
from telephony_mock._rule_book import default_rules
from telephony_mock._rules import DeclaredRule, reads
from telephony_mock._spec import load_spec

CONTRACT: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
SPEC = load_spec()
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"


def _start(edit: Callable[[dict[str, Any]], None], tmp_path: Path, **options: Any) -> Any:
    spec = copy.deepcopy(CONTRACT)
    edit(spec)
    path = tmp_path / "openapi.yaml"  # a new path per test: the compiled spec is cached by path
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return create_app(spec_path=path, **options)


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def _rename_property(schema: dict[str, Any], old: str, new: str) -> None:
    schema["properties"][new] = schema["properties"].pop(old)
    if old in schema.get("required", []):
        schema["required"] = [new if name == old else name for name in schema["required"]]


def _operation(spec: dict[str, Any], operation_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(path item, operation) of `operation_id`."""
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return item, operation
    raise LookupError(operation_id)


def test_every_rule_declares_what_it_reads_and_the_contract_has_it_all() -> None:
    rules = default_rules()

    assert [name for name, rule in rules.items() if not isinstance(rule, DeclaredRule)] == []
    assert check_reads(rules, load_document(SPEC_PATH)) == []


def test_renaming_a_required_body_field_a_rule_reads_stops_start_up(tmp_path: Path) -> None:
    def rename(spec: dict[str, Any]) -> None:
        _rename_property(_schema(spec, "ImportPhoneNumbersRequest"), "phoneNumbers", "numbers")

    with pytest.raises(SpecError) as raised:
        _start(rename, tmp_path)

    assert str(raised.value) == (
        "rules read request fields the spec does not have: importPhoneNumbers: its rule reads body field "
        "/phoneNumbers, which the request body does not have"
    )


def test_renaming_a_field_read_inside_each_item_of_an_array_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="batchUpdateConnectors: its rule reads body field /updates/0/projectId"):
        _start(lambda spec: _rename_property(_schema(spec, "ConnectorUpdate"), "projectId", "project"), tmp_path)


def test_renaming_a_query_parameter_a_rule_reads_stops_start_up(tmp_path: Path) -> None:
    def rename(spec: dict[str, Any]) -> None:
        _, operation = _operation(spec, "getOutboundCallStatus")
        (parameter,) = [p for p in operation["parameters"] if p.get("name") == "environment"]
        parameter["name"] = "env"

    with pytest.raises(SpecError, match="getOutboundCallStatus: its rule reads query parameter 'environment'"):
        _start(rename, tmp_path)


def test_renaming_a_path_parameter_a_rule_reads_stops_start_up(tmp_path: Path) -> None:
    def rename(spec: dict[str, Any]) -> None:
        (template,) = [path for path in spec["paths"] if "{callSid}" in path]
        item = spec["paths"].pop(template)
        for parameter in item["parameters"]:
            if parameter.get("name") == "callSid":
                parameter["name"] = "sid"
        spec["paths"][template.replace("{callSid}", "{sid}")] = item

    with pytest.raises(SpecError, match="getOutboundCallStatus: its rule reads path parameter 'callSid'"):
        _start(rename, tmp_path)


def test_every_misread_field_is_named_at_once(tmp_path: Path) -> None:
    def rename(spec: dict[str, Any]) -> None:
        _rename_property(_schema(spec, "LookupConnectorRequest"), "phoneNumber", "number")
        _rename_property(_schema(spec, "ReassignPhoneNumberRequest"), "connectorId", "connector")

    with pytest.raises(SpecError) as raised:
        _start(rename, tmp_path)

    assert "lookupConnector: its rule reads body field /phoneNumber" in str(raised.value)
    assert "reassignPhoneNumber: its rule reads body field /connectorId" in str(raised.value)


# -- self-check mode: a read that the declaration or the contract does not allow --------------------


def _call(body: Any) -> Call:
    return Call(caller=None, path={}, query={}, body=body, settings=None, now=0.0)  # type: ignore[arg-type]


def test_in_self_check_mode_a_rule_reading_an_undeclared_field_raises_naming_it() -> None:
    @reads(body=["/phoneNumbers"], query=["connectorId"])
    def rule(tx: Any, call: Call) -> Any:
        call.query.get("connectorId")
        return call.body["clientEnv"]

    strict = runnable({"importPhoneNumbers": rule}, SPEC, strict=True)["importPhoneNumbers"]

    with pytest.raises(RuleReadError, match=r"importPhoneNumbers: its rule reads body field /clientEnv without"):
        strict(None, _call({"phoneNumbers": ["+447700900123"], "clientEnv": "live"}))  # type: ignore[arg-type]


def test_in_self_check_mode_fields_inside_array_items_are_checked_too() -> None:
    @reads(body=["/updates/0/connectorId"])
    def rule(tx: Any, call: Call) -> Any:
        updates = call.body["updates"]
        assert [update["connectorId"] for update in updates] == ["conn-1", "conn-2"]
        # Iterating over what the validated body holds is not reading a field by name.
        assert [dict(update.items()) for update in updates] == [{"connectorId": "conn-1"}, {"connectorId": "conn-2"}]
        return updates[1].get("projectId")

    strict = runnable({"batchUpdateConnectors": rule}, SPEC, strict=True)["batchUpdateConnectors"]

    with pytest.raises(RuleReadError, match=r"batchUpdateConnectors: its rule reads body field /updates/1/projectId"):
        strict(None, _call({"updates": [{"connectorId": "conn-1"}, {"connectorId": "conn-2"}]}))  # type: ignore[arg-type]


def test_in_self_check_mode_a_declared_field_left_out_reads_as_absent() -> None:
    @reads(path=["phoneNumber"], body=["/connectorId"])
    def rule(tx: Any, call: Call) -> Any:
        return call.path["phoneNumber"], call.body.get("connectorId"), "connectorId" in call.body

    strict = runnable({"reassignPhoneNumber": rule}, SPEC, strict=True)["reassignPhoneNumber"]
    call = Call(caller=None, path={"phoneNumber": "+1"}, query={}, body={}, settings=None, now=0.0)  # type: ignore[arg-type]

    assert strict(None, call) == ("+1", None, False)  # type: ignore[arg-type]


def test_in_self_check_mode_brackets_on_a_field_a_valid_request_may_leave_out_raise_even_when_it_is_there() -> None:
    @reads(body=["/toNumber", "/countryCode"])
    def rule(tx: Any, call: Call) -> Any:
        return call.body["toNumber"], call.body["countryCode"]

    strict = runnable({"triggerOutboundCall": rule}, SPEC, strict=True)["triggerOutboundCall"]

    with pytest.raises(RuleReadError, match=r"triggerOutboundCall: its rule reads body field /countryCode with \[\]"):
        strict(None, _call({"toNumber": "07700 900123", "countryCode": "GB"}))  # type: ignore[arg-type]


def test_in_self_check_mode_brackets_are_fine_on_required_fields_and_on_fields_the_mock_defaults() -> None:
    @reads(path=["callSid"], query=["environment"])
    def status(tx: Any, call: Call) -> Any:
        return call.path["callSid"], call.query["environment"]

    @reads(body=["/clientEnv"])
    def import_one(tx: Any, call: Call) -> Any:
        return call.body["clientEnv"]  # not required, but the contract's default is applied before the rule runs

    rules = runnable({"getOutboundCallStatus": status, "importPhoneNumber": import_one}, SPEC, strict=True)
    call = Call(
        caller=None, path={"callSid": "OUT-1"}, query={"environment": "live"}, body=None, settings=None, now=0.0
    )  # type: ignore[arg-type]

    assert rules["getOutboundCallStatus"](None, call) == ("OUT-1", "live")  # type: ignore[arg-type]
    assert rules["importPhoneNumber"](None, _call({"clientEnv": "live"})) == "live"  # type: ignore[arg-type]


def test_in_self_check_mode_brackets_on_an_optional_query_parameter_raise() -> None:
    @reads(query=["connectorId"])
    def rule(tx: Any, call: Call) -> Any:
        return call.query["connectorId"]

    strict = runnable({"listPhoneNumbers": rule}, SPEC, strict=True)["listPhoneNumbers"]
    call = Call(caller=None, path={}, query={"connectorId": "conn-1"}, body=None, settings=None, now=0.0)  # type: ignore[arg-type]

    with pytest.raises(RuleReadError, match=r"listPhoneNumbers: its rule reads query parameter 'connectorId' with"):
        strict(None, call)  # type: ignore[arg-type]


def test_a_field_the_contract_makes_optional_fails_the_rule_that_reads_it_with_brackets(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Start-up cannot see how a rule reads; the self-checking mock the tests run can."""
    app = _start(
        lambda spec: _schema(spec, "ReassignPhoneNumberRequest").pop("required"), tmp_path, validate_responses=True
    )
    http = http_client(app)
    http.event_hooks = {"request": [], "response": []}  # this test provokes the 500 the hook forbids

    with caplog.at_level(logging.ERROR, logger="telephony_mock"), http:
        response = http.patch(f"{NUMBERS}/%2B{SEEDED_ROUTED[1:]}", json={"connectorId": "conn-dev-en"})

    assert response.status_code == 500
    assert "reassignPhoneNumber: its rule reads body field /connectorId with [], but a valid request may" in caplog.text


def test_serving_outside_self_check_mode_hands_the_rule_the_request_as_it_is() -> None:
    seen: list[Any] = []

    @reads(body=["/phoneNumbers"])
    def rule(tx: Any, call: Call) -> Any:
        seen.append(call.body)
        return {"imported": call.body["phoneNumbers"]}

    assert runnable({"importPhoneNumbers": rule}, SPEC, strict=False)["importPhoneNumbers"] is rule.function
    with http_client(create_app(rules={"importPhoneNumbers": rule})) as http:
        assert http.post(NUMBERS, json={"phoneNumbers": ["+447700900123"]}).status_code == 201

    assert type(seen[0]) is dict


def test_a_self_checking_mock_answers_an_undeclared_read_as_a_logged_internal_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @reads(body=["/phoneNumbers"])
    def rule(tx: Any, call: Call) -> Any:
        return {"imported": call.body["phoneNumbers"], "env": call.body["clientEnv"]}

    http = http_client(create_app(validate_responses=True, rules={"importPhoneNumbers": rule}))
    http.event_hooks = {"request": [], "response": []}  # this test provokes the 500 the hook forbids

    with caplog.at_level(logging.ERROR, logger="telephony_mock"), http:
        response = http.post(NUMBERS, json={"phoneNumbers": ["+447700900123"]})

    assert response.status_code == 500
    assert "importPhoneNumbers: its rule reads body field /clientEnv without declaring it in @reads" in caplog.text
