"""uvicorn's httptools protocol, answering in the envelope what httptools refuses to parse.

httptools refuses any method it does not know, where h11 hands the request to the app (405 with
`Allow`, or 401, 404). On that refusal the connection, with the refused request's bytes, is handed
to the h11 protocol, so both stacks answer alike. Any other refusal is answered 400 in the
envelope after the answers to requests pipelined before it, which uvicorn's own 400 would cut off.
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ._connection_limits import CutsOffSlowClients, Reading, raw_answer
from ._h11_protocol import EnvelopeH11Protocol


class EnvelopeHttpToolsProtocol(CutsOffSlowClients, HttpToolsProtocol):
    handover: ClassVar[type[EnvelopeH11Protocol]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Messages begun and completed on this connection, and the bytes received since the last
        # moment the two counts were equal: those start with the message being parsed now.
        self._begun = self._completed = self._begun_at_boundary = 0
        self._since_boundary: list[bytes] = []
        self._rejection: bytes | None = None  # held until the requests before it are answered
        self._heads_complete = 0

    def data_received(self, data: bytes) -> None:
        if self._begun == self._completed:
            self._since_boundary = [data]
            self._begun_at_boundary = self._begun
        else:
            self._since_boundary.append(data)
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._begun += 1
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._heads_complete += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._completed += 1
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._rejection is not None and self._idle():
            self._reject()

    def _reading(self) -> Reading:
        if self._heads_complete > self._completed:
            return "body"
        if self._begun > self._completed or self._begun == 0:
            # Part of a head is here, or a new connection has sent nothing yet.
            return "head"
        return "none"

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this from inside its `except httptools.HttpParserError`; the parser is
        # broken from here on, so whatever else arrives on the connection is not read.
        self.transport.pause_reading()
        if self._rejection is not None:
            return
        idle = self._idle()
        # The saved bytes start with the refused request only if it is the first message since
        # the connection was last between messages.
        first = self._begun - self._begun_at_boundary <= 1
        if idle and first and isinstance(sys.exception(), httptools.HttpParserInvalidMethodError):
            self._hand_over(b"".join(self._since_boundary))
            return
        self._rejection = raw_answer(self.source.unreadable_request(), self.server_state.default_headers)
        if idle:
            self._reject()

    def _idle(self) -> bool:
        return (self.cycle is None or self.cycle.response_complete) and not self.pipeline

    def _reject(self) -> None:
        assert self._rejection is not None
        self.transport.write(self._rejection)
        self.transport.close()

    def _hand_over(self, data: bytes) -> None:
        self._unwatch()
        self._retired = True
        self.connections.discard(self)
        protocol = self.handover(config=self.config, server_state=self.server_state, app_state=self.app_state)
        protocol.connection_made(self.transport)
        self.transport.set_protocol(protocol)
        self.transport.resume_reading()
        protocol.data_received(data)
