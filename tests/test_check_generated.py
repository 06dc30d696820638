"""`scripts/codegen.py check` passes on a faithful record and fails, naming the file, on a stale one.

Each test runs the check on a temporary copy of the parts of the repository it reads, so the real
spec and generated/ are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CACHES = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".pdm-build")


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    (copy / "scripts").mkdir(parents=True)
    # codegen.py finds the config and templates beside itself, so the copy checks its own files.
    for script in ("codegen.py", "sdk_layer.py", "template_bases.py"):
        shutil.copy2(ROOT / "scripts" / script, copy / "scripts" / script)
    shutil.copytree(ROOT / "contract_facts", copy / "contract_facts", ignore=CACHES)
    for name in ("openapi.yaml", "generator-config.yaml", "generator-template-bases.json", "contract-releases.json"):
        shutil.copy2(ROOT / name, copy / name)
    if (ROOT / "generator-templates").is_dir():
        shutil.copytree(ROOT / "generator-templates", copy / "generator-templates")
    shutil.copytree(ROOT / "generated", copy / "generated", ignore=CACHES)
    return copy


def run_check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(repo / "scripts" / "codegen.py"),
            "check",
            "--spec",
            str(repo / "openapi.yaml"),
            "--target",
            str(repo / "generated"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_passes_on_the_committed_record(repo_copy: Path) -> None:
    result = run_check(repo_copy)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "generated/ matches openapi.yaml" in result.stdout


def test_check_fails_when_the_spec_changed_without_regenerating(repo_copy: Path) -> None:
    spec_path = repo_copy / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["PhoneNumber"]["properties"]["friendlyName"] = {
        "description": "A label shown in the console.",
        "type": "string",
    }
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")

    result = run_check(repo_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "differs: polyai_telephony/models/phone_number.py" in result.stdout
    # The first differing file's diff is shown, so the reader sees what drifted.
    assert "+    friendly_name: str | None = None" in result.stdout


def test_check_names_every_stale_file_of_the_record(repo_copy: Path) -> None:
    # Three ways the record goes stale while the spec stays put, judged by one regeneration: a
    # hand edit, a deleted file and a changelog behind contract-releases.json.
    errors_module = repo_copy / "generated" / "polyai_telephony" / "errors.py"
    errors_module.write_text(errors_module.read_text(encoding="utf-8") + "\n# local fix\n", encoding="utf-8")
    (repo_copy / "generated" / "polyai_telephony" / "models" / "connector.py").unlink()
    releases = repo_copy / "contract-releases.json"
    releases.write_text(
        releases.read_text(encoding="utf-8").replace(
            '"releases": [', '"releases": [\n{"version": "9.0.0", "base": "x", "entries": []},'
        ),
        encoding="utf-8",
    )

    result = run_check(repo_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "differs: polyai_telephony/errors.py" in result.stdout
    assert "missing from generated/: polyai_telephony/models/connector.py" in result.stdout
    assert "differs: CHANGELOG.md" in result.stdout
