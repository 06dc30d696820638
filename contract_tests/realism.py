"""A production-realism front: what a healthy API behind a gateway does on the wire, before the mock.

`RealismFront` wraps an ASGI app (the mock) and, all at once, answers the way production
services commonly do: compressed bodies when the request accepts them (gzip, deflate, and br
when `brotli` is installed), chunked bodies, `Connection: close` on some answers, headers the
contract never names (a gateway's `Server`, `Via`, request ids, rate-limit counters, a load
balancer's cookie), slow answers, and at a seeded rate 429, 502 (the gateway's HTML page), 503
and 504, with and without `Retry-After`. Some 502s and 504s come after the request reached the
service (the gateway lost its answer), so a repeated write meets what the first attempt did.

Served on loopback with `contract_tests.target.serve` and named as a real target, it shows what
the nightly run tolerates: every answer it gives is one a healthy service may give, so a run
against it must pass with no finding. With `always=` it answers every request with one status,
a service that never recovers. `counts` records what it did, so a test can show it did it.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import threading
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from importlib.util import find_spec
from time import time

from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.recording import answer_of
from telephony_contract import CORRELATION_HEADER, error_envelope, generic_code

TRANSIENT = (429, 502, 503, 504)
# Written by the gateway, not the service: HTML, not the contract's envelope.
_GATEWAY_PAGES = {
    502: "Bad Gateway",
    504: "Gateway Timeout",
}
_CODINGS = ("gzip", "deflate", *(("br",) if find_spec("brotli") is not None else ()))


@dataclass(frozen=True)
class Realism:
    """How often the front does each thing; the seed makes the same requests meet the same front."""

    seed: int
    transient_rate: float = 0.05  # answers replaced by 429/502/503/504 before reaching the service
    lost_answer_rate: float = 0.02  # requests the service acted on, answered 502/504 by the gateway
    slow_rate: float = 0.05
    slow_seconds: float = 0.3
    close_rate: float = 0.2  # answers that close the keep-alive connection
    chunked_rate: float = 0.5  # answers sent chunked, without Content-Length
    retry_after_rate: float = 0.5  # transient answers that carry Retry-After
    retry_after_seconds: int = 1
    always: int | None = None  # every answer this status: a service that never recovers


@dataclass(frozen=True)
class _Plan:
    transient: int | None
    lost: int | None
    retry_after: str | None
    slow: bool
    close: bool
    chunked: bool
    coding: str | None


class RealismFront:
    """The ASGI front (see the module's docstring)."""

    def __init__(self, app: ASGIApp, realism: Realism) -> None:
        self.app = app
        self.realism = realism
        self.counts: Counter[str] = Counter()
        self._random = random.Random(realism.seed)
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        plan = self._plan(scope)
        if plan.slow:
            await asyncio.sleep(self.realism.slow_seconds)
        if plan.transient is not None:
            await self._transient(plan.transient, plan.retry_after, send, lost=False)
            return
        status, headers, body = await answer_of(self.app, scope, receive)
        if plan.lost is not None:
            await self._transient(plan.lost, plan.retry_after, send, lost=True)
            return
        headers = [(name, value) for name, value in headers if name.lower() != b"content-length"]
        if plan.coding is not None and body:
            body = _encode(plan.coding, body)
            headers += [(b"content-encoding", plan.coding.encode()), (b"vary", b"Accept-Encoding")]
            self.counts[plan.coding] += 1
        headers += _gateway_headers(self._request_id())
        if plan.close:
            headers.append((b"connection", b"close"))
            self.counts["connection closed"] += 1
        await self._send(status, headers, body, send, chunked=plan.chunked)

    def _plan(self, scope: Scope) -> _Plan:
        accepted = _accepted_codings(scope)
        realism = self.realism
        with self._lock:
            draw = self._random.random
            transient = realism.always
            if transient is None and draw() < realism.transient_rate:
                transient = self._random.choice(TRANSIENT)
            lost = self._random.choice((502, 504)) if transient is None and draw() < realism.lost_answer_rate else None
            retry_after = str(realism.retry_after_seconds) if draw() < realism.retry_after_rate else None
            if retry_after is not None and draw() < 0.3:
                # The HTTP-date form, as some gateways write it.
                retry_after = formatdate(time() + realism.retry_after_seconds, usegmt=True)
            slow = draw() < realism.slow_rate
            close = draw() < realism.close_rate
            chunked = draw() < realism.chunked_rate
            coding = self._random.choice(accepted) if accepted else None
        if slow:
            self.counts["slow"] += 1
        return _Plan(transient, lost, retry_after, slow, close, chunked, coding)

    def _request_id(self) -> bytes:
        with self._lock:
            return uuid.UUID(int=self._random.getrandbits(128), version=4).hex.encode()

    async def _transient(self, status: int, retry_after: str | None, send: Send, *, lost: bool) -> None:
        acted = " after the service acted" if lost else ""
        self.counts[f"{status} {'with' if retry_after else 'without'} Retry-After{acted}"] += 1
        headers = [*_gateway_headers(self._request_id())]
        if retry_after is not None:
            headers.append((b"retry-after", retry_after.encode()))
        if status in _GATEWAY_PAGES:
            title = f"{status} {_GATEWAY_PAGES[status]}"
            page = f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            body = (page + "<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n").encode()
            headers.append((b"content-type", b"text/html"))
        else:
            correlation_id = str(uuid.uuid4())
            message = "Too many requests" if status == 429 else "The service is unavailable; try again later"
            body = json.dumps(error_envelope(generic_code(status), message, correlation_id)).encode()
            headers.append((b"content-type", b"application/json"))
            headers.append((CORRELATION_HEADER.lower().encode(), correlation_id.encode()))
        await self._send(status, headers, body, send, chunked=False)

    async def _send(
        self, status: int, headers: list[tuple[bytes, bytes]], body: bytes, send: Send, *, chunked: bool
    ) -> None:
        if chunked and len(body) > 1:
            # No Content-Length: the server sends the pieces with Transfer-Encoding: chunked.
            self.counts["chunked"] += 1
            await send({"type": "http.response.start", "status": status, "headers": headers})
            cut = len(body) // 3 or 1
            for piece in (body[:cut], body[cut : 2 * cut], body[2 * cut :]):
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _accepted_codings(scope: Scope) -> list[str]:
    accepted = []
    for name, value in scope.get("headers", []):
        if name.lower() != b"accept-encoding":
            continue
        for item in value.decode("latin-1").split(","):
            coding, _, parameters = item.strip().partition(";")
            if coding.strip().lower() in _CODINGS and parameters.replace(" ", "") not in ("q=0", "q=0.0"):
                accepted.append(coding.strip().lower())
    return sorted(set(accepted))


def _encode(coding: str, body: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(body)
    if coding == "deflate":
        return zlib.compress(body)
    import brotli  # type: ignore[import-not-found, import-untyped, unused-ignore]

    compressed: bytes = brotli.compress(body)
    return compressed


def _gateway_headers(request_id: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (b"server", b"gateway"),
        (b"via", b"1.1 gateway"),
        (b"x-request-id", request_id),
        (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
        (b"x-ratelimit-limit", b"600"),
        (b"x-ratelimit-remaining", b"599"),
        (b"set-cookie", b"GATEWAYAFFINITY=" + request_id[:16] + b"; Path=/; HttpOnly"),
    ]
