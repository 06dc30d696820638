"""Match a request path to an operation of the compiled spec.

Paths are split on `/` before percent-decoding, so `%2F` inside an agent id stays inside the
segment, and `%2B` and `+` decode to the same phone number. A parameter never matches an empty
segment. When a static path and a template both match (`/connectors/batch` and
`/connectors/{connectorId}`), the static path wins, as OpenAPI's path matching says: a method it
lacks is 405 with its own Allow list, not a call to the template's operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from ._spec import Operation


class _Node:
    """A trie node: literal children first, then one parameter child; operations at the end."""

    __slots__ = ("literals", "methods", "names", "parameter")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}
        self.parameter: _Node | None = None
        self.methods: dict[str, Operation] = {}
        self.names: tuple[str | None, ...] = ()


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
    return tuple(unquote(segment, errors="replace") if "%" in segment else segment for segment in text.split("/")[1:])


class Router:
    def __init__(self, operations: Iterable[Operation]) -> None:
        self._root = _Node()
        for operation in operations:
            node = self._root
            for literal in operation.segments:
                if literal is None:
                    node.parameter = node.parameter or _Node()
                    node = node.parameter
                else:
                    node = node.literals.setdefault(literal, _Node())
            node.methods[operation.method] = operation
            node.names = operation.segment_names

    def match(self, method: str, segments: tuple[str, ...]) -> Match | None:
        """The operation for `method` on `segments`; None for an unknown path.

        Raises MethodNotAllowed when the path is known but lacks the method.
        """
        node = _find(self._root, segments, 0)
        if node is None:
            return None
        if method not in node.methods:
            raise MethodNotAllowed(node.methods)
        params = {name: value for name, value in zip(node.names, segments, strict=True) if name}
        return Match(node.methods[method], params)


def _find(node: _Node, segments: tuple[str, ...], index: int) -> _Node | None:
    """The path's node, literal segments preferred over parameters; None when no path matches."""
    if index == len(segments):
        return node if node.methods else None
    segment = segments[index]
    literal = node.literals.get(segment)
    if literal is not None:
        found = _find(literal, segments, index + 1)
        if found is not None:
            return found
    if node.parameter is not None and segment:
        return _find(node.parameter, segments, index + 1)
    return None
