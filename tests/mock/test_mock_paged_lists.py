"""A long list is sent in pieces with the event loop free between them, so that small requests
are answered while it goes out; the pieces make up exactly the list a single answer would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

from mock_support import AGENT, SEEDED_ROUTED, SEEDED_UNROUTED, TestClient, http_client
from starlette.applications import Starlette

from telephony_mock import PolyAIMock
from telephony_mock._paged_answers import PAGE

NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
# Fictional Leeds, Manchester and Birmingham numbers (+44 113/161/121 496 0000-0999).
MANY = [f"+44{area}496{index:04d}" for area in ("113", "161", "121") for index in range(1000)]
assert len(MANY) > PAGE


def _seed_many(http: TestClient) -> None:
    response = http.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": MANY})
    assert response.status_code == 201, response.text


def _listed(http: TestClient) -> list[str]:
    response = http.get(NUMBERS)
    assert response.status_code == 200, response.text
    return [number["number"] for number in response.json()["phoneNumbers"]]


def test_a_long_list_is_whole_and_in_order(http: TestClient) -> None:
    _seed_many(http)

    assert _listed(http) == sorted([*MANY, SEEDED_ROUTED, SEEDED_UNROUTED])


def test_a_long_list_follows_every_write(http: TestClient) -> None:
    _seed_many(http)
    _listed(http)  # a list answered once may be kept; the writes below must show all the same

    assert http.request("DELETE", NUMBERS, json={"phoneNumbers": MANY[:10]}).status_code == 200
    assert http.patch(f"{NUMBERS}/%2B{MANY[10][1:]}", json={"connectorId": "conn-dev-en"}).status_code == 200
    routed = http.get(NUMBERS, params={"connectorId": "conn-dev-en"}).json()["phoneNumbers"]
    assert [number["number"] for number in routed] == sorted([SEEDED_ROUTED, MANY[10]])

    assert http.request("DELETE", NUMBERS, json={"phoneNumbers": [MANY[10]]}).status_code == 200
    routed = http.get(NUMBERS, params={"connectorId": "conn-dev-en"}).json()["phoneNumbers"]
    assert [number["number"] for number in routed] == [SEEDED_ROUTED]
    assert _listed(http) == sorted([*MANY[11:], SEEDED_ROUTED, SEEDED_UNROUTED])


def test_the_loop_runs_other_work_while_a_long_list_goes_out(store_kind: str, tmp_path: Any) -> None:
    # Outside self-check mode, which needs the whole body at once.
    state = tmp_path / "state.sqlite3" if store_kind == "sqlite" else None
    with PolyAIMock(state=state, admin=True, auto_advance=False) as mock:
        app: Starlette = mock.starlette_app
        with http_client(app) as http:
            _seed_many(http)
        pieces, ticks_at_piece = asyncio.run(_list_while_ticking(app))

    assert len(pieces) > 1
    assert ticks_at_piece[-1] > ticks_at_piece[0], "nothing else ran while the list was sent"
    body = json.loads(b"".join(pieces))
    assert [number["number"] for number in body["phoneNumbers"]] == sorted([*MANY, SEEDED_ROUTED, SEEDED_UNROUTED])


async def _list_while_ticking(app: Starlette) -> tuple[list[bytes], list[int]]:
    """Send one list request straight to the ASGI app beside a task that counts loop turns."""
    ticks = 0
    pieces: list[bytes] = []
    ticks_at_piece: list[int] = []
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            pieces.append(message.get("body", b""))
            ticks_at_piece.append(ticks)

    scope = {
        "type": "http",
        "method": "GET",
        "path": NUMBERS,
        "raw_path": NUMBERS.encode(),
        "query_string": b"",
        "headers": [(b"x-api-key", b"polyai-mock-dev-key")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    counting = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    await app(scope, receive, send)
    done.set()
    await counting
    return pieces, ticks_at_piece
