"""Outbound calls: a call's life on the mock's clock, scripted outcomes, and the trigger's refusals.

The default config scripts outcomes by dialled number (+447700900100 answers, ...101 is busy,
...102 never answers, ...103 fails); any other number answers. POST /_admin/clock moves the
clock, so no test sleeps.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
import yaml
from mock_support import AGENT, AGENT_2, TestClient, assert_envelope, http_client

from telephony_mock import create_app
from telephony_mock._config import DEFAULT_CONFIG_PATH

CALLS = f"/v1/agents/{AGENT}/telephony/outbound-calls"
TIMING = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())["outbound_calls"]
UNTIL_CALLING = TIMING["queued_seconds"]
UNTIL_ENDED = TIMING["queued_seconds"] + TIMING["calling_seconds"]
RETENTION = TIMING["retention_seconds"]


def _trigger(http: TestClient, **body: Any) -> Any:
    return http.post(CALLS, json={"environment": "sandbox", **body})


def _status(http: TestClient, call_sid: str, environment: str = "sandbox") -> Any:
    return http.get(f"{CALLS}/{call_sid}/status", params={"environment": environment})


def _advance(http: TestClient, seconds: float) -> None:
    assert http.post("/_admin/clock", json={"advanceSeconds": seconds}).status_code == 200


def test_trigger_answers_200_with_an_out_sid_and_queued(http: TestClient) -> None:
    response = _trigger(http, toNumber="+447700900100")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "QUEUED"
    assert body["callSid"].startswith("OUT-")
    assert _status(http, body["callSid"]).json() == {"callSid": body["callSid"], "status": "QUEUED", "reason": ""}


@pytest.mark.parametrize(
    ("number", "outcome", "reason"),
    [
        ("+447700900100", "SUCCESS", ""),
        ("+447700900101", "FAILURE", "The line was busy."),
        ("+447700900102", "FAILURE", "Nobody answered."),
        ("+447700900103", "FAILURE", "The call could not be connected."),
        ("+447700900555", "SUCCESS", ""),  # not scripted: answers
    ],
)
def test_call_moves_from_queued_to_calling_to_its_scripted_outcome(
    http: TestClient, number: str, outcome: str, reason: str
) -> None:
    sid = _trigger(http, toNumber=number).json()["callSid"]

    _advance(http, UNTIL_CALLING)
    assert _status(http, sid).json()["status"] == "CALLING"
    _advance(http, UNTIL_ENDED - UNTIL_CALLING)
    assert _status(http, sid).json() == {"callSid": sid, "status": outcome, "reason": reason}


def test_status_is_kept_for_the_retention_period_then_the_sid_is_unknown(http: TestClient) -> None:
    sid = _trigger(http, toNumber="+447700900100").json()["callSid"]

    _advance(http, UNTIL_ENDED + RETENTION - 1)
    assert _status(http, sid).json()["status"] == "SUCCESS"
    _advance(http, 2)
    assert_envelope(_status(http, sid), 400, "OUTBOUND_CALLS_UNKNOWN_CALL_SID")


def test_status_in_another_environment_is_unknown(http: TestClient) -> None:
    sid = _trigger(http, toNumber="+447700900100").json()["callSid"]

    assert_envelope(_status(http, sid, "live"), 400, "OUTBOUND_CALLS_UNKNOWN_CALL_SID")
    assert_envelope(_status(http, "OUT-no-such-call"), 400, "OUTBOUND_CALLS_UNKNOWN_CALL_SID")


def test_status_without_environment_is_400(http: TestClient) -> None:
    sid = _trigger(http, toNumber="+447700900100").json()["callSid"]

    assert_envelope(http.get(f"{CALLS}/{sid}/status"), 400, "SCHEMA_VALIDATION_FAILED")


def test_another_agents_call_is_unknown_to_this_agent(http: TestClient) -> None:
    sid = _trigger(http, toNumber="+447700900100").json()["callSid"]

    other = f"/v1/agents/{AGENT_2}/telephony/outbound-calls/{sid}/status"
    assert_envelope(http.get(other, params={"environment": "sandbox"}), 400, "OUTBOUND_CALLS_UNKNOWN_CALL_SID")


def test_environment_without_a_connector_is_404(http: TestClient) -> None:
    # agent-dev has connectors in live and sandbox only.
    assert_envelope(_trigger(http, toNumber="+447700900100", environment="pre-release"), 404, "CONNECTORS_NOT_FOUND")


def test_variant_without_a_connector_in_the_environment_is_404(http: TestClient) -> None:
    assert_envelope(_trigger(http, toNumber="+447700900100", variantId="no-such-variant"), 404, "CONNECTORS_NOT_FOUND")


def test_environment_not_enabled_for_outbound_calls_is_400(http: TestClient) -> None:
    # agent-dev-2 has outbound calling in sandbox only.
    response = http.post(
        f"/v1/agents/{AGENT_2}/telephony/outbound-calls", json={"toNumber": "+447700900100", "environment": "live"}
    )

    assert_envelope(response, 400, "OUTBOUND_CALLS_NOT_CONFIGURED")


def test_national_number_with_country_code_is_dialled_in_e164(http: TestClient) -> None:
    # 07700 900101 is +447700900101, scripted busy: the outcome proves how the number was read.
    sid = _trigger(http, toNumber="07700 900101", countryCode="GB").json()["callSid"]

    _advance(http, UNTIL_ENDED)
    assert _status(http, sid).json()["reason"] == "The line was busy."


@pytest.mark.parametrize(
    "body",
    [
        {"toNumber": "07700 900101"},  # national, without countryCode
        {"toNumber": "not a number", "countryCode": "GB"},
        {"toNumber": "+0447700900101"},
    ],
)
def test_malformed_number_is_400(http: TestClient, body: dict[str, str]) -> None:
    assert_envelope(_trigger(http, **body), 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")


def test_invalid_environment_is_400(http: TestClient) -> None:
    assert_envelope(_trigger(http, toNumber="+447700900100", environment="staging"), 400, "SCHEMA_VALIDATION_FAILED")


def _metadata_of_base64_size(size: int) -> dict[str, str]:
    # {"k":"<v>"} is 8 bytes of JSON around the value; base64 turns 3 bytes into 4.
    value = "x" * (size // 4 * 3 - 8)
    metadata = {"k": value}
    assert len(base64.b64encode(orjson.dumps(metadata))) == size
    return metadata


def test_metadata_under_the_limit_is_accepted_and_at_the_limit_is_400(http: TestClient) -> None:
    limit = http.app.state.mock.spec.document["x-limits"]["maxCallMetadataBase64Bytes"]  # type: ignore[attr-defined]

    assert _trigger(http, toNumber="+447700900100", metadata=_metadata_of_base64_size(limit - 4)).status_code == 200
    response = _trigger(http, toNumber="+447700900100", metadata=_metadata_of_base64_size(limit))
    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")


def test_metadata_values_must_be_strings(http: TestClient) -> None:
    response = _trigger(http, toNumber="+447700900100", metadata={"attempt": 2})

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")


def test_a_call_unfolds_on_the_wall_clock_the_mock_is_given_and_the_admin_clock_moves_on_from_it() -> None:
    # A replay of recorded traffic gives each request's recorded time, which may lie in the past.
    now = [1_000_000.0]
    with http_client(create_app(admin=True, wall_clock=lambda: now[0])) as http:
        sid = _trigger(http, toNumber="+447700900101").json()["callSid"]
        now[0] += UNTIL_CALLING
        assert _status(http, sid).json()["status"] == "CALLING"
        _advance(http, UNTIL_ENDED - UNTIL_CALLING)
        assert _status(http, sid).json() == {"callSid": sid, "status": "FAILURE", "reason": "The line was busy."}


def test_clock_only_moves_forward(http: TestClient) -> None:
    assert_envelope(http.post("/_admin/clock", json={"advanceSeconds": -1}), 400, "SCHEMA_VALIDATION_FAILED")


# -- connector voices (the same config lists the voices the service can synthesise) -------------

CONNECTOR = f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en"


def test_voice_update_sets_tts_language_from_the_voice_name(http: TestClient) -> None:
    response = http.patch(CONNECTOR, json={"voiceName": "es-ES-Neural2-A"})

    assert response.status_code == 200, response.text
    assert (response.json()["voiceName"], response.json()["ttsLangCode"]) == ("es-ES-Neural2-A", "es-ES")
    assert http.get(CONNECTOR).json()["ttsLangCode"] == "es-ES"


def test_voice_the_service_cannot_synthesise_is_400_and_changes_nothing(http: TestClient) -> None:
    before = http.get(CONNECTOR).json()

    assert_envelope(http.patch(CONNECTOR, json={"voiceName": "Amy"}), 400, "CONNECTORS_VALIDATION_FAILED")
    assert http.get(CONNECTOR).json() == before


def test_unknown_voice_in_a_batch_update_fails_only_its_own_result(http: TestClient) -> None:
    updates = [
        {"connectorId": "conn-dev-en", "voiceName": "xx-XX-Nonexistent-Z"},
        {"connectorId": "conn-dev-es", "voiceName": "es-ES-Neural2-A"},
    ]
    response = http.patch(f"/v1/agents/{AGENT}/telephony/connectors/batch", json={"updates": updates})

    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert (first["success"], first["error"]) == (False, "CONNECTORS_VALIDATION_FAILED")
    assert second["success"] is True and second["data"]["ttsLangCode"] == "es-ES"


def test_null_variant_unassigns_it(http: TestClient) -> None:
    http.patch(CONNECTOR, json={"variantId": "variant-7"})

    assert http.patch(CONNECTOR, json={"variantId": None}).json()["variantId"] == ""
