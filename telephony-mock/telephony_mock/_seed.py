"""Turn the config's seed connectors and numbers into store records, checked against the spec.

Seeds are API resources, so the spec's own `Connector` and `PhoneNumber` schemas decide whether
they are valid; the config adds only where they live (an agent, hence an account and project).
"""

from __future__ import annotations

from typing import Any

from ._config import ConfigError, MockConfig
from ._spec import Spec, component
from ._store import Connector, PhoneNumber


def _connector_schema(spec: Spec) -> Any:
    return spec.validator_for({**component("Connector"), "unevaluatedProperties": False})


def connector_record(spec: Spec, entry: dict[str, Any], owner: dict[str, str], where: str) -> Connector:
    """One more connector, written as the API returns it, checked as a seed connector is (the test kit adds them)."""
    record: dict[str, Any] = {**entry, **owner}
    _check(_connector_schema(spec), record, where)
    return _ordered(record, list(spec.document["components"]["schemas"]["Connector"]["properties"]))


def seed_records(config: MockConfig, spec: Spec) -> tuple[list[Connector], list[PhoneNumber]]:
    connector_schema = _connector_schema(spec)
    number_schema = spec.validator_for(
        {
            **component("PhoneNumber"),
            "properties": {"number": component("E164Number"), "clientEnv": component("ClientEnv")},
            "unevaluatedProperties": False,
        }
    )
    # A seed number without clientEnv gets the environment an import without one gets.
    default_env = spec.operation("importPhoneNumbers").body.defaults.get("clientEnv")  # type: ignore[union-attr]
    # Records keep the field order of the spec's schemas, so seeded answers read like the examples.
    connector_fields = list(spec.document["components"]["schemas"]["Connector"]["properties"])
    number_fields = list(spec.document["components"]["schemas"]["PhoneNumber"]["properties"])
    connectors: list[Connector] = []
    numbers: list[PhoneNumber] = []
    for account in config.accounts:
        for agent in account.agents:
            where = f"{config.source}: agent {agent.id}"
            owner = {"accountId": account.id, "projectId": agent.project_id}
            own_connectors = set()
            for entry in agent.connectors:
                record: dict[str, Any] = {**entry, **owner}
                _check(connector_schema, record, f"{where}: connector")
                connectors.append(_ordered(record, connector_fields))
                own_connectors.add(record["connectorId"])
            for entry in agent.phone_numbers:
                record = {"clientEnv": default_env, **entry, **owner}
                _check(number_schema, record, f"{where}: phone number")
                if "connectorId" in record and record["connectorId"] not in own_connectors:
                    raise ConfigError(
                        f"{where}: phone number {record['number']} routes to {record['connectorId']}, "
                        "which is not a connector of this agent"
                    )
                numbers.append(_ordered(record, number_fields))
    return connectors, numbers


def _check(validator: Any, record: dict[str, Any], where: str) -> None:
    for error in validator.iter_errors(record):
        location = "/".join(str(part) for part in error.instance_path) or "(object)"
        raise ConfigError(f"{where} {record.get('connectorId') or record.get('number')!r}: {location}: {error.message}")


def _ordered(record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {name: record[name] for name in fields if name in record}
