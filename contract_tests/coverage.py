"""Coverage side by side: the statuses and error codes the real service has been seen to answer,
over the kept recordings, against those the mock answered in its own conformance runs.

Per operation it lists what only one side produced, and what the contract declares that neither
has produced: a status with each `error_code` `x-error-codes` lists for it, and a success status
with no code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract_tests import recording
from telephony_contract import Catalogue, load_catalogue, load_document

OUTSIDE = "(outside the contract)"
Pair = tuple[int, str]  # (status, error_code or "" for none)


@dataclass
class Coverage:
    service_files: list[str] = field(default_factory=list)
    mock_files: list[str] = field(default_factory=list)
    service: dict[str, Counter[Pair]] = field(default_factory=dict)
    mock: dict[str, Counter[Pair]] = field(default_factory=dict)
    declared: dict[str, list[Pair]] = field(default_factory=dict)

    def operations(self) -> list[str]:
        extra = sorted((self.service.keys() | self.mock.keys()) - self.declared.keys())
        return [*self.declared, *extra]

    def only_mock(self, operation: str) -> list[Pair]:
        return sorted(self.mock.get(operation, Counter()).keys() - self.service.get(operation, Counter()).keys())

    def only_service(self, operation: str) -> list[Pair]:
        return sorted(self.service.get(operation, Counter()).keys() - self.mock.get(operation, Counter()).keys())

    def neither(self, operation: str) -> list[Pair]:
        seen = self.service.get(operation, Counter()).keys() | self.mock.get(operation, Counter()).keys()
        return [pair for pair in self.declared.get(operation, []) if pair not in seen]

    def as_json(self) -> dict[str, Any]:
        def named(pairs: Iterable[Pair]) -> list[str]:
            return [label(pair) for pair in pairs]

        return {
            "service_recordings": self.service_files,
            "mock_recordings": self.mock_files,
            "operations": {
                operation: {
                    "service": {label(pair): n for pair, n in sorted(self.service.get(operation, Counter()).items())},
                    "mock": {label(pair): n for pair, n in sorted(self.mock.get(operation, Counter()).items())},
                    "only_service": named(self.only_service(operation)),
                    "only_mock": named(self.only_mock(operation)),
                    "neither": named(self.neither(operation)),
                }
                for operation in self.operations()
            },
        }


def label(pair: Pair) -> str:
    status, code = pair
    return f"{status} {code}" if code else str(status)


def declared(catalogue: Catalogue, document: Any) -> dict[str, list[Pair]]:
    codes = document.get("x-error-codes", {})
    found: dict[str, list[Pair]] = {}
    for operation in catalogue.values():
        pairs: list[Pair] = []
        for status in sorted(operation.statuses):
            if status >= 400:
                pairs += [(status, code) for code, facts in codes.items() if int(facts["status"]) == status]
            else:
                pairs.append((status, ""))
        found[operation.operation_id] = pairs
    return found


def _seen(paths: Iterable[Path], catalogue: Catalogue) -> dict[str, Counter[Pair]]:
    seen: dict[str, Counter[Pair]] = {}
    for path in paths:
        for exchange in recording.read(path).exchanges:
            match = catalogue.match(exchange.method, exchange.path)
            operation = match.operation.operation_id if match is not None else OUTSIDE
            body = recording.json_of(exchange.response_body) if exchange.status >= 400 else None
            code = body["error_code"] if isinstance(body, dict) and isinstance(body.get("error_code"), str) else ""
            seen.setdefault(operation, Counter())[(exchange.status, code)] += 1
    return seen


def measure(service: Iterable[Path], mock: Iterable[Path], catalogue: Catalogue | None = None) -> Coverage:
    """Coverage of the service's recordings against the mock's."""
    catalogue = catalogue or load_catalogue()
    service, mock = list(service), list(mock)
    return Coverage(
        service_files=[path.name for path in service],
        mock_files=[path.name for path in mock],
        service=_seen(service, catalogue),
        mock=_seen(mock, catalogue),
        declared=declared(catalogue, load_document()),
    )
