"""The generated client, wired to an in-memory httpx transport that records what it is sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from polyai_telephony import AuthenticatedClient

API_KEY = "polyai-test-key-7f3a91c2"
BASE_URL = "https://api.us.poly.ai"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Answers every request with one canned response and keeps the requests it saw."""

    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        content = b"" if self.body is None else json.dumps(self.body).encode()
        return httpx.Response(
            self.status, content=content, headers={"Content-Type": "application/json", **self.headers}
        )

    @property
    def only_request(self) -> httpx.Request:
        assert len(self.requests) == 1, f"expected one request, got {len(self.requests)}"
        return self.requests[0]


def client_over(handler: Handler, **settings: Any) -> AuthenticatedClient:
    """An AuthenticatedClient with the service's real auth settings, answering from *handler*."""
    return AuthenticatedClient(
        base_url=BASE_URL,
        token=API_KEY,
        auth_header_name="X-API-KEY",
        prefix="",
        httpx_args={"transport": httpx.MockTransport(handler)},
        **settings,
    )
