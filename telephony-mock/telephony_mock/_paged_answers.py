"""Long lists sent in pieces, so that one big answer does not hold the event loop.

A list of 100,000 numbers is about 9 MB of JSON. Encoded and written in one go it holds the
server's one event loop for the whole of it, and every small request waits behind it. Sent as
pieces of `PAGE` items (chunked transfer encoding), with the loop free between pieces, a small
request waits for one piece at most. The items were read in one transaction and are not
changed after it, so the pieces make up the answer as it was at that moment.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import orjson

from telephony_contract import CORRELATION_HEADER

from ._errors import Answer, json_answer

PAGE = 2_000  # items per piece: well under a millisecond of encoding
_HEADERS = ((b"content-type", b"application/json"),)
_CORRELATION = CORRELATION_HEADER.lower().encode()

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PagedAnswer:
    """An answer `{name: items}` too long to send in one piece."""

    status: int
    name: str
    items: Sequence[Any]
    correlation_id: str

    def whole(self) -> Answer:
        """The same answer in one piece (for the self-check, which reads the whole body)."""
        return json_answer(self.status, {self.name: list(self.items)}, self.correlation_id)

    async def send(self, send: Send) -> None:
        headers = (*_HEADERS, (_CORRELATION, self.correlation_id.encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        opening = orjson.dumps({self.name: []})[:-2]  # b'{"name":['
        items = self.items
        for start in range(0, len(items), PAGE):
            piece = orjson.dumps(items[start : start + PAGE])[1:-1]
            await send(
                {"type": "http.response.body", "body": (opening if start == 0 else b",") + piece, "more_body": True}
            )
            await anyio.sleep(0)  # let the requests waiting on the loop go first
        await send({"type": "http.response.body", "body": b"]}"})


def paged(status: int, payload: object, correlation_id: str) -> PagedAnswer | None:
    """`payload` as a PagedAnswer when it is one list longer than a piece, else None."""
    if isinstance(payload, dict) and len(payload) == 1:
        ((name, items),) = payload.items()
        if isinstance(items, list) and len(items) > PAGE:
            return PagedAnswer(status, name, items, correlation_id)
    return None
