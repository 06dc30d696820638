"""Lint the contract's OpenAPI `links`, which no validator follows.

openapi-spec-validator and Redocly check that a link is shaped right, not that it leads anywhere:
an operation removed or a field renamed leaves links that Schemathesis's stateful phase silently
skips. For every link of every response this checks that

- its `operationId` (or local `operationRef`) names an operation of the document;
- each `parameters` key is a parameter that operation takes (`path.id` style keys name the
  location), and a `requestBody` object names only fields of its request body;
- each runtime expression is well formed and resolves against the source operation: a
  `$response.body#/…` pointer against the response's schema, `$request.path.X` and friends
  against its parameters, `$request.body#/…` against its request schema, `$response.header.X`
  against the response's headers; expressions embedded in strings (`{$…}`) are checked alike;
- where both sides declare a JSON type, the value's type is one the target accepts (a pointer to
  an array handed to a string parameter is a link that can never work).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonpointer import JsonPointer

from .catalogue import PARAMETER_LOCATIONS, Catalogue, Operation
from .document import json_schema, parse_pointer, resolve
from .fields import schema_types, schemas_at

# RFC 7230 `token`, the characters a `$request.header.` name may hold.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_EXPRESSION = re.compile(
    rf"\$(?P<bare>url|method|statusCode)"
    rf"|\$(?P<side>request|response)\.(?:(?P<location>path|query)\.(?P<name>.+)|header\.(?P<header>{_TOKEN})"
    rf"|body(?:#(?P<pointer>.*))?)"
)
_EMBEDDED = re.compile(r"\{(\$[^{}]*)\}")
_BARE_TYPES = {"url": "string", "method": "string", "statusCode": "integer"}


@dataclass(frozen=True, slots=True)
class LinkProblem:
    operation: str  # the source operation
    status: str
    link: str
    detail: str

    def __str__(self) -> str:
        return f"{self.operation} {self.status} link {self.link}: {self.detail}"


class _Unresolved(ValueError):
    """A runtime expression that is malformed or names something the source does not have."""


@dataclass(frozen=True, slots=True)
class _Source:
    """The operation and response a link starts from, which its expressions read."""

    operation: Operation
    response: Mapping[str, Any]
    document: Mapping[str, Any]

    def evaluate(self, value: Any) -> list[Any] | None:
        """The schemas `value` may have: an expression's, or None for a constant (nothing to check)."""
        if not isinstance(value, str):
            return None
        if value.startswith("$"):
            return self.expression(value)
        embedded = _EMBEDDED.findall(value)
        if "{$" in value and len(embedded) != value.count("{$"):
            raise _Unresolved(f"{value!r} opens an embedded expression it does not close")
        for expression in embedded:
            self.expression(expression)
        return [{"type": "string"}] if embedded else None

    def expression(self, text: str) -> list[Any]:
        match = _EXPRESSION.fullmatch(text)
        if match is None:
            raise _Unresolved(f"{text!r} is not a runtime expression")
        if match["bare"]:
            return [{"type": _BARE_TYPES[match["bare"]]}]
        request = match["side"] == "request"
        if match["location"] or match["header"] is not None:
            location = match["location"] or "header"
            name = match["name"] if match["location"] else match["header"]
            if request:
                parameter = self.operation.parameter(location, name)
                if parameter is None:
                    raise _Unresolved(f"{text}: {self.operation.operation_id} takes no {location} parameter {name!r}")
                return [parameter.get("schema", True)]
            if location != "header":
                raise _Unresolved(f"{text}: a response has no {location} parameters")
            headers = {str(key).lower(): header for key, header in (self.response.get("headers") or {}).items()}
            if name.lower() not in headers:
                raise _Unresolved(f"{text}: the response declares no header {name!r}")
            return [resolve(self.document, headers[name.lower()]).get("schema", True)]
        schema = self.operation.body if request else json_schema(self.document, self.response)
        if schema is None:
            raise _Unresolved(f"{text}: the {match['side']} has no JSON body")
        try:
            segments = parse_pointer(match["pointer"] or "")
        except ValueError as exc:
            raise _Unresolved(f"{text}: {exc}") from None
        found = schemas_at(self.document, schema, segments)
        if not found:
            raise _Unresolved(f"{text}: the {match['side']} body's schema has no {match['pointer']}")
        return found


