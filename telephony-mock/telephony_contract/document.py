"""Reading openapi.yaml: where it lives, loading it, and following its local `$ref`s.

The contract ships inside this package (`telephony_contract/openapi.yaml`, a byte-for-byte copy of
the repository's openapi.yaml that `make generate` writes and `make check-generated` checks), so an
installed or vendored mock reads the contract it was built from, wherever it is installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# A wheel installs as plain files, so the resource is a file on disk: readers open it by path.
SPEC_PATH = Path(str(resources.files("telephony_contract").joinpath("openapi.yaml")))

JsonPath = tuple[str | int, ...]


@cache
def _load(path: str) -> Mapping[str, Any]:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, Mapping):
        raise ValueError(f"{path}: not an OpenAPI document")
    return document


def load_document(path: Path | str = SPEC_PATH) -> Mapping[str, Any]:
    """The parsed spec, read once per path; treat it as read-only, it is shared."""
    return _load(str(Path(path).resolve()))


def ref_path(ref: str) -> JsonPath:
    """The path inside the document that a local `$ref` (`#/components/...`) names."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/"))


def lookup(document: Mapping[str, Any], path: JsonPath) -> Any:
    node: Any = document
    for part in path:
        node = node[part]
    return node


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow `$ref`s from `node` to the object they name (a node with siblings of `$ref` included)."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"$ref cycle through {ref}")
        seen.add(ref)
        node = lookup(document, ref_path(ref))
    return node
