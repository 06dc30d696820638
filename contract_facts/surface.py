"""The generated package's public Python surface, diffed with griffe between two trees."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import griffe

from .classify import BREAKING, POTENTIALLY_BREAKING

# A moved positional parameter or a changed default only breaks callers that rely on position or
# on the old default; every other kind griffe reports breaks any caller of that name.
_POTENTIAL = {
    griffe.BreakageKind.PARAMETER_MOVED,
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT,
    griffe.BreakageKind.ATTRIBUTE_CHANGED_VALUE,
}


@dataclass(frozen=True)
class SurfaceChange:
    verdict: str
    text: str


def _load(package: str, search_path: Path) -> griffe.Object | griffe.Alias:
    # A fresh collection per tree: two loads of the same package name must not share modules.
    return griffe.load(
        package,
        search_paths=[search_path],
        modules_collection=griffe.ModulesCollection(),
        allow_inspection=False,
        resolve_aliases=False,
    )


def surface_changes(package: str, old_root: Path, new_root: Path) -> list[SurfaceChange]:
    """Removed or changed public names of *package* between *old_root* and *new_root*."""
    old, new = _load(package, old_root), _load(package, new_root)
    changes = []
    for breakage in griffe.find_breaking_changes(old, new):
        verdict = POTENTIALLY_BREAKING if breakage.kind in _POTENTIAL else BREAKING
        changes.append(SurfaceChange(verdict, breakage.explain(style=griffe.ExplanationStyle.ONE_LINE)))
    return sorted(changes, key=lambda change: (change.verdict != BREAKING, change.text))
