"""uvicorn's h11 protocol, answering in the envelope what h11 cannot parse (see `_server.py`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import ClassVar, Protocol

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._errors import Answer


class AnswersUnreadable(Protocol):
    def unreadable_request(self) -> Answer:
        """The answer to a request the HTTP parser could not read."""
        ...


def raw_answer(answer: Answer, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """`answer` as the bytes of an HTTP/1.1 response that closes the connection."""
    status = HTTPStatus(answer.status)
    lines = [f"HTTP/1.1 {status.value} {status.phrase}".encode("ascii")]
    lines += [name + b": " + value for name, value in (*default_headers, *answer.headers)]
    lines.append(b"connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + answer.body


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering what h11 cannot parse in the envelope."""

    source: ClassVar[AnswersUnreadable]

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
