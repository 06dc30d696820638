"""What the code under test sent the mock and what it answered, asked by operation, as respx asks.

The httpx `request` and `response` of a call are built only when a test reads them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, overload

import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, eq=False)
class RecordedCall:
    """One request the mock received and its answer."""

    operation_id: str | None  # the contract's operationId; None when nothing was routed (a 404, a 405)
    method: str
    path: str  # as sent, percent-encoding included (`/v1/agents/a/phone-numbers/%2B44...`)
    query: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    # The bytes of the body the mock read: all of it, unless it refused the request first (a 401, a 404).
    body: bytes
    status: int
    response_headers: tuple[tuple[bytes, bytes], ...]
    response_body: bytes

    @cached_property
    def request(self) -> httpx.Request:
        """The request as httpx models it (`.url`, `.headers`, `.content`)."""
        host = next((value for name, value in self.headers if name == b"host"), b"polyai-mock.test").decode("latin-1")
        query = f"?{self.query.decode('latin-1')}" if self.query else ""
        url = httpx.URL(f"http://{host}{self.path}{query}")
        return httpx.Request(self.method, url, headers=list(self.headers), content=self.body)

    @cached_property
    def response(self) -> httpx.Response:
        """The mock's answer as httpx models it (`.status_code`, `.headers`, `.json()`)."""
        return httpx.Response(
            self.status, headers=list(self.response_headers), content=self.response_body, request=self.request
        )

    @property
    def params(self) -> httpx.QueryParams:
        return httpx.QueryParams(self.query.decode("latin-1"))

    def request_json(self) -> Any:
        """The request's JSON body; None when it had none."""
        return json.loads(self.body) if self.body else None

    def response_json(self) -> Any:
        return json.loads(self.response_body) if self.response_body else None


class RequestLog(Sequence[RecordedCall]):
    """Recorded calls, oldest first; `of(operationId)` narrows it to one operation."""

    def __init__(self, calls: list[RecordedCall], operations: frozenset[str]) -> None:
        self._calls = calls
        self._operations = operations

    @overload
    def __getitem__(self, index: int) -> RecordedCall: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RecordedCall]: ...
    def __getitem__(self, index: int | slice) -> RecordedCall | Sequence[RecordedCall]:
        return self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[RecordedCall]:
        return iter(list(self._calls))

    def __repr__(self) -> str:
        return f"<RequestLog {[f'{c.method} {c.path} -> {c.status}' for c in self._calls]}>"

    def of(self, operation_id: str) -> RequestLog:
        """The calls routed to one operation of the contract (an operationId, e.g. "importPhoneNumbers")."""
        if operation_id not in self._operations:
            known = ", ".join(sorted(self._operations))
            raise ValueError(f"no operation {operation_id!r} in the contract; it has {known}")
        return RequestLog([call for call in self._calls if call.operation_id == operation_id], self._operations)

    @property
    def called(self) -> bool:
        return bool(self._calls)

    @property
    def call_count(self) -> int:
        return len(self._calls)

    @property
    def last(self) -> RecordedCall:
        if not self._calls:
            raise AssertionError("no call was recorded")
        return self._calls[-1]

    def assert_called(self, times: int | None = None) -> None:
        """At least one call, or exactly `times`."""
        if times is None and not self._calls:
            raise AssertionError("expected a call, none was recorded")
        if times is not None and len(self._calls) != times:
            raise AssertionError(f"expected {times} call(s), got {len(self._calls)}: {self!r}")

    def assert_called_once(self) -> RecordedCall:
        """Exactly one call; returns it."""
        self.assert_called(times=1)
        return self._calls[0]

    def assert_not_called(self) -> None:
        if self._calls:
            raise AssertionError(f"expected no call, got {len(self._calls)}: {self!r}")


class Recorder:
    """The mock's ASGI app, recording every request and answer into `calls` (safe across threads)."""

    def __init__(self, app: ASGIApp, operation_key: str) -> None:
        self.app = app
        self.calls: list[RecordedCall] = []
        self._operation_key = operation_key
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        answer: dict[str, Any] = {"status": 0, "headers": (), "body": []}

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(bytes(message.get("body", b"")))
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = int(message["status"])
                answer["headers"] = tuple((bytes(n), bytes(v)) for n, v in message.get("headers", ()))
            elif message["type"] == "http.response.body":
                answer["body"].append(bytes(message.get("body", b"")))
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            operation = scope.get(self._operation_key)
            raw_path = scope.get("raw_path") or scope["path"].encode()
            call = RecordedCall(
                operation_id=getattr(operation, "operation_id", None),
                method=scope["method"],
                path=bytes(raw_path).decode("latin-1"),
                query=bytes(scope.get("query_string", b"")),
                headers=tuple((bytes(n), bytes(v)) for n, v in scope["headers"]),
                body=b"".join(chunks),
                status=answer["status"],
                response_headers=answer["headers"],
                response_body=b"".join(answer["body"]),
            )
            with self._lock:
                self.calls.append(call)
