"""No module of the toolkit imports a module that imports it back, directly or through others."""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each folder on the import path, and the toolkit's packages in it (the mock is a project of its own).
PACKAGES = (
    (ROOT / "telephony-mock", ("telephony_contract", "telephony_mock")),
    (ROOT, ("contract_tests", "contract_facts")),
)


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = (f"{base}.{node.module}" if node.module else base) if node.level else str(node.module)
            # `from package import module` imports that module; `from module import name`, the module.
            targets = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in known]
            targets = targets or [source]
        else:
            continue
        yield from (target for target in targets if target in known and target != name)


def import_graph(*places: tuple[Path, tuple[str, ...]]) -> dict[str, set[str]]:
    """Each module of the packages under each root, and the modules of those packages it imports (anywhere in it)."""
    modules = {
        _module_name(root, path): path
        for root, packages in places
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }
    return {name: set(_imported(name, path, set(modules))) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return []


def test_the_toolkit_has_no_import_cycle() -> None:
    assert _cycle(import_graph(*PACKAGES)) == []


def test_an_import_back_inside_a_function_is_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_rules.py").write_text("def all_rules():\n    from . import _numbers\n")
    (package / "_numbers.py").write_text("from ._rules import all_rules\n")

    assert sorted(set(_cycle(import_graph((tmp_path, ("pkg",)))))) == ["pkg._numbers", "pkg._rules"]
