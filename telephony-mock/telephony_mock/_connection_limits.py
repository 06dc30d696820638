"""Deadlines and a cap on connections, so that slow or idle clients cannot hold the mock.

A request's head is due within `header_timeout` of starting it (or of connecting), its body within
`body_timeout` of the head; an idle keep-alive connection closes after `keep_alive_timeout`
(uvicorn's timer). An overrun is answered 408 in the envelope where no answer is under way, and
closed; a connection over `max_connections` gets 503 at once, before it can take the descriptors
every other client needs. Every cut-off is logged with the peer's address.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, Literal, Protocol

from ._errors import Answer

logger = logging.getLogger("telephony_mock.connections")

Reading = Literal["head", "body", "none"]
# Descriptors the process needs besides its clients' sockets: the store, logs, the listener.
_SPARE_DESCRIPTORS = 64
_WRITE_BUFFER_HIGH = 4 * 1024 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive_timeout: float = 5.0
    max_connections: int = 4000

    def fitted_to_descriptors(self) -> ConnectionLimits:
        """These limits, with the process's descriptor limit raised to hold `max_connections`.

        Where the hard limit is lower, the cap comes down to fit it: a process out of descriptors
        can accept nobody, not even to refuse them.
        """
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = self.max_connections + _SPARE_DESCRIPTORS
        if soft != resource.RLIM_INFINITY and soft < wanted:
            raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        if soft != resource.RLIM_INFINITY and soft < wanted:
            cap = max(1, soft - _SPARE_DESCRIPTORS)
            logger.warning(
                "the descriptor limit is %d, so at most %d connections are served at once, not %d",
                soft,
                cap,
                self.max_connections,
            )
            return ConnectionLimits(self.header_timeout, self.body_timeout, self.keep_alive_timeout, cap)
        return self


def raw_answer(answer: Answer, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """`answer` as the bytes of an HTTP/1.1 response that closes the connection."""
    status = HTTPStatus(answer.status)
    lines = [f"HTTP/1.1 {status.value} {status.phrase}".encode("ascii")]
    lines += [name + b": " + value for name, value in (*default_headers, *answer.headers)]
    lines.append(b"connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + answer.body


class Refusals(Protocol):
    """The mock's answers to what the server refuses before any app sees it, in the envelope."""

    def unreadable_request(self) -> Answer: ...  # 400: the parser could not read it
    def timed_out_request(self) -> Answer: ...  # 408: not sent in time
    def over_capacity(self) -> Answer: ...  # 503: over the cap of connections


class CutsOffSlowClients:
    """Mixin for uvicorn's protocol classes (listed before them): deadlines and the cap."""

    limits: ClassVar[ConnectionLimits]
    source: ClassVar[Refusals]

    # What the uvicorn protocol class provides.
    transport: asyncio.Transport
    connections: set[Any]
    client: tuple[str, int] | None
    cycle: Any
    loop: asyncio.AbstractEventLoop
    server_state: Any

    _deadline: asyncio.TimerHandle | None = None
    _deadline_for: Reading = "none"
    _retired = False  # the connection was handed to another protocol object, which watches it now

    def _reading(self) -> Reading:
        """Which part of a request the client owes now: its head, its body, or nothing."""
        raise NotImplementedError

    # uvicorn's callbacks, each extended after the protocol class's own (see the seam tests).

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._admit()

    def connection_lost(self, exc: Exception | None) -> None:
        self._unwatch()
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # type: ignore[misc]
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._watch()

    def timeout_keep_alive_handler(self) -> None:
        if not self.transport.is_closing():
            logger.info("%s: idle for %gs between requests; closed", self._peer(), self.limits.keep_alive_timeout)
        super().timeout_keep_alive_handler()  # type: ignore[misc]

    def _peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "unknown peer"

    def _admit(self) -> None:
        """Refuse a connection over the cap; else start the head deadline."""
        if len(self.connections) > self.limits.max_connections:
            logger.warning(
                "%s: over the cap of %d open connections; answered 503", self._peer(), len(self.connections) - 1
            )
            self._answer_and_close(self.source.over_capacity())
            return
        # A long list goes out in pieces (see _paged_answers.py); with the transport's default
        # 64 KiB mark, each piece would wait for the socket to empty before the next is made.
        self.transport.set_write_buffer_limits(high=_WRITE_BUFFER_HIGH)
        self._watch()

    def _watch(self) -> None:
        """Start the deadline for what the client owes now, unless it is already running."""
        reading = "none" if self._retired or self.transport.is_closing() else self._reading()
        if reading == self._deadline_for:
            return
        self._unwatch()
        if reading == "none":
            return
        timeout = self.limits.header_timeout if reading == "head" else self.limits.body_timeout
        self._deadline = self.loop.call_later(timeout, self._overran, reading, timeout)
        self._deadline_for = reading

    def _unwatch(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._deadline_for = "none"

    def _overran(self, reading: Reading, timeout: float) -> None:
        self._deadline = None
        self._deadline_for = "none"
        if self.transport.is_closing():
            return
        cycle = self.cycle
        # An answer may go out only where none is under way on the connection.
        if reading == "head":
            can_answer = cycle is None or cycle.response_complete
        else:
            can_answer = cycle is not None and not cycle.response_started
        what = "request head" if reading == "head" else "request body"
        logger.warning(
            "%s: %s not received within %gs; %s",
            self._peer(),
            what,
            timeout,
            "answered 408 and closed" if can_answer else "closed",
        )
        if can_answer:
            self._answer_and_close(self.source.timed_out_request())
        else:
            self.transport.close()

    def _answer_and_close(self, answer: Answer) -> None:
        self.transport.write(raw_answer(answer, self.server_state.default_headers))
        self.transport.close()
