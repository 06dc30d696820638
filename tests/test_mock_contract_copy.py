"""The mock's package carries the contract it compiles: the same bytes as openapi.yaml, checked."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import telephony_contract

ROOT = Path(__file__).resolve().parent.parent


def _check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "mock_contract.py"), "check"], capture_output=True, text=True
    )


def _repo_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / "telephony-mock" / "telephony_contract").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "mock_contract.py", repo / "scripts")
    shutil.copy2(ROOT / "openapi.yaml", repo / "openapi.yaml")
    shutil.copy2(ROOT / "openapi.yaml", repo / "telephony-mock" / "telephony_contract" / "openapi.yaml")
    return repo


def test_the_installed_mock_reads_the_contract_inside_its_own_package() -> None:
    assert telephony_contract.SPEC_PATH.parent == Path(telephony_contract.__file__).parent
    assert telephony_contract.SPEC_PATH.read_bytes() == (ROOT / "openapi.yaml").read_bytes()


def test_the_check_passes_on_an_identical_copy(tmp_path: Path) -> None:
    result = _check(_repo_copy(tmp_path))
    assert result.returncode == 0, result.stdout


def test_one_changed_byte_fails_the_check_naming_the_copy(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path)
    copy = repo / "telephony-mock" / "telephony_contract" / "openapi.yaml"
    copy.write_bytes(copy.read_bytes() + b"\n")
    result = _check(repo)
    assert result.returncode == 1
    assert "telephony-mock/telephony_contract/openapi.yaml differs from openapi.yaml" in result.stdout


def test_write_brings_a_stale_copy_back(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path)
    (repo / "telephony-mock" / "telephony_contract" / "openapi.yaml").write_text("stale")
    subprocess.run([sys.executable, str(repo / "scripts" / "mock_contract.py"), "write"], check=True)
    assert _check(repo).returncode == 0
