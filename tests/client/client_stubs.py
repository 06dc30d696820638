"""The generated client, wired to an in-memory httpx transport that records what it is sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Answer:
    """One scripted response; built afresh for every request that gets it."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def build(self) -> httpx.Response:
        content = b"" if self.body is None else json.dumps(self.body).encode()
        return httpx.Response(
            self.status, content=content, headers={"Content-Type": "application/json", **self.headers}
        )


class Script:
    """Answers requests in order from a list of answers and exceptions; the last step repeats."""

    def __init__(self, *steps: Answer | Exception) -> None:
        assert steps, "a script needs at least one step"
        self.steps = steps
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        if isinstance(step, Exception):
            raise step
        return step.build()


def envelope(status: int, error_code: str, error_id: str = "0f1e2d3c-aaaa-4bbb-8ccc-123456789abc") -> dict[str, Any]:
    """An error envelope as the contract's Error schema has it."""
    return {
        "success": False,
        "error": f"{error_code} in a test",
        "error_id": error_id,
        "error_code": error_code,
        "error_message": f"{error_code} in a test",
        "data": None,
    }


class FakeSleep:
    """Stands in for time.sleep and asyncio.sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)
