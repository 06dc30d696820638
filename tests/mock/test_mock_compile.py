"""Start-up: the spec compiles, what the mock cannot honour is refused, the config is checked,
and the guards (self-check, last-resort handler) have teeth."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from mock_support import AGENT, SEEDED_ROUTED, assert_envelope, http_client

import telephony_mock
from telephony_contract import SPEC_PATH, load_catalogue
from telephony_mock import ApiError, Call, ConfigError, SpecError, create_app, load_config
from telephony_mock._config import config_from_dict
from telephony_mock.app import ResponseContractError

SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
ONE = f"/v1/agents/{AGENT}/telephony/phone-numbers/%2B{SEEDED_ROUTED[1:]}"


def _spec_with(change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    spec = copy.deepcopy(SPEC)
    change(spec)
    return spec


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"]


def test_public_surface_is_the_app_factory_the_config_and_loader_their_errors_the_admin_header_and_the_kit() -> None:
    assert telephony_mock.__all__ == [
        "ADMIN_KEY_HEADER",
        "ApiError",
        "Call",
        "ConfigError",
        "InProcessTransport",
        "MockConfig",
        "PolyAIMock",
        "RecordedCall",
        "RequestLog",
        "SpecError",
        "create_app",
        "load_config",
        "mocked",
    ]


def _start(spec: dict[str, Any], tmp_path: Path, **options: Any) -> Any:
    """Start the mock on a changed copy of the spec."""
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec))
    return create_app(spec_path=path, **options)


def test_the_mock_serves_every_operation_of_the_catalogue() -> None:
    compiled = create_app().state.mock.spec

    assert [op.operation_id for op in compiled.operations] == list(load_catalogue())
    assert compiled.max_body_bytes == SPEC["x-limits"]["maxBodyBytes"]
    assert compiled.api_key_header == "x-api-key"
    # The E.164 schema's code is found where the validator will report failures.
    assert compiled.schema_error_codes[("components", "schemas", "E164Number")] == (
        "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: _schemas(s)["Error"]["properties"]["data"].update(nullable=True), "'nullable'"),
        (lambda s: _schemas(s)["ReassignPhoneNumberRequest"].update(discriminator={}), "'discriminator'"),
        (lambda s: _schemas(s)["ImportPhoneNumbersRequest"]["properties"].update(x={"readOnly": True}), "'readOnly'"),
        (lambda s: _schemas(s)["E164Number"].pop("pattern"), "format 'e164' without a pattern"),
        (lambda s: _schemas(s)["PhoneNumberList"].pop("maxItems"), "maxItems"),
        (lambda s: _schemas(s)["PhoneNumberList"].update(maxItems=5000), "maxItems"),
        (lambda s: _schemas(s)["E164Number"].update(default="+12"), "defaults only"),
        (lambda s: _schemas(s)["E164Number"].update({"x-error-code": "NO_SUCH_CODE"}), "NO_SUCH_CODE"),
        (lambda s: s["x-error-codes"].pop("SCHEMA_VALIDATION_FAILED"), "SCHEMA_VALIDATION_FAILED"),
        (lambda s: s.pop("x-limits"), "x-limits"),
        (lambda s: s["components"]["parameters"]["AgentId"].update(style="matrix"), "'style'"),
        (lambda s: s["components"]["parameters"]["AgentId"]["schema"].update(type="integer"), "string parameters"),
        (
            lambda s: s["paths"]["/v1/agents/{agentId}/telephony/connectors/lookup"]["post"]["requestBody"][
                "content"
            ].update({"text/plain": {"schema": {"type": "string"}}}),
            "only JSON request bodies",
        ),
    ],
)
def test_start_up_refuses_what_the_mock_would_not_enforce(change, message: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError, match=message):
        _start(_spec_with(change), tmp_path)


def test_start_up_refuses_an_operation_without_a_rule(tmp_path: Path) -> None:
    def add_operation(spec: dict[str, Any]) -> None:
        item = spec["paths"]["/v1/agents/{agentId}/telephony/connectors"]
        item["put"] = {**item["get"], "operationId": "createConnector"}

    with pytest.raises(SpecError, match="no rule for \\['createConnector'\\]"):
        _start(_spec_with(add_operation), tmp_path)


def test_start_up_refuses_a_rule_for_an_operation_the_spec_lacks() -> None:
    with pytest.raises(SpecError, match="no operation for \\['createConnector'\\]"):
        create_app(rules={"createConnector": lambda tx, call: {}})


# -- config -----------------------------------------------------------------------------------


def _raw_config() -> dict[str, Any]:
    return yaml.safe_load(Path(telephony_mock.__file__).with_name("default-config.yaml").read_text())


def test_default_config_declares_the_documented_accounts() -> None:
    config = load_config()

    assert {a.id: a.api_keys for a in config.accounts} == {
        "acct-dev": ("polyai-mock-dev-key",),
        "acct-other": ("polyai-mock-other-key",),
    }
    agents = {agent.id: (agent.project_id, [c["connectorId"] for c in agent.connectors]) for agent, in [
        (agent,) for account in config.accounts for agent in account.agents
    ]}  # fmt: skip
    assert agents == {
        "agent-dev": ("proj-dev", ["conn-dev-en", "conn-dev-es"]),
        "agent-dev-2": ("proj-dev-2", ["conn-dev2-en"]),
        "agent-other": ("proj-other", ["conn-other-en"]),
    }
    assert config.faults == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["accounts"][1].update(api_keys=["polyai-mock-dev-key"]), "API key 'polyai-mock-dev-key'"),
        (lambda c: c["accounts"][0]["agents"][1].update(project="proj-dev"), "project 'proj-dev'"),
        (lambda c: c["accounts"][0].update(colour="blue"), "colour"),
        (lambda c: c["accounts"][0]["agents"][0].pop("project"), "project"),
        (lambda c: c.update(faults=[{"operation": "getPhoneNumber", "rate": 2}]), "rate|status|latency"),
    ],
)
def test_config_file_errors_are_refused_with_their_place(change, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_config()
    change(raw)
    with pytest.raises(ConfigError, match=message):
        config_from_dict(raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["accounts"][0]["agents"][0]["connectors"][0].pop("voiceName"), "voiceName"),
        (lambda c: c["accounts"][0]["agents"][0]["connectors"][0].update(colour="blue"), "colour"),
        (lambda c: c["accounts"][0]["agents"][0]["phone_numbers"][0].update(number="020 7946 0001"), "does not match"),
        (lambda c: c["accounts"][0]["agents"][0]["phone_numbers"][0].update(clientEnv="prod"), "prod"),
        (
            lambda c: c["accounts"][0]["agents"][0]["phone_numbers"][0].update(connectorId="conn-dev2-en"),
            "not a connector of this agent",
        ),
    ],
)
def test_config_seeds_are_checked_against_the_spec_schemas(change, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_config()
    change(raw)
    with pytest.raises(ConfigError, match=message):
        create_app(config_from_dict(raw))


def test_load_config_of_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml"):
        load_config(tmp_path / "missing.yaml")


# -- guards -----------------------------------------------------------------------------------


def _quiet_client(app):  # type: ignore[no-untyped-def]
    """A client without the response hook, for the tests that provoke what it forbids."""
    http = http_client(app)
    http.event_hooks = {"request": [], "response": []}
    return http


def test_self_check_refuses_an_answer_outside_the_spec() -> None:
    app = create_app(validate_responses=True, rules={"getPhoneNumber": lambda tx, call: {"number": 4420}})

    with _quiet_client(app) as http, pytest.raises(ResponseContractError):
        http.get(ONE)


def test_self_check_refuses_an_undeclared_status() -> None:
    def conflict(tx: Any, call: Call) -> Any:
        raise ApiError("PHONE_NUMBERS_ALREADY_EXISTS")

    app = create_app(validate_responses=True, rules={"getPhoneNumber": conflict})

    with _quiet_client(app) as http, pytest.raises(ResponseContractError, match="409"):
        http.get(ONE)


def test_a_failing_rule_is_answered_as_internal_error_in_the_envelope() -> None:
    def broken(tx: Any, call: Call) -> Any:
        raise KeyError("a defect")

    http = _quiet_client(create_app(validate_responses=True, rules={"getPhoneNumber": broken}))

    assert_envelope(http.get(ONE), 500, "INTERNAL_ERROR")
    assert http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers").status_code == 200


def test_a_write_that_fails_midway_is_undone() -> None:
    seen: list[str] = []

    def half(tx: Any, call: Call) -> Any:
        for number in call.body["phoneNumbers"]:
            tx.put_number({"number": number, "projectId": "proj-dev", "accountId": "acct-dev", "clientEnv": "live"})
            seen.append(number)
        raise RuntimeError("after writing")

    http = _quiet_client(create_app(validate_responses=True, rules={"importPhoneNumbers": half}))

    response = http.post(f"/v1/agents/{AGENT}/telephony/phone-numbers", json={"phoneNumbers": ["+447700900123"]})

    assert_envelope(response, 500, "INTERNAL_ERROR")
    assert seen == ["+447700900123"]
    assert http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers/%2B447700900123").status_code == 404
