"""Prove that a user can vendor the client and the mock and test their code offline.

    python scripts/vendor_check.py [--keep DIR]      (make vendor-check)

In a fresh folder: copies generated/ and telephony-mock/ into vendor/, and the example project
(examples/: a script and its tests) beside them; downloads the wheels they need at the
toolkit's pinned versions, the two build backends and pytest included (the one step that uses
the package index); then, with the index switched off, creates a new virtualenv, installs
`pip install --no-index --find-links wheels/ ./vendor/generated ./vendor/telephony-mock pytest`
and runs the example's tests there with pytest. Exits 0 when they pass, printing how long the
tests took; 1 otherwise, with the failing step's output.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ("generated", "telephony-mock")
EXAMPLE_FILES = ("provisioning.py", "test_provisioning.py", "test_provisioning_async.py")
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.egg-info", ".pdm-build", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"
)


class StepFailed(Exception):
    pass


def _run(step: str, command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise StepFailed(
            f"{step} failed (exit {result.returncode}):\n$ {' '.join(command)}\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def _pip(step: str, python: Path, *args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """pip run by `python` on the vendored projects and pytest, which download and install both need."""
    vendored = [f"./vendor/{folder}" for folder in VENDORED]
    return _run(step, [str(python), "-m", "pip", *args, "--quiet", *vendored, pytest_pin()], cwd=cwd, env=env)


def pins() -> list[str]:
    """The toolkit's exact pins (`name==version`, markers kept), as a pip constraints file's lines."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [requirement for requirement in requirements if re.match(r"^[A-Za-z0-9_.-]+==", requirement)]


def build_backends() -> list[str]:
    """What `[build-system] requires` of each vendored project asks for: pinned, so offline it is found."""
    backends = []
    for folder in VENDORED:
        config = tomllib.loads((ROOT / folder / "pyproject.toml").read_text(encoding="utf-8"))
        backends += config["build-system"]["requires"]
    unpinned = [backend for backend in backends if "==" not in backend]
    if unpinned:
        raise StepFailed(f"build backends must be pinned to install offline: {unpinned}")
    return backends


def pytest_pin() -> str:
    return next(pin for pin in pins() if pin.startswith("pytest=="))


def prepare(workdir: Path) -> Path:
    project = workdir / "project"
    for folder in VENDORED:
        shutil.copytree(ROOT / folder, project / "vendor" / folder, ignore=IGNORED)
    for name in EXAMPLE_FILES:
        shutil.copy2(ROOT / "examples" / name, project / name)
    return project


def download(workdir: Path, project: Path) -> Path:
    wheels = workdir / "wheels"
    constraints = workdir / "constraints.txt"
    constraints.write_text("\n".join(pins()) + "\n", encoding="utf-8")
    options = ["--dest", str(wheels), "--only-binary", ":all:", "--constraint", str(constraints)]
    _pip("pip download", Path(sys.executable), "download", *options, *build_backends(), cwd=project)
    return wheels


def install_offline(workdir: Path, project: Path, wheels: Path) -> Path:
    venv = workdir / "venv"
    _run("venv", [sys.executable, "-m", "venv", str(venv)], cwd=workdir)
    python = venv / "bin" / "python"
    # No configured index, find-links or constraints: only the wheels folder may be read.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    _pip("offline install", python, "install", "--no-index", "--find-links", str(wheels), cwd=project, env=env)
    return python


def run_tests(project: Path, python: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLYAI_", "PYTHON"))}
    started = time.monotonic()
    output = _run(
        "the example's tests", [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env
    )
    took = time.monotonic() - started
    print(output.strip().splitlines()[-1])
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and leave it for inspection")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vendor-check-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            project = prepare(workdir)
            wheels = download(workdir, project)
            print(f"downloaded {len(list(wheels.iterdir()))} wheels")
            python = install_offline(workdir, project, wheels)
            print("installed ./vendor/generated and ./vendor/telephony-mock with --no-index")
            took = run_tests(project, python)
        except StepFailed as failure:
            print(failure, file=sys.stderr)
            return 1
    print(f"the example's tests passed offline in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
