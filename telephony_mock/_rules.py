"""The business rules: one small function per operation, registered under its operationId.

A rule gets the store transaction, the caller and the validated request, and returns the
success body or raises `ApiError`; it never sees HTTP. `app.py` refuses to start unless every
operation in the spec has exactly one rule here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._auth import Caller
from ._config import OutboundCallsConfig
from ._store import Tx


@dataclass(frozen=True, slots=True)
class Settings:
    """What rules read beyond the store: the config's voices and call script, the spec's limits."""

    voices: frozenset[str] | None
    outbound_calls: OutboundCallsConfig
    # Agent id -> environments with outbound calling enabled.
    outbound_environments: Mapping[str, frozenset[str]]
    max_call_metadata_base64_bytes: int


@dataclass(frozen=True, slots=True)
class Call:
    caller: Caller
    path: Mapping[str, str]
    query: Mapping[str, str]
    body: Any  # validated against the operation's schema, defaults applied
    settings: Settings
    now: float  # the mock's clock when the request arrived


RuleFunction = Callable[[Tx, Call], Any]


@dataclass(frozen=True, slots=True)
class Rule:
    function: RuleFunction
    writes: bool


RULES: dict[str, Rule] = {}


def rule(operation_id: str, *, writes: bool) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        if operation_id in RULES:
            raise RuntimeError(f"two rules for {operation_id}")
        RULES[operation_id] = Rule(function, writes)
        return function

    return register


def partition(keys: Iterable[str], find: Callable[[str], Any | None]) -> dict[str, list[Any]]:
    """The body of a batch get: what `find` returned, and the keys it found nothing for, in request order."""
    found = []
    missing = []
    for key in keys:
        item = find(key)
        if item is None:
            missing.append(key)
        else:
            found.append(item)
    return {"found": found, "notFound": missing}


def all_rules() -> Mapping[str, Rule]:
    # Importing the rule modules registers their rules.
    from . import _connectors, _outbound_calls, _phone_numbers  # noqa: F401

    return RULES
