"""`PolyAI` and `AsyncPolyAI` wired to the mock served in process: no network, no sleeps."""

from __future__ import annotations

import warnings
from typing import Any

import httpx
from polyai_telephony import AsyncPolyAI, PolyAI, RetryPolicy
from starlette.applications import Starlette

from telephony_mock import create_app

with warnings.catch_warnings():
    # Starlette 1.x asks for the httpx2 fork; the SDK is built on httpx, which the TestClient
    # still drives correctly.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DEV_KEY = "polyai-mock-dev-key"
MOCK_URL = "http://mock.test"
AGENT = "agent-dev"
SEEDED = ["+442079460001", "+442079460002"]  # agent-dev's numbers in the mock's default config


def mock_app(**options: Any) -> Starlette:
    return create_app(**options)


def no_wait_retry(**settings: Any) -> RetryPolicy:
    """The default policy, with waits recorded nowhere and taken at once."""

    async def no_async_sleep(seconds: float) -> None:
        return None

    return RetryPolicy(sleep=lambda seconds: None, async_sleep=no_async_sleep, **settings)


class _InProcess(TestClient):
    """Starlette's TestClient, an httpx.Client that runs the ASGI app in this thread.

    It cannot time a request out and warns about every timeout it is given; the SDK gives one
    with every request, so it is dropped here (the timeout tests use transports of their own).
    """

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:
        kwargs.pop("timeout", None)
        response: httpx.Response = super().request(*args, **kwargs)
        return response


def sync_http(app: Starlette) -> httpx.Client:
    return _InProcess(app)


def sync_client(app: Starlette, **settings: Any) -> PolyAI:
    settings = {"api_key": DEV_KEY, "agent_id": AGENT, "retry": no_wait_retry(), **settings}
    settings.setdefault("http_client", sync_http(app))
    return PolyAI(base_url=MOCK_URL, **settings)


def async_client(app: Starlette, **settings: Any) -> AsyncPolyAI:
    settings = {"api_key": DEV_KEY, "agent_id": AGENT, "retry": no_wait_retry(), **settings}
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    return AsyncPolyAI(base_url=MOCK_URL, http_client=http, **settings)
