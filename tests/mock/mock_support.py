"""Constants and assertions shared by the mock's tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

import httpx
from polyai_telephony import AuthenticatedClient
from polyai_telephony.models import Error
from starlette.applications import Starlette

from telephony_mock import InProcessTransport

DEV_KEY = "polyai-mock-dev-key"
OTHER_KEY = "polyai-mock-other-key"
AGENT = "agent-dev"
AGENT_2 = "agent-dev-2"
OTHER_AGENT = "agent-other"
BASE_URL = "http://mock.test"
CORRELATION = "x-polyai-correlation-id"

# Seeded by default-config.yaml.
SEEDED_ROUTED = "+442079460001"  # agent-dev, routed to conn-dev-en
SEEDED_UNROUTED = "+442079460002"  # agent-dev, no connector
SEEDED_OTHER = "+12025550101"  # agent-other, routed to conn-other-en


def fictional(index: int) -> str:
    """A UK mobile number from Ofcom's range for drama (+44 7700 900000-900999)."""
    assert 0 <= index < 1000
    return f"+447700900{index:03d}"


# A request header the mock ignores, by which a test says a 5xx is what it asked for (through a
# config fault rule); the X-Mock-Fault header says so by itself.
EXPECT_FAULT = {"X-Test-Expects-Fault": "1"}


def _check_response(response: httpx.Response) -> None:
    assert response.headers.get(CORRELATION), "every answer carries the correlation header"
    if response.status_code >= 500:
        asked = {"x-mock-fault", "x-test-expects-fault"} & response.request.headers.keys()
        assert asked, f"unexpected {response.status_code} from the mock"


class TestClient(httpx.Client):
    """An httpx.Client on the mock app, run in this thread by the test kit's transport (no server).

    Each client has its own event loop per thread, so clients used from several threads enter the
    app from several threads at once. An exception the app raises (a self-check failure) reaches
    the test.
    """

    __test__ = False  # a helper, not a test class

    def __init__(self, app: Starlette, **options: Any) -> None:
        self.app = app
        super().__init__(transport=InProcessTransport(app), **options)


def http_client(app: Starlette, key: str | None = DEV_KEY) -> TestClient:
    headers = {"X-API-KEY": key} if key is not None else {}
    return TestClient(app, base_url=BASE_URL, headers=headers, event_hooks={"response": [_check_response]})


def api_client(http: httpx.Client) -> AuthenticatedClient:
    client = AuthenticatedClient(base_url=BASE_URL, token="unused", auth_header_name="X-API-KEY", prefix="")
    # The HTTP client carries the key; the generated client's own headers apply only to clients
    # it builds itself.
    return client.set_httpx_client(http)


def assert_error(response: Any, status: int, code: str) -> None:
    """A generated-client `Response` that is the error envelope with this status and code."""
    assert response.status_code == status, response.content
    parsed = response.parsed
    assert isinstance(parsed, Error), response.content
    assert parsed.success is False
    assert parsed.error_code == code
    assert parsed.error_id == response.headers[CORRELATION]
    assert parsed.error_message


def assert_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A raw response that is the error envelope with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"success", "error", "error_id", "error_code", "error_message", "data"}
    assert body["success"] is False
    assert body["data"] is None
    assert body["error_code"] == code
    assert body["error_id"] == response.headers[CORRELATION]
    return body


def assert_still_serving(http: httpx.Client) -> None:
    response = http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers/%2B{SEEDED_ROUTED[1:]}")
    assert response.status_code == 200
    assert response.json()["number"] == SEEDED_ROUTED
