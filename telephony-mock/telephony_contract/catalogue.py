"""One catalogue of the spec's operations: what each is, beyond its schemas.

HTTP method semantics decide by default (RFC 9110: GET, HEAD, OPTIONS and TRACE are safe; those
and PUT and DELETE are idempotent). An `x-` extension decides where the method does not say it:
`x-safe: true` on a POST that only reads, `x-places-call: true` on an operation that rings a
real phone. Every other fact is read from the operation itself: its tag, path, parameters,
request body and statuses. Nothing here names an operation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .document import SPEC_PATH, OperationNode, json_schema, load_document, operation_nodes, resolve
from .router import Router
from .sites import Site, operation_sites

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_IDEMPOTENT_METHODS = _SAFE_METHODS | {"PUT", "DELETE"}
PHONE_NUMBER_FORMAT = "e164"
PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # the template, e.g. /v1/agents/{agentId}/telephony/phone-numbers/{phoneNumber}
    tag: str
    # Reads only: a safe method, or `x-safe: true`.
    safe: bool
    idempotent: bool
    # Rings a real phone (`x-places-call: true`).
    places_call: bool
    # Takes a phone number: a path parameter or a request-body field in the E.164 format.
    takes_phone_numbers: bool
    # Request-body fields that accept null, which clears them.
    clearable_fields: frozenset[str]
    statuses: frozenset[int]
    path_parameters: tuple[str, ...]
    # The JSON pointer of the operation object: /paths/~1v1~1agents~1{agentId}~1.../get
    pointer: str = ""
    # The SDK method's name when `x-sdk-method` names it; None where the name is derived.
    sdk_method: str | None = None
    # The status of its one success answer (the lowest 2xx), None when it declares none.
    success_status: int | None = None
    # (location, name) -> the parameter object, path-item ones included and overridden by the
    # operation's own; header names in lower case, as HTTP compares them.
    parameters: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict, compare=False)
    # The JSON request body's schema, or None when the operation takes no JSON body.
    body: Any = field(default=None, compare=False)
    # Status (as written: "200", "4XX") -> the response object, its `$ref` followed.
    responses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)
    node: Mapping[str, Any] = field(default_factory=dict, compare=False)  # the operation object
    # Where it was read from, for what is worked out only when asked (its assumption sites).
    source: tuple[Mapping[str, Any], OperationNode] | None = field(default=None, compare=False, repr=False)

    @property
    def resource(self) -> str:
        """What the operation acts on: its tag (`phone-numbers`, `connectors`, ...)."""
        return self.tag

    @property
    def retry_safe(self) -> bool:
        """Whether repeating it after the service may have seen it is harmless.

        Only reads: an idempotent write repeated late still answers differently (a second delete
        is a 404) or undoes a change made in between.
        """
        return self.safe

    @property
    def writes(self) -> bool:
        return not self.safe

    def parameter(self, location: str, name: str) -> Mapping[str, Any] | None:
        return self.parameters.get((location, name.lower() if location == "header" else name))

    def takes(self, name: str) -> bool:
        """Whether some parameter of any location has this name."""
        return any(self.parameter(location, name) is not None for location in PARAMETER_LOCATIONS)

    @property
    def sites(self) -> tuple[Site, ...]:
        """Every `x-assumed` mark the operation reaches, with its JSON pointer (walked on each call)."""
        if self.source is None:
            return ()
        document, found = self.source
        return tuple(operation_sites(document, self.operation_id, found))

    @property
    def creates(self) -> bool:
        """Whether its success is 201 Created: it adds resources (an import)."""
        return self.success_status == 201

    @property
    def success_schema(self) -> Any:
        """The JSON schema of its success answer, as written (a `$ref` stays one); None without one."""
        response = self.responses.get(str(self.success_status))
        media = ((response or {}).get("content") or {}).get("application/json") or {}
        return media.get("schema")

    def __str__(self) -> str:
        return self.operation_id


@dataclass(frozen=True, slots=True)
class Match:
    operation: Operation
    # Path parameters, percent-decoded (`%2B44...` is `+44...`).
    parameters: Mapping[str, str]


class Catalogue(Mapping[str, Operation]):
    """The operations of one spec by operationId, in the spec's order."""

    def __init__(
        self, operations: Iterator[Operation] | tuple[Operation, ...], document: Mapping[str, Any] | None = None
    ) -> None:
        self._operations = {operation.operation_id: operation for operation in operations}
        self.document: Mapping[str, Any] = document or {}
        self._router: Router[Operation] = Router((op.method, op.path, op) for op in self._operations.values())

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Catalogue:
        return cls(tuple(_operations(document)), document)

    def __getitem__(self, operation_id: str) -> Operation:
        return self._operations[operation_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._operations)

    def __len__(self) -> int:
        return len(self._operations)

    def by_tag(self, tag: str) -> tuple[Operation, ...]:
        return tuple(operation for operation in self.values() if operation.tag == tag)

    def match(self, method: str, raw_path: str) -> Match | None:
        """The operation a request is for, from its method and its path as sent (query ignored).

        A template that has the method wins over a more literal one that lacks it.
        """
        segments = tuple(raw_path.split("?", 1)[0].strip("/").split("/"))
        found = self._router.find(method.upper(), segments)
        if found is None:
            return None
        return Match(found.target, {name: unquote(value) for name, value in found.parameters.items()})

    @cached_property
    def api_key_header(self) -> str:
        """The header the key travels in, as the contract spells it."""
        return api_key_header(self.document)

    @cached_property
    def correlation_header(self) -> str:
        """The one response header every error answer of every operation declares: the request's
        correlation id, which the envelope's `error_id` repeats. ValueError unless there is one."""
        shared: set[str] | None = None
        for operation in self.values():
            for status, response in operation.responses.items():
                if str(status)[0] in "45":
                    names = set(response.get("headers", {}))
                    shared = names if shared is None else shared & names
        if not shared or len(shared) != 1:
            raise ValueError(f"the error answers must share exactly one header, the correlation id, not {shared}")
        return shared.pop()

    @cached_property
    def resource_schemas(self) -> frozenset[str]:
        """The `$ref`s of the schemas reads answer lists of: the contract's resources."""
        return frozenset(ref for operation in self.values() if operation.safe for ref in self._listed(operation))

    def answers_one_resource(self, operation: Operation) -> bool:
        """Whether its success answer is one resource (a schema reads list) rather than a list."""
        schema = operation.success_schema
        return isinstance(schema, Mapping) and schema.get("$ref") in self.resource_schemas

    def lists_resources(self, operation: Operation) -> bool:
        """Whether its success answer holds a list of resources (a list, a batch read)."""
        return bool(self._listed(operation) & self.resource_schemas)

    def _listed(self, operation: Operation) -> set[str]:
        """The `$ref`s of the items of the lists its success answer holds."""
        answer = resolve(self.document, operation.success_schema)
        properties = (answer.get("properties") or {}) if isinstance(answer, Mapping) else {}
        nodes = [resolve(self.document, prop) for prop in properties.values()]
        items = [node.get("items") for node in nodes if isinstance(node, Mapping)]
        return {str(item["$ref"]) for item in items if isinstance(item, Mapping) and "$ref" in item}

    def identifier(self, resource: Any) -> str | None:
        """The field that names a resource: the first its schema requires (`number`, `connectorId`)."""
        required = (resolve(self.document, resource) or {}).get("required") or [None]
        return None if required[0] is None else str(required[0])


