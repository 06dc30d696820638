"""Test-only endpoints outside /v1, served only when the app is created with `admin=True`.

    POST /_admin/reset   restore the config's seed state            → 200 {connectors, phoneNumbers}
    POST /_admin/seed    {agentId, phoneNumbers, clientEnv?, connectorId?}
                         import numbers for an agent, optionally routed → 201 {imported}
    POST /_admin/clock   {advanceSeconds} move the mock's clock forward, so simulated
                         outbound calls progress without a test sleeping → 200 {now}

Seeding obeys the same rules as the API (a number exists once; a connector must be the agent's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _errors
from ._auth import Caller
from ._clock import MockClock
from ._errors import ApiError
from ._phone_numbers import import_numbers
from ._spec import Body, Spec, component
from ._store import Connector, PhoneNumber, Store

PREFIX = "_admin"


class Admin:
    def __init__(
        self,
        spec: Spec,
        store: Store,
        callers: dict[str, Caller],
        seeds: tuple[list[Connector], list[PhoneNumber]],
        clock: MockClock,
    ) -> None:
        self._store = store
        self._clock = clock
        self._callers = callers
        self._seeds = seeds
        default_env = spec.operation("importPhoneNumbers").body.defaults.get("clientEnv")  # type: ignore[union-attr]
        self.seed_body = Body(
            required=True,
            media_types=frozenset({"application/json"}),
            validator=spec.validator_for(
                {
                    "type": "object",
                    "required": ["agentId", "phoneNumbers"],
                    "additionalProperties": False,
                    "properties": {
                        "agentId": {"type": "string", "minLength": 1},
                        "phoneNumbers": {
                            "type": "array",
                            "minItems": 1,
                            "uniqueItems": True,
                            "items": component("E164Number"),
                        },
                        "clientEnv": component("ClientEnv"),
                        "connectorId": {"type": "string", "minLength": 1},
                    },
                }
            ),
            defaults={"clientEnv": default_env},
        )
        self.clock_body = Body(
            required=True,
            media_types=frozenset({"application/json"}),
            validator=spec.validator_for(
                {
                    "type": "object",
                    "required": ["advanceSeconds"],
                    "additionalProperties": False,
                    "properties": {"advanceSeconds": {"type": "number", "minimum": 0, "maximum": 31_536_000}},
                }
            ),
            defaults={},
        )
        self.routes: dict[tuple[str, ...], Callable[[Any], tuple[int, Any]]] = {
            ("reset",): self.reset,
            ("seed",): self.seed,
            ("clock",): self.advance_clock,
        }
        self.bodies: dict[tuple[str, ...], Body] = {("seed",): self.seed_body, ("clock",): self.clock_body}

    def reset(self, body: Any) -> tuple[int, Any]:
        connectors, numbers = self._seeds
        self._store.reset(connectors, numbers)
        return 200, {"connectors": len(connectors), "phoneNumbers": len(numbers)}

    def seed(self, body: Any) -> tuple[int, Any]:
        caller = self._callers.get(body["agentId"])
        if caller is None:
            raise ApiError(_errors.SCHEMA_VALIDATION_FAILED, f"agentId: no agent {body['agentId']!r} in the config")
        with self._store.transaction(write=True) as tx:
            import_numbers(tx, caller, body["phoneNumbers"], body["clientEnv"], body.get("connectorId"))
        return 201, {"imported": body["phoneNumbers"]}

    def advance_clock(self, body: Any) -> tuple[int, Any]:
        return 200, {"now": self._clock.advance(float(body["advanceSeconds"]))}
