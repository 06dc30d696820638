"""The done-when of the SDK: a script written as a new user would type-checks under `mypy --strict`
with no casts or narrowing, and does what it says against the mock, sync and async."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
from pathlib import Path

import new_user_script
from sdk_mock import SEEDED, async_client, mock_app, sync_client
from starlette.applications import Starlette

from telephony_mock import load_config

SCRIPT = Path(new_user_script.__file__)
FIRST, SECOND = new_user_script.NEW_NUMBERS

EXPECTED = [
    f"imported {[FIRST, SECOND]}",
    f"unrouted {sorted([SEEDED[1], FIRST, SECOND])}",
    f"{FIRST} routes to conn-dev-en",
    f"conn-dev-en serves {sorted([SEEDED[0], FIRST])}",
    f"found {[FIRST, SECOND]}, not found {[new_user_script.NEVER_IMPORTED]}",
    "import again: 409 PHONE_NUMBERS_ALREADY_EXISTS",
    f"released {[FIRST, SECOND]}",
    "call QUEUED",
    "call ended SUCCESS ''",
]


def _app() -> Starlette:
    """The mock, its simulated calls ending at once: the script's wait returns on its first poll
    instead of sleeping through a call (test_sdk_outbound.py moves the mock's clock instead)."""
    config = load_config()
    instant = dataclasses.replace(config.outbound_calls, queued_seconds=0.0, calling_seconds=0.0)
    return mock_app(config=dataclasses.replace(config, outbound_calls=instant))


def test_the_new_user_script_passes_mypy_strict(tmp_path: Path) -> None:
    source = SCRIPT.read_text()
    assert "cast(" not in source and "isinstance(" not in source and "type: ignore" not in source

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_new_user_script_runs_against_the_mock() -> None:
    app = _app()
    with sync_client(app) as client:
        assert new_user_script.run(client) == EXPECTED

    with sync_client(app) as client:
        assert sorted(n.number for n in client.phone_numbers.list().phone_numbers) == SEEDED


def test_the_new_user_script_runs_against_the_mock_with_asyncio() -> None:
    app = _app()

    async def scenario() -> list[str]:
        async with async_client(app) as client:
            return await new_user_script.run_async(client)

    assert asyncio.run(scenario()) == EXPECTED
