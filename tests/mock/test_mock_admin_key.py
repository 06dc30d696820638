"""Credentials that must not work: the admin endpoints behind their own key, and an API key sent twice.

With an admin key in the config, an admin request without it, with a wrong one, with an account's
API key, or with the key header twice is 401 in the envelope and changes nothing; with the key it
is served. Without a key, `telephony-mock --admin` refuses any host but loopback. Any request to
the API carrying `X-API-KEY` more than once is 401, whichever keys they are and in whichever
order, on every operation: an ambiguous credential is never resolved by picking one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mock_support import (
    AGENT,
    DEV_KEY,
    OTHER_KEY,
    SEEDED_ROUTED,
    TestClient,
    assert_envelope,
    fictional,
    http_client,
)
from starlette.applications import Starlette

from telephony_contract import is_loopback, load_catalogue
from telephony_mock import ADMIN_KEY_HEADER, ConfigError, PolyAIMock, load_config
from telephony_mock import __main__ as cli
from telephony_mock._admin import refuse_open_admin
from telephony_mock._config import ADMIN_KEY_ENV, DEFAULT_CONFIG_PATH, config_from_dict, with_admin_key_from_env

ADMIN_KEY = "admin-key-for-tests"
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"
CONNECTORS = f"/v1/agents/{AGENT}/telephony/connectors"


def _raw_config(**extra: Any) -> dict[str, Any]:
    import yaml

    raw: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw.update(extra)
    return raw


@pytest.fixture
def keyed_app() -> Iterator[Starlette]:
    config = config_from_dict(_raw_config(admin={"key": ADMIN_KEY}))
    with PolyAIMock(config, admin=True, validate_responses=True, auto_advance=False) as mock:
        yield mock.starlette_app


@pytest.fixture
def keyed(keyed_app: Starlette) -> Iterator[TestClient]:
    with http_client(keyed_app) as client:
        yield client


def _state(http: TestClient) -> tuple[list[Any], list[Any]]:
    return http.get(NUMBERS).json()["phoneNumbers"], http.get(CONNECTORS).json()["connectors"]


# -- the admin key --------------------------------------------------------------------------------

REFUSED_ADMIN_HEADERS = {
    "no key": [],
    "wrong key": [(ADMIN_KEY_HEADER, ADMIN_KEY + "x")],
    "empty key": [(ADMIN_KEY_HEADER, "")],
    "an account's API key as admin key": [(ADMIN_KEY_HEADER, DEV_KEY)],
    "the key twice": [(ADMIN_KEY_HEADER, ADMIN_KEY), (ADMIN_KEY_HEADER, ADMIN_KEY)],
    "the key and a wrong one": [(ADMIN_KEY_HEADER, ADMIN_KEY), (ADMIN_KEY_HEADER, "wrong")],
    "a wrong key and the key": [(ADMIN_KEY_HEADER, "wrong"), (ADMIN_KEY_HEADER, ADMIN_KEY)],
    # The account's key header is never an admin credential, even carrying the admin key.
    "the admin key in X-API-KEY": [("X-API-KEY", ADMIN_KEY)],
}


@pytest.mark.parametrize("headers", REFUSED_ADMIN_HEADERS.values(), ids=REFUSED_ADMIN_HEADERS.keys())
def test_admin_request_without_the_admin_key_is_401_and_changes_nothing(
    keyed: TestClient, headers: list[tuple[str, str]]
) -> None:
    imported = keyed.post(NUMBERS, json={"phoneNumbers": [fictional(11)], "clientEnv": "sandbox"})
    assert imported.status_code == 201
    before = _state(keyed)

    for path, body in (
        ("/_admin/reset", None),
        ("/_admin/seed", {"agentId": AGENT, "phoneNumbers": [fictional(12)]}),
        ("/_admin/clock", {"advanceSeconds": 60}),
    ):
        # No X-API-KEY either: the client's default key must not stand in for the admin key.
        with http_client(keyed.app, key=None) as anonymous:
            assert_envelope(anonymous.post(path, json=body, headers=headers), 401, "AUTH_USER_UNAUTHORISED")

    assert _state(keyed) == before  # the import survived the reset, and nothing was seeded


def test_admin_key_is_checked_before_the_route_and_the_body(keyed: TestClient) -> None:
    # A caller without the key learns nothing: not which admin paths exist, nor what they take.
    assert_envelope(keyed.post("/_admin/no-such-thing"), 401, "AUTH_USER_UNAUTHORISED")
    assert_envelope(keyed.get("/_admin/reset"), 401, "AUTH_USER_UNAUTHORISED")
    assert_envelope(
        keyed.post("/_admin/seed", content=b"{not json", headers={"content-type": "application/json"}),
        401,
        "AUTH_USER_UNAUTHORISED",
    )


def test_admin_request_with_the_admin_key_is_served(keyed: TestClient) -> None:
    keyed.post(NUMBERS, json={"phoneNumbers": [fictional(13)], "clientEnv": "sandbox"})
    admin = {ADMIN_KEY_HEADER: ADMIN_KEY}

    assert keyed.post("/_admin/reset", headers=admin).status_code == 200
    assert [n["number"] for n in _state(keyed)[0]] == [SEEDED_ROUTED, "+442079460002"]
    seeded = keyed.post("/_admin/seed", json={"agentId": AGENT, "phoneNumbers": [fictional(14)]}, headers=admin)
    assert seeded.status_code == 201
    assert keyed.post("/_admin/clock", json={"advanceSeconds": 1}, headers=admin).status_code == 200
    # The admin key opens only the admin endpoints: the API still wants an account's key.
    with http_client(keyed.app, key=None) as anonymous:
        assert_envelope(anonymous.get(NUMBERS, headers={"X-API-KEY": ADMIN_KEY}), 401, "AUTH_USER_UNAUTHORISED")


def test_without_an_admin_key_the_in_process_admin_endpoints_stay_open() -> None:
    with (
        PolyAIMock(admin=True, validate_responses=True, auto_advance=False) as mock,
        http_client(mock.starlette_app, key=None) as http,
    ):
        assert http.post("/_admin/reset").status_code == 200


@pytest.mark.parametrize(
    ("admin", "problem"),
    [
        ({"key": ""}, "non-empty string of printable ASCII"),
        ({"key": "with space"}, "non-empty string of printable ASCII"),
        ({"key": 42}, "non-empty string of printable ASCII"),
        ({}, "key"),
        ({"key": DEV_KEY}, "must not be an account's API key"),
    ],
)
def test_config_refuses_an_unusable_admin_key(admin: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as refused:
        config_from_dict(_raw_config(admin=admin))
    assert "with space" not in str(refused.value)


def test_admin_key_from_the_environment_overrides_the_config() -> None:
    config = config_from_dict(_raw_config(admin={"key": ADMIN_KEY}))

    assert with_admin_key_from_env(config, {ADMIN_KEY_ENV: "from-env"}).admin_key == "from-env"
    assert with_admin_key_from_env(config, {}).admin_key == ADMIN_KEY
    with pytest.raises(ConfigError, match=ADMIN_KEY_ENV):
        with_admin_key_from_env(config, {ADMIN_KEY_ENV: ""})
    with pytest.raises(ConfigError, match="must not be an account's API key"):
        with_admin_key_from_env(config, {ADMIN_KEY_ENV: OTHER_KEY})


def test_admin_key_stays_out_of_the_config_repr() -> None:
    assert ADMIN_KEY not in repr(config_from_dict(_raw_config(admin={"key": ADMIN_KEY})))


# -- where --admin may be served without a key ----------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    refuse_open_admin(host, None)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", "[::1]", "", "localhost."]
)
def test_open_admin_is_refused_off_loopback_and_allowed_with_a_key(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match=f"admin: {{key: ...}}.*{ADMIN_KEY_ENV}"):
        refuse_open_admin(host, None)
    refuse_open_admin(host, ADMIN_KEY)


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replaces the server: a test of the command line must never bind a port."""
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(cli, "serve", lambda app, **options: served.append(options))
    monkeypatch.delenv(ADMIN_KEY_ENV, raising=False)
    return served


