"""Regenerate generated/ from openapi.yaml, or check that it is up to date.

    python scripts/codegen.py generate   # rewrite generated/
    python scripts/codegen.py check      # regenerate into a temporary folder and compare

The generator and ruff are pinned in pyproject.toml; both are run from the same environment
as this script so that the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import sdk_layer

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "generator-templates"
TARGET = ROOT / "generated"
# Caches and editable-install build files that tools drop into the tree; not part of the record.
IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", ".pdm-build"}


def generate(spec: Path, output: Path) -> None:
    """Run openapi-python-client on *spec*, writing a complete project to *output*."""
    bin_dir = Path(sys.executable).parent
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--meta",
        "pdm",
        "--output-path",
        str(output),
        "--overwrite",
        "--fail-on-warning",
    ]
    if TEMPLATES.is_dir():
        command += ["--custom-template-path", str(TEMPLATES)]
    # The post hooks call `ruff`: put the pinned one first on PATH.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-python-client failed with exit code {result.returncode}")
    sdk_layer.generate(output, spec)  # PolyAI and its namespaces, from what the templates cannot read


def _files(root: Path) -> set[Path]:
    return {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.relative_to(root).parts)
    }


def compare(expected: Path, actual: Path) -> list[str]:
    """Return readable differences between two trees, the first differing file's diff included."""
    expected_files, actual_files = _files(expected), _files(actual)
    problems = [f"missing from generated/: {p}" for p in sorted(expected_files - actual_files)]
    problems += [f"not produced by the generator: {p}" for p in sorted(actual_files - expected_files)]
    shown_diff = False
    for rel in sorted(expected_files & actual_files):
        if filecmp.cmp(expected / rel, actual / rel, shallow=False):
            continue
        problems.append(f"differs: {rel}")
        if not shown_diff:  # one full diff is enough to see what drifted
            shown_diff = True
            diff = difflib.unified_diff(
                (actual / rel).read_text(errors="replace").splitlines(keepends=True),
                (expected / rel).read_text(errors="replace").splitlines(keepends=True),
                fromfile=f"generated/{rel} (committed)",
                tofile=f"generated/{rel} (from openapi.yaml)",
            )
            problems.append("".join(diff))
    return problems


def check(spec: Path, target: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "generated"
        generate(spec, fresh)
        problems = compare(fresh, target)
    if problems:
        print("generated/ does not match openapi.yaml; run `make generate` and commit the result.")
        print("\n".join(problems))
        return 1
    print("generated/ matches openapi.yaml")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.spec, args.target)
        print(f"regenerated {args.target.relative_to(ROOT) if args.target.is_relative_to(ROOT) else args.target}")
        return 0
    return check(args.spec, args.target)


if __name__ == "__main__":
    sys.exit(main())
