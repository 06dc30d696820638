"""Auth, HTTP protocol and hostile input: always the 4xx envelope, never a 5xx, still serving after.

These send raw requests, because the generated client cannot be made to send broken ones.
"""

from __future__ import annotations

import json

import pytest
from mock_support import (
    AGENT,
    CORRELATION,
    OTHER_AGENT,
    SEEDED_ROUTED,
    TestClient,
    assert_envelope,
    assert_still_serving,
    fictional,
    http_client,
)
from starlette.applications import Starlette

NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
JSON = {"content-type": "application/json"}


# -- auth -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "polyai-mock-dev-key-wrong"])
def test_auth_missing_or_unknown_key_is_401(app: Starlette, key: str | None) -> None:
    with http_client(app, key) as http:
        assert_envelope(http.get(NUMBERS), 401, "AUTH_USER_UNAUTHORISED")
        # 401 comes first: before routing, validation and the agent check.
        assert_envelope(http.get("/v1/agents/agent-dev/telephony/no-such-thing"), 401, "AUTH_USER_UNAUTHORISED")
        assert_envelope(http.get(f"{NUMBERS}/not-a-number"), 401, "AUTH_USER_UNAUTHORISED")
        assert_envelope(http.get("/v1/agents/agent-nobody/telephony/phone-numbers"), 401, "AUTH_USER_UNAUTHORISED")


def test_auth_agent_of_another_account_is_403(http: TestClient) -> None:
    assert_envelope(http.get(f"/v1/agents/{OTHER_AGENT}/telephony/phone-numbers"), 403, "USER_ACCESS_FORBIDDEN")
    response = http.post(f"/v1/agents/{OTHER_AGENT}/telephony/phone-numbers", json={"phoneNumbers": [fictional(1)]})
    assert_envelope(response, 403, "USER_ACCESS_FORBIDDEN")


def test_auth_unknown_agent_is_403_like_another_accounts(http: TestClient) -> None:
    # The same answer as for an agent of another account, so agent ids cannot be probed.
    assert_envelope(http.get("/v1/agents/agent-nobody/telephony/phone-numbers"), 403, "USER_ACCESS_FORBIDDEN")
    assert_envelope(http.get("/v1/agents/agent%2Fdev/telephony/phone-numbers"), 403, "USER_ACCESS_FORBIDDEN")


# -- routing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/v2/agents/agent-dev/telephony/phone-numbers",
        "/v1/agents/agent-dev/telephony/fax-numbers",
        f"{NUMBERS}/",
        f"{NUMBERS}/%2B442079460001/extra",
        "/v1/agents//telephony/phone-numbers",
        "/v1/agents/agent-dev/telephony/connectors/",
    ],
)
def test_unknown_path_is_404_envelope(http: TestClient, path: str) -> None:
    assert_envelope(http.get(path), 404, "NOT_FOUND")
    assert_still_serving(http)


def test_unknown_path_outside_v1_is_404_even_without_a_key(app: Starlette) -> None:
    with http_client(app, None) as http:
        assert_envelope(http.get("/favicon.ico"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", NUMBERS, "DELETE, GET, POST"),
        ("PATCH", NUMBERS, "DELETE, GET, POST"),
        ("HEAD", NUMBERS, "DELETE, GET, POST"),
        ("PUT", f"{NUMBERS}/%2B442079460001", "DELETE, GET, PATCH, POST"),
        ("PUT", f"{NUMBERS}/batch", "POST"),
        ("GET", f"{NUMBERS}/batch", "POST"),
        ("DELETE", f"/v1/agents/{AGENT}/telephony/connectors/batch", "PATCH, POST"),
        ("GET", f"/v1/agents/{AGENT}/telephony/connectors/lookup", "POST"),
        ("POST", f"/v1/agents/{AGENT}/telephony/connectors", "GET"),
    ],
)
def test_wrong_method_on_a_known_path_is_405_with_allow(http: TestClient, method: str, path: str, allow: str) -> None:
    response = http.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert_still_serving(http)


def test_static_path_wins_over_a_template_for_every_method(http: TestClient) -> None:
    # OpenAPI matches concrete paths before templated ones: PATCH .../phone-numbers/batch is not
    # reassignPhoneNumber("batch").
    response = http.patch(f"{NUMBERS}/batch", json={"connectorId": "conn-dev-en"})

    assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