def test_command_line_refuses_admin_on_all_interfaces_without_a_key(
    no_serving: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--admin", "--host", "0.0.0.0"]) == 2

    error = capsys.readouterr().err
    assert "--admin on host '0.0.0.0' needs an admin key" in error
    assert ADMIN_KEY_ENV in error
    assert no_serving == []


def test_command_line_serves_admin_on_all_interfaces_with_a_key_from_the_environment(
    no_serving: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ADMIN_KEY_ENV, ADMIN_KEY)

    assert cli.main(["--admin", "--host", "0.0.0.0"]) == 0

    assert [options["host"] for options in no_serving] == ["0.0.0.0"]
    banner = capsys.readouterr().out
    assert f"need the admin key in {ADMIN_KEY_HEADER}" in banner
    assert ADMIN_KEY not in banner


def test_command_line_says_when_admin_is_open_on_loopback(
    no_serving: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--admin"]) == 0

    assert "open to every local process" in capsys.readouterr().out
    assert [options["host"] for options in no_serving] == ["127.0.0.1"]


# -- X-API-KEY more than once ---------------------------------------------------------------------

DUPLICATE_KEYS = {
    "valid then another account's": (DEV_KEY, OTHER_KEY),
    "another account's then valid": (OTHER_KEY, DEV_KEY),
    "valid twice": (DEV_KEY, DEV_KEY),
    "invalid then valid": ("not-a-key", DEV_KEY),
    "valid then invalid": (DEV_KEY, "not-a-key"),
    "empty then valid": ("", DEV_KEY),
}
PATH_VALUES = {
    "agentId": AGENT,
    "phoneNumber": "%2B" + SEEDED_ROUTED[1:],
    "connectorId": "conn-dev-en",
    "callSid": "OUT-00000000-0000-4000-8000-000000000000",
}


def _path(template: str) -> str:
    for name, value in PATH_VALUES.items():
        template = template.replace("{" + name + "}", value)
    return template


@pytest.mark.parametrize("operation", load_catalogue().values(), ids=str)
@pytest.mark.parametrize("keys", DUPLICATE_KEYS.values(), ids=DUPLICATE_KEYS.keys())
def test_api_key_sent_twice_is_401_on_every_operation(app: Starlette, operation: Any, keys: tuple[str, str]) -> None:
    with http_client(app) as owner, http_client(app, key=None) as http:
        before = _state(owner)
        body = b"{}" if operation.method != "GET" else None
        response = http.request(
            operation.method,
            _path(operation.path),
            content=body,
            headers=[("X-API-KEY", keys[0]), ("X-API-KEY", keys[1]), ("content-type", "application/json")],
        )
        assert_envelope(response, 401, "AUTH_USER_UNAUTHORISED")
        assert _state(owner) == before


def test_three_keys_are_as_ambiguous_as_two(http: TestClient) -> None:
    headers = [("X-API-KEY", DEV_KEY), ("X-API-KEY", DEV_KEY), ("X-API-KEY", DEV_KEY)]
    assert_envelope(http.get(NUMBERS, headers=headers), 401, "AUTH_USER_UNAUTHORISED")


def test_comma_joined_keys_are_one_unknown_key(http: TestClient) -> None:
    for joined in (f"{DEV_KEY}, {OTHER_KEY}", f"{DEV_KEY},{DEV_KEY}"):
        assert_envelope(http.get(NUMBERS, headers={"X-API-KEY": joined}), 401, "AUTH_USER_UNAUTHORISED")


def test_one_key_still_works_after_an_ambiguous_request(http: TestClient) -> None:
    http.get(NUMBERS, headers=[("X-API-KEY", DEV_KEY), ("X-API-KEY", OTHER_KEY)])

    assert http.get(NUMBERS).status_code == 200


def test_default_config_has_no_admin_key() -> None:
    # `make mock` and the test suites call the admin endpoints without a key on loopback.
    assert load_config().admin_key is None
