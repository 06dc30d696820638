"""Test-only endpoints outside /v1, served only when the app is created with `admin=True`.

    POST /_admin/reset   restore the config's seed state            → 200 {connectors, phoneNumbers}
    POST /_admin/seed    {agentId, phoneNumbers, clientEnv?, connectorId?}  → 201 {imported}
    POST /_admin/clock   {advanceSeconds}: the mock's clock forward  → 200 {now}

Seeding obeys the API's rules. With an admin key (`admin: {key: ...}` or
TELEPHONY_MOCK_ADMIN_KEY) every admin request must carry it once in `X-Admin-Key`, and an API key
is never one. Without a key `telephony-mock` serves them only on a loopback host, so nobody who
can reach a shared mock can wipe it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from typing import Any

from telephony_contract import is_loopback

from . import _errors
from ._auth import Caller
from ._clock import MockClock
from ._config import ADMIN_KEY_ENV, ConfigError
from ._errors import ApiError
from ._phone_numbers import import_numbers
from ._spec import Body, Spec, component
from ._store import Connector, PhoneNumber, Store

PREFIX = "_admin"
KEY_HEADER = "X-Admin-Key"
_KEY_HEADER = KEY_HEADER.lower().encode("latin-1")


def refuse_open_admin(host: str, admin_key: str | None) -> None:
    """Refuse to serve admin endpoints without a key anywhere but on a loopback host."""
    if admin_key is None and not is_loopback(host):
        raise ConfigError(
            f"--admin on host {host!r} needs an admin key: set `admin: {{key: ...}}` in the config or "
            f"{ADMIN_KEY_ENV} in the environment; without one, --admin is served only on a loopback host "
            "(127.0.0.1, ::1, localhost)"
        )


class Admin:
    def __init__(
        self,
        spec: Spec,
        store: Store,
        callers: dict[str, Caller],
        seeds: tuple[list[Connector], list[PhoneNumber]],
        clock: MockClock,
        key: str | None = None,
    ) -> None:
        self._key = key.encode("latin-1") if key is not None else None
        self._store = store
        self._clock = clock
        self.callers = callers
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

    def authorise(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        """401 unless the request carries the admin key exactly once (when a key is configured)."""
        if self._key is None:
            return
        given = [value for name, value in headers if name == _KEY_HEADER]
        if not given:
            raise ApiError(_errors.AUTH_USER_UNAUTHORISED, f"The admin endpoints need the {KEY_HEADER} header.")
        # Two keys are refused like a wrong one: an ambiguous credential is never resolved.
        if len(given) > 1 or not hmac.compare_digest(given[0], self._key):
            raise ApiError(_errors.AUTH_USER_UNAUTHORISED, f"The {KEY_HEADER} header is not the admin key.")

    def reset(self, body: Any) -> tuple[int, Any]:
        connectors, numbers = self._seeds
        self._store.reset(connectors, numbers)
        return 200, {"connectors": len(connectors), "phoneNumbers": len(numbers)}

    def seed(self, body: Any) -> tuple[int, Any]:
        caller = self.callers.get(body["agentId"])
        if caller is None:
            raise ApiError(_errors.SCHEMA_VALIDATION_FAILED, f"agentId: no agent {body['agentId']!r} in the config")
        with self._store.transaction(write=True) as tx:
            import_numbers(tx, caller, body["phoneNumbers"], body["clientEnv"], body.get("connectorId"))
        return 201, {"imported": body["phoneNumbers"]}

    def advance_clock(self, body: Any) -> tuple[int, Any]:
        return 200, {"now": self._clock.advance(float(body["advanceSeconds"]))}
