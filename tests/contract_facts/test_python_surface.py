"""griffe's diff of the generated package's public surface, between two copies of the package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contract_facts.classify import BREAKING, POTENTIALLY_BREAKING
from contract_facts.surface import surface_changes

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "polyai_telephony"


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for tree in (old, new):
        shutil.copytree(ROOT / "generated" / PACKAGE, tree / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    return old, new


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_identical_trees_have_no_change(trees: tuple[Path, Path]) -> None:
    assert surface_changes(PACKAGE, *trees) == []


def test_a_removed_endpoint_module_is_breaking(trees: tuple[Path, Path]) -> None:
    old, new = trees
    (new / PACKAGE / "api" / "connectors" / "delete_connector.py").unlink()

    changes = surface_changes(PACKAGE, old, new)

    assert [change.verdict for change in changes] == [BREAKING]
    assert "delete_connector" in changes[0].text


def test_a_model_attribute_renamed_is_breaking(trees: tuple[Path, Path]) -> None:
    old, new = trees
    model = new / PACKAGE / "models" / "reassign_phone_number_request.py"
    rewrite(model, "connector_id: str", "target_connector_id: str")

    texts = [change.text for change in surface_changes(PACKAGE, old, new) if change.verdict == BREAKING]

    assert any("connector_id" in text for text in texts), texts


def test_a_changed_default_is_potentially_breaking(trees: tuple[Path, Path]) -> None:
    old, new = trees
    module = new / PACKAGE / "api" / "phone_numbers" / "list_phone_numbers.py"
    rewrite(module, "connector_id: str | Unset = UNSET,", "connector_id: str | Unset | None = None,")

    changes = surface_changes(PACKAGE, old, new)

    assert changes and all(change.verdict == POTENTIALLY_BREAKING for change in changes), changes
    assert all("connector_id" in change.text for change in changes)
