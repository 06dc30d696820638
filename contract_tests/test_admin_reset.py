"""The suite resets the mock through its admin endpoint, with the admin key when the mock has one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from schemathesis.python import asgi

import telephony_mock
from contract_tests import runner
from contract_tests.target import admin_reset, mock_credentials, select
from telephony_mock import create_app
from telephony_mock._config import config_from_dict

AGENT, KEY = mock_credentials(runner.load_settings())
ADMIN_KEY = "suite-admin-key"
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
IMPORTED = "+447700900321"


def _keyed_mock() -> Any:
    raw = yaml.safe_load(Path(telephony_mock.__file__).with_name("default-config.yaml").read_text())
    return create_app(config_from_dict({**raw, "admin": {"key": ADMIN_KEY}}), admin=True)


def _listed(app: Any) -> list[str]:
    with asgi.get_client(app) as client:
        answer = client.get(NUMBERS, headers={"X-API-KEY": KEY})
    return [number["number"] for number in answer.json()["phoneNumbers"]]


def test_a_keyed_mock_is_reset_with_its_admin_key() -> None:
    app = _keyed_mock()
    with asgi.get_client(app) as client:
        client.post(NUMBERS, json={"phoneNumbers": [IMPORTED]}, headers={"X-API-KEY": KEY})

    with pytest.raises(RuntimeError, match="answered 401"):
        admin_reset(app)
    assert IMPORTED in _listed(app)
    with select("mock", runner.load_settings(), mock_app=app, mock_admin_key=ADMIN_KEY) as selected:
        assert selected.reset is not None
        selected.reset()
    assert IMPORTED not in _listed(app)


def test_the_default_mock_is_reset_without_a_key() -> None:
    with select("mock", runner.load_settings()) as selected:
        assert selected.reset is not None
        with asgi.get_client(selected.app) as client:
            client.post(NUMBERS, json={"phoneNumbers": [IMPORTED]}, headers={"X-API-KEY": KEY})
        selected.reset()
        assert IMPORTED not in _listed(selected.app)
