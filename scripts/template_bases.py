"""Which stock openapi-python-client template each of our templates was derived from.

generator-templates/ overrides stock templates by file name. For each override the record
(generator-template-bases.json) keeps the generator version and the SHA-256 of the stock text it
was derived from, so that a generator upgrade that changes a stock template is noticed, and the
change can be merged into ours by hand from a three-way diff. The stock text itself is not kept:
the recorded version is fetched from PyPI with `pip download` when the diff is wanted.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

GENERATOR = "openapi-python-client"


def stock_dir() -> Path:
    """The stock templates, as files the installed distribution ships (the generator is not imported)."""
    return Path(str(metadata.distribution(GENERATOR).locate_file("openapi_python_client/templates")))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stock_name(name: str) -> str:
    """The stock template a file of generator-templates/ stands for: `core/errors.py` replaces `errors.py.jinja`."""
    return f"{name.removeprefix('core/')}.jinja" if name.startswith("core/") else name


def current_record(templates: Path) -> dict[str, object]:
    stock = stock_dir()
    overrides, ours = {}, []
    for template in sorted(p for p in templates.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        name = template.relative_to(templates).as_posix()
        if (stock / stock_name(name)).is_file():
            overrides[name] = {"stock_sha256": _sha256(stock / stock_name(name))}
        else:
            ours.append(name)
    return {"generator": GENERATOR, "version": metadata.version(GENERATOR), "overrides": overrides, "ours": ours}


def record(templates: Path, record_path: Path) -> None:
    record_path.write_text(json.dumps(current_record(templates), indent=2) + "\n", encoding="utf-8")


def stale_bases(templates: Path, record_path: Path) -> list[str]:
    """Why the record no longer describes the pinned generator and our templates; empty when it does."""
    if not record_path.exists():
        return [f"{record_path.name} is missing: run `python scripts/codegen.py record-templates`"]
    recorded = json.loads(record_path.read_text(encoding="utf-8"))
    current = current_record(templates)
    problems = []
    for name, entry in current["overrides"].items():  # type: ignore[attr-defined]
        base = recorded["overrides"].get(name)
        if base is None:
            problems.append(f"generator-templates/{name} overrides a stock template but has no recorded base")
        elif base["stock_sha256"] != entry["stock_sha256"]:
            problems.append(
                f"generator-templates/{name}: the stock template of {GENERATOR} {current['version']} is not "
                f"the one it was derived from ({recorded['version']})"
            )
    for name in recorded["overrides"]:
        if name not in current["overrides"]:  # type: ignore[operator]
            problems.append(f"generator-templates/{name} is recorded as an override but no longer is one")
    return problems


def fetch_stock(version: str, into: Path) -> Path:
    """The templates folder of *version* of the generator, downloaded from PyPI."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(into),
            f"{GENERATOR}=={version}",
        ],
        check=True,
    )
    wheel = next(into.glob("openapi_python_client-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into / "wheel")
    return into / "wheel" / "openapi_python_client" / "templates"


def print_three_way(templates: Path, record_path: Path, stock_from: Path | None) -> int:
    """For each override whose stock moved: the stock change, then ours merged with it (diff3 markers)."""
    recorded = json.loads(record_path.read_text(encoding="utf-8"))
    stock = stock_dir()
    with tempfile.TemporaryDirectory() as tmp:
        old_stock = stock_from or fetch_stock(recorded["version"], Path(tmp))
        moved = 0
        for name, base in sorted(recorded["overrides"].items()):
            new_path = stock / stock_name(name)
            if new_path.is_file() and _sha256(new_path) == base["stock_sha256"]:
                continue
            moved += 1
            old_path = old_stock / stock_name(name)
            if _sha256(old_path) != base["stock_sha256"]:
                print(f"{name}: the stock text fetched for {recorded['version']} does not match the recorded hash")
                return 1
            print(f"=== {name}: stock {recorded['version']} -> installed, and ours merged with that change")
            if not new_path.is_file():
                print("the installed generator has no such stock template any more: ours is now a template of our own")
                continue
            diff = subprocess.run(
                ["git", "diff", "--no-index", "--no-color", str(old_path), str(new_path)],
                capture_output=True,
                text=True,
            )
            print(diff.stdout)
            merged = subprocess.run(
                [
                    "git",
                    "merge-file",
                    "-p",
                    "--diff3",
                    "-L",
                    "ours",
                    "-L",
                    "recorded stock",
                    "-L",
                    "new stock",
                    str(templates / name),
                    str(old_path),
                    str(new_path),
                ],
                capture_output=True,
                text=True,
            )
            print(merged.stdout)
        if moved == 0:
            print(f"every override's stock base is unchanged in the installed {GENERATOR}")
    return 0
