"""uvicorn's h11 protocol, answering in the envelope what h11 cannot parse (see `_server.py`),
and cutting off slow clients (see `_connection_limits.py`)."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import ClassVar, Protocol

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._connection_limits import AnswersCutOffs, CutsOffSlowClients, Reading, raw_answer
from ._errors import Answer

__all__ = ["AnswersUnreadable", "EnvelopeH11Protocol", "raw_answer"]


class AnswersUnreadable(AnswersCutOffs, Protocol):
    def unreadable_request(self) -> Answer:
        """The answer to a request the HTTP parser could not read."""
        ...


class EnvelopeH11Protocol(CutsOffSlowClients, H11Protocol):
    """uvicorn's h11 protocol, answering what h11 cannot parse in the envelope."""

    source: ClassVar[AnswersUnreadable]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._admit()

    def connection_lost(self, exc: Exception | None) -> None:
        self._unwatch()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def timeout_keep_alive_handler(self) -> None:
        self._log_idle_close()
        super().timeout_keep_alive_handler()

    def _reading(self) -> Reading:
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            return "body"
        if state is h11.IDLE and (self.cycle is None or self.conn.trailing_data[0]):
            # A new connection, or part of the next request's head already here.
            return "head"
        return "none"

    def send_400_response(self, msg: str) -> None:
        answer = self.source.unreadable_request()
        reason = HTTPStatus(answer.status).phrase.encode("ascii")
        headers = [*self.server_state.default_headers, *answer.headers, (b"connection", b"close")]
        for event in (
            h11.Response(status_code=answer.status, headers=headers, reason=reason),
            h11.Data(data=answer.body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()
