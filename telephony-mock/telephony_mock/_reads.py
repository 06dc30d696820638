"""The request fields a rule reads by name, checked against the spec so a rename cannot become a 500.

A rule reads `call.body["phoneNumbers"]`; renamed in the contract, that is a `KeyError` on every
request. So each rule declares what it reads (`@reads`): at start-up every declared field must be
one its operation takes (`check_reads`), and in self-check mode (`validate_responses`, which the
mock's tests run) the rule sees views of its request that refuse an undeclared name, and `[]` on a
field a valid request may leave out (`runnable`). Serving, a rule gets the request as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from dataclasses import dataclass, field
from typing import Any

from jsonpointer import escape

from telephony_contract import Catalogue, Operation
from telephony_contract.document import parse_pointer
from telephony_contract.fields import always_present, schemas_at

from ._rules import Call, DeclaredRule, Rule, Rules
from ._spec import Spec
from ._store import Tx


class RuleReadError(AssertionError):
    """In self-check mode: a rule read a request field it did not declare, or an optional one with `[]`."""


@dataclass(slots=True)
class _Field:
    """A declared field: whether a valid request may leave it out, and the fields declared inside it."""

    optional: bool
    inside: dict[str, _Field] = field(default_factory=dict)


def check_reads(rules: Rules, document: Mapping[str, Any]) -> list[str]:
    """What each declared rule reads that its operation does not take, one message per field."""
    operations = Catalogue.from_document(document)
    problems = []
    for operation_id, rule in rules.items():
        operation = operations.get(operation_id)
        if not isinstance(rule, DeclaredRule) or operation is None:
            continue
        for location, names in (("path", rule.reads.path), ("query", rule.reads.query)):
            problems += [
                f"{operation_id}: its rule reads {location} parameter {name!r}, which the operation does not take"
                for name in sorted(names)
                if operation.parameter(location, name) is None
            ]
        for pointer in sorted(rule.reads.body):
            try:
                segments = parse_pointer(pointer)
            except ValueError as exc:
                problems.append(f"{operation_id}: its rule declares a body field that is not a pointer: {exc}")
                continue
            if operation.body is None or not schemas_at(document, operation.body, segments):
                problems.append(
                    f"{operation_id}: its rule reads body field {pointer}, which the request body does not have"
                )
    return problems


def runnable(rules: Rules, spec: Spec, *, strict: bool) -> dict[str, Rule]:
    """The rules as the app calls them: bare, or in strict (self-check) mode behind read-only views."""
    if not strict:
        return {name: rule.function if isinstance(rule, DeclaredRule) else rule for name, rule in rules.items()}
    operations = Catalogue.from_document(spec.document)
    return {
        name: _strict(name, rule, spec, operations[name]) if isinstance(rule, DeclaredRule) else rule
        for name, rule in rules.items()
    }


def _strict(operation_id: str, rule: DeclaredRule, spec: Spec, takes: Operation) -> Rule:
    compiled = spec.operation(operation_id)
    defaults = compiled.body.defaults if compiled.body is not None else {}

    def query_present(segments: tuple[str, ...]) -> bool:
        parameter = takes.parameter("query", segments[0])
        return parameter is not None and parameter.get("required") is True

    def body_present(segments: tuple[str, ...]) -> bool:
        # The mock applies top-level defaults before the rule runs (see Validator.parse_body).
        return (len(segments) == 1 and segments[0] in defaults) or always_present(spec.document, takes.body, segments)

    path = _fields([(name,) for name in rule.reads.path], lambda segments: True)
    query = _fields([(name,) for name in rule.reads.query], query_present)
    body = _fields([parse_pointer(pointer) for pointer in rule.reads.body], body_present)

    def run(tx: Tx, call: Call) -> Any:
        viewed = dataclasses.replace(
            call,
            path=_View(call.path, path, operation_id, "path parameter ", named=True),
            query=_View(call.query, query, operation_id, "query parameter ", named=True),
            body=_wrap(call.body, body, operation_id, "body field "),
        )
        return rule.function(tx, viewed)

    return run


def _fields(paths: list[tuple[str, ...]], present: Callable[[tuple[str, ...]], bool]) -> dict[str, _Field]:
    root: dict[str, _Field] = {}
    for segments in paths:
        fields = root
        for depth, segment in enumerate(segments, start=1):
            if segment not in fields:
                fields[segment] = _Field(optional=not present(segments[:depth]))
            fields = fields[segment].inside
    return root


def _wrap(value: Any, declared: dict[str, _Field], rule: str, where: str) -> Any:
    """`value` behind a view of what is declared inside it; as it is where nothing inside is declared."""
    if not declared:
        return value
    if isinstance(value, Mapping):
        return _View(value, declared, rule, where)
    if isinstance(value, list):
        items: dict[str, _Field] = {}
        for segment, inside in declared.items():
            if segment.isdigit():
                items = _merge(items, inside.inside)
        return [_wrap(item, items, rule, f"{where}/{index}") for index, item in enumerate(value)]
    return value


def _merge(first: dict[str, _Field], second: dict[str, _Field]) -> dict[str, _Field]:
    merged = dict(first)
    for key, theirs in second.items():
        ours = merged.get(key)
        merged[key] = (
            theirs if ours is None else _Field(ours.optional or theirs.optional, _merge(ours.inside, theirs.inside))
        )
    return merged


class _View(Mapping[str, Any]):
    """A read-only mapping that answers only the names declared for it.

    Any other name (`[]`, `get`, `in`) raises `RuleReadError`, and so does `[]` on a declared field
    that a valid request may leave out; iterating is allowed, as it reads only what the validated
    request holds.
    """

    __slots__ = ("_data", "_fields", "_named", "_rule", "_where")

    def __init__(
        self, data: Mapping[str, Any], fields: dict[str, _Field], rule: str, where: str, *, named: bool = False
    ) -> None:
        self._data = data
        self._fields = fields
        self._rule = rule
        self._where = where
        self._named = named  # parameters are named as they are; body fields by pointer

    def _declared(self, key: str) -> tuple[_Field, str]:
        label = f"{self._where}{key!r}" if self._named else f"{self._where}/{escape(key)}"
        declared = self._fields.get(key)
        if declared is None:
            raise RuleReadError(f"{self._rule}: its rule reads {label} without declaring it in @reads")
        return declared, label

    def __getitem__(self, key: str) -> Any:
        declared, label = self._declared(key)
        if declared.optional:
            raise RuleReadError(
                f"{self._rule}: its rule reads {label} with [], but a valid request may leave it out; use .get"
            )
        return _wrap(self._data[key], declared.inside, self._rule, label)

    def get(self, key: str, default: Any = None, /) -> Any:
        declared, label = self._declared(key)
        if key not in self._data:
            return default
        return _wrap(self._data[key], declared.inside, self._rule, label)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        self._declared(key)
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> ItemsView[str, Any]:
        return self._data.items()

    def values(self) -> ValuesView[Any]:
        return self._data.values()
