"""Where a field lives in the contract: what an operation takes, and where a JSON pointer leads in a schema.

The link lint and the mock's check of the fields its rules read ask the same question (does the
contract have this field?) and answer it here, the same way. A pointer walks a schema the way an
instance would be walked: a name through `properties` (or `patternProperties`, or a schema-valued
`additionalProperties`), a number through `prefixItems` or `items`; `$ref`s are followed and
`allOf`/`anyOf`/`oneOf` branches searched, so a field exists if any branch has it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonpointer import JsonPointer, JsonPointerException

from .catalogue import HTTP_METHODS
from .document import resolve

PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")
_COMBINATORS = ("allOf", "anyOf", "oneOf")
_ALL_OF = ("allOf",)
_INDEX = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class OperationInputs:
    """What one operation takes: its parameters (path-item level included) and its request body."""

    operation_id: str
    method: str  # lower case, as a key of the path item
    path: str
    # (location, name) -> the parameter object; header names in lower case (HTTP compares them so).
    parameters: Mapping[tuple[str, str], Mapping[str, Any]]
    # The JSON request body's schema, or None when the operation takes no JSON body.
    body: Any
    node: Mapping[str, Any]  # the operation object itself

    def parameter(self, location: str, name: str) -> Mapping[str, Any] | None:
        return self.parameters.get((location, name.lower() if location == "header" else name))

    def takes(self, name: str) -> bool:
        """Whether some parameter of any location has this name."""
        return any(self.parameter(location, name) is not None for location in PARAMETER_LOCATIONS)


def operation_inputs(document: Mapping[str, Any]) -> dict[str, OperationInputs]:
    """Every operation of the document by operationId."""
    found = {}
    for template, raw_item in (document.get("paths") or {}).items():
        item = resolve(document, raw_item)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping) or "operationId" not in operation:
                continue
            parameters: dict[tuple[str, str], Mapping[str, Any]] = {}
            # Operation-level parameters override path-item ones of the same name and location.
            for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
                parameter = resolve(document, raw)
                location, name = str(parameter.get("in")), str(parameter.get("name"))
                parameters[(location, name.lower() if location == "header" else name)] = parameter
            found[str(operation["operationId"])] = OperationInputs(
                operation_id=str(operation["operationId"]),
                method=method,
                path=str(template),
                parameters=parameters,
                body=json_schema(document, operation.get("requestBody")),
                node=operation,
            )
    return found


def json_schema(document: Mapping[str, Any], holder: Any) -> Any:
    """The JSON schema of a request body or response object (`$ref`s followed); None without JSON content."""
    holder = resolve(document, holder)
    if not isinstance(holder, Mapping):
        return None
    for media_type, media in (holder.get("content") or {}).items():
        kind = str(media_type).split(";", 1)[0].strip().lower()
        if kind == "application/json" or kind.endswith("+json"):
            return resolve(document, media).get("schema", True)
    return None


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """The unescaped segments of a JSON pointer (RFC 6901); ValueError if it is not one."""
    try:
        return tuple(JsonPointer(pointer).parts)
    except JsonPointerException as exc:
        raise ValueError(f"{pointer!r} is not a JSON pointer: {exc}") from None


def schemas_at(document: Mapping[str, Any], schema: Any, segments: tuple[str, ...]) -> list[Any]:
    """The schemas an instance of `schema` may hold at `segments`; empty if none has that field."""
    current = [schema]
    for segment in segments:
        current = [
            child for node in current for branch in _branches(document, node) for child in _children(branch, segment)
        ]
        if not current:
            break
    return current


def _unconstrained(schema: Any) -> bool:
    return schema is True or (isinstance(schema, Mapping) and not schema)


def always_present(document: Mapping[str, Any], schema: Any, segments: tuple[str, ...]) -> bool:
    """Whether every valid instance of `schema` has the field at `segments` (where it has the parents).

    Each name must be `required` by its object (or an `allOf` part of it); an array index counts as
    present, for whoever reads it is going through the array's items. A field required in only
    some `anyOf`/`oneOf` branches is not always present.
    """
    current = [schema]
    for segment in segments:
        if not _INDEX.fullmatch(segment):
            parents = [branch for node in current for branch in _branches(document, node, _ALL_OF)]
            if not any(branch is not True and segment in (branch.get("required") or ()) for branch in parents):
                return False
        current = [child for node in current for child in schemas_at(document, node, (segment,))]
        if not current:
            return False
    return True


def _branches(
    document: Mapping[str, Any], schema: Any, keywords: tuple[str, ...] = _COMBINATORS, seen: set[int] | None = None
) -> Iterator[Any]:
    """`schema`, what its `$ref` names, and its `allOf`/`anyOf`/`oneOf` branches (or those of `keywords`), each once."""
    seen = set() if seen is None else seen
    if id(schema) in seen:
        return
    seen.add(id(schema))
    if _unconstrained(schema):
        yield True
        return
    if not isinstance(schema, Mapping):
        return
    yield schema
    if isinstance(schema.get("$ref"), str):
        yield from _branches(document, resolve(document, {"$ref": schema["$ref"]}), keywords, seen)
    for keyword in keywords:
        for branch in schema.get(keyword) or []:
            yield from _branches(document, branch, keywords, seen)


def _children(schema: Any, segment: str) -> Iterator[Any]:
    if schema is True:
        yield True
        return
    properties = schema.get("properties") or {}
    if segment in properties:
        yield properties[segment]
    matched = [sub for pattern, sub in (schema.get("patternProperties") or {}).items() if re.search(pattern, segment)]
    yield from matched
    additional = schema.get("additionalProperties")
    if segment not in properties and not matched and (additional is True or isinstance(additional, Mapping)):
        yield additional
    if _INDEX.fullmatch(segment):
        prefix = schema.get("prefixItems") or []
        index = int(segment)
        if index < len(prefix):
            yield prefix[index]
        elif schema.get("items") is True or isinstance(schema.get("items"), Mapping):
            yield schema["items"]


def schema_types(document: Mapping[str, Any], schema: Any) -> frozenset[str] | None:
    """The JSON types `schema` declares (integer counted as number); None when it does not say."""
    for branch in _branches(document, schema):
        if branch is True:
            return None
        declared = branch.get("type")
        if declared is not None:
            names = [declared] if isinstance(declared, str) else list(declared)
            return frozenset("number" if name == "integer" else str(name) for name in names)
        options = branch.get("anyOf") or branch.get("oneOf")
        if options:
            union: set[str] = set()
            for option in options:
                types = schema_types(document, option)
                if types is None:
                    return None
                union |= types
            return frozenset(union)
    return None
