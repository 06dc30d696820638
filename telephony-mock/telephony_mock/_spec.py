"""Compile openapi.yaml, once, into an immutable table of operations and ready validators.

Every schema the mock enforces is the spec's own: validators are built by jsonschema-rs from
`$ref`s into the loaded document, so the spec is read, never restated. Whatever the mock could
not honour (a keyword it does not enforce, a parameter style it does not parse, a default it
would not apply) stops start-up with the JSON pointer of the offending place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from telephony_contract import SPEC_PATH, Catalogue, load_document
from telephony_contract.catalogue import api_key_header
from telephony_contract.document import JsonPath, lookup, operation_nodes, ref_path, resolve_at
from telephony_contract.document import pointer as json_pointer
from telephony_contract.router import parameter_names

from . import _errors

# The URI the loaded document is registered under, so `$ref`s resolve inside it.
SPEC_URI = "urn:polyai-telephony:openapi"

PARAMETER_LOCATIONS = ("path", "query", "header")

# Keywords jsonschema-rs enforces under draft 2020-12.
_ASSERTIONS = frozenset(
    {
        "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems",
        "minContains", "maxContains", "required", "minProperties", "maxProperties",
        "dependentRequired", "$ref",
    }
)  # fmt: skip
_ONE_SUBSCHEMA = frozenset(
    {
        "items", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties",
    }
)  # fmt: skip
_LIST_OF_SUBSCHEMAS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_MAP_OF_SUBSCHEMAS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs"})
# Keywords with no bearing on what is valid.
# `x-assumed` and `x-upstream` label a keyword as assumed or as differing from PolyAI's reference;
# they document, and change nothing the mock enforces.
_ANNOTATIONS = frozenset({"description", "title", "examples", "deprecated", "$comment", "x-assumed", "x-upstream"})


class SpecError(ValueError):
    """The spec asks for something the mock cannot honour."""


@dataclass(frozen=True, slots=True)
class Parameters:
    """The parameters of one location, folded into one object schema."""

    names: tuple[str, ...]
    validator: jsonschema_rs.Validator


@dataclass(frozen=True, slots=True)
class Body:
    required: bool
    media_types: frozenset[str]
    validator: jsonschema_rs.Validator
    # Top-level property defaults, applied after validation (`clientEnv: live`).
    defaults: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Response:
    validator: jsonschema_rs.Validator | None
    required_headers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path_template: str
    path: Parameters | None
    query: Parameters | None
    header: Parameters | None
    body: Body | None
    validation_error_code: str
    success_status: int
    responses: Mapping[int, Response]
    # Whether its rule runs in a write transaction: the operation catalogue decides.
    writes: bool


@dataclass(frozen=True, slots=True)
class Spec:
    document: Mapping[str, Any]
    operations: tuple[Operation, ...]
    error_codes: Mapping[str, _errors.ErrorCode]
    # JSON-pointer path of a schema → the `x-error-code` a failure inside it answers with.
    schema_error_codes: Mapping[tuple[str | int, ...], str]
    api_key_header: str  # lower case
    max_body_bytes: int
    max_batch_items: int
    max_json_depth: int
    error_validator: jsonschema_rs.Validator
    registry: jsonschema_rs.Registry

    def validator_for(self, schema: Mapping[str, Any]) -> jsonschema_rs.Validator:
        """A validator for a schema that may `$ref` the spec's components (see `component`)."""
        return validator_for(schema, self.registry)

    def operation(self, operation_id: str) -> Operation:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise KeyError(operation_id)


def load_spec(path: Path | str = SPEC_PATH) -> Spec:
    return compile_spec(load_document(path))


def validator_for(schema: Mapping[str, Any], registry: jsonschema_rs.Registry) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}, registry=registry
    )


def compile_spec(document: Mapping[str, Any]) -> Spec:
    return _Compiler(document).compile()


def component(name: str) -> dict[str, str]:
    """A `$ref` to one of the spec's component schemas."""
    return {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}


