"""Every rule of the mock, gathered explicitly from the rule modules (no registration on import)."""

from __future__ import annotations

from . import _connectors, _outbound_calls, _phone_numbers
from ._rules import Rule, Rules

_MODULES = (_phone_numbers, _connectors, _outbound_calls)


def default_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for module in _MODULES:
        twice = rules.keys() & module.RULES.keys()
        if twice:
            raise RuntimeError(f"two rules for {sorted(twice)}")
        rules.update(module.RULES)
    return rules


def with_replacements(replacements: Rules | None) -> dict[str, Rule]:
    """The mock's rules with some replaced (the seam tests and broken mocks use)."""
    return {**default_rules(), **(replacements or {})}
