"""Input the mock refuses in the envelope instead of failing on: bodies nested too deep, charsets
other than UTF-8, fault headers out of range; and the access log, which never holds the key."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import yaml
from mock_support import (
    AGENT,
    SEEDED_ROUTED,
    TestClient,
    assert_envelope,
    assert_still_serving,
    fictional,
    http_client,
)
from starlette.applications import Starlette

from telephony_mock import create_app

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
MAX_DEPTH = SPEC["x-limits"]["maxJsonDepth"]
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
JSON = {"content-type": "application/json"}


def _body_operations() -> list[tuple[str, str]]:
    """Every operation that takes a body, with its path filled in for the dev agent."""
    found = []
    for template, item in SPEC["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                path = (
                    template.replace("{agentId}", AGENT)
                    .replace("{phoneNumber}", f"%2B{SEEDED_ROUTED[1:]}")
                    .replace("{connectorId}", "conn-dev-en")
                )
                assert "{" not in path, f"no value for a parameter of {template}"
                found.append((method.upper(), path))
    return found


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(("method", "path"), _body_operations())
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 500, 979])
def test_a_body_nested_past_the_limit_is_400_on_every_operation(
    http: TestClient, method: str, path: str, depth: int
) -> None:
    response = http.request(method, path, content=_nested(depth), headers=JSON)

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert str(MAX_DEPTH) in response.json()["error"]


def test_a_body_nested_inside_an_object_is_counted_too(http: TestClient) -> None:
    body = b'{"phoneNumbers": ' + b'{"a": ' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH + b"}"

    response = http.post(NUMBERS, content=body, headers=JSON)

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert "deeper than" in response.json()["error"]


def test_a_body_at_the_depth_limit_reaches_the_schema(http: TestClient) -> None:
    response = http.post(NUMBERS, content=_nested(MAX_DEPTH), headers=JSON)

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert "deeper than" not in response.json()["error"]
    assert_still_serving(http)


def test_admin_bodies_have_the_depth_limit_too(http: TestClient) -> None:
    response = http.post("/_admin/seed", content=_nested(400), headers=JSON)

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=utf-16",
        "application/json; charset=UTF-16LE",
        "application/json; charset=latin-1",
        'application/json; charset="iso-8859-1"',
    ],
)
def test_a_charset_other_than_utf8_is_415(http: TestClient, content_type: str) -> None:
    body = json.dumps({"phoneNumbers": [fictional(1)]})
    encoding = "utf-16" if "16" in content_type else "latin-1"

    response = http.post(NUMBERS, content=body.encode(encoding), headers={"content-type": content_type})

    assert_envelope(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "UTF-8" in response.json()["error"]


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "utf8"])
def test_a_utf8_charset_is_read(http: TestClient, charset: str) -> None:
    body = json.dumps({"phoneNumbers": [fictional(2)]}).encode()

    response = http.post(NUMBERS, content=body, headers={"content-type": f"application/json; charset={charset}"})

    assert response.status_code == 201, response.text


@pytest.mark.parametrize("retry_after", ["9" * 5000, "86401", "-1", "1.5", "soon", "Mon, 99 Foo 2026 00:00:00 GMT"])
def test_a_fault_header_retry_after_out_of_range_is_400(http: TestClient, retry_after: str) -> None:
    response = http.get(NUMBERS, headers={"X-Mock-Fault": f"status=429; retry-after={retry_after}"})

    assert_envelope(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert "retry-after" in response.json()["error"]
    assert "retry-after" not in response.headers


@pytest.mark.parametrize("retry_after", ["0", "86400", "Wed, 21 Oct 2026 07:28:00 GMT"])
def test_a_fault_header_retry_after_in_range_is_sent(http: TestClient, retry_after: str) -> None:
    response = http.get(NUMBERS, headers={"X-Mock-Fault": f"status=429; retry-after={retry_after}"})

    assert_envelope(response, 429, "TOO_MANY_REQUESTS")
    assert response.headers["retry-after"] == retry_after


def test_the_access_log_has_one_line_per_request_and_never_the_key(caplog: pytest.LogCaptureFixture) -> None:
    app: Starlette = create_app(access_log=True, validate_responses=True)
    try:
        client = http_client(app)
        with caplog.at_level(logging.INFO, logger="telephony_mock.access"):
            ok = client.get(NUMBERS, params={"connectorId": "conn-dev-en"})
            refused = client.post(NUMBERS, content=b"{", headers=JSON)
        lines = [record.getMessage() for record in caplog.records if record.name == "telephony_mock.access"]
    finally:
        app.state.mock.store.close()

    assert len(lines) == 2, lines
    for line, response, method in ((lines[0], ok, "GET"), (lines[1], refused, "POST")):
        assert f" {method} {NUMBERS} {response.status_code} " in line
        assert response.headers["x-polyai-correlation-id"] in line
        assert "ms " in line
        assert "polyai-mock-dev-key" not in line
        assert "conn-dev-en" not in line  # the query string stays out too


def test_without_access_log_nothing_is_logged(app: Starlette, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="telephony_mock.access"):
        http_client(app).get(NUMBERS)

    assert not [record for record in caplog.records if record.name == "telephony_mock.access"]
