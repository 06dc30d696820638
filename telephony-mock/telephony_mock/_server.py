"""The server under the mock: uvicorn on its fastest stack, and every answer in the envelope.

httptools with uvloop answers about twice as many requests a second as h11 with asyncio
(BENCHMARKS.md), so the mock runs on them wherever their wheels exist, on h11 elsewhere. uvicorn's
parsers refuse some requests themselves with a plain-text 400; the protocol subclasses
(`_h11_protocol.py`, `_httptools_protocol.py`) keep the promise that every error is the envelope.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import socket
import sys
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from ._connection_limits import ConnectionLimits, Refusals
from ._h11_protocol import EnvelopeH11Protocol


@dataclass(frozen=True)
class Stack:
    http: str  # "httptools" or "h11"
    loop: str  # "uvloop" or "asyncio"

    def describe(self) -> str:
        return f"uvicorn with {self.http} and {self.loop}"


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def default_stack() -> Stack:
    """The fastest stack this machine has: the C parser and loop where their wheels were installed."""
    return Stack(
        http="httptools" if _installed("httptools") else "h11",
        loop="uvloop" if _installed("uvloop") else "asyncio",
    )


H11_STACK = Stack(http="h11", loop="asyncio")


class StackError(Exception):
    """The server stack asked for is not installed."""


def choose_stack(http: str | None) -> Stack:
    """The stack with the parser `http` ("httptools" or "h11"); None: the fastest installed."""
    fastest = default_stack()
    if http is None or http == fastest.http:
        return fastest
    if http == "h11":
        return H11_STACK
    raise StackError(f"the {http} parser is not installed here; the mock runs on {fastest.describe()}")


def protocol_class(stack: Stack, source: Refusals, limits: ConnectionLimits | None = None) -> type[asyncio.Protocol]:
    """The protocol class for `stack`, whose own rejections and cut-offs `source` answers."""
    attributes = {"source": source, "limits": limits or ConnectionLimits()}
    h11_class = type("MockH11Protocol", (EnvelopeH11Protocol,), attributes)
    if stack.http == "h11":
        return h11_class
    from ._httptools_protocol import EnvelopeHttpToolsProtocol

    return type("MockHttpToolsProtocol", (EnvelopeHttpToolsProtocol,), {**attributes, "handover": h11_class})


def log_to_stderr(access_log: bool) -> None:
    """The mock's own log lines (cut-offs; with `access_log`, every request) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    mock_logger = logging.getLogger("telephony_mock")
    mock_logger.addHandler(handler)
    mock_logger.setLevel(logging.INFO)
    mock_logger.propagate = False
    logging.getLogger("telephony_mock.access").setLevel(logging.INFO if access_log else logging.WARNING)


def serve(
    app: Starlette,
    *,
    host: str,
    port: int,
    access_log: bool = False,
    stack: Stack | None = None,
    limits: ConnectionLimits | None = None,
    sockets: list[socket.socket] | None = None,
) -> None:
    """Serve the mock `app` (from `create_app`) until interrupted.

    The app logs requests itself when created with `access_log=True`; `access_log` here only
    lets its lines through to stderr. `sockets`: listen on these (bound by a parent process, see
    `_workers.py`) instead of binding host and port.
    """
    stack = stack or default_stack()
    limits = (limits or ConnectionLimits()).fitted_to_descriptors()
    log_to_stderr(access_log)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        http=protocol_class(stack, app.state.mock, limits),
        loop=stack.loop,
        # Typed int, used as a delay: a fraction of a second works, and tests use one.
        timeout_keep_alive=limits.keep_alive_timeout,  # type: ignore[arg-type]
        # The cap is the protocol's (answered in the envelope); uvicorn's backlog must not be lower.
        backlog=listen_backlog(limits),
    )
    uvicorn.Server(config).run(sockets=sockets)


def listen_backlog(limits: ConnectionLimits) -> int:
    return max(2048, limits.max_connections)
