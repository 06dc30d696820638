"""Requests the HTTP parser itself refuses are answered in the envelope, on both server stacks.

Raw bytes over a socket, since no HTTP client sends a broken request line. The mock runs as users
run it (`python -m telephony_mock`), once on the default stack (httptools and uvloop, installed by
the project) and once on the h11 fallback (`--http h11`).
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path

import pytest
import yaml
from live_server import API_KEY, MockProcess

from telephony_contract import HTTP_METHODS
from telephony_mock._server import default_stack

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
CORRELATION = "x-polyai-correlation-id"
NUMBERS = "/v1/agents/agent-dev/telephony/phone-numbers"
# The methods the contract declares on NUMBERS: what a 405 there must offer in Allow.
NUMBERS_METHODS = {
    method.upper() for method in SPEC["paths"]["/v1/agents/{agentId}/telephony/phone-numbers"] if method in HTTP_METHODS
}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def envelope(self) -> dict[str, object]:
        body = json.loads(self.body)
        assert isinstance(body, dict)
        assert body["success"] is False
        assert body["error_code"] in SPEC["x-error-codes"]
        assert SPEC["x-error-codes"][body["error_code"]]["status"] == self.status
        assert body["error_id"] == self.headers[CORRELATION]
        return body


class _KeepOpen(BufferedReader):
    """A reader that http.client.HTTPResponse cannot close, so that several answers can be read
    one after another from the same connection."""

    def close(self) -> None:
        pass


class _Connection:
    """What http.client.HTTPResponse needs of a socket: a reader of it."""

    def __init__(self, sock: socket.socket) -> None:
        self._reader = _KeepOpen(socket.SocketIO(sock, "rb"))

    def makefile(self, mode: str) -> BufferedReader:
        return self._reader


def exchange(base_url: str, *writes: bytes, answers: int, then_closed: bool = False) -> list[Answer]:
    """Send `writes` as separate TCP segments and read `answers` answers; with `then_closed`, also
    require that the server then closes the connection."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for index, data in enumerate(writes):
            if index:
                time.sleep(0.05)  # so the server reads each write apart
            sock.sendall(data)
        connection = _Connection(sock)
        received = []
        for _ in range(answers):
            response = http.client.HTTPResponse(connection)  # type: ignore[arg-type]
            response.begin()
            headers = {name.lower(): value for name, value in response.getheaders()}
            received.append(Answer(response.status, headers, response.read()))
        if then_closed:
            assert sock.recv(1) == b"", "the connection stayed open"
    return received


def request(method: bytes, path: str = NUMBERS, key: str = API_KEY) -> bytes:
    return method + b" " + path.encode() + b" HTTP/1.1\r\nHost: mock\r\nX-API-KEY: " + key.encode() + b"\r\n\r\n"


@pytest.fixture(scope="module", params=["default", "h11"])
def mock(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockProcess]:
    extra = ("--http", "h11") if request.param == "h11" else ()
    process = MockProcess(tmp_path_factory.mktemp(request.param) / "mock.log", extra_args=extra)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def test_the_default_stack_is_the_c_parser_and_uvloop_where_installed(tmp_path: Path) -> None:
    # The project installs both (pyproject.toml), so here the default must be the fast stack.
    assert (default_stack().http, default_stack().loop) == ("httptools", "uvloop")
    process = MockProcess(tmp_path / "mock.log")
    process.start()
    process.stop()
    assert "server: uvicorn with httptools and uvloop" in process.log_path.read_text()


@pytest.mark.parametrize("method", [b"CONNECT-ME", b"PURGE2", b"FETCH"])
def test_an_unknown_method_reaches_the_app_and_gets_405_with_allow(mock: MockProcess, method: bytes) -> None:
    [answer] = exchange(mock.base_url, request(method), answers=1)
    assert answer.status == 405
    assert answer.envelope()["error_code"] == "METHOD_NOT_ALLOWED"
    assert {m.strip() for m in answer.headers["allow"].split(",")} == NUMBERS_METHODS


def test_an_unknown_method_is_authenticated_like_any_request(mock: MockProcess) -> None:
    [answer] = exchange(mock.base_url, request(b"CONNECT-ME", key="not-a-key"), answers=1)
    assert answer.status == 401
    assert answer.envelope()["error_code"] == "AUTH_USER_UNAUTHORISED"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"GARBAGE\r\n\r\n", id="no-target-no-version"),
        pytest.param(b"GET " + NUMBERS.encode() + b" HTTP/1.1\r\nHost mock\r\n\r\n", id="header-without-colon"),
        pytest.param(b"GET /v1/a b/c HTTP/1.1\r\nHost: mock\r\n\r\n", id="space-in-target"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32), id="tls-hello"),
    ],
)
def test_an_unreadable_request_is_a_400_envelope_and_the_connection_closes(mock: MockProcess, raw: bytes) -> None:
    [answer] = exchange(mock.base_url, raw, answers=1, then_closed=True)
    assert answer.status == 400
    assert answer.envelope()["error_code"] == "SCHEMA_VALIDATION_FAILED"
    assert answer.headers["content-type"] == "application/json"


def test_an_unknown_http_version_is_refused_in_the_envelope(mock: MockProcess) -> None:
    # httptools refuses it as unreadable; h11 reads it and the app answers (here 401: no key).
    raw = b"GET " + NUMBERS.encode() + b" HTTP/9.9\r\nHost: mock\r\n\r\n"
    [answer] = exchange(mock.base_url, raw, answers=1)
    assert 400 <= answer.status < 500
    answer.envelope()


def test_a_method_split_across_two_reads_is_still_answered_by_the_app(mock: MockProcess) -> None:
    whole = request(b"CONNECT-ME")
    [answer] = exchange(mock.base_url, whole[:4], whole[4:], answers=1)
    assert answer.status == 405
    assert answer.envelope()["error_code"] == "METHOD_NOT_ALLOWED"


def test_an_unknown_method_after_a_good_request_on_one_connection(mock: MockProcess) -> None:
    (good, refused) = exchange(mock.base_url, request(b"GET"), request(b"CONNECT-ME"), answers=2)
    assert good.status == 200
    assert "phoneNumbers" in json.loads(good.body)
    assert refused.status == 405
    refused.envelope()


@pytest.mark.parametrize("second", [b"GARBAGE\r\n\r\n", request(b"CONNECT-ME")], ids=["unreadable", "unknown-method"])
def test_a_refusal_pipelined_behind_a_request_comes_after_its_answer(mock: MockProcess, second: bytes) -> None:
    (good, refused) = exchange(mock.base_url, request(b"GET") + second, answers=2)
    assert good.status == 200
    assert "phoneNumbers" in json.loads(good.body)
    assert 400 <= refused.status < 500
    refused.envelope()


def test_the_server_serves_on_after_every_refusal(mock: MockProcess) -> None:
    for raw in (b"GARBAGE\r\n\r\n", request(b"CONNECT-ME")):
        exchange(mock.base_url, raw, answers=1)
    [answer] = exchange(mock.base_url, request(b"GET"), answers=1)
    assert answer.status == 200
