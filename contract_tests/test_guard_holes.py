"""Each way a request once slipped past the guard, proven closed against the mock on loopback.

The mock stands behind a stand-in gateway that reads paths the way many production front ends
do: it percent-decodes the path, resolves dot segments and empty segments, and upper-cases the
method, before the service routes the request. The guard is called through its ASGI interface
with the raw path as a client put it on the wire, so no client library tidies the path first.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import anyio
import httpx
import pytest

from contract_tests import runner
from contract_tests.guard import GUARD_HEADER, Guard, RealTarget
from contract_tests.retries import Retries, RetryBudget
from contract_tests.target import mock_credentials, serve
from telephony_mock import create_app

AGENT, KEY = mock_credentials(runner.load_settings())
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
CALLS = f"/v1/agents/{AGENT}/telephony/outbound-calls"
SEEDED_NUMBER = "+442079460001"  # agent-dev's seeded number in the mock's default config
NEW_NUMBER = "+442079460555"
ALLOWED_CALL = "+442079460999"


@dataclass
class Gateway:
    """The mock behind a path-normalising front end; `seen` is every request as it reached the front end."""

    url: str
    seen: list[tuple[str, str, str]] = field(default_factory=list)

    def number_status(self, number: str) -> int:
        return httpx.get(f"{self.url}{NUMBERS}/{quote(number, safe='')}", headers={"X-API-KEY": KEY}).status_code

    def import_directly(self, number: str) -> None:
        answer = httpx.post(
            f"{self.url}{NUMBERS}/{quote(number, safe='')}", json={"clientEnv": "sandbox"}, headers={"X-API-KEY": KEY}
        )
        assert answer.status_code == 201, answer.text


@dataclass(frozen=True)
class Failure:
    """The gateway answers the first request to `path` with `status`, after the service acted on it or not."""

    path: str
    status: int
    acted: bool


def _gateway(app: Any, seen: list[tuple[str, str, str]], failure: Failure | None) -> Any:
    failures = [failure] if failure is not None else []

    async def front(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        raw = scope["raw_path"].decode("latin-1")
        seen.append((scope["method"], raw, scope["query_string"].decode("latin-1")))
        path = posixpath.normpath(unquote(raw))
        scope = {**scope, "method": scope["method"].upper(), "path": path, "raw_path": quote(path).encode()}
        if failures and path == failures[0].path:
            failed = failures.pop()
            if failed.acted:
                await app(scope, receive, _discard)
            await send({"type": "http.response.start", "status": failed.status, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return front


async def _discard(message: Any) -> None:
    pass


@pytest.fixture
def gateway(request: pytest.FixtureRequest) -> Iterator[Gateway]:
    seen: list[tuple[str, str, str]] = []
    with serve(_gateway(create_app(admin=True), seen, getattr(request, "param", None))) as url:
        yield Gateway(url, seen)


@pytest.fixture
def guard(gateway: Gateway) -> Iterator[Guard]:
    with Guard(RealTarget(gateway.url, AGENT, KEY, allowed_outbound_number=ALLOWED_CALL)) as guard:
        yield guard


def _send(
    guard: Guard,
    method: str,
    raw_path: str,
    body: Any = None,
    *,
    query: str = "",
    raw: bytes | None = None,
    extra_headers: tuple[tuple[bytes, bytes], ...] = (),
) -> tuple[int, dict[str, str], Any]:
    """Call the guard as a server would, with the path exactly as it came off the wire."""
    content = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    headers = [(b"x-api-key", guard.suite_key.encode()), (b"content-type", b"application/json"), *extra_headers]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": headers,
        "server": ("guard", 80),
        "client": ("127.0.0.1", 1),
    }
    messages: list[MutableMapping[str, Any]] = []
    delivered = False

    async def receive() -> MutableMapping[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": content, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        messages.append(message)

    anyio.run(guard, scope, receive, send)
    start = next(message for message in messages if message["type"] == "http.response.start")
    answer_headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    body_bytes = b"".join(message.get("body", b"") for message in messages if message["type"] == "http.response.body")
    try:
        parsed = json.loads(body_bytes) if body_bytes else None
    except ValueError:
        parsed = body_bytes
    return start["status"], answer_headers, parsed


def _refused(answer: tuple[int, dict[str, str], Any]) -> bool:
    status, headers, _ = answer
    return status == 403 and headers.get(GUARD_HEADER.lower()) == "refused"


def _import(guard: Guard, number: str) -> None:
    status, _, body = _send(guard, "POST", f"{NUMBERS}/{quote(number, safe='')}", {"clientEnv": "sandbox"})
    assert status == 201, body


# ---------------------------------------------------------------------------------------------
# The path is judged as it is sent


@pytest.mark.parametrize("dot", [".", "%2E", "%2e"])
def test_a_dot_segment_cannot_turn_a_single_delete_into_a_batch_delete(
    guard: Guard, gateway: Gateway, dot: str
) -> None:
    answer = _send(guard, "DELETE", f"{NUMBERS}/{dot}", {"phoneNumbers": [SEEDED_NUMBER]})

    assert _refused(answer), answer
    assert gateway.number_status(SEEDED_NUMBER) == 200
    assert not [seen for seen in gateway.seen if seen[0] == "DELETE"]


def test_an_encoded_slash_cannot_carry_an_owned_number_onto_a_connector(guard: Guard, gateway: Gateway) -> None:
    _import(guard, NEW_NUMBER)
    sneaky = f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}%2F..%2F..%2Fconnectors%2Fconn-dev-en"

    answer = _send(guard, "PATCH", sneaky, {"voiceName": "en-GB-Neural2-B"})

    assert _refused(answer), answer
    assert not [seen for seen in gateway.seen if seen[0] == "PATCH"]


def test_an_empty_number_in_the_path_cannot_become_a_batch_delete(guard: Guard, gateway: Gateway) -> None:
    answer = _send(guard, "DELETE", f"{NUMBERS}/", {"phoneNumbers": [SEEDED_NUMBER]})

    assert _refused(answer), answer
    assert gateway.number_status(SEEDED_NUMBER) == 200


def test_a_word_in_place_of_a_number_is_not_a_delete_the_guard_lets_through(guard: Guard, gateway: Gateway) -> None:
    # Digits are what the ownership rule reads; a path value without any must not slip past it.
    answer = _send(guard, "DELETE", f"{NUMBERS}/batch", {"phoneNumbers": [SEEDED_NUMBER]})

    assert _refused(answer), answer
    assert gateway.number_status(SEEDED_NUMBER) == 200


def test_a_method_override_header_cannot_turn_a_batch_read_into_a_batch_delete(guard: Guard, gateway: Gateway) -> None:
    override = ((b"X-HTTP-Method-Override", b"DELETE"),)

    answer = _send(guard, "POST", f"{NUMBERS}/batch", {"phoneNumbers": [SEEDED_NUMBER]}, extra_headers=override)

    assert _refused(answer), answer
    assert "instead of POST" in guard.refusals[-1].reason
    assert not gateway.seen


def test_the_method_is_sent_in_the_case_it_was_judged_in(guard: Guard, gateway: Gateway) -> None:
    status, _, body = _send(guard, "get", f"{NUMBERS}/{quote(SEEDED_NUMBER, safe='')}/")

    assert status == 200, body
    assert gateway.seen[-1][:2] == ("GET", f"{NUMBERS}/{quote(SEEDED_NUMBER, safe='')}")


def test_a_read_goes_out_exactly_as_judged(guard: Guard, gateway: Gateway) -> None:
    status, _, body = _send(guard, "GET", f"{NUMBERS}/%2b442079460001", query="connectorId=a%7Cb")
    odd = _send(guard, "GET", f"/v1/agents/{AGENT}/telephony/connectors/conn%2Fdev")

    assert status == 200, body
    assert gateway.seen[-2] == ("GET", f"{NUMBERS}/%2B442079460001", "connectorId=a%7Cb")
    # An encoded slash in a read stays one segment: whatever the service makes of it, it only reads.
    assert odd[0] != 403 and gateway.seen[-1][1] == f"/v1/agents/{AGENT}/telephony/connectors/conn%2Fdev"
    assert [sent.path for sent in guard.sent] == [
        f"{NUMBERS}/%2B442079460001?connectorId=a%7Cb",
        f"/v1/agents/{AGENT}/telephony/connectors/conn%2Fdev",
    ]


# ---------------------------------------------------------------------------------------------
# The body is read, or the request is refused


def test_a_body_nested_too_deep_to_read_is_refused_not_raised(guard: Guard, gateway: Gateway) -> None:
    depth = 100_000
    raw = b'{"phoneNumbers": ' + b"[" * depth + b"]" * depth + b"}"

    answer = _send(guard, "DELETE", NUMBERS, raw=raw)

    assert _refused(answer), answer
    assert "nest" in guard.refusals[-1].reason
    assert not [seen for seen in gateway.seen if seen[0] == "DELETE"]


@pytest.mark.parametrize(
    "raw",
    [b'{"phoneNumbers": ["+442079460555"]', b"phoneNumbers=%2B442079460001", b'{"phoneNumbers": [NaN]}'],
    ids=["truncated", "form", "nan"],
)
def test_a_body_that_is_not_json_is_refused(guard: Guard, gateway: Gateway, raw: bytes) -> None:
    answer = _send(guard, "DELETE", NUMBERS, raw=raw)

    assert _refused(answer), answer
    assert "cannot read" in guard.refusals[-1].reason


def test_a_key_written_twice_is_refused_since_services_keep_different_ones(guard: Guard, gateway: Gateway) -> None:
    # Python keeps the last value (sandbox), a service may keep the first (live).
    raw = f'{{"clientEnv": "live", "clientEnv": "sandbox", "phoneNumbers": ["{NEW_NUMBER}"]}}'.encode()

    answer = _send(guard, "POST", NUMBERS, raw=raw)

    assert _refused(answer), answer
    assert gateway.number_status(NEW_NUMBER) == 404


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("POST", {"phoneNumbers": [99912345678], "clientEnv": "sandbox"}),
        ("DELETE", {"phoneNumbers": [442079460001]}),
    ],
    ids=["import", "release"],
)
def test_a_phone_number_sent_as_a_json_integer_is_refused(
    guard: Guard, gateway: Gateway, method: str, body: dict[str, Any]
) -> None:
    answer = _send(guard, method, NUMBERS, body)

    assert _refused(answer), answer
    assert "not a JSON string" in guard.refusals[-1].reason
    assert not [seen for seen in gateway.seen if seen[0] == method]


@pytest.mark.parametrize("value", ["live", "LIVE", " live"])
def test_live_in_a_query_parameter_is_refused(guard: Guard, gateway: Gateway, value: str) -> None:
    answer = _send(
        guard,
        "POST",
        f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}",
        {"clientEnv": "sandbox"},
        query=f"clientEnv={quote(value)}",
    )

    assert _refused(answer), answer
    assert "live" in guard.refusals[-1].reason
    assert gateway.number_status(NEW_NUMBER) == 404


def test_live_nested_in_a_body_is_refused(guard: Guard, gateway: Gateway) -> None:
    answer = _send(
        guard, "POST", NUMBERS, {"phoneNumbers": [NEW_NUMBER], "clientEnv": "sandbox", "x": {"clientEnv": "Live"}}
    )

    assert _refused(answer), answer
    assert gateway.number_status(NEW_NUMBER) == 404


# ---------------------------------------------------------------------------------------------
# The record of what the run owns stays true


def test_a_number_imported_released_and_imported_again_is_released_at_teardown(gateway: Gateway) -> None:
    with Guard(RealTarget(gateway.url, AGENT, KEY)) as guard:
        _import(guard, NEW_NUMBER)
        assert _send(guard, "DELETE", f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}")[0] == 200
        _import(guard, NEW_NUMBER)
        assert guard.policy.still_held == [NEW_NUMBER]

    assert gateway.number_status(NEW_NUMBER) == 404
    assert guard.cleanup_log == [f"{NEW_NUMBER}: released"]


def test_a_released_number_is_no_longer_the_runs_to_delete(guard: Guard, gateway: Gateway) -> None:
    _import(guard, NEW_NUMBER)
    assert _send(guard, "DELETE", f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}")[0] == 200
    gateway.import_directly(NEW_NUMBER)  # someone else's import of the same number

    single = _send(guard, "DELETE", f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}")
    batch = _send(guard, "DELETE", NUMBERS, {"phoneNumbers": [NEW_NUMBER]})

    assert _refused(single) and _refused(batch)
    assert gateway.number_status(NEW_NUMBER) == 200


def test_a_number_released_in_a_batch_is_no_longer_held(guard: Guard, gateway: Gateway) -> None:
    _import(guard, NEW_NUMBER)

    status, _, body = _send(guard, "DELETE", NUMBERS, {"phoneNumbers": [NEW_NUMBER]})

    assert status == 200, body
    assert guard.policy.still_held == []


@pytest.mark.parametrize("gateway", [Failure(f"{NUMBERS}/{NEW_NUMBER}", 502, acted=True)], indirect=True)
def test_an_import_that_got_a_server_error_is_released_at_teardown_but_not_changed_before(gateway: Gateway) -> None:
    # One attempt: the record's own correction, without the retry that would follow (test_realism.py).
    with Guard(RealTarget(gateway.url, AGENT, KEY), retries=Retries(RetryBudget(attempts=1))) as guard:
        status, _, _ = _send(guard, "POST", f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}", {"clientEnv": "sandbox"})
        assert status == 502
        assert gateway.number_status(NEW_NUMBER) == 200  # the service imported it all the same
        assert _refused(_send(guard, "DELETE", f"{NUMBERS}/{quote(NEW_NUMBER, safe='')}"))

    assert gateway.number_status(NEW_NUMBER) == 404
    assert guard.cleanup_log == [f"{NEW_NUMBER}: released"]


# ---------------------------------------------------------------------------------------------
# The one outbound call is spent only on a trigger the service may have acted on


def _trigger(guard: Guard, *, key: str | None = None) -> int:
    content = json.dumps({"toNumber": ALLOWED_CALL, "environment": "sandbox"}).encode()
    transport = httpx.ASGITransport(app=guard)

    async def go() -> int:
        async with httpx.AsyncClient(transport=transport, base_url="http://guard") as client:
            answer = await client.post(
                CALLS,
                content=content,
                headers={"X-API-KEY": key or guard.suite_key, "Content-Type": "application/json"},
            )
            return answer.status_code

    return anyio.run(go)


def test_a_trigger_the_service_refused_does_not_spend_the_allowance(guard: Guard) -> None:
    refused = _trigger(guard, key="not-the-runs-key")

    placed = _trigger(guard)

    assert refused == 401
    assert placed == 200
    assert guard.policy.calls_placed == 1
    assert _trigger(guard) == 403  # and then it is spent


@pytest.mark.parametrize("gateway", [Failure(CALLS, 503, acted=False)], indirect=True)
def test_a_trigger_that_failed_on_the_server_spends_the_allowance(guard: Guard) -> None:
    first = _trigger(guard)

    second = _trigger(guard)

    assert first == 503
    assert second == 403
    assert "already placed" in guard.refusals[-1].reason
