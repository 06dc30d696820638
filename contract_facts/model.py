"""Read any OpenAPI document into one normalized set of facts.

Our contract (3.1 with `$ref`s everywhere) and PolyAI's published document (3.1 with 3.0 habits:
`nullable: true`, `allOf` around a single `$ref`, `example` in schemas, no operationIds) say the
same things in different shapes. Every comparison in this package works on the shape-free
reading produced here:

    facts.operations[("PATCH", "/v1/.../connectors/batch")]["request body updates[].voiceName"]
        == {"required": False, "type": ["null", "string"]}

A location is one node a client can see: a parameter, the request body or one of its properties
(flattened to a path: `[]` for array items, `{}` for map values), a response status, one of its
headers, or a property of its body. Its aspects are the keywords that constrain it. Prose
(descriptions, summaries, examples), names of schemas, tags and operation ids are not facts.

Each location also remembers the JSON pointers of the document nodes it was read from (the
property node and every `$ref` target behind it), so that a comparison can look there for an
`x-assumed` or `x-upstream` declaration.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonpointer import escape

from telephony_contract.document import follow, operation_nodes, parse_document, pointer

# Keywords that constrain a value and are compared as they are written.
CONSTRAINTS = (
    "enum",
    "const",
    "default",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)

OperationKey = tuple[str, str]
Aspects = dict[str, Any]


@dataclass
class Facts:
    """The facts of one document: operations -> locations -> aspects, plus the error-code table."""

    operations: dict[OperationKey, dict[str, Aspects]] = field(default_factory=dict)
    # Where each (operation, location) was read from, as JSON pointers; empty for facts loaded
    # from a snapshot, which has no document behind it.
    origins: dict[tuple[OperationKey, str], list[str]] = field(default_factory=dict)
    error_codes: dict[str, Aspects] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The facts alone, in a stable order, for a committed snapshot."""
        return {
            "operations": {
                f"{method} {path}": {loc: dict(sorted(aspects.items())) for loc, aspects in sorted(locations.items())}
                for (method, path), locations in sorted(
                    self.operations.items(), key=lambda item: (item[0][1], item[0][0])
                )
            },
            "errorCodes": {code: dict(sorted(a.items())) for code, a in sorted(self.error_codes.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        operations: dict[OperationKey, dict[str, Aspects]] = {}
        for key, locations in data["operations"].items():
            method, path = key.split(" ", 1)
            operations[(method, path)] = {loc: dict(aspects) for loc, aspects in locations.items()}
        return cls(operations=operations, error_codes=dict(data.get("errorCodes", {})))

    def only(self, path_part: str) -> Facts:
        """The same facts restricted to the operations whose path contains *path_part*."""
        keep = {key: locs for key, locs in self.operations.items() if path_part in key[1]}
        origins = {key: ptrs for key, ptrs in self.origins.items() if key[0] in keep}
        return Facts(keep, origins, dict(self.error_codes))


def load_document(source: Path | str) -> dict[str, Any]:
    """Parse a JSON or YAML OpenAPI document from a file path or from its text."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    document = parse_document(text)
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError("not an OpenAPI document: no `paths`")
    return document


class _Reader:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any, where: str) -> tuple[Any, list[str]]:
        """Follow `$ref`s from *node*; return the target and every pointer passed on the way."""
        trail = self._follow(node, where)
        return trail[-1][1], [path for path, _ in trail]

    def _follow(self, node: Any, where: str) -> list[tuple[str, Any]]:
        """*node* (at *where*) and each `$ref` target behind it, each with its JSON pointer."""
        try:
            trail = list(follow(self.document, node))
        except ValueError as exc:
            raise ValueError(f"{exc} at {where}") from None
        return [(where, node), *((pointer(path), target) for path, target in trail[1:])]

    def schema_parts(
        self, node: Any, where: str, alternative: bool = False
    ) -> Iterator[tuple[Mapping[str, Any], list[str], bool]]:
        """The schema node, each `$ref` target behind it, and every `allOf`/`oneOf`/`anyOf` part.

        3.1 allows keywords beside a `$ref` (`default`, `x-assumed`), so the referring node is a
        part of the schema too, not only its target. A part under `oneOf`/`anyOf` is flagged as an
        alternative: its properties and types are possible, its `required` list is not binding.
        """
        for here, part in self._follow(node, where):
            if not isinstance(part, Mapping):
                return
            yield part, [here], alternative
            for combiner in ("allOf", "oneOf", "anyOf"):
                for index, child in enumerate(part.get(combiner, [])):
                    optional = alternative or combiner != "allOf"
                    yield from self.schema_parts(child, f"{here}/{combiner}/{index}", optional)

    def schema(
        self, node: Any, pointer: str, name: str, out: dict[str, Aspects], origins: dict[str, list[str]]
    ) -> None:
        """Flatten the schema at *node* into *out*: its own aspects under *name*, properties below."""
        parts = list(self.schema_parts(node, pointer))
        aspects: Aspects = out.setdefault(name, {})
        all_pointers = origins.setdefault(name, [])
        types: set[str] | None = None
        nullable = False
        properties: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        items: list[tuple[Any, str]] = []
        extra: list[tuple[Any, str]] = []
        for part, pointers, alternative in parts:
            all_pointers.extend(p for p in pointers if p not in all_pointers)
            here = pointers[-1]
            declared = part.get("type")
            if declared is not None:
                declared_set = {declared} if isinstance(declared, str) else set(declared)
                types = declared_set if types is None else types | declared_set
            nullable = nullable or part.get("nullable") is True
            for prop, sub in part.get("properties", {}).items():
                properties.setdefault(prop, (sub, f"{here}/properties/{escape(prop)}"))
            if not alternative:
                required.update(part.get("required", []))
            if "items" in part:
                items.append((part["items"], f"{here}/items"))
            additional = part.get("additionalProperties")
            if additional is False or additional is True:
                aspects["additionalProperties"] = additional
            elif isinstance(additional, Mapping):
                aspects["additionalProperties"] = "schema"
                extra.append((additional, f"{here}/additionalProperties"))
            for keyword in CONSTRAINTS:
                if keyword in part:
                    value = part[keyword]
                    aspects[keyword] = sorted(value, key=str) if keyword == "enum" else value
        if types is None:
            # An untyped schema that lists properties or items is used as an object or array.
            if properties or extra:
                types = {"object"}
            elif items:
                types = {"array"}
        if types is not None and nullable:
            # 3.0's `nullable: true` is `null` in the type set; on an untyped schema it adds nothing.
            types = types | {"null"}
        if types is not None:
            aspects["type"] = sorted(types)
        for prop, (sub, sub_pointer) in properties.items():
            child = _child(name, prop)
            self.schema(sub, sub_pointer, child, out, origins)
            out[child]["required"] = prop in required
        for sub, sub_pointer in items:
            self.schema(sub, sub_pointer, f"{name}[]", out, origins)
        for sub, sub_pointer in extra:
            self.schema(sub, sub_pointer, f"{name}{{}}", out, origins)

    def parameters(
        self, path_item: Mapping[str, Any], operation: Mapping[str, Any], path_ptr: str, op_ptr: str
    ) -> dict[tuple[str, str], tuple[Mapping[str, Any], list[str]]]:
        found: dict[tuple[str, str], tuple[Mapping[str, Any], list[str]]] = {}
        for source, where in ((path_item, path_ptr), (operation, op_ptr)):
            for index, raw in enumerate(source.get("parameters", [])):
                parameter, pointers = self.resolve(raw, f"{where}/parameters/{index}")
                # An operation's parameter overrides the path item's one of the same name and place.
                found[(parameter["in"], parameter["name"])] = (parameter, pointers)
        return found


def _child(parent: str, prop: str) -> str:
    """`request body` + `updates` -> `request body updates`; `... updates[]` + `x` -> `... updates[].x`."""
    if parent.endswith(" body"):
        return f"{parent} {prop}"
    return f"{parent}.{prop}"


def _json_content(node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    content = node.get("content") or {}
    for media_type in ("application/json", *content):
        if media_type in content:
            return media_type, content[media_type]
    return None


def _origin_first(origins: dict[str, list[str]], location: str, pointers: list[str]) -> None:
    # The node that declares a location (a parameter, a body, a header) is looked at before its schema's.
    origins[location] = [*pointers, *(p for p in origins.get(location, []) if p not in pointers)]


def read(document: Mapping[str, Any]) -> Facts:
    """Read *document* into its facts."""
    reader = _Reader(document)
    facts = Facts()
    for found in operation_nodes(document):
        path_item, operation, path = found.item, found.node, found.path
        path_ptr, op_ptr = pointer(found.where[:2]), found.pointer
        key = (found.method.upper(), path)
        locations: dict[str, Aspects] = {}
        origins: dict[str, list[str]] = {"operation": [op_ptr]}
        locations["operation"] = {}
        for (where, name), (parameter, pointers) in reader.parameters(path_item, operation, path_ptr, op_ptr).items():
            location = f"parameter {where} {name}"
            if "schema" in parameter:
                reader.schema(parameter["schema"], f"{pointers[-1]}/schema", location, locations, origins)
            locations.setdefault(location, {})["required"] = bool(parameter.get("required", where == "path"))
            _origin_first(origins, location, pointers)
        if "requestBody" in operation:
            body, pointers = reader.resolve(operation["requestBody"], f"{op_ptr}/requestBody")
            content = _json_content(body)
            if content is not None:
                media_type, media = content
                if "schema" in media:
                    schema_ptr = f"{pointers[-1]}/content/{escape(media_type)}/schema"
                    reader.schema(media["schema"], schema_ptr, "request body", locations, origins)
            locations.setdefault("request body", {})["required"] = bool(body.get("required", False))
            _origin_first(origins, "request body", pointers)
        for status, raw_response in operation.get("responses", {}).items():
            response, pointers = reader.resolve(raw_response, f"{op_ptr}/responses/{status}")
            location = f"response {status}"
            locations[location] = {}
            origins[location] = pointers
            for header_name, raw_header in (response.get("headers") or {}).items():
                header, header_ptrs = reader.resolve(raw_header, f"{pointers[-1]}/headers/{escape(header_name)}")
                header_loc = f"{location} header {header_name.lower()}"
                if "schema" in header:
                    reader.schema(header["schema"], f"{header_ptrs[-1]}/schema", header_loc, locations, origins)
                locations.setdefault(header_loc, {})["required"] = bool(header.get("required", False))
                _origin_first(origins, header_loc, header_ptrs)
            content = _json_content(response)
            if content is not None and "schema" in content[1]:
                media_type, media = content
                schema_ptr = f"{pointers[-1]}/content/{escape(media_type)}/schema"
                reader.schema(media["schema"], schema_ptr, f"{location} body", locations, origins)
        facts.operations[key] = locations
        for location, pointers in origins.items():
            facts.origins[(key, location)] = pointers
    for code, entry in (document.get("x-error-codes") or {}).items():
        # `documented` is the earlier spelling of `published`.
        published = entry.get("published", entry.get("documented", False))
        facts.error_codes[code] = {"status": entry.get("status"), "published": bool(published)}
        if "number" in entry:
            facts.error_codes[code]["number"] = entry["number"]
    return facts
