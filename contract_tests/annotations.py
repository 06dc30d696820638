"""What openapi.yaml says is published and what it assumes, read once for attribution and the ledger.

The vocabulary (see the contract's own comments): top-level `x-assumptions` (service-wide, each
with an `id`), an operation's `x-assumption` (its id is the operationId), `x-limits`, the
`x-error-codes` map with a `published` flag per code, and `x-assumed` on a schema, parameter,
header or response: a map from a keyword (or `status`) to the assumption id it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from telephony_contract import Catalogue, Site
from telephony_contract.document import parse_document, pointer

__all__ = ["Assumption", "Contract", "Site", "pointer_of"]


@dataclass(frozen=True)
class Assumption:
    id: str
    scope: str  # service, operation, limit, code
    text: str


class Contract:
    """The annotations of one OpenAPI document, read through the contract's catalogue."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.catalogue = Catalogue.from_document(document)

    @classmethod
    def load(cls, path: Path) -> Contract:
        return cls(parse_document(path.read_text(encoding="utf-8")))

    @cached_property
    def operation_ids(self) -> list[str]:
        return list(self.catalogue)

    def operation_for(self, method: str, path: str) -> str | None:
        """The operationId a request's method and path (without query) call, or None."""
        match = self.catalogue.match(method, path)
        return None if match is None else match.operation.operation_id

    @cached_property
    def assumptions(self) -> dict[str, Assumption]:
        """Every assumption the contract makes, by id, in the ledger's order."""
        found: dict[str, Assumption] = {}
        for item in self.document.get("x-assumptions", []):
            found[item["id"]] = Assumption(item["id"], "service", " ".join(str(item["text"]).split()))
        for operation_id, operation in self.catalogue.items():
            if "x-assumption" in operation.node:
                text = " ".join(operation.node["x-assumption"].split())
                found[operation_id] = Assumption(operation_id, "operation", text)
        for name, value in self.document.get("x-limits", {}).items():
            found[f"x-limits.{name}"] = Assumption(f"x-limits.{name}", "limit", f"{name} = {value}")
        for code, facts in self.document.get("x-error-codes", {}).items():
            if not self.is_published_code(code):
                found[f"code {code}"] = Assumption(f"code {code}", "code", f"{facts['status']} {code}")
        return found

    def is_published_code(self, code: str) -> bool:
        facts = self.document.get("x-error-codes", {}).get(code, {})
        # `documented` is the flag's earlier name.
        return bool(facts.get("published", facts.get("documented", False)))

    def codes_of(self, status: int) -> list[str]:
        return [code for code, facts in self.document.get("x-error-codes", {}).items() if facts["status"] == status]

    @cached_property
    def sites(self) -> list[Site]:
        return [site for operation in self.catalogue.values() for site in operation.sites]

    def request_sites(self, operation: str, keyword: str) -> list[Site]:
        return [
            site for site in self.sites if (site.operation, site.part, site.keyword) == (operation, "request", keyword)
        ]

    def response_sites(self, operation: str, status: int | None) -> list[Site]:
        return [
            site
            for site in self.sites
            if site.operation == operation and site.part == "response" and _status_matches(site.status, status)
        ]


def pointer_of(*steps: str | int) -> str:
    """A JSON pointer from its steps (`~` and `/` escaped)."""
    return pointer(steps)


def _status_matches(declared: str | None, status: int | None) -> bool:
    if declared is None or status is None:
        return False
    declared = str(declared).upper()
    return declared == str(status) or (declared.endswith("XX") and declared[0] == str(status)[0])
