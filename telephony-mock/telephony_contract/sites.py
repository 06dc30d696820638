"""Where an operation's rules rest on an assumption: every `x-assumed` mark, down to its JSON pointer.

`x-assumed` on a schema, parameter, header or response maps a keyword (or `status`) to the id of
the assumption it rests on. A site is one such keyword on one node that one operation reaches:
a parameter, its schema, the request body or a property below it, a response, its headers, or
a property of its body. A mark beside a `$ref` counts as well as one on the `$ref`'s target.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .document import JsonPath, OperationNode, follow, pointer


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
    node: str = ""  # the JSON pointer, in the document, of the node that carries the mark


def operation_sites(document: Mapping[str, Any], operation_id: str, found: OperationNode) -> Iterator[Site]:
    """The assumption sites of one operation, in document order."""
    item_where = found.where[:2]
    owners = [(item_where, found.item), (found.where, found.node)]
    for owner_where, owner in owners:
        for index, raw in enumerate(owner.get("parameters") or []):
            where, parameter = _last(document, raw, (*owner_where, "parameters", index))
            place = Site(
                operation_id, "request", "", "", None, (parameter.get("name", ""),), parameter.get("in", "query")
            )
            yield from _marks(parameter, where, place)
            yield from _schema(document, parameter.get("schema"), (*where, "schema"), place, frozenset(), ("schema",))
    if "requestBody" in found.node:
        where, body = _last(document, found.node["requestBody"], (*found.where, "requestBody"))
        place = Site(operation_id, "request", "", "")
        yield from _marks(body, where, place)
        for media_type, media in (body.get("content") or {}).items():
            schema_where = (*where, "content", media_type, "schema")
            yield from _schema(document, media.get("schema"), schema_where, place, frozenset())
    for status, raw in (found.node.get("responses") or {}).items():
        where, response = _last(document, raw, (*found.where, "responses", status))
        place = Site(operation_id, "response", "", "", str(status))
        yield from _marks(response, where, place)
        for name, raw_header in (response.get("headers") or {}).items():
            header_where, header = _last(document, raw_header, (*where, "headers", name))
            header_place = Site(operation_id, "response", "", "", str(status), (name,), "header")
            yield from _marks(header, header_where, header_place)
            header_schema = (*header_where, "schema")
            yield from _schema(document, header.get("schema"), header_schema, header_place, frozenset(), ("schema",))
        for media_type, media in (response.get("content") or {}).items():
            schema_where = (*where, "content", media_type, "schema")
            yield from _schema(document, media.get("schema"), schema_where, place, frozenset())


def _last(document: Mapping[str, Any], node: Any, where: JsonPath) -> tuple[JsonPath, Any]:
    *_, found = follow(document, node, where)
    return found if isinstance(found[1], Mapping) else (where, {})


def _marks(node: Any, where: JsonPath, place: Site, steps: JsonPath = ()) -> Iterator[Site]:
    """A site for each keyword `node`'s `x-assumed` marks, at `place` (a site without keyword)."""
    marks = node.get("x-assumed") if isinstance(node, Mapping) else None
    for keyword, assumption in (marks or {}).items():
        yield replace(
            place, keyword=keyword, assumption=assumption, pointer=pointer((*steps, keyword)), node=pointer(where)
        )


def _schema(
    document: Mapping[str, Any],
    schema: Any,
    where: JsonPath,
    place: Site,
    seen: frozenset[str],
    steps: JsonPath = (),
    below: tuple[str, ...] = (),
) -> Iterator[Site]:
    """The marks on `schema` and below it; `steps` lead an instance here, `below` names its properties.

    A body names its sites by the property path from its root; a parameter or header by its own
    name, whatever schema lies below.
    """
    here = replace(place, path=place.path or below)
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        if schema["$ref"] in seen:
            return
        seen = seen | {schema["$ref"]}
        # 3.1 keeps keywords beside a $ref: `clientEnv: {$ref: ..., x-assumed: {enum: ...}}`.
        yield from _marks(schema, where, here, steps)
        where, schema = _last(document, schema, where)
    if not isinstance(schema, Mapping):
        return
    yield from _marks(schema, where, here, steps)
    for name, child in (schema.get("properties") or {}).items():
        inner = (*steps, "properties", name)
        yield from _schema(document, child, (*where, "properties", name), place, seen, inner, (*below, name))
    for keyword in ("items", "additionalProperties"):
        if isinstance(schema.get(keyword), Mapping):
            yield from _schema(document, schema[keyword], (*where, keyword), place, seen, (*steps, keyword), below)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for index, child in enumerate(schema.get(keyword) or []):
            yield from _schema(document, child, (*where, keyword, index), place, seen, steps, below)
