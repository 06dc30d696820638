"""The command line's exit status (0 pass, 1 new findings, 2 unsafe target) reaches whoever runs make.

GNU make exits 2 whenever a recipe fails, whatever the recipe's status; the conformance targets
therefore write the script's own status to `exit-status` in the report folder and name it on
stderr, and the tests below read both.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make(tmp_path: Path, *args: str, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args, f"CONFORMANCE_REPORTS={tmp_path}"],
        cwd=ROOT,
        env={**os.environ, **(environ or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unsafe_target_exits_2_through_make(tmp_path: Path) -> None:
    unsafe = {"POLYAI_BASE_URL": "http://api.example.com", "POLYAI_API_KEY": "k", "POLYAI_AGENT_ID": "a"}

    result = _make(tmp_path, "conformance", "TARGET=real", environ=unsafe)

    assert result.returncode == 2
    assert "must use https unless it is loopback" in result.stderr
    assert (tmp_path / "exit-status").read_text(encoding="utf-8").strip() == "2"
    assert "scripts/conformance.py exited 2" in result.stderr


@pytest.mark.parametrize(("target", "status"), [("conformance", 0), ("conformance", 1), ("conformance-deep", 1)])
def test_the_scripts_status_is_kept_beside_the_reports(tmp_path: Path, target: str, status: int) -> None:
    # A stand-in for the suite's interpreter: it exits with the status a run would have had.
    stand_in = f"{sys.executable} -c 'import sys; sys.exit({status})'"

    result = _make(tmp_path, target, f"PY={stand_in}")

    assert (tmp_path / "exit-status").read_text(encoding="utf-8").strip() == str(status)
    assert result.returncode == (0 if status == 0 else 2)
    assert (f"scripts/conformance.py exited {status}" in result.stderr) is (status != 0)
