"""The two vendorable projects, generated/ and telephony-mock/, install on their own, offline.

The fast checks read the three pyproject.toml files; the slow one (scripts/vendor_check.py, also
`make vendor-check`) does what a user does: vendor both folders, download pinned wheels, install
with the index switched off into a fresh virtualenv, and run the example project's tests there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDORED = {"generated": "polyai-telephony-client", "telephony-mock": "polyai-telephony-mock"}


def _pyproject(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None
    return match.group(0).lower().replace("_", "-")


def test_the_toolkit_depends_on_no_name_it_does_not_own_on_the_public_index() -> None:
    project = _pyproject(ROOT)["project"]
    named = {_name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]}
    assert named.isdisjoint(VENDORED.values()), "installed from their folders by make install, never by name"


@pytest.mark.parametrize("folder", sorted(VENDORED))
def test_a_vendored_project_pins_its_build_backend_and_needs_none_of_the_toolkit(folder: str) -> None:
    config = _pyproject(ROOT / folder)
    assert config["project"]["name"] == VENDORED[folder]
    assert all("==" in backend for backend in config["build-system"]["requires"]), "offline, it must be in wheels/"
    needed = {_name(r) for r in config["project"]["dependencies"]}
    forbidden = {"polyai-telephony-toolkit", "schemathesis", "hypothesis", *VENDORED.values()}
    assert needed.isdisjoint(forbidden)


def test_the_mocks_dependency_ranges_include_the_versions_the_toolkit_pins() -> None:
    from packaging.requirements import Requirement

    pinned = {}
    toolkit = _pyproject(ROOT)["project"]
    for line in [*toolkit["dependencies"], *toolkit["optional-dependencies"]["dev"]]:
        requirement = Requirement(line)
        version = next((spec.version for spec in requirement.specifier if spec.operator == "=="), None)
        if version is not None:
            pinned[requirement.name.lower()] = version
    for line in _pyproject(ROOT / "telephony-mock")["project"]["dependencies"]:
        requirement = Requirement(line)
        name = requirement.name.lower()
        if name in pinned:
            assert requirement.specifier.contains(pinned[name]), f"{line} excludes the toolkit's {pinned[name]}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_user_installs_both_folders_offline_and_their_tests_pass() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "vendor_check.py")], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the example's tests passed offline" in result.stdout
