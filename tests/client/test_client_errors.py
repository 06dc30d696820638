"""Typed errors of the generated client, statuses outside the contract, and bodies that are not JSON."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from client_stubs import Answer, Recorder, Script, client_over, envelope
from openapi_cases import DocumentedResponse, documented_responses
from polyai_telephony import ApiError, AuthenticatedClient, InvalidResponse, PolyAIError, ServerError, UnexpectedStatus
from polyai_telephony.api.phone_numbers import get_phone_number, list_phone_numbers
from polyai_telephony.errors import error_class
from polyai_telephony.models import Error

ERRORS = [r for r in documented_responses() if not r.is_success]
CLOUDFLARE_520 = b"<html><body><h1>520: Web server is returning an unknown error</h1></body></html>"


@pytest.mark.parametrize("case", ERRORS, ids=str)
def test_documented_error_raises_api_error_with_the_envelope(case: DocumentedResponse) -> None:
    recorder = Recorder(status=case.status, body=case.fresh_body(), headers={"X-PolyAI-Correlation-Id": "corr-1"})
    client = client_over(recorder, retry=None, raise_on_error=True)

    with pytest.raises(ApiError) as raised:
        case.operation.call(client)

    error = raised.value
    assert type(error) is error_class(case.status), "a documented status raises its status class, not UnexpectedStatus"
    assert error.status_code == case.status
    assert isinstance(error.envelope, Error)
    assert error.error_code == case.body["error_code"]
    assert error.error_id == case.body["error_id"]
    assert error.error_message == case.body["error_message"]
    assert case.body["error_code"] in str(error)
    assert case.body["error_id"] in str(error)
    assert str(case.status) in str(error)


def test_without_raise_on_error_an_error_returns_the_envelope() -> None:
    script = Script(Answer(404, envelope(404, "PHONE_NUMBERS_NOT_FOUND")))

    number = get_phone_number.sync("agent-dev", "+442079460999", client=client_over(script))

    assert isinstance(number, Error)
    assert number.error_code == "PHONE_NUMBERS_NOT_FOUND"


def test_an_undocumented_error_status_raises_unexpected_status() -> None:
    """409 is not declared on getPhoneNumber."""
    script = Script(Answer(409, envelope(409, "PHONE_NUMBERS_ALREADY_EXISTS")))

    with pytest.raises(UnexpectedStatus) as raised:
        get_phone_number.sync_detailed("agent-dev", "+442079460123", client=client_over(script, raise_on_error=True))

    assert raised.value.status_code == 409
    assert raised.value.error_code == "PHONE_NUMBERS_ALREADY_EXISTS"
    assert isinstance(raised.value, ApiError)


def test_520_is_returned_as_a_plain_status_without_raising() -> None:
    response = list_phone_numbers.sync_detailed("agent-dev", client=client_over(Recorder520()))

    assert response.status_code == 520
    assert response.parsed is None
    assert response.content == CLOUDFLARE_520


def test_520_raises_unexpected_status_when_asked() -> None:
    with pytest.raises(UnexpectedStatus) as raised:
        list_phone_numbers.sync_detailed("agent-dev", client=client_over(Recorder520(), raise_on_error=True))

    error = raised.value
    assert error.status_code == 520
    assert error.envelope is None
    assert error.error_code is None
    assert error.error_id == "corr-520"
    assert "520" in str(error)
    assert "unknown error" in str(error)


def test_520_from_a_raw_asgi_app_raises_cleanly() -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": 520, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": CLOUDFLARE_520})

    client = AuthenticatedClient(
        base_url="http://telephony.test",
        token="polyai-asgi-key",
        auth_header_name="X-API-KEY",
        prefix="",
        raise_on_error=True,
        httpx_args={"transport": httpx.ASGITransport(app=app)},
    )

    with pytest.raises(UnexpectedStatus) as raised:
        asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    assert raised.value.status_code == 520
    assert "polyai-asgi-key" not in str(raised.value)


def test_an_error_body_that_is_not_json_raises_with_the_raw_body() -> None:
    client = client_over(_html(502, b"<html>Bad gateway</html>"), retry=None, raise_on_error=True)

    with pytest.raises(ApiError) as raised:
        list_phone_numbers.sync_detailed("agent-dev", client=client)

    assert type(raised.value) is ServerError
    assert raised.value.status_code == 502
    assert raised.value.envelope is None
    assert raised.value.content == b"<html>Bad gateway</html>"


def test_an_error_body_that_is_not_json_parses_to_none_without_raising() -> None:
    response = list_phone_numbers.sync_detailed(
        "agent-dev", client=client_over(_html(502, b"<html>Bad gateway</html>"), retry=None)
    )

    assert response.status_code == 502
    assert response.parsed is None


def test_a_success_body_that_breaks_the_contract_raises_invalid_response() -> None:
    script = Script(Answer(200, {"numbers": "not the documented shape"}))

    with pytest.raises(InvalidResponse) as raised:
        list_phone_numbers.sync_detailed("agent-dev", client=client_over(script))

    assert raised.value.status_code == 200
    assert isinstance(raised.value.__cause__, KeyError)
    assert isinstance(raised.value, PolyAIError)


def test_an_undocumented_success_status_raises_only_with_raise_on_unexpected_status() -> None:
    quiet = list_phone_numbers.sync_detailed("agent-dev", client=client_over(Script(Answer(204))))
    assert quiet.status_code == 204
    assert quiet.parsed is None

    with pytest.raises(UnexpectedStatus) as raised:
        list_phone_numbers.sync_detailed(
            "agent-dev", client=client_over(Script(Answer(204)), raise_on_unexpected_status=True)
        )
    assert raised.value.status_code == 204


def test_api_error_reports_retry_after() -> None:
    script = Script(Answer(429, envelope(429, "TOO_MANY_REQUESTS"), {"Retry-After": "7"}))

    with pytest.raises(ApiError) as raised:
        list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=None, raise_on_error=True))

    assert raised.value.retry_after == 7.0
    assert raised.value.error_code == "TOO_MANY_REQUESTS"


class Recorder520:
    """A proxy's 520: an HTML page and a correlation id, but no envelope."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            520, content=CLOUDFLARE_520, headers={"Content-Type": "text/html", "X-PolyAI-Correlation-Id": "corr-520"}
        )


def _html(status: int, page: bytes) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=page, headers={"Content-Type": "text/html"})

    return handler
