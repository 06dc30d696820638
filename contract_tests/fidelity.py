"""How faithful the mock is to the real service: a recording replayed against a fresh mock, compared.

Each replayed exchange's two answers are compared on their status, their `error_code`, the fields
present (and the headers the contract declares for that answer), and every value, except the
values `VARIES` declares: those differ between two correct answers to the same request. Two answers
agree when nothing else differs. The score is agreeing exchanges over compared exchanges, per
operation and overall.

Every difference is a finding, classed:

- **contract must change** (`CONTRACT`): the service's answer breaks the contract (a status the
  operation does not declare, an `error_code` not listed with that status, a body its schema
  refuses, a required header missing). It is drift too; the node named is where it breaks.
- **not deterministic** (`UNSTABLE`): the service answered the very same request differently within
  the recording, with nothing written to that resource in between. Such exchanges are not scored.
- **mock must change** (`MOCK`): everything else. The service did something the contract allows and
  the mock does not; the node named is where the two answers part.

Not compared (and not scored): exchanges the service answered 429 or 5xx (not replayed, see
`replay.NOT_REPLAYED`) and those whose body the recording cut (`recording.MAX_BODY_BYTES`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

import jsonschema_rs
import orjson

from contract_tests import replay
from contract_tests.recording import Exchange, Recording
from telephony_contract import CORRELATION_HEADER, Catalogue, load_catalogue, load_document
from telephony_contract.document import lookup, resolve, resolve_at
from telephony_contract.document import pointer as json_pointer

MOCK = "mock must change"
CONTRACT = "contract must change"
UNSTABLE = "not deterministic"
CLASSES = (CONTRACT, MOCK, UNSTABLE)

# What varies between two correct answers to the same request, so is compared for presence only.
# Reviewed: add a name here only with the reason it cannot be the same from the mock and the service.
VARIES: dict[str, str] = {
    CORRELATION_HEADER: "a header: a fresh id for every request",
    "error_id": "the request's correlation id",
    "error": "a human-readable message; the contract fixes only error_code",
    "error_message": "a human-readable message; the contract fixes only error_code",
    "callSid": "minted by the service for each call; the replay follows the mock's own SID from then on",
}
# Values of a schema with this format are timestamps, which vary too (the contract has none today).
VARYING_FORMATS = frozenset({"date-time", "date", "time"})
# Operations whose answer moves with time alone, so two reads with no write between them may
# rightly differ; they are never called not deterministic.
TIME_DEPENDENT: dict[str, str] = {"getOutboundCallStatus": "a call moves from QUEUED to its outcome with time"}
OUTSIDE = "(outside the contract)"
# Request headers that differ from one request to the next whatever is asked, so two requests
# that differ only in them are the same request.
_PER_REQUEST_HEADERS = frozenset({"host", "content-length", "connection", "x-schemathesis-testcaseid"})
_SPEC_URI = "urn:polyai-telephony-openapi"
_MASK = "<varies>"
_EXAMPLE_CHARS = 600


def pointer(path: tuple[str | int, ...]) -> str:
    return "#" + json_pointer(path)


class ContractView:
    """What the comparison reads from openapi.yaml: declared statuses, codes, schemas and their nodes."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.document = load_document()
        self.codes: Mapping[str, Any] = self.document.get("x-error-codes", {})
        self._registry = jsonschema_rs.Registry([(_SPEC_URI, dict(self.document))])
        self._validators: dict[tuple[str, ...], Any] = {}

    @cached_property
    def varying(self) -> frozenset[str]:
        """Field names masked before values are compared: `VARIES` and every timestamp-typed property."""
        names = set(VARIES)

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for name, child in (node.get("properties") or {}).items():
                    if isinstance(child, dict) and child.get("format") in VARYING_FORMATS:
                        names.add(name)
                for child in node.values():
                    walk(child)
            elif isinstance(node, list):
                for child in node:
                    walk(child)

        walk(self.document)
        return frozenset(names)

    def operation_node(self, operation_id: str) -> tuple[str, ...]:
        operation = self.catalogue[operation_id]
        return ("paths", operation.path, operation.method.lower())

    def response(self, operation_id: str, status: int) -> tuple[tuple[str, ...], Any] | None:
        """Where the operation's answer with this status is described, after its $ref, and the node."""
        responses = (*self.operation_node(operation_id), "responses")
        if str(status) not in lookup(self.document, responses):
            return None
        where, node = resolve_at(self.document, (*responses, str(status)))
        return tuple(str(part) for part in where), node

    def _validator(self, schema_at: tuple[str, ...]) -> Any:
        validator = self._validators.get(schema_at)
        if validator is None:
            reference = _SPEC_URI + quote(pointer(schema_at), safe="#/~")
            validator = jsonschema_rs.validator_for(
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": reference}, registry=self._registry
            )
            self._validators[schema_at] = validator
        return validator

    def declared_headers(self, operation_id: str | None, status: int) -> tuple[str, ...]:
        found = self.response(operation_id, status) if operation_id else None
        if found is None:
            return ()
        return tuple(name.lower() for name in (found[1].get("headers") or {}))

    def breaks(
        self, operation_id: str | None, status: int, headers: Mapping[str, str], body: Any
    ) -> tuple[str, str] | None:
        """Where, and how, an answer breaks the contract; None when the contract allows it."""
        if status >= 400:
            if not isinstance(body, dict) or "error_code" not in body:
                return pointer(("components", "schemas", "Error")), f"a {status} answer outside the error envelope"
            code = body["error_code"]
            facts = self.codes.get(code)
            if facts is None:
                return pointer(("x-error-codes",)), f"error_code {code} is not in x-error-codes"
            if int(facts["status"]) != status:
                return pointer(("x-error-codes", code, "status")), f"error_code {code} is listed with {facts['status']}"
            for error in self._validator(("components", "schemas", "Error")).iter_errors(body):
                return pointer(tuple(error.schema_path)), f"the error envelope fails {error.schema_path[-1]}"
        if operation_id is None:
            return None
        found = self.response(operation_id, status)
        if found is None:
            return pointer((*self.operation_node(operation_id), "responses")), f"status {status} is not declared"
        where, response = found
        for name, header in (response.get("headers") or {}).items():
            header = resolve(self.document, header)
            if header.get("required") and name.lower() not in headers:
                return pointer((*where, "headers", name)), f"required header {name} missing"
        media = (response.get("content") or {}).get("application/json")
        if media and isinstance(body, bytes):
            return pointer((*where, "content")), "a body that is not JSON"
        if media and "schema" in media and body is not None:
            schema_at = (*where, "content", "application/json", "schema")
            for error in self._validator(schema_at).iter_errors(body):
                at = "/".join(str(part) for part in error.instance_path) or "(body)"
                return pointer(tuple(error.schema_path)), f"{at} fails {error.schema_path[-1]}"
        return None

    def schema_node(self, operation_id: str | None, status: int, path: tuple[str | int, ...]) -> str:
        """The schema node that describes the value at `path` of an answer (as deep as the schema goes)."""
        found = self.response(operation_id, status) if operation_id else None
        if found is None:
            return pointer((*self.operation_node(operation_id), "responses")) if operation_id else pointer(("paths",))
        where: tuple[str | int, ...] = (*found[0], "content", "application/json", "schema")
        if status >= 400 or not _has_json(found[1]):
            where = ("components", "schemas", "Error") if status >= 400 else found[0]
        node = lookup(self.document, where)
        # A difference inside an array (an order, an item) is named by the array.
        while path and isinstance(path[-1], int):
            path = path[:-1]
        for step in path:
            where, node = resolve_at(self.document, where)
            if isinstance(step, int) and isinstance(node, dict) and isinstance(node.get("items"), dict):
                where, node = (*where, "items"), node["items"]
            elif isinstance(step, str) and isinstance(node, dict) and step in (node.get("properties") or {}):
                where, node = (*where, "properties", step), node["properties"][step]
            else:
                break
        return pointer(where)


