"""The API key reaches the wire and nowhere else: not a repr, a log line, nor an exception's text."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from client_stubs import API_KEY, Answer, FakeSleep, Recorder, Script, client_over, envelope
from polyai_telephony import AuthenticatedClient, Client, PolyAI, RetryPolicy
from polyai_telephony.api.phone_numbers import get_phone_number, import_phone_numbers, list_phone_numbers
from polyai_telephony.models import ImportPhoneNumbersRequest

NUMBER = "+442079460123"
BODY = ImportPhoneNumbersRequest.from_dict({"phoneNumbers": [NUMBER]})


def _quick() -> RetryPolicy:
    return RetryPolicy(attempts=2, sleep=FakeSleep())


def _api_error() -> None:
    get_phone_number.sync_detailed(
        "agent-dev", NUMBER, client=client_over(Script(Answer(404, envelope(404, "NOT_FOUND"))), raise_on_error=True)
    )


def _api_error_echoing_the_key() -> None:
    body = {**envelope(401, "AUTH_USER_UNAUTHORISED"), "error_message": f"key {API_KEY} is not valid"}
    list_phone_numbers.sync_detailed("agent-dev", client=client_over(Script(Answer(401, body)), raise_on_error=True))


def _unexpected_status() -> None:
    page = Answer(520, None, {"Content-Type": "text/html"})
    list_phone_numbers.sync_detailed("agent-dev", client=client_over(Script(page), raise_on_error=True))


def _invalid_response_echoing_the_key() -> None:
    list_phone_numbers.sync_detailed("agent-dev", client=client_over(Script(Answer(200, {"echo": API_KEY}))))


def _connect_error_after_retries() -> None:
    script = Script(httpx.ConnectError("connection refused"))
    list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_quick()))


def _read_timeout_on_a_write() -> None:
    script = Script(httpx.ReadTimeout("read timed out"))
    import_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_quick()), body=BODY)


def _async_api_error() -> None:
    client = client_over(Script(Answer(403, envelope(403, "USER_ACCESS_FORBIDDEN"))), raise_on_error=True)
    asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))


FAILURES: list[Callable[[], None]] = [
    _api_error,
    _api_error_echoing_the_key,
    _unexpected_status,
    _invalid_response_echoing_the_key,
    _connect_error_after_retries,
    _read_timeout_on_a_write,
    _async_api_error,
]


@pytest.mark.parametrize("failure", FAILURES, ids=lambda f: f.__name__.strip("_"))
def test_no_exception_text_or_repr_holds_the_key(failure: Callable[[], None]) -> None:
    with pytest.raises(Exception) as raised:
        failure()

    seen: list[str] = []
    error: BaseException | None = raised.value
    while error is not None:  # the whole chain a traceback would print
        seen += [str(error), repr(error), *map(str, error.args)]
        error = error.__cause__ or error.__context__
    seen.append("".join(traceback.format_exception(raised.value)))
    assert all(API_KEY not in text for text in seen)


def test_the_key_is_sent_on_every_attempt() -> None:
    script = Script(Answer(503, envelope(503, "SERVICE_UNAVAILABLE")), Answer(200, {"phoneNumbers": []}))

    list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_quick()))

    assert [r.headers["X-API-KEY"] for r in script.requests] == [API_KEY, API_KEY]


def test_client_repr_hides_the_key_before_and_after_use() -> None:
    client = client_over(Recorder(200, {"phoneNumbers": []}))
    before = repr(client)

    list_phone_numbers.sync_detailed("agent-dev", client=client)
    asyncio.run(list_phone_numbers.asyncio_detailed("agent-dev", client=client))

    for text in (before, repr(client), str(client)):
        assert API_KEY not in text
        assert "AuthenticatedClient(" in text


def test_the_httpx_clients_hold_the_key_only_in_their_auth() -> None:
    client = client_over(Recorder(200, {"phoneNumbers": []}))

    for http in (client.get_httpx_client(), client.get_async_httpx_client()):
        assert "X-API-KEY" not in http.headers
        assert API_KEY not in repr(http.headers)
        assert API_KEY not in repr(http.auth)


def test_derived_clients_keep_the_key_and_hide_it() -> None:
    recorder = Recorder(200, {"phoneNumbers": []})
    client = client_over(recorder).with_headers({"X-Trace": "1"}).with_timeout(httpx.Timeout(3.0))

    list_phone_numbers.sync_detailed("agent-dev", client=client)

    assert recorder.only_request.headers["X-API-KEY"] == API_KEY
    assert API_KEY not in repr(client)


def test_logs_of_a_retried_failing_call_never_hold_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    script = Script(Answer(429, envelope(429, "TOO_MANY_REQUESTS"), {"Retry-After": "1"}), httpx.ConnectError(API_KEY))

    with pytest.raises(httpx.ConnectError):
        list_phone_numbers.sync_detailed("agent-dev", client=client_over(script, retry=_quick()))

    assert caplog.records, "the retry should have been logged"
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in _fields(record)


def test_an_unauthenticated_client_works_without_a_key() -> None:
    recorder = Recorder(401, envelope(401, "AUTH_USER_UNAUTHORISED"))
    client = Client(
        base_url="https://api.us.poly.ai", retry=None, httpx_args={"transport": httpx.MockTransport(recorder)}
    )

    response = list_phone_numbers.sync_detailed("agent-dev", client=client)

    assert response.status_code == 401
    assert "X-API-KEY" not in recorder.only_request.headers


def test_authenticated_client_default_header_is_still_overridable() -> None:
    recorder = Recorder(200, {"phoneNumbers": []})
    client = AuthenticatedClient(
        base_url="https://api.us.poly.ai", token="t0k", httpx_args={"transport": httpx.MockTransport(recorder)}
    )

    list_phone_numbers.sync_detailed("agent-dev", client=client)

    assert recorder.only_request.headers["Authorization"] == "Bearer t0k"


def _fields(record: logging.LogRecord) -> str:
    values: list[Any] = [record.args, *vars(record).values()]
    return " ".join(map(repr, values))


def test_a_key_passed_as_a_plain_header_is_hidden_from_the_repr() -> None:
    """The README's mock example once printed its key this way."""
    client = Client("http://127.0.0.1:8000", headers={"X-API-KEY": API_KEY, "X-Trace": "visible"})

    text = repr(client)

    assert API_KEY not in text
    assert "'X-API-KEY': '<hidden>'" in text and "'X-Trace': 'visible'" in text


