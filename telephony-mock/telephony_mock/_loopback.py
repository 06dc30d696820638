"""The mock served on a free 127.0.0.1 port in a thread, for code that opens its own connections.

`mocked()` needs it: code that builds its own `PolyAI()` from POLYAI_BASE_URL sends real HTTP.
The socket is bound before the server starts (port 0: the system picks a free one, so parallel
test processes never collide), only on loopback, and the server stops when the mock is closed.
It runs the mock's own server stack and protocol classes, so refusals look as `telephony-mock`'s.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette

from ._server import default_stack, protocol_class

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0


class LoopbackServer:
    def __init__(self, mock_app: Starlette, served: Any) -> None:
        """`served`: the ASGI app to serve (the mock, or a wrapper of it); `mock_app`: the mock it wraps."""
        stack = default_stack()
        self._config = uvicorn.Config(
            served,
            log_level="warning",
            access_log=False,
            lifespan="off",
            http=protocol_class(stack, mock_app.state.mock),
            loop=stack.loop,
            # A test's connections are short-lived; an idle one is not kept waiting for.
            timeout_keep_alive=1,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(self._config)
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        port = sock.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="telephony-mock-loopback", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mock did not start on 127.0.0.1:{port} within {_START_TIMEOUT:g} s")
            time.sleep(0.001)
        self.base_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_STOP_TIMEOUT)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
