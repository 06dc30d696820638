"""Match a request path to an operation of the compiled spec.

Paths are split on `/` before percent-decoding, so `%2F` inside an agent id stays inside the
segment, and `%2B` and `+` decode to the same phone number. A parameter never matches an empty
segment. When several templates match (`/connectors/batch` and `/connectors/{connectorId}`), the
static one is tried first and a template that lacks the method gives way to one that has it, as
in the common routers; only when no matching template has the method is the answer 405.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from ._spec import Operation


@dataclass(frozen=True, slots=True)
class _Template:
    segments: tuple[str | None, ...]
    names: tuple[str | None, ...]
    methods: Mapping[str, Operation]


@dataclass(frozen=True, slots=True)
class Match:
    operation: Operation
    path_params: dict[str, str]


class MethodNotAllowed(Exception):
    def __init__(self, allowed: Iterable[str]) -> None:
        super().__init__("method not allowed")
        self.allowed = tuple(sorted(allowed))


def split_path(raw_path: bytes | str) -> tuple[str, ...]:
    text = raw_path.decode("utf-8", "replace") if isinstance(raw_path, bytes) else raw_path
    return tuple(unquote(segment, errors="replace") for segment in text.split("/")[1:])


class Router:
    def __init__(self, operations: Iterable[Operation]) -> None:
        grouped: dict[str, dict[str, Operation]] = {}
        for operation in operations:
            grouped.setdefault(operation.path_template, {})[operation.method] = operation
        templates: dict[int, list[_Template]] = {}
        for methods in grouped.values():
            first = next(iter(methods.values()))
            template = _Template(first.segments, first.segment_names, methods)
            templates.setdefault(len(template.segments), []).append(template)
        for group in templates.values():
            # Static segments first: fewer parameters, then the literal text, so the order
            # does not depend on the order of `paths` in the spec.
            group.sort(key=lambda t: (sum(s is None for s in t.segments), [s or "" for s in t.segments]))
        self._templates = {length: tuple(group) for length, group in templates.items()}

    def match(self, method: str, segments: tuple[str, ...]) -> Match | None:
        """The operation for `method` on `segments`; None for an unknown path.

        Raises MethodNotAllowed when the path is known but none of its templates has the method.
        """
        allowed: set[str] = set()
        for template in self._templates.get(len(segments), ()):
            if not _fits(template.segments, segments):
                continue
            operation = template.methods.get(method)
            if operation is None:
                allowed.update(template.methods)
                continue
            params = {name: value for name, value in zip(template.names, segments, strict=True) if name}
            return Match(operation, params)
        if allowed:
            raise MethodNotAllowed(allowed)
        return None


def _fits(pattern: tuple[str | None, ...], segments: tuple[str, ...]) -> bool:
    for expected, actual in zip(pattern, segments, strict=True):
        if expected is None:
            if not actual:
                return False
        elif expected != actual:
            return False
    return True
