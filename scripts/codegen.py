"""Regenerate generated/ from openapi.yaml, or check that it is up to date.

    python scripts/codegen.py generate          # rewrite generated/
    python scripts/codegen.py check             # regenerate into a temporary folder and compare
    python scripts/codegen.py template-diff     # three-way diff of each template whose stock base moved
    python scripts/codegen.py record-templates  # record the pinned generator's stock templates as our bases

The generator and ruff are pinned in pyproject.toml; both are run from the same environment
as this script so that the output is byte-for-byte reproducible. The package version is the
contract's `info.version`, and generated/CHANGELOG.md is rendered from contract-releases.json.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sdk_layer
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import template_bases as templates  # noqa: E402  (beside this script)

from contract_facts import releases  # noqa: E402
from telephony_contract import load_catalogue  # noqa: E402
from telephony_contract.document import follow  # noqa: E402

SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "generator-templates"
# The fixed core of the client: plain Python that ruff lints where it stands, copied byte for byte
# into the package (replacing the generator's stock module of the same name, if any).
CORE = TEMPLATES / "core"
TEMPLATE_BASES = ROOT / "generator-template-bases.json"
RELEASES = ROOT / "contract-releases.json"
TARGET = ROOT / "generated"
# Caches and editable-install build files that tools drop into the tree; not part of the record.
IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", ".pdm-build"}


def generate(spec: Path, output: Path) -> None:
    """Write the project for *spec* to *output*: the generator's run, the SDK layer, the core, the changelog."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    # The package's version is the contract's: written into the config here, never by hand.
    config["package_version_override"] = str(load_catalogue(spec).document["info"]["version"])
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "generator-config.yaml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        options: dict[str, str | Path] = {
            "--path": spec,
            "--config": config_path,
            "--meta": "pdm",
            "--output-path": output,
            "--custom-template-path": _templates_with_contract(spec, Path(tmp) / "templates"),
        }
        argv: list[str | Path] = [bin_dir / "openapi-python-client", "generate", "--overwrite", "--fail-on-warning"]
        for flag, value in options.items():
            argv += [flag, value]
        # The post hooks call `ruff`: put the pinned one first on PATH.
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
        result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-python-client failed with exit code {result.returncode}")
    sdk_layer.generate(output, spec)  # PolyAI and its namespaces, from what the templates cannot read
    for module in sorted(CORE.glob("*.py")):
        shutil.copyfile(module, output / config["package_name_override"] / module.name)
    changelog = releases.render(releases.load(RELEASES), config["project_name_override"])
    (output / "CHANGELOG.md").write_text(changelog, encoding="utf-8")


def _templates_with_contract(spec: Path, into: Path) -> Path:
    """generator-templates/ plus contract.jinja: what the templates need from the contract beyond its schemas.

    openapi-python-client hands its templates the parsed schemas only; `x-` extensions never reach
    them. The retry decision (may an operation be repeated once the service may have seen it?) is
    the catalogue's, from the method's semantics and `x-safe`, keyed here by operationId.
    """
    shutil.copytree(TEMPLATES, into)
    retry_safe = {operation.operation_id: operation.retry_safe for operation in load_catalogue(spec).values()}
    (into / "contract.jinja").write_text(
        "{# Written by scripts/codegen.py from the contract. #}\n"
        f"{{% set retry_safe = {json.dumps(retry_safe, sort_keys=True)} %}}\n"
        f"{{% set read_only_schemas = {json.dumps(read_only_schemas(spec))} %}}\n",
        encoding="utf-8",
    )
    return into


SCHEMAS = ("components", "schemas")


def read_only_schemas(spec: Path) -> list[str]:
    """The named schemas only answers use: the client reads them and never sends them.

    On these models an absent optional field can read as None; a schema that is also sent keeps
    UNSET, since there a field left out and a field sent as null differ (null clears it).
    """
    catalogue = load_catalogue(spec)
    sent: set[str] = set()
    answered: set[str] = set()
    for operation in catalogue.values():
        sent |= _schemas_in(catalogue.document, [operation.node.get("requestBody"), *operation.parameters.values()])
        answered |= _schemas_in(catalogue.document, list(operation.responses.values()))
    return sorted(answered - sent)


def _schemas_in(document: Mapping[str, Any], nodes: list[Any]) -> set[str]:
    """The names of the schemas of components/schemas reachable from *nodes*, `$ref`s followed."""
    found: set[str] = set()
    stack, seen = list(nodes), set()
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, Mapping) and id(node) not in seen:
            seen.add(id(node))
            chain = list(follow(document, node))
            found.update(str(where[2]) for where, _ in chain if where[:2] == SCHEMAS and len(where) == 3)
            stack.extend(value for key, value in node.items() if key != "$ref")
            stack.extend(target for _, target in chain[1:])
    return found


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
    moved = templates.stale_bases(TEMPLATES, TEMPLATE_BASES)
    if moved:
        print("\n".join(moved))
        print("run `python scripts/codegen.py template-diff`, merge by hand, then `record-templates`.")
        return 1
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
    parser.add_argument("command", choices=["generate", "check", "template-diff", "record-templates"])
    parser.add_argument("--stock-from", type=Path, help="template-diff: the recorded version's templates folder")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    args.spec, args.target = args.spec.resolve(), args.target.resolve()
    if args.command == "generate":
        generate(args.spec, args.target)
        print(f"regenerated {args.target.relative_to(ROOT) if args.target.is_relative_to(ROOT) else args.target}")
        return 0
    if args.command == "template-diff":
        return templates.print_three_way(TEMPLATES, TEMPLATE_BASES, args.stock_from)
    if args.command == "record-templates":
        templates.record(TEMPLATES, TEMPLATE_BASES)
        print(f"recorded the stock bases of generator-templates/ in {TEMPLATE_BASES.name}")
        return 0
    return check(args.spec, args.target)


if __name__ == "__main__":
    sys.exit(main())
