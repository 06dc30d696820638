"""Where a field lives in the contract: what an operation takes, and where a JSON pointer leads in a schema.

The link lint and the mock's check of the fields its rules read ask the same question (does the
contract have this field?) and answer it here, the same way; what an operation takes is its
`catalogue.Operation`. A pointer walks a schema the way an
instance would be walked: a name through `properties` (or `patternProperties`, or a schema-valued
`additionalProperties`), a number through `prefixItems` or `items`; `$ref`s are followed and
`allOf`/`anyOf`/`oneOf` branches searched, so a field exists if any branch has it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .document import resolve

_COMBINATORS = ("allOf", "anyOf", "oneOf")
_ALL_OF = ("allOf",)
_INDEX = re.compile(r"0|[1-9][0-9]*")


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