def is_safe_method(method: str) -> bool:
    """Whether the method alone says a request only reads (RFC 9110), whatever path it is sent to."""
    return method.upper() in _SAFE_METHODS


def api_key_header(document: Mapping[str, Any]) -> str:
    """The name of the header of the document's one global API-key scheme; ValueError otherwise."""
    names = {name for requirement in document.get("security") or [] for name in requirement}
    if len(names) != 1:
        raise ValueError("the contract must name exactly one global security scheme")
    (name,) = names
    scheme = resolve(document, document["components"]["securitySchemes"][name])
    if scheme.get("type") != "apiKey" or scheme.get("in") != "header":
        raise ValueError(f"security scheme {name}: only an API key in a header is supported")
    return str(scheme["name"])


@cache
def _cached(path: str) -> Catalogue:
    return Catalogue.from_document(load_document(path))


def load_catalogue(path: Path | str = SPEC_PATH) -> Catalogue:
    """The catalogue of the spec at `path` (openapi.yaml by default), built once per path."""
    return _cached(str(Path(path).resolve()))


def _operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    """The operations that have an operationId (one without is not addressable), in document order."""
    for found in operation_nodes(document):
        if "operationId" in found.node:
            yield _operation(document, found)


def _operation(document: Mapping[str, Any], found: OperationNode) -> Operation:
    raw, verb = found.node, found.method.upper()
    operation_id = str(raw["operationId"])
    parameters: dict[tuple[str, str], Mapping[str, Any]] = {}
    for reference in [*found.item.get("parameters", []), *raw.get("parameters", [])]:
        parameter = resolve(document, reference)
        location, name = str(parameter.get("in")), str(parameter.get("name"))
        parameters[(location, name.lower() if location == "header" else name)] = parameter
    body = json_schema(document, raw.get("requestBody"))
    safe = is_safe_method(verb) or raw.get("x-safe") is True
    statuses = frozenset(int(status) for status in raw.get("responses", {}) if str(status).isdigit())
    declared = raw.get("x-sdk-method")
    sdk_method = declared.get("name") if isinstance(declared, Mapping) else declared
    return Operation(
        operation_id=operation_id,
        method=verb,
        path=found.path,
        tag=str((raw.get("tags") or [""])[0]),
        safe=safe,
        idempotent=safe or verb in _IDEMPOTENT_METHODS,
        places_call=raw.get("x-places-call") is True,
        takes_phone_numbers=any(_has_format(document, p.get("schema")) for p in parameters.values())
        or _has_format(document, body),
        clearable_fields=frozenset(_nullable_fields(document, body)),
        statuses=statuses,
        path_parameters=tuple(name for location, name in parameters if location == "path"),
        pointer=found.pointer,
        sdk_method=str(sdk_method) if sdk_method else None,
        success_status=min((status for status in statuses if 200 <= status < 300), default=None),
        parameters=parameters,
        body=body,
        responses={str(status): resolve(document, response) for status, response in raw.get("responses", {}).items()},
        node=raw,
        source=(document, found),
    )


def _subschemas(document: Mapping[str, Any], schema: Any, seen: set[int] | None = None) -> Iterator[Mapping[str, Any]]:
    """`schema` and every schema below it, `$ref`s followed (each once)."""
    seen = set() if seen is None else seen
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or id(schema) in seen:
        return
    seen.add(id(schema))
    yield schema
    children: list[Any] = [schema.get("items"), *(schema.get("properties") or {}).values()]
    for keyword in ("allOf", "anyOf", "oneOf", "prefixItems"):
        children += schema.get(keyword) or []
    for child in children:
        yield from _subschemas(document, child, seen)


def _has_format(document: Mapping[str, Any], schema: Any) -> bool:
    return any(node.get("format") == PHONE_NUMBER_FORMAT for node in _subschemas(document, schema))


def _admits_null(document: Mapping[str, Any], schema: Any) -> bool:
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping):
        return False
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_admits_null(document, option) for option in schema.get("anyOf") or schema.get("oneOf") or [])


def _nullable_fields(document: Mapping[str, Any], body: Any) -> Iterator[str]:
    for node in _subschemas(document, body):
        for name, prop in (node.get("properties") or {}).items():
            if _admits_null(document, prop):
                yield str(name)
