"""Fault injection (off by default) and the test-only admin endpoints."""

from __future__ import annotations

import time

import pytest
from mock_support import (
    AGENT,
    EXPECT_FAULT,
    SEEDED_ROUTED,
    SEEDED_UNROUTED,
    TestClient,
    assert_envelope,
    assert_still_serving,
    fictional,
    http_client,
)
from starlette.applications import Starlette

from telephony_mock import ConfigError, PolyAIMock, load_config
from telephony_mock._config import FaultRule

NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
ONE = f"{NUMBERS}/%2B{SEEDED_ROUTED[1:]}"


def _app_with(*rules: FaultRule, faults: bool = False, seed: int | None = None) -> Starlette:
    config = load_config()
    config = type(config)(config.accounts, tuple(rules), seed, config.source)
    # A memory store holds nothing to release, so the kit's mock need not be closed.
    return PolyAIMock(config, faults=faults, validate_responses=True, auto_advance=False).starlette_app


def _client(app: Starlette) -> TestClient:
    return http_client(app)


# -- the X-Mock-Fault header ----------------------------------------------------------------------


def test_fault_header_429_answers_with_retry_after(http: TestClient) -> None:
    response = http.get(ONE, headers={"X-Mock-Fault": "status=429; retry-after=7"})

    assert_envelope(response, 429, "TOO_MANY_REQUESTS")
    assert response.headers["retry-after"] == "7"


def test_fault_header_429_without_retry_after_still_sends_one(http: TestClient) -> None:
    response = http.get(ONE, headers={"X-Mock-Fault": "status=429"})

    assert_envelope(response, 429, "TOO_MANY_REQUESTS")
    assert response.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    ("status", "code"), [(500, "INTERNAL_ERROR"), (503, "SERVICE_UNAVAILABLE"), (504, "GATEWAY_TIMEOUT")]
)
def test_fault_header_5xx_answers_the_envelope_and_changes_nothing(http: TestClient, status: int, code: str) -> None:
    response = http.post(NUMBERS, json={"phoneNumbers": [fictional(1)]}, headers={"X-Mock-Fault": f"status={status}"})

    assert_envelope(response, status, code)
    assert [n["number"] for n in http.get(NUMBERS).json()["phoneNumbers"]] == [SEEDED_ROUTED, SEEDED_UNROUTED]


def test_fault_header_latency_delays_then_answers_normally(http: TestClient) -> None:
    started = time.monotonic()
    response = http.get(ONE, headers={"X-Mock-Fault": "latency-ms=200"})

    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert response.json()["number"] == SEEDED_ROUTED


@pytest.mark.parametrize("value", ["status=418", "status=404", "status=abc", "bogus=1", "latency-ms=-5", "status"])
def test_fault_header_that_cannot_be_honoured_is_400(http: TestClient, value: str) -> None:
    response = http.get(ONE, headers={"X-Mock-Fault": value})

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert "X-Mock-Fault" in response.json()["error_message"]


def test_fault_header_is_ignored_unless_faults_are_enabled() -> None:
    with _client(_app_with()) as http:
        response = http.get(ONE, headers={"X-Mock-Fault": "status=503"})

    assert response.status_code == 200
    assert response.json()["number"] == SEEDED_ROUTED


# -- config rules -------------------------------------------------------------------------------


def test_fault_rule_with_rate_1_answers_every_call_of_its_operation() -> None:
    with _client(_app_with(FaultRule("getPhoneNumber", status=503))) as http:
        for _ in range(3):
            assert_envelope(http.get(ONE, headers=EXPECT_FAULT), 503, "SERVICE_UNAVAILABLE")
        # Other operations are untouched.
        assert http.get(NUMBERS).status_code == 200


def test_fault_rule_with_rate_0_never_fires() -> None:
    with _client(_app_with(FaultRule("*", status=503, rate=0.0))) as http:
        assert all(http.get(ONE).status_code == 200 for _ in range(20))


def test_fault_rule_rate_applies_to_a_share_of_calls_reproducibly_with_a_seed() -> None:
    def statuses() -> list[int]:
        app = _app_with(FaultRule("*", status=429, rate=0.5, retry_after="3"), seed=1234)
        with _client(app) as http:
            return [http.get(ONE, headers=EXPECT_FAULT).status_code for _ in range(60)]

    first = statuses()
    assert set(first) == {200, 429}
    assert 10 < first.count(429) < 50
    assert statuses() == first


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (FaultRule("noSuchOperation", status=503), "no operation"),
        (FaultRule("listConnectors", status=400), "does not declare status 400"),
        (FaultRule("getPhoneNumber", status=404), "no single error code"),
    ],
)
def test_fault_rule_the_spec_does_not_allow_is_refused_at_start_up(rule: FaultRule, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        _app_with(rule)


# -- admin ----------------------------------------------------------------------------------------


def test_admin_endpoints_are_404_unless_enabled() -> None:
    with _client(_app_with()) as http:
        assert_envelope(http.post("/_admin/reset"), 404, "NOT_FOUND")


def test_admin_reset_restores_the_seed_state(http: TestClient) -> None:
    http.post(NUMBERS, json={"phoneNumbers": [fictional(1)]})
    http.delete(f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en")

    response = http.post("/_admin/reset")

    assert response.status_code == 200
    assert response.json() == {"connectors": 4, "phoneNumbers": 3}
    assert [n["number"] for n in http.get(NUMBERS).json()["phoneNumbers"]] == [SEEDED_ROUTED, SEEDED_UNROUTED]
    assert http.get(f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en").status_code == 200


def test_admin_seed_adds_numbers_routed_to_a_connector(http: TestClient) -> None:
    response = http.post(
        "/_admin/seed",
        json={"agentId": AGENT, "phoneNumbers": [fictional(2), fictional(3)], "connectorId": "conn-dev-es"},
    )

    assert response.status_code == 201
    assert response.json() == {"imported": [fictional(2), fictional(3)]}
    routed = http.get(NUMBERS, params={"connectorId": "conn-dev-es"}).json()["phoneNumbers"]
    assert [(n["number"], n["clientEnv"]) for n in routed] == [(fictional(2), "live"), (fictional(3), "live")]


def test_admin_seed_keeps_the_api_rules(http: TestClient) -> None:
    existing = http.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": [SEEDED_ROUTED]})
    assert_envelope(existing, 409, "PHONE_NUMBERS_ALREADY_EXISTS")
    foreign = http.post(
        "/_admin/seed", json={"agentId": AGENT, "phoneNumbers": [fictional(4)], "connectorId": "conn-other-en"}
    )
    assert_envelope(foreign, 404, "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST")
    assert_envelope(
        http.post("/_admin/seed", json={"agentId": "nobody", "phoneNumbers": [fictional(4)]}),
        400,
        "SCHEMA_VALIDATION_FAILED",
    )
    assert_envelope(
        http.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": ["4"]}),
        400,
        "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT",
    )
    assert_envelope(http.get("/_admin/reset"), 405, "METHOD_NOT_ALLOWED")
    assert_still_serving(http)
