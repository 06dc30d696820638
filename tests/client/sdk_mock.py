"""`PolyAI` and `AsyncPolyAI` wired to the mock served in process: no network, no sleeps."""

from __future__ import annotations

from typing import Any

import httpx
from polyai_telephony import AsyncPolyAI, PolyAI, RetryPolicy
from starlette.applications import Starlette

from telephony_mock import InProcessTransport, PolyAIMock

DEV_KEY = "polyai-mock-dev-key"
MOCK_URL = "http://mock.test"
AGENT = "agent-dev"
SEEDED = ["+442079460001", "+442079460002"]  # agent-dev's numbers in the mock's default config


def mock_app(**options: Any) -> Starlette:
    """The test kit's mock as an ASGI app, for a test that needs no fixture; `options` go to
    `PolyAIMock` (`config=`, `faults=`, `admin=`...). Clients here wait as the test tells them,
    so the kit does not take over the SDK's pacing."""
    return PolyAIMock(auto_advance=False, **options).starlette_app


def no_wait_retry(**settings: Any) -> RetryPolicy:
    """The default policy, with waits recorded nowhere and taken at once."""

    async def no_async_sleep(seconds: float) -> None:
        return None

    return RetryPolicy(sleep=lambda seconds: None, async_sleep=no_async_sleep, **settings)


def sync_http(app: Starlette) -> httpx.Client:
    """An httpx.Client that runs the app in this thread (the test kit's transport; no server).

    It never times a request out (the timeout tests use transports of their own)."""
    return httpx.Client(transport=InProcessTransport(app))


def sync_client(app: Starlette, **settings: Any) -> PolyAI:
    settings = {"api_key": DEV_KEY, "agent_id": AGENT, "retry": no_wait_retry(), **settings}
    settings.setdefault("http_client", sync_http(app))
    return PolyAI(base_url=MOCK_URL, **settings)


def async_client(app: Starlette, **settings: Any) -> AsyncPolyAI:
    settings = {"api_key": DEV_KEY, "agent_id": AGENT, "retry": no_wait_retry(), **settings}
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    return AsyncPolyAI(base_url=MOCK_URL, http_client=http, **settings)
