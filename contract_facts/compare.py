"""Every difference between two readings of a contract, as a flat list of changes.

The three commands (upstream check, upstream refresh, contract diff) all start from `diff()`;
they differ only in the verdict they give each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Aspects, Facts, OperationKey


@dataclass(frozen=True)
class Change:
    """One difference from *old* to *new*.

    kind is `operation added`, `operation removed`, `location added`, `location removed` or
    `aspect changed`; for the latter, *aspect* names the keyword and *old*/*new* its values
    (None when the keyword is absent on that side). For an added or removed location, *old* or
    *new* holds that location's aspects.
    """

    kind: str
    operation: OperationKey
    location: str = "operation"
    aspect: str | None = None
    old: Any = None
    new: Any = None

    @property
    def operation_name(self) -> str:
        return f"{self.operation[0]} {self.operation[1]}"

    def describe(self) -> str:
        if self.kind.startswith("operation"):
            return f"{self.operation_name}: {self.kind}"
        what = f"{self.aspect} {_show(self.old)} -> {_show(self.new)}" if self.aspect else self.kind.split()[-1]
        return f"{self.operation_name}: {self.location}: {what}"


def _show(value: Any) -> str:
    return "(absent)" if value is None else repr(value)


def parent(location: str) -> str | None:
    """The location that contains *location*, or None for one that hangs off the operation."""
    words = location.split(" ")
    last, head = words[-1], " ".join(words[:-1])
    nested = last.endswith(("[]", "{}")) or "." in last
    if location in ("operation", "request body") or (words[0] == "parameter" and not nested):
        return None
    if words[0] == "response":
        if len(words) == 2:
            return None
        if (words[2] == "header" and len(words) == 4 and not nested) or words[2:] == ["body"]:
            return " ".join(words[:2])
    if last.endswith(("[]", "{}")):
        return f"{head} {last[:-2]}"
    if "." in last:
        return f"{head} {last.rsplit('.', 1)[0]}"
    return head


def _aspect_changes(key: OperationKey, location: str, old: Aspects, new: Aspects) -> list[Change]:
    return [
        Change("aspect changed", key, location, aspect, old.get(aspect), new.get(aspect))
        for aspect in sorted(set(old) | set(new))
        if old.get(aspect) != new.get(aspect)
    ]


def diff(old: Facts, new: Facts) -> list[Change]:
    """Every change from *old* to *new*; inside an added or removed location only the location itself."""
    changes: list[Change] = []
    for key in sorted(set(old.operations) | set(new.operations), key=lambda k: (k[1], k[0])):
        if key not in new.operations:
            changes.append(Change("operation removed", key, old=old.operations[key]))
            continue
        if key not in old.operations:
            changes.append(Change("operation added", key, new=new.operations[key]))
            continue
        before, after = old.operations[key], new.operations[key]
        removed = set(before) - set(after)
        added = set(after) - set(before)
        for location in sorted(set(before) | set(after)):
            up = parent(location)
            if location in removed:
                if up not in removed:
                    changes.append(Change("location removed", key, location, old=before[location]))
            elif location in added:
                if up not in added:
                    changes.append(Change("location added", key, location, new=after[location]))
            else:
                changes.extend(_aspect_changes(key, location, before[location], after[location]))
    return changes


def error_code_changes(old: Facts, new: Facts) -> list[tuple[str, Aspects | None, Aspects | None]]:
    """(code, old entry, new entry) for every error code added, removed or changed."""
    return [
        (code, old.error_codes.get(code), new.error_codes.get(code))
        for code in sorted(set(old.error_codes) | set(new.error_codes))
        if old.error_codes.get(code) != new.error_codes.get(code)
    ]
