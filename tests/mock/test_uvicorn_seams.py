"""Each uvicorn internal the mock's protocol subclasses lean on, pinned so an upgrade fails here by name.

uvicorn offers no public way to answer its parsers' own refusals (a malformed request, a method
httptools does not know) in the contract's envelope, so `_h11_protocol.py` and
`_httptools_protocol.py` subclass its protocols and read what they keep on `self`: the request
cycle in flight (`cycle`, with `response_complete`), the requests queued behind it (`pipeline`),
the server's set of open connections (`connections`), and the parser error being handled
(`sys.exception()` inside uvicorn's own `except`, which is where it calls `send_400_response`).
The tests drive uvicorn's own classes over a stand-in transport, no socket, and fail naming the
internal that moved and the code that reads it.
"""

from __future__ import annotations

import asyncio
import sys
import tomllib
from collections import deque
from importlib.metadata import version
from pathlib import Path
from typing import Any

import h11
import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

httptools = pytest.importorskip("httptools")
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # noqa: E402 - only with httptools

ROOT = Path(__file__).resolve().parents[2]
SEE = "see telephony_mock/_httptools_protocol.py"


class _Transport:
    """What uvicorn's protocols call on an asyncio transport, recorded."""

    def __init__(self) -> None:
        self.written = b""
        self.closed = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def _hello(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _connected(protocol_class: type[Any]) -> tuple[Any, _Transport]:
    config = Config(app=_hello, log_level="critical")
    config.load()
    protocol = protocol_class(config=config, server_state=ServerState(), app_state={})
    transport = _Transport()
    protocol.connection_made(transport)
    return protocol, transport


def test_the_installed_uvicorn_is_the_pinned_one() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = [dep for dep in pyproject["project"]["dependencies"] if dep.startswith("uvicorn==")]

    assert version("uvicorn") == pin.removeprefix("uvicorn=="), (
        "the installed uvicorn is not the pinned one: run `make install`; after changing the pin, every test in "
        "this file must pass before the mock's protocol subclasses are trusted"
    )


def test_httptools_refuses_an_unknown_method_inside_an_except_that_sys_exception_sees() -> None:
    seen: list[BaseException | None] = []

    class Watching(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            seen.append(sys.exception())
            super().send_400_response(msg)

    async def run() -> None:
        protocol, _ = _connected(Watching)
        protocol.data_received(b"BREW /pot HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")

    asyncio.run(run())

    assert len(seen) == 1, f"uvicorn no longer answers an unparsable request through send_400_response: {SEE}"
    assert isinstance(seen[0], httptools.HttpParserInvalidMethodError), (
        f"send_400_response is no longer called inside uvicorn's `except` for the parser error ({seen[0]!r}), "
        f"so sys.exception() cannot tell an unknown method from other refusals: {SEE}"
    )


def test_httptools_keeps_the_cycle_in_flight_and_the_requests_pipelined_behind_it() -> None:
    async def run() -> tuple[Any, Any, int, bool, bool]:
        protocol, transport = _connected(HttpToolsProtocol)
        assert protocol.cycle is None, f"HttpToolsProtocol.cycle is not None before any request: {SEE} (_idle)"
        assert isinstance(protocol.pipeline, deque), f"HttpToolsProtocol.pipeline is gone: {SEE} (_idle)"
        request = b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
        protocol.data_received(request + request)
        cycle, queued = protocol.cycle, len(protocol.pipeline)
        in_flight = cycle.response_complete
        for _ in range(100):
            if transport.written.count(b"HTTP/1.1 200") == 2:
                break
            await asyncio.sleep(0.01)
        return protocol, cycle, queued, in_flight, protocol.cycle.response_complete

    protocol, cycle, queued, in_flight, finished = asyncio.run(run())

    assert cycle is not None and in_flight is False, f"a request in flight is no longer `cycle`: {SEE} (_idle)"
    assert queued == 1, f"a second request sent before the first is answered is no longer in `pipeline`: {SEE}"
    assert finished is True, f"an answered cycle no longer says `response_complete`: {SEE} (_idle)"
    assert not protocol.pipeline


def test_the_server_s_open_connections_are_the_set_a_handed_over_protocol_leaves() -> None:
    async def run() -> tuple[Any, Any]:
        protocol, _ = _connected(HttpToolsProtocol)
        return protocol, protocol.server_state

    protocol, server_state = asyncio.run(run())

    assert protocol.connections is server_state.connections and protocol in protocol.connections, (
        f"HttpToolsProtocol.connections is no longer the server's set of open connections: {SEE} (_hand_over)"
    )
    for name in ("config", "server_state", "app_state", "transport"):
        assert hasattr(protocol, name), f"HttpToolsProtocol.{name} is gone: {SEE} (_hand_over builds the h11 one)"


def test_httptools_calls_the_message_hooks_the_subclass_counts_on() -> None:
    calls: list[str] = []

    class Counting(HttpToolsProtocol):
        def on_message_begin(self) -> None:
            calls.append("begin")
            super().on_message_begin()

        def on_message_complete(self) -> None:
            calls.append("complete")
            super().on_message_complete()

        def on_response_complete(self) -> None:
            calls.append("response")
            super().on_response_complete()

    async def run() -> None:
        protocol, transport = _connected(Counting)
        protocol.data_received(b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        for _ in range(100):
            if b"HTTP/1.1 200" in transport.written:
                break
            await asyncio.sleep(0.01)

    asyncio.run(run())

    assert calls == ["begin", "complete", "response"], f"uvicorn's message hooks changed ({calls}): {SEE}"


def test_h11_refuses_a_malformed_request_through_send_400_response() -> None:
    seen: list[str] = []

    class Watching(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            seen.append(msg)
            super().send_400_response(msg)

    async def run() -> None:
        protocol, _ = _connected(Watching)
        protocol.data_received(b"GET / HTTP/1.1\r\nno colon here\r\n\r\n")

    asyncio.run(run())

    assert len(seen) == 1, (
        "H11Protocol no longer answers a malformed request through send_400_response: "
        "see telephony_mock/_h11_protocol.py"
    )


@pytest.mark.parametrize("protocol_class", [H11Protocol, HttpToolsProtocol])
def test_both_protocols_call_the_hooks_the_slow_client_deadlines_extend(protocol_class: type[Any]) -> None:
    calls: list[str] = []
    hooks = ("connection_made", "data_received", "on_response_complete", "timeout_keep_alive_handler")

    class Counting(protocol_class):  # type: ignore[misc, valid-type]
        pass

    for hook in hooks:

        def extended(self: Any, *args: Any, _hook: str = hook) -> None:
            calls.append(_hook)
            getattr(protocol_class, _hook)(self, *args)

        setattr(Counting, hook, extended)

    async def run() -> tuple[Any, _Transport]:
        protocol, transport = _connected(Counting)
        protocol.data_received(b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        for _ in range(100):
            if b"HTTP/1.1 200" in transport.written:
                break
            await asyncio.sleep(0.01)
        protocol.timeout_keep_alive_handler()
        return protocol, transport

    protocol, transport = asyncio.run(run())

    where = "see telephony_mock/_connection_limits.py (CutsOffSlowClients)"
    assert calls[:3] == ["connection_made", "data_received", "on_response_complete"], f"{calls}: {where}"
    assert transport.closed, f"{protocol_class.__name__}.timeout_keep_alive_handler no longer closes: {where}"
    for name in ("client", "loop", "cycle", "server_state", "connections"):
        assert hasattr(protocol, name), f"{protocol_class.__name__}.{name} is gone: {where}"
    assert protocol.cycle.response_started and protocol.cycle.response_complete, (
        f"a finished cycle no longer says response_started and response_complete: {where} (_overran)"
    )
    assert isinstance(protocol.server_state.default_headers, list), f"server_state.default_headers moved: {where}"


def test_h11_tells_which_part_of_a_request_the_client_owes() -> None:
    async def run() -> list[Any]:
        protocol, _ = _connected(H11Protocol)
        states = [protocol.conn.their_state]
        protocol.data_received(b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5\r\n\r\nab")
        states.append(protocol.conn.their_state)
        states.append(protocol.conn.trailing_data)
        return states

    idle, sending_body, trailing = asyncio.run(run())

    where = "see telephony_mock/_h11_protocol.py (_reading)"
    assert idle is h11.IDLE and sending_body is h11.SEND_BODY, f"H11Protocol.conn.their_state changed: {where}"
    assert isinstance(trailing, tuple) and isinstance(trailing[0], (bytes, bytearray)), f"trailing_data: {where}"
