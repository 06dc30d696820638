"""The server under the mock: uvicorn on its fastest stack, and every answer in the envelope.

uvicorn's C parser (httptools) with uvloop answers about twice as many requests a second as its
pure-Python parser (h11) with asyncio (BENCHMARKS.md), so the mock runs on them wherever their
wheels exist (the markers in pyproject.toml), and on h11 and asyncio elsewhere.

A parser answers some requests itself, before any app sees them, with uvicorn's plain-text 400.
The protocol classes keep the promise that every error is the error envelope: a request the
parser cannot read (a broken request line, a header without a colon) is answered 400
SCHEMA_VALIDATION_FAILED in the envelope, with a correlation id, and the connection is closed, as
uvicorn closes it. httptools also refuses any method it does not know, where h11 hands the
request to the app. The two protocol classes are in `_h11_protocol.py` and
`_httptools_protocol.py`; the httptools one hands a request with an unknown method to the h11 one.
"""

from __future__ import annotations

import asyncio
import importlib.util
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from ._h11_protocol import AnswersUnreadable, EnvelopeH11Protocol


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


def protocol_class(stack: Stack, source: AnswersUnreadable) -> type[asyncio.Protocol]:
    """The protocol class for `stack`, whose own rejections `source` answers."""
    h11_class = type("MockH11Protocol", (EnvelopeH11Protocol,), {"source": source})
    if stack.http == "h11":
        return h11_class
    from ._httptools_protocol import EnvelopeHttpToolsProtocol

    return type("MockHttpToolsProtocol", (EnvelopeHttpToolsProtocol,), {"source": source, "handover": h11_class})


def serve(app: Starlette, *, host: str, port: int, access_log: bool = False, stack: Stack | None = None) -> None:
    """Serve the mock `app` (from `create_app`) until interrupted."""
    stack = stack or default_stack()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=access_log,
        http=protocol_class(stack, app.state.mock),
        loop=stack.loop,
    )
