"""An httpx transport for the synchronous client that runs an ASGI app in this thread, with no server.

httpx's `ASGITransport` serves `httpx.AsyncClient` only; this runs it to completion on an event
loop kept per calling thread, at a fraction of the cost of HTTP over loopback (BENCHMARKS.md).
A thread already running a loop (a sync client inside async code) cannot run a second one, so
its requests go to a helper thread.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

ASGIApp = Callable[..., Awaitable[None]]


class _Loops:
    """The event loops (one per calling thread) and the helper thread of one transport."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.lock = threading.Lock()
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.helper: ThreadPoolExecutor | None = None

    def for_this_thread(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self.local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self.local.loop = loop
            with self.lock:
                self.loops.append(loop)
        return loop

    def helper_thread(self) -> ThreadPoolExecutor:
        with self.lock:
            if self.helper is None:
                self.helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="telephony-mock-transport")
            return self.helper

    def close(self) -> None:
        with self.lock:
            loops, self.loops = self.loops, []
            helper, self.helper = self.helper, None
        if helper is not None:
            helper.shutdown(wait=True)
        for loop in loops:
            loop.close()


class InProcessTransport(httpx.BaseTransport):
    """Send each request of an `httpx.Client` straight to `app`, an ASGI application."""

    def __init__(self, app: ASGIApp) -> None:
        # httpx's own ASGI bridge builds the scope and collects the answer; this only runs it.
        self._asgi = httpx.ASGITransport(app=app)
        self._loops = _Loops()
        # A client dropped without close() still gives its loops back when it is collected.
        self._finalizer = weakref.finalize(self, self._loops.close)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if _loop_running():
            status, headers, content = self._loops.helper_thread().submit(self._run, request).result()
        else:
            status, headers, content = self._run(request)
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        self._finalizer()

    def _run(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        return self._loops.for_this_thread().run_until_complete(self._call(request))

    async def _call(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        response = await self._asgi.handle_async_request(request)
        return response.status_code, response.headers, await response.aread()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
