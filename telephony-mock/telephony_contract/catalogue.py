"""One catalogue of the spec's operations: what each is, beyond its schemas.

HTTP method semantics decide by default (RFC 9110: GET, HEAD, OPTIONS and TRACE are safe; those
and PUT and DELETE are idempotent). An `x-` extension decides where the method does not say it:
`x-safe: true` on a POST that only reads, `x-places-call: true` on an operation that rings a
real phone. Every other fact is read from the operation itself: its tag, path, parameters,
request body and statuses. Nothing here names an operation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .document import SPEC_PATH, load_document, resolve

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_IDEMPOTENT_METHODS = _SAFE_METHODS | {"PUT", "DELETE"}
PHONE_NUMBER_FORMAT = "e164"


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

    def __str__(self) -> str:
        return self.operation_id


@dataclass(frozen=True, slots=True)
class Match:
    operation: Operation
    # Path parameters, percent-decoded (`%2B44...` is `+44...`).
    parameters: Mapping[str, str]


class Catalogue(Mapping[str, Operation]):
    """The operations of one spec by operationId, in the spec's order."""

    def __init__(self, operations: Iterator[Operation] | tuple[Operation, ...]) -> None:
        self._operations = {operation.operation_id: operation for operation in operations}
        # Literal segments before templated ones, so `phone-numbers/batch` is never a number.
        self._by_specificity = sorted(
            self._operations.values(), key=lambda operation: sum(_is_parameter(s) for s in _segments(operation.path))
        )

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Catalogue:
        return cls(tuple(_operations(document)))

    def __getitem__(self, operation_id: str) -> Operation:
        return self._operations[operation_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._operations)

    def __len__(self) -> int:
        return len(self._operations)

    def by_tag(self, tag: str) -> tuple[Operation, ...]:
        return tuple(operation for operation in self.values() if operation.tag == tag)

    def match(self, method: str, raw_path: str) -> Match | None:
        """The operation a request is for, from its method and its path as sent (query ignored)."""
        method = method.upper()
        segments = _segments(raw_path.split("?", 1)[0])
        for operation in self._by_specificity:
            if operation.method != method:
                continue
            template = _segments(operation.path)
            if len(template) != len(segments):
                continue
            parameters = {}
            for expected, actual in zip(template, segments, strict=True):
                if _is_parameter(expected):
                    if not actual:
                        break
                    parameters[expected[1:-1]] = unquote(actual)
                elif expected != actual:
                    break
            else:
                return Match(operation, parameters)
        return None


@cache
def _cached(path: str) -> Catalogue:
    return Catalogue.from_document(load_document(path))


def load_catalogue(path: Path | str = SPEC_PATH) -> Catalogue:
    """The catalogue of the spec at `path` (openapi.yaml by default), built once per path."""
    return _cached(str(Path(path).resolve()))


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/"))


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    for template, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            raw = item[method]
            verb = method.upper()
            tags = raw.get("tags") or [""]
            parameters = [resolve(document, p) for p in [*item.get("parameters", []), *raw.get("parameters", [])]]
            body = _request_schema(document, raw)
            safe = verb in _SAFE_METHODS or raw.get("x-safe") is True
            yield Operation(
                operation_id=str(raw["operationId"]),
                method=verb,
                path=template,
                tag=str(tags[0]),
                safe=safe,
                idempotent=safe or verb in _IDEMPOTENT_METHODS,
                places_call=raw.get("x-places-call") is True,
                takes_phone_numbers=any(_has_format(document, p.get("schema")) for p in parameters)
                or _has_format(document, body),
                clearable_fields=frozenset(_nullable_fields(document, body)),
                statuses=frozenset(int(status) for status in raw.get("responses", {}) if str(status).isdigit()),
                path_parameters=tuple(str(p["name"]) for p in parameters if p.get("in") == "path"),
            )


def _request_schema(document: Mapping[str, Any], operation: Mapping[str, Any]) -> Any:
    request_body = resolve(document, operation.get("requestBody"))
    if not isinstance(request_body, Mapping):
        return None
    media = (request_body.get("content") or {}).get("application/json") or {}
    return media.get("schema")


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