def _has_json(response: Any) -> bool:
    return bool(((response or {}).get("content") or {}).get("application/json"))


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw bytes when the body is not JSON
    masked: Any

    @property
    def code(self) -> str | None:
        return self.body.get("error_code") if isinstance(self.body, dict) and self.status >= 400 else None

    @classmethod
    def of(cls, status: int, headers: tuple[tuple[str, str], ...], raw: bytes, varying: frozenset[str]) -> Answer:
        try:
            body: Any = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            body = raw
        return cls(status, {name.lower(): value for name, value in headers}, body, _mask(body, varying))


def _mask(value: Any, varying: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: _MASK if key in varying else _mask(item, varying) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask(item, varying) for item in value]
    return value


def _field_paths(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{prefix}.{key}" if prefix else key
            yield here
            yield from _field_paths(item, here)
    elif isinstance(value, list):
        for item in value:
            yield from _field_paths(item, f"{prefix}[]")


def _first_difference(real: Any, mock: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    if isinstance(real, dict) and isinstance(mock, dict):
        for key in real:
            if key in mock and real[key] != mock[key]:
                return _first_difference(real[key], mock[key], (*path, key))
        return path if real != mock else None
    if isinstance(real, list) and isinstance(mock, list) and len(real) == len(mock):
        for index, (one, other) in enumerate(zip(real, mock, strict=True)):
            if one != other:
                return _first_difference(one, other, (*path, index))
        return None
    return path if real != mock else None


def _general(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += "[]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(body)"


@dataclass
class Example:
    index: int
    request: str
    service: str
    mock: str


@dataclass
class Finding:
    klass: str
    operation: str
    node: str
    kind: str
    count: int = 0
    example: Example | None = None
    indexes: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        example = self.example
        return {
            "class": self.klass,
            "operation": self.operation,
            "node": self.node,
            "kind": self.kind,
            "count": self.count,
            "exchanges": self.indexes,
            "example": None if example is None else vars(example),
        }


@dataclass
class Result:
    recording: str
    measured_on: str
    exchanges: int
    seed: replay.Seed
    compared: Counter[str] = field(default_factory=Counter)
    agreeing: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    not_compared: Counter[str] = field(default_factory=Counter)

    @property
    def score(self) -> float | None:
        total = sum(self.compared.values())
        return sum(self.agreeing.values()) / total if total else None

    def scores(self) -> dict[str, dict[str, Any]]:
        return {
            operation: {
                "compared": count,
                "agreeing": self.agreeing[operation],
                "score": round(self.agreeing[operation] / count, 4),
            }
            for operation, count in sorted(self.compared.items())
        }

    def counts(self) -> dict[str, int]:
        return {klass: sum(f.count for f in self.findings if f.klass == klass) for klass in CLASSES}

    def as_json(self) -> dict[str, Any]:
        score = self.score
        return {
            "recording": self.recording,
            "measured_on": self.measured_on,
            "exchanges": self.exchanges,
            "compared": sum(self.compared.values()),
            "agreeing": sum(self.agreeing.values()),
            "score": None if score is None else round(score, 4),
            "operations": self.scores(),
            "counts": self.counts(),
            "findings": [finding.as_json() for finding in self.findings],
            "not_compared": dict(self.not_compared),
            "seed": self.seed.as_json(),
            "varies": VARIES,
            "time_dependent": TIME_DEPENDENT,
        }


def _shown(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return text if len(text) <= _EXAMPLE_CHARS else text[:_EXAMPLE_CHARS] + "…"


def _request_text(exchange: Exchange) -> str:
    line = f"{exchange.method} {exchange.path}" + (f"?{exchange.query}" if exchange.query else "")
    return line + (f"\n{_shown(exchange.request_body)}" if exchange.request_body else "")


def _signature(answer: Answer) -> bytes:
    return orjson.dumps([answer.status, answer.masked], option=orjson.OPT_SORT_KEYS)


def unstable(
    exchanges: list[Exchange], operations: list[str | None], answers: list[Answer | None], catalogue: Catalogue
) -> set[int]:
    """The exchanges whose request the service answered differently with nothing written in between.

    "Nothing written": no successful write, between the two, to the read's resource, to phone
    numbers when the read takes one (a lookup answers from the number), or to a connector (whose
    deletion or move takes numbers with it).
    """
    found: set[int] = set()
    epoch: Counter[str] = Counter()
    seen: dict[tuple[Any, ...], tuple[int, bytes, int]] = {}
    for exchange, operation_id, answer in zip(exchanges, operations, answers, strict=True):
        if exchange.reset_before:
            epoch["*"] += 1  # back to the seed: everything may read differently
        if operation_id is None or answer is None:
            continue
        operation = catalogue[operation_id]
        if operation.writes:
            if 200 <= exchange.status < 300:
                epoch[operation.resource] += 1
                if operation.resource == "connectors":
                    epoch["*"] += 1
            continue
        if operation_id in TIME_DEPENDENT:
            continue
        headers = tuple((n.lower(), v) for n, v in exchange.request_headers if n.lower() not in _PER_REQUEST_HEADERS)
        request = (exchange.method, exchange.path, exchange.query, exchange.request_body, headers)
        depends = {operation.resource, *(("phone-numbers",) if operation.takes_phone_numbers else ())}
        now = sum(epoch[resource] for resource in depends) + epoch["*"]
        signature = _signature(answer)
        before = seen.get(request)
        if before is not None and before[2] == now and before[1] != signature:
            found.update((before[0], exchange.index))
        seen[request] = (exchange.index, signature, now)
    return found


def compare(recording: Recording, view: ContractView | None = None) -> Result:
    """Replay `recording` against a fresh mock and compare every answer (see the module's docstring)."""
    view = view or ContractView()
    exchanges = recording.exchanges
    seed, replies = replay.replay(exchanges)
    varying = view.varying
    result = Result(str(recording.path), recording.comment, len(exchanges), seed)
    matches = [view.catalogue.match(exchange.method, exchange.path) for exchange in exchanges]
    operations = [match.operation.operation_id if match is not None else None for match in matches]
    recorded: list[Answer | None] = [
        None
        if reply is None or exchange.truncated
        else Answer.of(exchange.status, exchange.response_headers, exchange.response_body, varying)
        for exchange, reply in zip(exchanges, replies, strict=True)
    ]
    shaky = unstable(exchanges, operations, recorded, view.catalogue)
    grouped: dict[tuple[str, str, str, str], Finding] = {}
    for exchange, operation_id, real, reply in zip(exchanges, operations, recorded, replies, strict=True):
        name = operation_id or OUTSIDE
        if reply is None:
            result.not_compared["not replayed: " + replay.NOT_REPLAYED] += 1
            continue
        if real is None:
            result.not_compared["body cut at the recording's size limit"] += 1
            continue
        mock = Answer.of(reply.status, reply.headers, reply.body, varying)
        difference = _parting(view, operation_id, real, mock)
        if exchange.index in shaky:
            result.not_compared["not deterministic: the service answered the same request differently"] += 1
            if difference is None:
                continue
            klass = UNSTABLE
        else:
            result.compared[name] += 1
            if difference is None:
                result.agreeing[name] += 1
                continue
            klass = MOCK
        broken = view.breaks(operation_id, real.status, real.headers, real.body)
        if broken is not None:
            klass = CONTRACT
            difference = broken
        node, kind = difference
        finding = grouped.setdefault((klass, name, node, kind), Finding(klass, name, node, kind))
        finding.count += 1
        if len(finding.indexes) < 5:
            finding.indexes.append(exchange.index)
        if finding.example is None:
            finding.example = Example(
                exchange.index,
                _request_text(exchange),
                f"{exchange.status}\n{_shown(exchange.response_body)}",
                f"{reply.status}\n{_shown(reply.body)}",
            )
    order = {klass: rank for rank, klass in enumerate(CLASSES)}
    result.findings = sorted(grouped.values(), key=lambda f: (order[f.klass], f.operation, -f.count, f.kind))
    return result


def _parting(view: ContractView, operation_id: str | None, real: Answer, mock: Answer) -> tuple[str, str] | None:
    """Where two answers part (the contract node, and what differs in stable words), or None if they agree."""
    if real.status != mock.status:
        # The declared response the service's status names, else the operation's responses.
        declared: tuple[str, ...] = ("paths",)
        if operation_id is not None:
            declared = (*view.operation_node(operation_id), "responses")
            declared += (str(real.status),) if view.response(operation_id, real.status) else ()
        return pointer(declared), f"status {real.status}; the mock answers {mock.status}"
    if real.code != mock.code:
        listed = real.code is not None and real.code in view.codes
        node = pointer(("x-error-codes", real.code)) if listed and real.code else pointer(("x-error-codes",))
        return node, f"error_code {real.code}; the mock answers {mock.code}"
    for name in view.declared_headers(operation_id, real.status):
        if (name in real.headers) != (name in mock.headers):
            who = "the service" if name in real.headers else "the mock"
            found = view.response(operation_id, real.status) if operation_id else None
            node = pointer((*found[0], "headers")) if found else pointer(("paths",))
            return node, f"header {name} sent only by {who}"
    if real.masked == mock.masked:
        return None
    if isinstance(real.body, bytes) or isinstance(mock.body, bytes):
        return view.schema_node(operation_id, real.status, ()), "a body that is not JSON"
    real_fields, mock_fields = set(_field_paths(real.body)), set(_field_paths(mock.body))
    if real_fields != mock_fields:
        only_real, only_mock = sorted(real_fields - mock_fields), sorted(mock_fields - real_fields)
        first = (only_real or only_mock)[0]
        steps = tuple(part for part in first.replace("[]", ".0").split(".") if part)
        path = tuple(int(step) if step.isdigit() else step for step in steps)
        sides = (("the service", only_real), ("the mock", only_mock))
        parts = [f"only {side} sends " + ", ".join(fields) for side, fields in sides if fields]
        return view.schema_node(operation_id, real.status, path), "fields: " + "; ".join(parts)
    where = _first_difference(real.masked, mock.masked) or ()
    return view.schema_node(operation_id, real.status, where), f"values differ at {_general(where)}"
