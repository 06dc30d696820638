"""What openapi.yaml says is published and what it assumes, read once for attribution and the ledger.

The vocabulary (see the contract's own comments): top-level `x-assumptions` (service-wide, each
with an `id`), an operation's `x-assumption` (its id is the operationId), `x-limits`, the
`x-error-codes` map with a `published` flag per code, and `x-assumed` on a schema, parameter,
header or response: a map from a keyword (or `status`) to the assumption id it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


@dataclass(frozen=True)
class Assumption:
    id: str
    scope: str  # service, operation, limit, code
    text: str


@dataclass(frozen=True)
class Site:
    """One keyword on one node of one operation that an assumption covers."""

    operation: str
    part: str  # request or response
    keyword: str  # a JSON-Schema / OpenAPI keyword, or "status" for an assumed response status
    assumption: str
    status: str | None = None  # the response status, for the response part
    path: tuple[str, ...] = ()  # property names from the request or response body root, or (parameter,)
    location: str = "body"  # body, query, path, header
    # The keyword's JSON pointer inside its part: in a body schema, the steps an instance takes to
    # reach the node (`/properties/found/items/required`; `$ref`s and `allOf` are transparent); on
    # a header or parameter, its own keywords (`/required`) and its schema's (`/schema/minLength`).
    pointer: str = ""


class Contract:
    """The annotations of one OpenAPI document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    @classmethod
    def load(cls, path: Path) -> Contract:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def resolve(self, node: Any) -> Any:
        seen = set()
        while isinstance(node, dict) and "$ref" in node and node["$ref"] not in seen:
            seen.add(node["$ref"])
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def operations(self) -> Iterator[tuple[str, dict[str, Any], list[Any]]]:
        """(operationId, operation, parameters including the path item's) for every operation."""
        for item in self.document.get("paths", {}).values():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method in item:
                    operation = item[method]
                    yield operation["operationId"], operation, [*shared, *operation.get("parameters", [])]

    @cached_property
    def operation_ids(self) -> list[str]:
        return [operation_id for operation_id, _, _ in self.operations()]

    @cached_property
    def _templates(self) -> list[tuple[str, re.Pattern[str], str]]:
        found = []
        for template, item in self.document.get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "/?$")
            # Literal paths before templated ones, as a router matches them (`/batch` before `/{id}`).
            for method in METHODS:
                if method in item:
                    found.append((method.upper(), pattern, item[method]["operationId"]))
        return sorted(found, key=lambda entry: entry[1].pattern.count("[^/]+"))

    def operation_for(self, method: str, path: str) -> str | None:
        """The operationId a request's method and path (without query) call, or None."""
        path = path.split("?", 1)[0]
        for verb, pattern, operation_id in self._templates:
            if verb == method.upper() and pattern.match(path):
                return operation_id
        return None

    @cached_property
    def assumptions(self) -> dict[str, Assumption]:
        """Every assumption the contract makes, by id, in the ledger's order."""
        found: dict[str, Assumption] = {}
        for item in self.document.get("x-assumptions", []):
            found[item["id"]] = Assumption(item["id"], "service", " ".join(str(item["text"]).split()))
        for operation_id, operation, _ in self.operations():
            if "x-assumption" in operation:
                found[operation_id] = Assumption(operation_id, "operation", " ".join(operation["x-assumption"].split()))
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
        found: list[Site] = []
        for operation_id, operation, parameters in self.operations():
            for parameter in parameters:
                parameter = self.resolve(parameter)
                where = {"location": parameter.get("in", "query"), "path": (parameter.get("name", ""),)}
                found += self._marks(parameter, operation_id, "request", None, where)
                schema_where = {**where, "steps": ("schema",)}
                found += self._walk(parameter.get("schema"), operation_id, "request", None, schema_where, set())
            body = self.resolve(operation.get("requestBody", {}))
            found += self._marks(body, operation_id, "request", None, {"location": "body", "path": ()})
            for media in body.get("content", {}).values():
                found += self._walk(media.get("schema"), operation_id, "request", None, {"location": "body"}, set())
            for status, response in operation.get("responses", {}).items():
                response = self.resolve(response)
                found += self._marks(response, operation_id, "response", status, {"location": "body"})
                for name, header in response.get("headers", {}).items():
                    header = self.resolve(header)
                    where = {"location": "header", "path": (name,)}
                    found += self._marks(header, operation_id, "response", status, where)
                    found += self._walk(
                        header.get("schema"), operation_id, "response", status, {**where, "steps": ("schema",)}, set()
                    )
                for media in response.get("content", {}).values():
                    found += self._walk(media.get("schema"), operation_id, "response", status, {}, set())
        return found

    def _marks(self, node: Any, operation: str, part: str, status: str | None, where: dict[str, Any]) -> list[Site]:
        marks = node.get("x-assumed", {}) if isinstance(node, dict) else {}
        path, location = tuple(where.get("path", ())), where.get("location", "body")
        steps = tuple(where.get("steps", ()))
        return [
            Site(operation, part, keyword, assumption, status, path, location, pointer_of(*steps, keyword))
            for keyword, assumption in marks.items()
        ]

    def _walk(
        self,
        schema: Any,
        operation: str,
        part: str,
        status: str | None,
        where: dict[str, Any],
        seen: set[str],
        path: tuple[str, ...] = (),
    ) -> list[Site]:
        place = {**where, "path": where.get("path", path) or path}
        steps = tuple(where.get("steps", ()))
        found: list[Site] = []
        if isinstance(schema, dict) and "$ref" in schema:
            if schema["$ref"] in seen:
                return []
            seen = seen | {schema["$ref"]}
            # OpenAPI 3.1 keeps keywords beside a $ref: `clientEnv: {$ref: ..., x-assumed: {enum: ...}}`.
            found += self._marks(schema, operation, part, status, place)
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return found
        found += self._marks(schema, operation, part, status, place)
        for name, child in schema.get("properties", {}).items():
            inner = {**where, "steps": (*steps, "properties", name)}
            found += self._walk(child, operation, part, status, inner, seen, (*path, name))
        for keyword in ("items", "additionalProperties"):
            if isinstance(schema.get(keyword), dict):
                inner = {**where, "steps": (*steps, keyword)}
                found += self._walk(schema[keyword], operation, part, status, inner, seen, path)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for child in schema.get(keyword, []):
                found += self._walk(child, operation, part, status, where, seen, path)
        return found

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


def pointer_of(*steps: str) -> str:
    """A JSON pointer from its steps (`~` and `/` escaped)."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in steps)


def _status_matches(declared: str | None, status: int | None) -> bool:
    if declared is None or status is None:
        return False
    declared = str(declared).upper()
    return declared == str(status) or (declared.endswith("XX") and declared[0] == str(status)[0])
