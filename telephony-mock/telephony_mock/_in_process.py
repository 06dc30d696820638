"""An httpx transport for the synchronous client that runs an ASGI app in this thread, with no server.

httpx ships `ASGITransport` for `httpx.AsyncClient` only. This is its synchronous twin: each
request becomes one ASGI call, run to completion on an event loop this transport keeps for the
calling thread, so a sync `PolyAI` reaches the mock with no socket, no port and no thread, at
a fraction of the cost of HTTP over loopback (BENCHMARKS.md).

A thread that is already running an event loop (a sync client called from inside async code)
cannot run a second one; its requests are run on a helper thread of this transport's own.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

_CLIENT = ("127.0.0.1", 50000)


class InProcessTransport(httpx.BaseTransport):
    """Send each request of an `httpx.Client` straight to `app`, an ASGI application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()
        self._helper: ThreadPoolExecutor | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if _loop_running():
            with self._lock:
                if self._helper is None:
                    self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="telephony-mock-transport")
                helper = self._helper
            status, headers, content = helper.submit(self._run, request, body).result()
        else:
            status, headers, content = self._run(request, body)
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        with self._lock:
            loops, self._loops = self._loops, []
            helper, self._helper = self._helper, None
        if helper is not None:
            helper.shutdown(wait=True)
        for loop in loops:
            loop.close()

    def _run(self, request: httpx.Request, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self._local.loop = loop
            with self._lock:
                self._loops.append(loop)
        return loop.run_until_complete(self._call(request, body))

    async def _call(self, request: httpx.Request, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        url = request.url
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": _CLIENT,
        }
        sent_body = False

        async def receive() -> Message:
            nonlocal sent_body
            if sent_body:
                # The whole request was handed over and the answer is complete when the app
                # asks again: nothing more will come, as when a client has gone.
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(bytes(name), bytes(value)) for name, value in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        await self.app(scope, receive, send)
        if status is None:
            raise httpx.RemoteProtocolError("the app finished without answering", request=request)
        return status, headers, b"".join(chunks)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
