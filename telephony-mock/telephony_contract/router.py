"""The one path matcher: which operation a request's method and path segments are for.

Templates are compiled once into a trie. A literal segment wins over a parameter, as OpenAPI's
path matching says (`/connectors/batch` is never the connector `batch`), and a parameter never
matches an empty segment. Callers split and decode the path themselves, because they differ on
purpose: the mock splits before percent-decoding so `%2F` stays inside a segment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def template_segments(template: str) -> tuple[str | None, ...]:
    """A path template's segments: the literal text, or None where a parameter goes."""
    return tuple(None if _is_parameter(s) else s for s in template.strip("/").split("/"))


def parameter_names(template: str) -> tuple[str | None, ...]:
    """A path template's segments: the parameter's name, or None for a literal."""
    return tuple(s[1:-1] if _is_parameter(s) else None for s in template.strip("/").split("/"))


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


class MethodNotAllowed(Exception):
    def __init__(self, allowed: Iterable[str]) -> None:
        super().__init__("method not allowed")
        self.allowed = tuple(sorted(allowed))


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    target: T
    # Path parameters by name, as the caller's segments carry them.
    parameters: dict[str, str]


class _Node(Generic[T]):
    __slots__ = ("literals", "methods", "names", "parameter")

    def __init__(self) -> None:
        self.literals: dict[str, _Node[T]] = {}
        self.parameter: _Node[T] | None = None
        self.methods: dict[str, T] = {}
        self.names: tuple[str | None, ...] = ()


class Router(Generic[T]):
    """Targets (operations) by upper-case method and path template."""

    def __init__(self, routes: Iterable[tuple[str, str, T]]) -> None:
        self._root: _Node[T] = _Node()
        for method, template, target in routes:
            node = self._root
            for literal in template_segments(template):
                if literal is None:
                    node.parameter = node.parameter or _Node()
                    node = node.parameter
                else:
                    node = node.literals.setdefault(literal, _Node())
            node.methods[method.upper()] = target
            node.names = parameter_names(template)

    def match(self, method: str, segments: tuple[str, ...]) -> Match[T] | None:
        """The target for `method` on the path's `segments`; None for an unknown path.

        Raises MethodNotAllowed when the path is known but lacks the method.
        """
        node = _find(self._root, segments, 0, lambda node: bool(node.methods))
        if node is None:
            return None
        if method not in node.methods:
            raise MethodNotAllowed(node.methods)
        return _match(node, method, segments)

    def find(self, method: str, segments: tuple[str, ...]) -> Match[T] | None:
        """The target for `method`, a template that has the method preferred over one that lacks it."""
        node = _find(self._root, segments, 0, lambda node: method in node.methods)
        return None if node is None else _match(node, method, segments)


def _match(node: _Node[T], method: str, segments: tuple[str, ...]) -> Match[T]:
    parameters = {name: value for name, value in zip(node.names, segments, strict=True) if name}
    return Match(node.methods[method], parameters)


def _find(node: _Node[T], segments: tuple[str, ...], index: int, accept: Callable[[_Node[T]], bool]) -> _Node[T] | None:
    """The path's node, literal segments preferred over parameters; None when no path matches."""
    if index == len(segments):
        return node if accept(node) else None
    segment = segments[index]
    literal = node.literals.get(segment)
    if literal is not None:
        found = _find(literal, segments, index + 1, accept)
        if found is not None:
            return found
    if node.parameter is not None and segment:
        return _find(node.parameter, segments, index + 1, accept)
    return None
