"""The request fields a rule reads: checked against the spec at start-up, enforced in self-check mode.

A rule reads `call.body["phoneNumbers"]` by name; renaming that property in the contract would
leave it reading a field no request has (a `KeyError`, a 500). So each rule declares what it reads
(`@reads` in `_rules.py`) and

- at start-up every declared field must exist in the operation's parameters or request schema,
  or the mock refuses to start naming the rule and the field (`check_reads`);
- in self-check mode (`validate_responses`, what the mock's tests run) the rule sees read-only
  views of its request that raise `UndeclaredRead` on a name it did not declare, so a read missing
  from the declaration fails a test instead of going unchecked (`runnable`).

Outside self-check mode a rule gets the request as it is: the views cost nothing when serving.
"""

from __future__ import annotations

import dataclasses
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from typing import Any

from jsonpointer import escape

from telephony_contract.fields import operation_inputs, parse_pointer, schemas_at

from ._rules import Call, DeclaredRule, Rule, Rules
from ._store import Tx

# Declared fields as a tree: name -> the fields read inside it (empty: the value is read whole).
_Tree = dict[str, "_Tree"]


class UndeclaredRead(AssertionError):
    """In self-check mode: a rule read a request field that its `@reads` does not declare."""


def check_reads(rules: Rules, document: Mapping[str, Any]) -> list[str]:
    """What each declared rule reads that its operation does not take, one message per field."""
    operations = operation_inputs(document)
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


def runnable(rules: Rules, *, strict: bool) -> dict[str, Rule]:
    """The rules as the app calls them: bare, or in strict (self-check) mode behind read-only views."""
    return {
        operation_id: (_strict(operation_id, rule) if strict else rule.function)
        if isinstance(rule, DeclaredRule)
        else rule
        for operation_id, rule in rules.items()
    }


def _strict(operation_id: str, rule: DeclaredRule) -> Rule:
    path = _tree([(name,) for name in rule.reads.path])
    query = _tree([(name,) for name in rule.reads.query])
    body = _tree([parse_pointer(pointer) for pointer in rule.reads.body])

    def run(tx: Tx, call: Call) -> Any:
        viewed = dataclasses.replace(
            call,
            path=_View(call.path, path, operation_id, "path parameter ", named=True),
            query=_View(call.query, query, operation_id, "query parameter ", named=True),
            body=_wrap(call.body, body, operation_id, "body field "),
        )
        return rule.function(tx, viewed)

    return run


def _tree(paths: list[tuple[str, ...]]) -> _Tree:
    tree: _Tree = {}
    for segments in paths:
        node = tree
        for segment in segments:
            node = node.setdefault(segment, {})
    return tree


def _wrap(value: Any, declared: _Tree, rule: str, where: str) -> Any:
    """`value` behind a view of what is declared inside it; as it is where nothing inside is declared."""
    if not declared:
        return value
    if isinstance(value, Mapping):
        return _View(value, declared, rule, where)
    if isinstance(value, list):
        items = _tree([])
        for segment, inside in declared.items():
            if segment.isdigit():
                items = _merge(items, inside)
        return [_wrap(item, items, rule, f"{where}/{index}") for index, item in enumerate(value)]
    return value


def _merge(first: _Tree, second: _Tree) -> _Tree:
    merged = dict(first)
    for key, inside in second.items():
        merged[key] = _merge(merged.get(key, {}), inside)
    return merged


class _View(Mapping[str, Any]):
    """A read-only mapping that answers only the names declared for it.

    Asking for any other name (`[]`, `get`, `in`) raises `UndeclaredRead`; iterating is allowed, as
    it reads only what the validated request holds.
    """

    __slots__ = ("_data", "_declared", "_named", "_rule", "_where")

    def __init__(self, data: Mapping[str, Any], declared: _Tree, rule: str, where: str, *, named: bool = False) -> None:
        self._data = data
        self._declared = declared
        self._rule = rule
        self._where = where
        self._named = named  # parameters are named as they are; body fields by pointer

    def __getitem__(self, key: str) -> Any:
        inside = self._declared.get(key)
        field = f"{self._where}{key!r}" if self._named else f"{self._where}/{escape(key)}"
        if inside is None:
            raise UndeclaredRead(f"{self._rule}: its rule reads {field} without declaring it in @reads")
        return _wrap(self._data[key], inside, self._rule, field)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> ItemsView[str, Any]:
        return self._data.items()

    def values(self) -> ValuesView[Any]:
        return self._data.values()
