"""Our contract against PolyAI's published reference: every difference declared, or named.

A difference between the reference's facts and ours is declared when the node of our contract
where it sits carries
- `x-upstream: {says, why}`: a deliberate correction of the reference, for any aspect; or
- `x-assumed: {<keyword>: <assumption id>}` naming the keyword that differs, where the id is one
  of `x-assumptions` or an operationId (an operation's own `x-assumption`).
An aspect-less difference (a location only one side has) is declared on our node by the keyword
that makes it exist: `status` on a response, `required` on a header or parameter, `properties`
on a body property; a location only the reference has is declared with `x-upstream` on our
nearest enclosing node. `required` and `properties` of a body property may also be declared on
the object schema that holds it, where JSON Schema writes those keywords.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telephony_contract.document import lookup, operation_nodes, parse_pointer

from .compare import Change, diff, parent
from .model import Facts, read

TELEPHONY = "/telephony/"
# How a check reads each kind of change, and how a refresh lists it (an aspect: as `describe()`).
_SAID = {
    "operation added": "{operation}: only in our contract",
    "operation removed": "{operation}: PolyAI publishes it, our contract lacks it",
    "location added": "{operation}: {location}: PolyAI says nothing, we declare it",
    "location removed": "{operation}: {location}: PolyAI declares it, we do not",
    "aspect changed": "{operation}: {location}: {aspect}: PolyAI says {old}, we say {new}",
}
_REFRESHED = {
    "operation added": "operation added: {operation}",
    "operation removed": "operation removed: {operation}",
    "location added": "added: {operation}: {location}",
    "location removed": "removed: {operation}: {location}",
}


@dataclass(frozen=True)
class Finding:
    change: Change
    declared_by: str | None  # "x-upstream at <pointer>" / "x-assumed <kw>: <id> at <pointer>", or None
    problem: str | None = None  # a declaration that is itself wrong (unknown assumption id, no `why`)

    def describe(self) -> str:
        change = self.change
        return _SAID[change.kind].format(
            operation=change.operation_name,
            location=change.location,
            aspect=change.aspect,
            old=_show(change.old),
            new=_show(change.new),
        )


def _show(value: Any) -> str:
    return "nothing" if value is None else repr(value)


def _keyword(change: Change) -> str | None:
    """The `x-assumed` keyword that declares *change* on our node."""
    if change.kind == "aspect changed":
        return change.aspect
    if change.kind == "location added":
        words = change.location.split(" ")
        if words[0] == "response" and len(words) == 2:
            return "status"
        if words[0] in ("parameter",) or (len(words) > 2 and words[2] == "header"):
            return "required"
        return "properties"
    return None


def _in_body(location: str) -> bool:
    words = location.split(" ")
    return (
        location.startswith("request body ") or (len(words) > 3 and words[2] == "body")
    ) and location != "request body"


def assumption_ids(document: Mapping[str, Any]) -> set[str]:
    ids = {entry["id"] for entry in document.get("x-assumptions", [])}
    for found in operation_nodes(document):
        if "x-assumption" in found.node and "operationId" in found.node:
            ids.add(found.node["operationId"])
    return ids


def _declaration(
    document: Mapping[str, Any], ours: Facts, change: Change, ids: set[str]
) -> tuple[str | None, str | None]:
    location: str | None = change.location
    upstream_only = change.kind in ("location removed", "operation removed")
    if change.kind == "operation removed":
        return None, None
    if upstream_only:
        # The reference has a node we lack: look on our nearest node that encloses it.
        location = parent(change.location)
        while location is not None and (change.operation, location) not in ours.origins:
            location = parent(location)
        location = location or "operation"
    pointers = ours.origins.get((change.operation, location or "operation"), [])
    keyword = None if upstream_only else _keyword(change)
    # `required` and `properties` of a body property are keywords of the object that holds it.
    holder = parent(change.location) if keyword in ("required", "properties") and _in_body(change.location) else None
    holder_pointers = ours.origins.get((change.operation, holder), []) if holder else []
    for pointer in [*pointers, *holder_pointers]:
        node = lookup(document, parse_pointer(pointer))
        if not isinstance(node, Mapping):
            continue
        note = node.get("x-upstream")
        if isinstance(note, Mapping) and pointer in pointers:
            if not note.get("says") or not note.get("why"):
                return None, f"x-upstream at {pointer} needs both `says` and `why`"
            return f"x-upstream at {pointer}", None
        assumed = node.get("x-assumed")
        if keyword is not None and isinstance(assumed, Mapping) and keyword in assumed:
            if assumed[keyword] not in ids:
                return None, f"x-assumed at {pointer} names unknown assumption {assumed[keyword]!r}"
            return f"x-assumed {keyword}: {assumed[keyword]} at {pointer}", None
    return None, None


def check(upstream: Facts, document: Mapping[str, Any]) -> list[Finding]:
    """Every difference between the reference's telephony facts and *document*'s, with its declaration."""
    ours = read(document).only(TELEPHONY)
    ids = assumption_ids(document)
    findings = []
    for change in diff(upstream.only(TELEPHONY), ours):
        declared_by, problem = _declaration(document, ours, change, ids)
        findings.append(Finding(change, declared_by, problem))
    return findings


def undeclared(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.declared_by is None]


def summarize_refresh(old: Facts, new: Facts) -> list[str]:
    """What changed in the reference's telephony facts, in the words a reviewer reads."""
    return [
        _REFRESHED[change.kind].format(operation=change.operation_name, location=change.location)
        if change.kind in _REFRESHED
        else f"changed: {change.describe()}"
        for change in diff(old.only(TELEPHONY), new.only(TELEPHONY))
    ]
