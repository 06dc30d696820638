"""uvicorn's h11 protocol, answering in the envelope what h11 cannot parse (see `_server.py`),
and cutting off slow clients (see `_connection_limits.py`)."""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._connection_limits import CutsOffSlowClients, Reading


class EnvelopeH11Protocol(CutsOffSlowClients, H11Protocol):
    def _reading(self) -> Reading:
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            return "body"
        if state is h11.IDLE and (self.cycle is None or self.conn.trailing_data[0]):
            # A new connection, or part of the next request's head already here.
            return "head"
        return "none"

    def send_400_response(self, msg: str) -> None:
        # h11 has given up on the connection: the envelope goes out as raw bytes, and it closes.
        self._answer_and_close(self.source.unreadable_request())