# -- bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"not json",
        b'{"phoneNumbers": ["+442079460123",]}',
        b"\xff\xfe{}",
        b"\xef\xbb\xbf{}",
        b"NaN",
        b"[Infinity]",
    ],
)
def test_malformed_json_is_400_malformed_json(http: TestClient, body: bytes) -> None:
    assert_envelope(http.post(NUMBERS, content=body, headers=JSON), 400, "SCHEMA_VALIDATION_FAILED")
    assert_still_serving(http)


def test_unpaired_surrogate_is_400_malformed_json(http: TestClient) -> None:
    body = b'{"connectorId": "conn-\\ud800"}'
    response = http.patch(f"{NUMBERS}/%2B{SEEDED_ROUTED[1:]}", content=body, headers=JSON)

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert_still_serving(http)


def test_deeply_nested_json_is_400_not_a_crash(http: TestClient) -> None:
    body = b'{"phoneNumbers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    response = http.post(NUMBERS, content=body, headers=JSON)

    assert response.status_code == 400
    assert response.json()["error_code"] == "SCHEMA_VALIDATION_FAILED"
    assert_still_serving(http)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None])
def test_wrong_content_type_is_415(http: TestClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = http.post(NUMBERS, content=json.dumps({"phoneNumbers": [fictional(1)]}).encode(), headers=headers)

    assert_envelope(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_still_serving(http)


def test_json_content_type_with_charset_is_accepted(http: TestClient) -> None:
    body = json.dumps({"phoneNumbers": [fictional(1)]}).encode()
    response = http.post(NUMBERS, content=body, headers={"content-type": "Application/JSON; charset=utf-8"})

    assert response.status_code == 201
    assert response.json() == {"imported": [fictional(1)]}


def test_required_body_missing_is_400(http: TestClient) -> None:
    assert_envelope(http.post(NUMBERS, headers=JSON), 400, "SCHEMA_VALIDATION_FAILED")
    lookup = http.post(f"/v1/agents/{AGENT}/telephony/connectors/batch", headers=JSON)
    assert_envelope(lookup, 400, "CONNECTORS_VALIDATION_FAILED")


@pytest.mark.parametrize(
    "body",
    [[], "phoneNumbers", {}, {"phoneNumbers": []}, {"phoneNumbers": "+442079460123"}, {"phoneNumbers": [None]}],
)
def test_body_not_matching_the_schema_is_400(http: TestClient, body: object) -> None:
    response = http.post(NUMBERS, json=body)

    assert response.status_code == 400
    assert response.json()["error_code"] in {"SCHEMA_VALIDATION_FAILED", "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"}
    assert_envelope(response, 400, response.json()["error_code"])


def test_unknown_property_is_400_request_validation_failed(http: TestClient) -> None:
    response = http.post(NUMBERS, json={"phoneNumbers": [fictional(1)], "projectId": "proj-other"})

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")


def test_unknown_client_env_is_400(http: TestClient) -> None:
    response = http.post(NUMBERS, json={"phoneNumbers": [fictional(1)], "clientEnv": "production"})

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")


def test_body_of_10_mb_is_413(http: TestClient) -> None:
    body = b'{"phoneNumbers": ["' + b"1" * (10 * 1024 * 1024) + b'"]}'

    assert_envelope(http.post(NUMBERS, content=body, headers=JSON), 413, "PAYLOAD_TOO_LARGE")
    assert_still_serving(http)


def test_body_over_the_limit_without_content_length_is_413(http: TestClient) -> None:
    def chunks():
        # A streamed (chunked) body: the limit must hold while reading, not from a header.
        yield b'{"phoneNumbers": ["'
        for _ in range(20):
            yield b"1" * 100_000
        yield b'"]}'

    response = http.post(NUMBERS, content=chunks(), headers=JSON)

    assert_envelope(response, 413, "PAYLOAD_TOO_LARGE")
    assert_still_serving(http)


def test_body_at_the_limit_is_read(app: Starlette, http: TestClient) -> None:
    limit = app.state.mock.spec.max_body_bytes
    prefix, suffix = b'{"phoneNumbers": ["+442079460123"], "x": "', b'"}'
    body = prefix + b"a" * (limit - len(prefix) - len(suffix)) + suffix
    assert len(body) == limit

    # Read in full and validated: rejected for the unknown property, not for its size.
    assert_envelope(http.post(NUMBERS, content=body, headers=JSON), 400, "SCHEMA_VALIDATION_FAILED")


def test_batch_over_max_items_is_400(app: Starlette, http: TestClient) -> None:
    cap = app.state.mock.spec.max_batch_items
    numbers = [f"+4477009{i:05d}" for i in range(cap + 1)]

    response = http.post(f"{NUMBERS}/batch", json={"phoneNumbers": numbers})

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    at_cap = http.post(f"{NUMBERS}/batch", json={"phoneNumbers": numbers[:cap]})
    assert at_cap.status_code == 200
    assert len(at_cap.json()["notFound"]) == cap


def test_batch_of_100k_items_is_rejected_with_4xx(http: TestClient) -> None:
    numbers = [f"+447700{i:06d}" for i in range(100_000)]

    response = http.request("DELETE", NUMBERS, json={"phoneNumbers": numbers})

    # Over the body limit as well as over maxItems: whichever is found first, nothing is deleted.
    assert response.status_code in {400, 413}
    assert_envelope(response, response.status_code, response.json()["error_code"])
    assert_still_serving(http)


# -- odd unicode and encodings --------------------------------------------------------------------


def _in_digits(zero: int, number: str = "+442079460001") -> str:
    """`number` with its ASCII digits replaced by another script's, whose zero is at `zero`."""
    return number.translate({ord("0") + d: zero + d for d in range(10)})


@pytest.mark.parametrize(
    "number",
    [
        _in_digits(0xFF10),  # full-width digits
        _in_digits(0x0660),  # Arabic-Indic digits
        _in_digits(0x06F0),  # Extended Arabic-Indic (Persian) digits
        _in_digits(0x0966),  # Devanagari digits
        _in_digits(0x1D7CE),  # mathematical bold digits
        "+44" + _in_digits(0xFF10, "2") + "079460001",  # one full-width digit among ASCII ones
        "+442079460001\n",  # trailing newline: `$` must not match before it
        "\n+442079460001",
        " +442079460001",
        "+442079460001 ",
        "+44\u00a02079460001",  # no-break space
        "+44\u200b2079460001",  # zero-width space
        "\uff0b442079460001",  # full-width plus
        "+442079460001\u0000",
    ],
)
def test_odd_unicode_number_is_400_invalid_format_in_body_and_path(http: TestClient, number: str) -> None:
    body = http.post(NUMBERS, json={"phoneNumbers": [number]})
    assert_envelope(body, 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")

    from urllib.parse import quote

    path = http.get(f"{NUMBERS}/{quote(number, safe='')}")
    assert_envelope(path, 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")
    assert http.get(NUMBERS).json()["phoneNumbers"][0]["number"] == SEEDED_ROUTED
    assert_still_serving(http)


def test_invalid_utf8_in_path_is_400_not_a_crash(http: TestClient) -> None:
    assert_envelope(http.get(f"{NUMBERS}/%2B44%FF%FE"), 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")
    assert_envelope(http.get("/v1/agents/agent-%FF/telephony/phone-numbers"), 403, "USER_ACCESS_FORBIDDEN")


def test_odd_query_values_are_handled(http: TestClient) -> None:
    for query in ["connectorId=", "connectorId=%FF", "connectorId=conn-dev-en&connectorId=x", "x=1", "connectorId"]:
        response = http.get(f"{NUMBERS}?{query}")
        assert response.status_code in {200, 400}, query
        if response.status_code == 400:
            assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert [n["number"] for n in http.get(f"{NUMBERS}?connectorId=conn-dev-en").json()["phoneNumbers"]] == [
        SEEDED_ROUTED
    ]


# -- envelope and correlation -------------------------------------------------------------------


def test_every_answer_has_a_distinct_correlation_id_equal_to_error_id(http: TestClient) -> None:
    answers = [http.get(NUMBERS), http.get(f"{NUMBERS}/%2B1"), http.get("/nope"), http.put(NUMBERS)]

    ids = [answer.headers[CORRELATION] for answer in answers]
    assert len(set(ids)) == len(ids)
    for answer in answers[1:]:
        assert answer.json()["error_id"] == answer.headers[CORRELATION]
        assert answer.json()["error"] == answer.json()["error_message"]  # a message, as PolyAI's examples have it
