"""The command line's exit status (0 pass, 1 new findings, 2 unsafe target) reaches whoever runs make.

GNU make exits 2 whenever a recipe fails, whatever the recipe's status; the script therefore
writes its own status to `exit-status` in the report folder, whatever happens, and names it on
stderr, and the tests below read both. The conformance targets exec the script, so the SIGTERM
the nightly workflow's `timeout` sends reaches it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from contract_tests import runner
from contract_tests.target import mock_credentials
from telephony_mock import PolyAIMock

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


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("conformance_script", ROOT / "scripts" / "conformance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class _Passed:
    """What `main` reads of a finished run that found nothing new."""

    summary: Path
    html: Path
    junit: Path
    figures: Path
    outcome: runner.Outcome = field(default_factory=runner.Outcome)
    judged: Any = field(default_factory=lambda: SimpleNamespace(accepted=[]))


def test_the_status_file_says_0_for_a_run_that_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()
    (tmp_path / "s.md").write_text("# Conformance against the mock: PASS\n", encoding="utf-8")
    passed = _Passed(tmp_path / "s.md", tmp_path / "s.html", tmp_path / "s.xml", tmp_path / "s.json")
    monkeypatch.setattr(script, "conduct", lambda *args, **kwargs: passed)

    status = script.main(["--report-dir", str(tmp_path), "--history", str(tmp_path / "h.jsonl")])

    assert status == 0
    assert (tmp_path / "exit-status").read_text(encoding="utf-8") == "0\n"


def test_the_status_file_is_written_when_the_run_crashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the toolkit broke")

    monkeypatch.setattr(script, "conduct", crash)

    with pytest.raises(RuntimeError, match="the toolkit broke"):
        script.main(["--report-dir", str(tmp_path), "--history", str(tmp_path / "h.jsonl")])
    assert (tmp_path / "exit-status").read_text(encoding="utf-8") == "1\n"


def test_sigterm_from_timeout_reaches_the_script_through_make(tmp_path: Path) -> None:
    """The nightly workflow's form: the run is cut, and every report is written before `timeout` returns."""
    agent, key = mock_credentials(runner.load_settings())
    with PolyAIMock(admin=True, auto_advance=False) as mock:
        url = mock.serve()
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": key, "POLYAI_AGENT_ID": agent}
        result = subprocess.run(
            [
                "timeout",
                "--signal=TERM",
                "--preserve-status",
                "15s",
                "make",
                "--no-print-directory",
                "conformance-deep",
                "TARGET=real",
                f"CONFORMANCE_REPORTS={tmp_path}",
                f"CONFORMANCE_ARGS=--history {tmp_path / 'history.jsonl'}",
            ],
            cwd=ROOT,
            env={**os.environ, **environ},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    # Read the moment `timeout` returned: nothing may still be on its way.
    assert (tmp_path / "exit-status").read_text(encoding="utf-8").strip() == "1", result.stderr[-2000:]
    summary = next(tmp_path.glob("conformance-real-*.md")).read_text(encoding="utf-8")
    figures = json.loads(next(tmp_path.glob("conformance-real-*.json")).read_text(encoding="utf-8"))
    assert summary.startswith("# Conformance against the real service: INCOMPLETE")
    assert "# Conformance against the real service: INCOMPLETE" in result.stdout
    assert "scripts/conformance.py exited 1" in result.stderr
    assert figures["interrupted"] and figures["cases"] > 0
    assert next(tmp_path.glob("conformance-real-*.xml")).exists()
    assert next(tmp_path.glob("conformance-real-*.html")).exists()
    assert len((tmp_path / "history.jsonl").read_text(encoding="utf-8").splitlines()) == 1
