"""What a change to the contract does to its clients: breaking, potentially breaking or compatible.

The rules follow oasdiff's documented checks (https://github.com/oasdiff/oasdiff, BREAKING-CHANGES):
its ERR level is *breaking*, WARN is *potentially breaking*, INFO is *compatible*. Request and
response sides are mirror images: what a client sends may not be narrowed, what it receives may
not be widened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .compare import Change, diff, error_code_changes, parent
from .model import Aspects, Facts

BREAKING = "breaking"
POTENTIALLY_BREAKING = "potentially breaking"
COMPATIBLE = "compatible"
VERDICTS = (BREAKING, POTENTIALLY_BREAKING, COMPATIBLE)

# Keywords whose larger value accepts more (on a request) or promises less (on a response).
_UPPER_BOUNDS = ("maxItems", "maxLength", "maximum", "exclusiveMaximum", "maxProperties")
_LOWER_BOUNDS = ("minItems", "minLength", "minimum", "exclusiveMinimum", "minProperties")


@dataclass(frozen=True)
class Entry:
    verdict: str
    rule: str
    subject: str  # "METHOD /path: location" or "error code X"

    @property
    def text(self) -> str:
        return f"{self.subject}: {self.rule}"

    def to_json(self) -> dict[str, str]:
        return {"verdict": self.verdict, "rule": self.rule, "subject": self.subject}


def _side(location: str) -> str:
    return "response" if location.startswith("response") else "request"


def _is_success(location: str) -> bool:
    status = location.split(" ")[1]
    return status.startswith("2")


def _narrowed(aspect: str, old: Any, new: Any) -> bool | None:
    """True if *new* accepts fewer values than *old* for this keyword, False if more, None if unknown."""
    if aspect in _UPPER_BOUNDS:
        if new is None:
            return False
        return old is None or new < old
    if aspect in _LOWER_BOUNDS:
        if new is None:
            return False
        return old is None or new > old
    if aspect == "uniqueItems":
        return bool(new) and not old
    if aspect == "additionalProperties":
        # absent or True allows any extra property; a schema allows some; False allows none
        rank = {None: 2, True: 2, "schema": 1, False: 0}
        return rank[new] < rank[old] if rank[new] != rank[old] else None
    if aspect in ("pattern", "format", "const"):
        return new is not None
    if aspect == "enum":
        if new is None:
            return False
        if old is None:
            return True
        return bool(set(map(str, old)) - set(map(str, new)))
    if aspect == "type":
        old_set, new_set = set(old or []), set(new or [])
        if not new_set:
            return False
        if not old_set:
            return True
        if "integer" in old_set and "number" in new_set:
            old_set = old_set - {"integer"}
        return not old_set <= new_set
    return None


def _aspect(change: Change) -> Entry:
    side, aspect, old, new = _side(change.location), change.aspect or "", change.old, change.new
    subject = f"{change.operation_name}: {change.location}"
    if aspect == "required":
        if side == "request":
            if new:
                return Entry(BREAKING, "became required", subject)
            return Entry(COMPATIBLE, "became optional", subject)
        if not new:
            return Entry(BREAKING, "response property or header became optional", subject)
        return Entry(COMPATIBLE, "response property or header became required", subject)
    if aspect == "default":
        verdict = POTENTIALLY_BREAKING if side == "request" else COMPATIBLE
        return Entry(verdict, f"default changed from {old!r} to {new!r}", subject)
    if side == "response" and aspect == "type":
        added = set(new or []) - set(old or [])
        if added == {"null"}:
            return Entry(BREAKING, "response value became nullable", subject)
        if not added and new:
            return Entry(COMPATIBLE, f"response type narrowed from {old} to {new}", subject)
        return Entry(BREAKING, f"response type changed from {old} to {new}", subject)
    if side == "response" and aspect == "enum":
        added_values = sorted(set(map(str, new or [])) - set(map(str, old or [])))
        if new is None:
            return Entry(POTENTIALLY_BREAKING, "response enum removed: any value may come", subject)
        if added_values:
            return Entry(POTENTIALLY_BREAKING, f"new response enum value(s) {added_values}", subject)
        return Entry(COMPATIBLE, "response enum value(s) removed", subject)
    narrowed = _narrowed(aspect, old, new)
    described = f"{aspect} changed from {_show(old)} to {_show(new)}"
    if side == "request":
        if aspect == "enum" and narrowed:
            removed = sorted(set(map(str, old or [])) - set(map(str, new or [])))
            return Entry(BREAKING, f"request enum value(s) removed {removed}" if old else "request enum added", subject)
        if aspect == "type" and narrowed:
            return Entry(BREAKING, f"request type changed from {old} to {new}", subject)
        if narrowed:
            return Entry(BREAKING, f"request {described} (accepts less)", subject)
        if narrowed is False:
            return Entry(COMPATIBLE, f"request {described} (accepts more)", subject)
        return Entry(POTENTIALLY_BREAKING, f"request {described}", subject)
    if narrowed is False:
        return Entry(POTENTIALLY_BREAKING, f"response {described} (promises less)", subject)
    if narrowed:
        return Entry(COMPATIBLE, f"response {described} (promises more)", subject)
    return Entry(POTENTIALLY_BREAKING, f"response {described}", subject)


def _show(value: Any) -> str:
    return "(absent)" if value is None else repr(value)


def _closed(aspects: Aspects | None) -> bool:
    return aspects is not None and aspects.get("additionalProperties") is False


def _location(change: Change, old: Facts, new: Facts) -> Entry:
    location = change.location
    subject = f"{change.operation_name}: {location}"
    words = location.split(" ")
    added = change.kind == "location added"
    aspects: Aspects = (change.new if added else change.old) or {}
    if words[0] == "response":
        if len(words) == 2:
            if added:
                return Entry(COMPATIBLE, "new response status", subject)
            if _is_success(location):
                return Entry(BREAKING, "success status removed", subject)
            return Entry(POTENTIALLY_BREAKING, "error status removed: the client no longer parses it", subject)
        kind = "header" if words[2] == "header" else "property"
        if added:
            return Entry(COMPATIBLE, f"new response {kind}", subject)
        if kind == "header" and not aspects.get("required"):
            return Entry(POTENTIALLY_BREAKING, "optional response header removed", subject)
        return Entry(BREAKING, f"response {kind} removed", subject)
    if words[0] == "parameter":
        if added:
            return _new("parameter", aspects, subject)
        return Entry(POTENTIALLY_BREAKING, "parameter removed", subject)
    # The request body or one of its properties.
    if added:
        return _new("request body" if location == "request body" else "request property", aspects, subject)
    container = parent(location)
    if container is not None and _closed(new.operations[change.operation].get(container)):
        # Callers still sending the property are now rejected by a closed schema.
        return Entry(BREAKING, "request property removed", subject)
    return Entry(POTENTIALLY_BREAKING, "request property removed", subject)


def _new(what: str, aspects: Aspects, subject: str) -> Entry:
    """Something a client sends, added: breaking only when it must be sent."""
    if aspects.get("required"):
        return Entry(BREAKING, f"new required {what}", subject)
    return Entry(COMPATIBLE, f"new optional {what}", subject)


def _error_code(code: str, before: Aspects | None, after: Aspects | None) -> Entry:
    subject = f"error code {code}"
    if before is None:
        return Entry(COMPATIBLE, "new error code", subject)
    if after is None:
        # A published code is one the service sends; an assumed one was only ever our guess.
        if before.get("published"):
            return Entry(BREAKING, "published error code removed", subject)
        return Entry(POTENTIALLY_BREAKING, "assumed error code removed", subject)
    if before.get("status") != after.get("status"):
        return Entry(BREAKING, f"status changed from {before.get('status')} to {after.get('status')}", subject)
    if before.get("published") != after.get("published"):
        return Entry(COMPATIBLE, "marked " + ("published" if after.get("published") else "assumed"), subject)
    if before.get("number") is None:
        return Entry(COMPATIBLE, f"numeric code {after.get('number')} recorded", subject)
    return Entry(COMPATIBLE, f"numeric code changed from {before.get('number')} to {after.get('number')}", subject)


def classify_change(change: Change, old: Facts, new: Facts) -> Entry:
    if change.kind == "operation removed":
        return Entry(BREAKING, "operation removed", change.operation_name)
    if change.kind == "operation added":
        return Entry(COMPATIBLE, "new operation", change.operation_name)
    if change.kind in ("location added", "location removed"):
        return _location(change, old, new)
    return _aspect(change)


def classify(old: Facts, new: Facts) -> list[Entry]:
    """Every change from *old* to *new*, each with its verdict."""
    entries = [classify_change(change, old, new) for change in diff(old, new)]
    entries += [_error_code(code, before, after) for code, before, after in error_code_changes(old, new)]
    return entries