def pointer(path: JsonPath) -> str:
    """Where in the spec, as a URI fragment: #/paths/~1v1~1agents/get."""
    return "#" + json_pointer(path)


def _local_ref(ref: Any, where: tuple[str | int, ...]) -> tuple[str | int, ...]:
    if not isinstance(ref, str):
        raise SpecError(f"{pointer(where)}: a $ref must be a string, got {ref!r}")
    try:
        return ref_path(ref)
    except ValueError as exc:
        raise SpecError(f"{pointer(where)}: {exc}") from None


def _ref(path: tuple[str | int, ...]) -> dict[str, str]:
    # In a URI the pointer is a fragment, so `{agentId}` and friends are percent-encoded.
    return {"$ref": SPEC_URI + quote(pointer(path), safe="#/~")}


class _Compiler:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.doc = document
        self.registry = jsonschema_rs.Registry([(SPEC_URI, dict(document))], draft=jsonschema_rs.Draft202012)
        self.checked: set[tuple[tuple[str | int, ...], str]] = set()
        self.schema_error_codes: dict[tuple[str | int, ...], str] = {}
        self.catalogue = Catalogue.from_document(document)
        self.error_codes = self._error_codes()
        limits = document.get("x-limits", {})
        try:
            self.max_body_bytes = int(limits["maxBodyBytes"])
            self.max_batch_items = int(limits["maxBatchItems"])
            self.max_json_depth = int(limits["maxJsonDepth"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SpecError("x-limits must give integer maxBodyBytes, maxBatchItems and maxJsonDepth") from exc

    # -- building blocks ------------------------------------------------------------------

    def lookup(self, path: tuple[str | int, ...]) -> Any:
        return lookup(self.doc, path)

    def resolve(self, path: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], Any]:
        """Follow `$ref`s (local ones only) from `path` to the object they name."""
        try:
            return resolve_at(self.doc, path)
        except ValueError as exc:
            raise SpecError(f"{pointer(path)}: {exc}") from None

    def validator(self, path: tuple[str | int, ...]) -> jsonschema_rs.Validator:
        return validator_for(_ref(path), self.registry)

    def _error_codes(self) -> dict[str, _errors.ErrorCode]:
        raw = self.doc.get("x-error-codes")
        if not isinstance(raw, Mapping):
            raise SpecError("the spec has no x-error-codes table")
        codes = {name: _errors.ErrorCode(int(entry["status"]), str(entry["message"])) for name, entry in raw.items()}
        missing = sorted(_errors.RAISED_CODES - codes.keys())
        if missing:
            raise SpecError(f"x-error-codes lacks codes the mock answers with: {', '.join(missing)}")
        return codes

    def _known_code(self, code: Any, where: tuple[str | int, ...], status: int | None = None) -> str:
        if code not in self.error_codes:
            raise SpecError(f"{pointer(where)}: {code!r} is not in x-error-codes")
        if status is not None and self.error_codes[code].status != status:
            raise SpecError(f"{pointer(where)}: {code} has status {self.error_codes[code].status}, expected {status}")
        return str(code)

    # -- schemas: refuse what is not enforced -----------------------------------------------

    def check_schema(self, path: tuple[str | int, ...], *, context: str, role: str = "other") -> None:
        """Walk a schema and refuse keywords the mock would silently ignore.

        `context` is "request" or "response"; in requests every array must be capped by
        `maxItems` within `x-limits.maxBatchItems`. `role` is "root" for a body's schema,
        "property" for its top-level properties (the one place `default` is applied, so the one
        place it is allowed in a request) and "other" below.
        """
        key = (path, context + role)
        if key in self.checked:
            return
        self.checked.add(key)
        schema = self.lookup(path)
        if isinstance(schema, bool):
            return
        if not isinstance(schema, Mapping):
            raise SpecError(f"{pointer(path)}: a schema must be an object")
        for keyword, value in schema.items():
            where = (*path, keyword)
            if keyword in _ASSERTIONS or keyword in _ANNOTATIONS:
                pass
            elif keyword in _ONE_SUBSCHEMA:
                self.check_schema(where, context=context)
            elif keyword in _LIST_OF_SUBSCHEMAS:
                for index in range(len(value)):
                    self.check_schema((*where, index), context=context)
            elif keyword in _MAP_OF_SUBSCHEMAS:
                child = "property" if keyword == "properties" and role == "root" else "other"
                for name in value:
                    self.check_schema((*where, name), context=context, role=child)
            elif keyword == "default":
                if context == "request" and role != "property":
                    raise SpecError(
                        f"{pointer(where)}: the mock applies defaults only to a body's top-level properties"
                    )
            elif keyword == "format":
                # Formats are annotations in 2020-12; a format is accepted only where a pattern
                # beside it is what actually decides validity.
                if "pattern" not in schema:
                    raise SpecError(f"{pointer(where)}: format {value!r} without a pattern would not be enforced")
            elif keyword == "x-error-code":
                # Every schema a request or an answer reaches passes here: the one place to collect them.
                self.schema_error_codes[path] = self._known_code(value, where, status=400)
            else:
                raise SpecError(f"{pointer(where)}: the mock does not enforce the keyword {keyword!r}")
        if "$ref" in schema:
            target = _local_ref(schema["$ref"], path)
            # A body's root may be a bare $ref to the object schema; it stays the root.
            self.check_schema(target, context=context, role="root" if role == "root" and len(schema) == 1 else "other")
        if context == "request" and schema.get("type") == "array":
            cap = schema.get("maxItems")
            if not isinstance(cap, int) or cap > self.max_batch_items:
                raise SpecError(f"{pointer(path)}: a request array needs maxItems <= x-limits.maxBatchItems")

    # -- operations -------------------------------------------------------------------------

    def api_key_header(self) -> str:
        try:
            return api_key_header(self.doc).lower()
        except ValueError as exc:
            raise SpecError(str(exc)) from None

    def parameters(
        self, path_item: tuple[str | int, ...], operation: tuple[str | int, ...]
    ) -> dict[str, list[tuple[str, bool, tuple[str | int, ...]]]]:
        by_key: dict[tuple[str, str], tuple[bool, tuple[str | int, ...]]] = {}
        for owner in (path_item, operation):  # operation-level parameters override path-level
            for index in range(len(self.lookup(owner).get("parameters", []))):
                where, parameter = self.resolve((*owner, "parameters", index))
                location = parameter.get("in")
                if location not in PARAMETER_LOCATIONS:
                    raise SpecError(f"{pointer(where)}: parameters in {location!r} are not supported")
                for keyword in ("content", "style", "explode", "allowReserved", "allowEmptyValue"):
                    if keyword in parameter:
                        raise SpecError(f"{pointer(where)}: parameter keyword {keyword!r} is not supported")
                schema_path = (*where, "schema")
                _, schema = self.resolve(schema_path)
                if schema.get("type") != "string":
                    # Parameters arrive as text and the mock does not coerce them.
                    raise SpecError(f"{pointer(schema_path)}: the mock supports string parameters only")
                self.check_schema(schema_path, context="request")
                name = parameter["name"].lower() if location == "header" else parameter["name"]
                by_key[(location, name)] = (bool(parameter.get("required")), schema_path)
        grouped: dict[str, list[tuple[str, bool, tuple[str | int, ...]]]] = {}
        for (location, name), (required, schema_path) in by_key.items():
            grouped.setdefault(location, []).append((name, required, schema_path))
        return grouped

    def fold(self, entries: list[tuple[str, bool, tuple[str | int, ...]]] | None) -> Parameters | None:
        if not entries:
            return None
        schema = {
            "type": "object",
            "properties": {name: _ref(path) for name, _, path in entries},
            "required": [name for name, required, _ in entries if required],
        }
        return Parameters(tuple(name for name, _, _ in entries), validator_for(schema, self.registry))

    def body(self, operation: tuple[str | int, ...]) -> Body | None:
        if "requestBody" not in self.lookup(operation):
            return None
        where, request_body = self.resolve((*operation, "requestBody"))
        content = request_body.get("content") or {}
        schema_paths = set()
        for media_type, media in content.items():
            if media_type != "application/json" and not media_type.endswith("+json"):
                raise SpecError(f"{pointer(where)}: only JSON request bodies are supported, not {media_type}")
            if "schema" not in media:
                raise SpecError(f"{pointer(where)}: {media_type} has no schema")
            schema_paths.add((*where, "content", media_type, "schema"))
        if len(schema_paths) != 1:
            raise SpecError(f"{pointer(where)}: exactly one JSON media type is supported")
        (schema_path,) = schema_paths
        self.check_schema(schema_path, context="request", role="root")
        _, root = self.resolve(schema_path)
        defaults = {
            name: prop["default"] for name, prop in root.get("properties", {}).items() if isinstance(prop, Mapping)
            if "default" in prop
        }  # fmt: skip
        return Body(
            required=bool(request_body.get("required")),
            media_types=frozenset(content),
            validator=self.validator(schema_path),
            defaults=defaults,
        )

    def responses(self, operation: tuple[str | int, ...]) -> dict[int, Response]:
        responses: dict[int, Response] = {}
        for status in self.lookup((*operation, "responses")):
            if not str(status).isdigit():
                raise SpecError(f"{pointer((*operation, 'responses', status))}: only numeric statuses are supported")
            where, response = self.resolve((*operation, "responses", status))
            validator = None
            media = (response.get("content") or {}).get("application/json")
            if media and "schema" in media:
                self.check_schema((*where, "content", "application/json", "schema"), context="response")
                validator = self.validator((*where, "content", "application/json", "schema"))
            headers = frozenset(
                name.lower()
                for name in response.get("headers", {})
                if self.resolve((*where, "headers", name))[1].get("required")
            )
            responses[int(status)] = Response(validator, headers)
        return responses

    def operations(self) -> Iterator[Operation]:
        global_security = self.doc.get("security")
        for found in operation_nodes(self.doc):
            where: JsonPath = found.where
            operation = found.node
            if "operationId" not in operation:
                raise SpecError(f"{pointer(where)}: an operation needs an operationId")
            if "security" in operation and operation["security"] != global_security:
                raise SpecError(f"{pointer(where)}: per-operation security is not supported")
            grouped = self.parameters(where[:2], where)
            path_names = {name for name, _, _ in grouped.get("path", [])}
            if path_names != {name for name in parameter_names(found.path) if name}:
                raise SpecError(f"{pointer(where)}: path parameters do not match the template")
            responses = self.responses(where)
            successes = [status for status in responses if 200 <= status < 300]
            if len(successes) != 1:
                raise SpecError(f"{pointer(where)}: exactly one 2xx response is supported")
            code = operation.get("x-validation-error-code", _errors.SCHEMA_VALIDATION_FAILED)
            yield Operation(
                operation_id=operation["operationId"],
                method=found.method.upper(),
                path_template=found.path,
                path=self.fold(grouped.get("path")),
                query=self.fold(grouped.get("query")),
                header=self.fold(grouped.get("header")),
                body=self.body(where),
                validation_error_code=self._known_code(code, (*where, "x-validation-error-code"), status=400),
                success_status=successes[0],
                responses=responses,
                writes=self.catalogue[operation["operationId"]].writes,
            )

    def compile(self) -> Spec:
        operations = tuple(self.operations())
        ids = [operation.operation_id for operation in operations]
        if len(set(ids)) != len(ids):
            raise SpecError("operationIds must be unique")
        return Spec(
            document=self.doc,
            operations=operations,
            error_codes=self.error_codes,
            schema_error_codes=self.schema_error_codes,
            api_key_header=self.api_key_header(),
            max_body_bytes=self.max_body_bytes,
            max_batch_items=self.max_batch_items,
            max_json_depth=self.max_json_depth,
            error_validator=self.validator(("components", "schemas", "Error")),
            registry=self.registry,
        )
