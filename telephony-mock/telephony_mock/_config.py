"""The mock's config file: accounts, their API keys and agents, seed connectors and numbers, faults,
the voices a connector may use, how simulated outbound calls unfold, and the admin key.

The file's own structure is checked here; the connectors and numbers in it are API resources and
are checked against the spec's schemas when the app is built (see `_seed.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "default-config.yaml"

_ID = {"type": "string", "minLength": 1}
_ENVIRONMENTS = ("sandbox", "pre-release", "live")
_SECONDS = {"type": "number", "minimum": 0}
# Printable ASCII without spaces: what an HTTP header carries unchanged.
_ADMIN_KEY = {"type": "string", "minLength": 1, "pattern": "^[!-~]+$"}
_ADMIN_KEY_RULE = "the admin key must be a non-empty string of printable ASCII without spaces"
# Overrides the config's `admin.key` for `telephony-mock`, so a container needs no config file.
ADMIN_KEY_ENV = "TELEPHONY_MOCK_ADMIN_KEY"
_CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["accounts"],
    "properties": {
        "accounts": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "api_keys", "agents"],
                "properties": {
                    "id": _ID,
                    "api_keys": {"type": "array", "minItems": 1, "items": _ID},
                    "agents": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["id", "project"],
                            "properties": {
                                "id": _ID,
                                "project": _ID,
                                # Written as the API returns them, less accountId and projectId.
                                "connectors": {"type": "array", "items": {"type": "object"}},
                                "phone_numbers": {"type": "array", "items": {"type": "object"}},
                                # Environments PolyAI has enabled outbound calling for.
                                "outbound_environments": {
                                    "type": "array",
                                    "uniqueItems": True,
                                    "items": {"enum": list(_ENVIRONMENTS)},
                                },
                            },
                        },
                    },
                },
            },
        },
        "faults": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["operation"],
                "anyOf": [{"required": ["status"]}, {"required": ["latency_ms"]}],
                "properties": {
                    "operation": _ID,
                    "status": {"type": "integer"},
                    "rate": {"type": "number", "minimum": 0, "maximum": 1},
                    "retry_after": {"type": ["integer", "string"]},
                    "latency_ms": {"type": "integer", "minimum": 0},
                },
            },
        },
        "fault_seed": {"type": "integer"},
        # The key the admin endpoints (--admin) ask for in their own header; see `_admin.py`.
        "admin": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key"],
            "properties": {"key": _ADMIN_KEY},
        },
        "voices": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _ID},
        "outbound_calls": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "queued_seconds": _SECONDS,
                "calling_seconds": _SECONDS,
                "retention_seconds": _SECONDS,
                "outcomes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["number", "status"],
                        "properties": {
                            "number": _ID,
                            "status": {"enum": ["SUCCESS", "FAILURE"]},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}
_CONFIG_VALIDATOR = jsonschema_rs.validator_for(_CONFIG_SCHEMA)
_ADMIN_KEY_VALIDATOR = jsonschema_rs.validator_for(_ADMIN_KEY)


class ConfigError(ValueError):
    """The config file is not valid; the message names the place."""


@dataclass(frozen=True)
class AgentConfig:
    id: str
    project_id: str
    connectors: tuple[Mapping[str, Any], ...] = ()
    phone_numbers: tuple[Mapping[str, Any], ...] = ()
    outbound_environments: frozenset[str] = frozenset(_ENVIRONMENTS)


@dataclass(frozen=True)
class AccountConfig:
    id: str
    api_keys: tuple[str, ...]
    agents: tuple[AgentConfig, ...]


@dataclass(frozen=True)
class FaultRule:
    """Answer `status` (after `latency_ms`) to a share `rate` of the calls to `operation` ("*": all)."""

    operation: str
    status: int | None = None
    rate: float = 1.0
    retry_after: str | None = None
    latency_ms: int = 0


@dataclass(frozen=True)
class CallOutcome:
    """How a call to one number ends: SUCCESS, or FAILURE with a reason."""

    status: str
    reason: str = ""


@dataclass(frozen=True)
class OutboundCallsConfig:
    """A simulated call is QUEUED for `queued_seconds`, CALLING for `calling_seconds`, then ends
    as its number's scripted outcome (SUCCESS when unlisted); its status is kept for
    `retention_seconds` after it ends (about two hours, as PolyAI publishes)."""

    queued_seconds: float = 2.0
    calling_seconds: float = 30.0
    retention_seconds: float = 7200.0
    outcomes: Mapping[str, CallOutcome] = field(default_factory=dict)


@dataclass(frozen=True)
class MockConfig:
    accounts: tuple[AccountConfig, ...]
    faults: tuple[FaultRule, ...] = ()
    fault_seed: int | None = None
    source: str = field(default="<memory>", compare=False)
    # Voice names a connector update accepts; None accepts any (a config that predates voices).
    voices: frozenset[str] | None = None
    outbound_calls: OutboundCallsConfig = field(default_factory=OutboundCallsConfig)
    # The key every admin request must carry; None leaves the admin endpoints open, which the
    # command line allows only on a loopback host. Kept out of repr, like any credential.
    admin_key: str | None = field(default=None, repr=False)


def load_config(path: Path | str | Mapping[str, Any] | None = None, *, source: str = "<memory>") -> MockConfig:
    """Read and check a config file, or a mapping in a config file's shape (its errors name
    `source`); the default config when None."""
    if isinstance(path, Mapping):
        return config_from_dict(path, source=source)
    path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return config_from_dict(raw, source=str(path))


def config_from_dict(raw: Any, *, source: str = "<memory>") -> MockConfig:
    errors = list(_CONFIG_VALIDATOR.iter_errors(raw))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.instance_path) or "(top level)"
        # The validator's message quotes the value; an admin key, even a malformed one, stays out of logs.
        message = _ADMIN_KEY_RULE if where == "admin/key" else first.message
        raise ConfigError(f"{source}: {where}: {message}")
    accounts = tuple(
        AccountConfig(
            id=account["id"],
            api_keys=tuple(account["api_keys"]),
            agents=tuple(
                AgentConfig(
                    id=agent["id"],
                    project_id=agent["project"],
                    connectors=tuple(
                        {"variantId": "", "disableHandoff": False, **connector}
                        for connector in agent.get("connectors", [])
                    ),
                    phone_numbers=tuple(agent.get("phone_numbers", [])),
                    outbound_environments=frozenset(agent.get("outbound_environments", _ENVIRONMENTS)),
                )
                for agent in account["agents"]
            ),
        )
        for account in raw["accounts"]
    )
    faults = tuple(
        FaultRule(
            operation=rule["operation"],
            status=rule.get("status"),
            rate=float(rule.get("rate", 1.0)),
            retry_after=None if rule.get("retry_after") is None else str(rule["retry_after"]),
            latency_ms=int(rule.get("latency_ms", 0)),
        )
        for rule in raw.get("faults", [])
    )
    calls = raw.get("outbound_calls", {})
    # Absent durations keep the dataclass's defaults; the schema has checked the rest.
    outbound_calls = OutboundCallsConfig(
        **{name: float(value) for name, value in calls.items() if name != "outcomes"},
        outcomes={
            outcome["number"]: CallOutcome(outcome["status"], outcome.get("reason", ""))
            for outcome in calls.get("outcomes", [])
        },
    )
    voices = frozenset(raw["voices"]) if "voices" in raw else None
    admin_key = raw["admin"]["key"] if "admin" in raw else None
    config = MockConfig(accounts, faults, raw.get("fault_seed"), source, voices, outbound_calls, admin_key)
    _check_unique(config)
    _check_voices(config)
    _check_admin_key(config, "admin/key")
    return config


def with_admin_key_from_env(config: MockConfig, environ: Mapping[str, str]) -> MockConfig:
    """`config` with its admin key taken from TELEPHONY_MOCK_ADMIN_KEY when that is set."""
    if ADMIN_KEY_ENV not in environ:
        return config
    key = environ[ADMIN_KEY_ENV]
    if not _ADMIN_KEY_VALIDATOR.is_valid(key):
        raise ConfigError(f"{ADMIN_KEY_ENV}: {_ADMIN_KEY_RULE}")
    config = replace(config, admin_key=key)
    _check_admin_key(config, ADMIN_KEY_ENV)
    return config


def _check_admin_key(config: MockConfig, where: str) -> None:
    # An account's key is a credential for the API; were it also the admin key, every account
    # could wipe the mock.
    if config.admin_key is not None and any(config.admin_key in account.api_keys for account in config.accounts):
        raise ConfigError(f"{config.source}: {where}: the admin key must not be an account's API key")


def _check_unique(config: MockConfig) -> None:
    def once(kind: str, values: list[str]) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise ConfigError(f"{config.source}: {kind} {value!r} is declared twice")
            seen.add(value)

    agents = [agent for account in config.accounts for agent in account.agents]
    once("account", [account.id for account in config.accounts])
    once("API key", [key for account in config.accounts for key in account.api_keys])
    once("agent", [agent.id for agent in agents])
    # An agent has exactly one project and a project one agent: `projectId` names the agent.
    once("project", [agent.project_id for agent in agents])
    once("connector", [str(c.get("connectorId")) for agent in agents for c in agent.connectors])
    once("phone number", [str(n.get("number")) for agent in agents for n in agent.phone_numbers])


def _check_voices(config: MockConfig) -> None:
    if config.voices is None:
        return
    for account in config.accounts:
        for agent in account.agents:
            for connector in agent.connectors:
                voice = connector.get("voiceName")
                if voice and voice not in config.voices:
                    raise ConfigError(
                        f"{config.source}: connector {connector.get('connectorId')!r} uses voice {voice!r}, "
                        "which is not in `voices`"
                    )