def check_links(document: Mapping[str, Any]) -> list[LinkProblem]:
    """Every problem with the links of `document`'s responses, in document order."""
    operations = Catalogue.from_document(document)
    problems = []
    for operation in operations.values():
        for status, raw_response in (operation.node.get("responses") or {}).items():
            response = resolve(document, raw_response)
            source = _Source(operation, response, document)
            for name, raw_link in (response.get("links") or {}).items():
                for detail in _link_problems(document, operations, source, resolve(document, raw_link)):
                    problems.append(LinkProblem(operation.operation_id, str(status), str(name), detail))
    return problems


def _target(operations: Mapping[str, Operation], link: Mapping[str, Any]) -> Operation | str:
    """The operation a link leads to, or why it leads nowhere."""
    if ("operationId" in link) == ("operationRef" in link):
        return "a link names its target by exactly one of operationId and operationRef"
    if "operationId" in link:
        target = operations.get(str(link["operationId"]))
        return target or f"operationId {link['operationId']!r} names no operation of the contract"
    ref = str(link["operationRef"])
    if not ref.startswith("#"):
        return f"operationRef {ref!r} is not local to the contract (only '#/paths/...' refs are checked)"
    try:
        segments = parse_pointer(ref[1:])
    except ValueError as exc:
        return f"operationRef: {exc}"
    for operation in operations.values():
        if segments == ("paths", operation.path, operation.method.lower()):
            return operation
    return f"operationRef {ref!r} names no operation of the contract"


def _link_problems(
    document: Mapping[str, Any], operations: Mapping[str, Operation], source: _Source, link: Mapping[str, Any]
) -> Iterator[str]:
    target = _target(operations, link)
    if isinstance(target, str):
        yield target
        return
    for key, value in (link.get("parameters") or {}).items():
        parameter = _target_parameter(target, str(key))
        if parameter is None:
            yield f"{target.operation_id} takes no parameter {key!r}"
        expected = None if parameter is None else parameter.get("schema", True)
        yield from _value_problems(document, source, value, expected, f"parameter {key!r}")
    if "requestBody" in link:
        if target.body is None:
            yield f"{target.operation_id} takes no request body"
            return
        yield from _body_problems(document, source, link["requestBody"], target, (), "requestBody")


def _target_parameter(target: Operation, key: str) -> Mapping[str, Any] | None:
    """The parameter a link's key names: `id` in any location, or `path.id` in that one."""
    location, _, name = key.partition(".")
    qualified = target.parameter(location, name) if name and location in PARAMETER_LOCATIONS else None
    if qualified is not None:
        return qualified
    for location in PARAMETER_LOCATIONS:
        parameter = target.parameter(location, key)
        if parameter is not None:
            return parameter
    return None


def _body_problems(
    document: Mapping[str, Any],
    source: _Source,
    value: Any,
    target: Operation,
    segments: tuple[str, ...],
    where: str,
) -> Iterator[str]:
    """A `requestBody` value: an expression for the whole (or part), or an object/array of them."""
    if isinstance(value, Mapping | list):
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            path = (*segments, str(key))
            if not schemas_at(document, target.body, path):
                label = "field" if isinstance(value, Mapping) else "item"
                yield f"{where}: {target.operation_id}'s request body has no {label} {_pointer(path)}"
                continue
            yield from _body_problems(document, source, item, target, path, where)
        return
    expected = schemas_at(document, target.body, segments)
    label = f"{where} {_pointer(segments)}" if segments else where
    yield from _value_problems(document, source, value, expected[0] if len(expected) == 1 else None, label)


def _value_problems(
    document: Mapping[str, Any], source: _Source, value: Any, expected: Any, label: str
) -> Iterator[str]:
    try:
        found = source.evaluate(value)
    except _Unresolved as exc:
        yield f"{label}: {exc}"
        return
    if found is None or expected is None:
        return
    wanted = schema_types(document, expected)
    given = [schema_types(document, schema) for schema in found]
    if wanted is None or any(types is None for types in given):
        return
    offered = frozenset().union(*(types for types in given if types is not None))
    if not offered & wanted:
        yield f"{label}: {value!r} is {_names(offered)}, where the target takes {_names(wanted)}"


def _pointer(segments: tuple[str, ...]) -> str:
    return str(JsonPointer.from_parts(segments).path)


def _names(types: frozenset[str]) -> str:
    return " or ".join(sorted(types))