def test_cookie_values_are_hidden_from_the_repr() -> None:
    client = Client("http://127.0.0.1:8000", cookies={"session": API_KEY})

    assert API_KEY not in repr(client)
    assert "'session': '<hidden>'" in repr(client)


def test_the_sdk_client_logs_requests_on_polyai_log_debug_with_the_key_redacted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("polyai_telephony")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setenv("POLYAI_LOG", "debug")
    recorder = Recorder(200, {"phoneNumbers": []}, {"X-PolyAI-Correlation-Id": "corr-7"})
    http = httpx.Client(transport=httpx.MockTransport(recorder))

    PolyAI(api_key=API_KEY, agent_id="agent-dev", http_client=http).phone_numbers.list()

    (record,) = [r for r in caplog.records if r.name.startswith("polyai_telephony")]
    message = record.getMessage()
    assert "GET https://api.us.poly.ai/v1/agents/agent-dev/telephony/phone-numbers -> 200" in message
    assert "corr-7" in message and "'x-api-key': '<hidden>'" in message
    assert API_KEY not in message and API_KEY not in _fields(record)
    printed = capsys.readouterr().err
    assert "-> 200" in printed and API_KEY not in printed


def test_the_sdk_client_logs_nothing_without_polyai_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("POLYAI_LOG", raising=False)
    monkeypatch.setattr(logging.getLogger("polyai_telephony"), "level", logging.NOTSET)
    caplog.set_level(logging.WARNING)
    http = httpx.Client(transport=httpx.MockTransport(Recorder(200, {"phoneNumbers": []})))

    PolyAI(api_key=API_KEY, agent_id="agent-dev", http_client=http).phone_numbers.list()

    assert not [r for r in caplog.records if r.name.startswith("polyai_telephony")]
