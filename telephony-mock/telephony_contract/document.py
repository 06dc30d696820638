"""Reading an OpenAPI document: where openapi.yaml lives, parsing, JSON pointers and local `$ref`s.

Every reader of a contract (ours or PolyAI's published one) goes through this module: one
method list, one pointer syntax (RFC 6901, by `jsonpointer`) and one `$ref` resolver.

The contract ships inside this package (`telephony_contract/openapi.yaml`, a byte-for-byte copy of
the repository's openapi.yaml that `make generate` writes and `make check-generated` checks), so an
installed or vendored mock reads the contract it was built from, wherever it is installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonpointer import JsonPointer, JsonPointerException

# A wheel installs as plain files, so the resource is a file on disk: readers open it by path.
SPEC_PATH = Path(str(resources.files("telephony_contract").joinpath("openapi.yaml")))

# The keys of a path item that are operations (OpenAPI 3.0 and 3.1), in the order they are read.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

JsonPath = tuple[str | int, ...]


def parse_document(text: str) -> Any:
    """A JSON or YAML document's data (libyaml's loader when present: the pure-Python one is slow)."""
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _load(path: str) -> Mapping[str, Any]:
    document = parse_document(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, Mapping):
        raise ValueError(f"{path}: not an OpenAPI document")
    return document


def load_document(path: Path | str = SPEC_PATH) -> Mapping[str, Any]:
    """The parsed spec, read once per path; treat it as read-only, it is shared."""
    return _load(str(Path(path).resolve()))


def pointer(path: JsonPath) -> str:
    """The JSON pointer (RFC 6901) of a path of keys and indexes: ("paths", "/a/{b}") -> /paths/~1a~1{b}."""
    return str(JsonPointer.from_parts([str(part) for part in path]).path)


def parse_pointer(text: str) -> tuple[str, ...]:
    """The unescaped segments of a JSON pointer; ValueError if it is not one."""
    try:
        return tuple(JsonPointer(text).parts)
    except JsonPointerException as exc:
        raise ValueError(f"{text!r} is not a JSON pointer: {exc}") from None


@cache
def ref_path(ref: str) -> JsonPath:
    """The path inside the document that a local `$ref` (`#/components/...`) names."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    return parse_pointer(ref[1:])


def lookup(document: Mapping[str, Any], path: JsonPath) -> Any:
    node: Any = document
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def follow(document: Mapping[str, Any], node: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """`node` (found at `path`) and each node its `$ref`s lead to, in order: the one `$ref` resolver.

    A `$ref` with siblings is followed too (3.1 keeps keywords beside it); a cycle is a ValueError.
    """
    seen: set[str] = set()
    yield path, node
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str):
            raise ValueError(f"a $ref must be a string, got {ref!r}")
        if ref in seen:
            raise ValueError(f"$ref cycle through {ref}")
        seen.add(ref)
        path = ref_path(ref)
        try:
            node = lookup(document, path)
        except (KeyError, IndexError, ValueError):
            raise ValueError(f"$ref {ref} names nothing in the document") from None
        yield path, node


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    """The object `node`'s `$ref`s lead to (`node` itself when it is no reference)."""
    if not isinstance(node, Mapping) or "$ref" not in node:
        return node
    *_, (_, target) = follow(document, node)
    return target


def resolve_at(document: Mapping[str, Any], path: JsonPath) -> tuple[JsonPath, Any]:
    """The node at `path` with its `$ref`s followed, and the path it was found at."""
    *_, found = follow(document, lookup(document, path), path)
    return found


def json_schema(document: Mapping[str, Any], holder: Any) -> Any:
    """The JSON schema of a request body or response object (`$ref`s followed); None without JSON content."""
    holder = resolve(document, holder)
    if not isinstance(holder, Mapping):
        return None
    for media_type, media in (holder.get("content") or {}).items():
        kind = str(media_type).split(";", 1)[0].strip().lower()
        if kind == "application/json" or kind.endswith("+json"):
            return resolve(document, media).get("schema", True)
    return None


@dataclass(frozen=True, slots=True)
class OperationNode:
    """One operation object of a document, where it is, and the path item that holds it."""

    path: str  # the template, e.g. /v1/agents/{agentId}/telephony/connectors
    method: str  # lower case, as a key of the path item
    item: Mapping[str, Any]  # the path item, its `$ref` followed
    node: Mapping[str, Any]  # the operation object

    @property
    def where(self) -> JsonPath:
        return ("paths", self.path, self.method)

    @property
    def pointer(self) -> str:
        return pointer(self.where)


def operation_nodes(document: Mapping[str, Any]) -> Iterator[OperationNode]:
    """Every operation of `document`, in document order (with or without an operationId)."""
    for template, raw_item in (document.get("paths") or {}).items():
        item = resolve(document, raw_item)
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                yield OperationNode(str(template), method, item, operation)
