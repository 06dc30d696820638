"""The SDK's edges: a wrong enum value, a base URL without scheme, a host that does not answer.

Each is met before or at the first call, and each raises a PolyAIError that says what to fix.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from polyai_telephony import ApiConnectionError, ConfigurationError, InvalidArgumentError, PolyAI, PolyAIError
from sdk_mock import mock_app, sync_client

KEY = "test-key-not-secret"


def test_an_enum_argument_outside_the_contract_raises_a_polyai_error_listing_the_valid_values() -> None:
    with sync_client(mock_app()) as client, pytest.raises(InvalidArgumentError) as raised:
        client.outbound_calls.trigger("+447700900100", "prod")  # type: ignore[arg-type]

    assert isinstance(raised.value, PolyAIError)
    assert isinstance(raised.value, ValueError)  # what a caller catching ValueError before still catches
    message = str(raised.value)
    assert "environment='prod'" in message
    assert all(repr(value) in message for value in ("live", "pre-release", "sandbox"))


def test_mypy_refuses_a_string_outside_the_enum(tmp_path: Path) -> None:
    script = tmp_path / "wrong_environment.py"
    script.write_text(
        "from polyai_telephony import PolyAI\n\n\n"
        "def ring(client: PolyAI) -> None:\n"
        '    client.outbound_calls.trigger("+447700900100", "sandbox")\n'
        '    client.outbound_calls.trigger("+447700900100", "prod")\n',
        encoding="utf-8",
    )

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 1, result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "wrong_environment.py:6:" in errors[0], result.stdout
    assert 'Argument 2 to "trigger"' in errors[0]
    assert "expected \"Literal['live', 'pre-release', 'sandbox'] | OutboundEnvironment\"" in errors[0]


@pytest.mark.parametrize("url", ["127.0.0.1:8601", "localhost", "ftp://127.0.0.1", "http://"])
def test_a_base_url_without_scheme_or_host_is_refused_at_construction_naming_base_url(url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"base_url '.*' is not an http:// or https:// URL"):
        PolyAI(api_key=KEY, base_url=url)


def test_a_base_url_from_the_environment_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLYAI_BASE_URL", "127.0.0.1:8601")

    with pytest.raises(ConfigurationError, match=r"POLYAI_BASE_URL '127\.0\.0\.1:8601'"):
        PolyAI(api_key=KEY)


def _closed_port() -> int:
    """A loopback port nothing listens on: bound, read and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_connection_error_names_the_host() -> None:
    port = _closed_port()
    client = PolyAI(api_key=KEY, agent_id="agent-dev", base_url=f"http://127.0.0.1:{port}")
    with client, pytest.raises(ApiConnectionError) as raised:
        client.phone_numbers.list(retry=None)

    assert raised.value.host == f"127.0.0.1:{port}"
    assert f"(host 127.0.0.1:{port})" in str(raised.value)
    assert KEY not in str(raised.value)
