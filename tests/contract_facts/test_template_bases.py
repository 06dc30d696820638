"""Each template override records the stock template it came from; a moved stock template is noticed."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import template_bases  # noqa: E402

RECORD = ROOT / "generator-template-bases.json"
TEMPLATES = ROOT / "generator-templates"


def test_the_committed_record_matches_the_pinned_generator() -> None:
    assert template_bases.stale_bases(TEMPLATES, RECORD) == []


def test_every_override_is_recorded_and_the_rest_are_listed_as_ours() -> None:
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    stock = template_bases.stock_dir()
    files = (p for p in TEMPLATES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    names = {p.relative_to(TEMPLATES).as_posix() for p in files}
    overrides = {name for name in names if (stock / template_bases.stock_name(name)).is_file()}

    assert set(recorded["overrides"]) == overrides
    assert set(recorded["ours"]) == names - overrides
    # The fixed core replaces two stock modules; the rest of it is ours alone.
    assert {"core/errors.py", "core/types.py"} <= overrides
    assert "core/transport.py" in recorded["ours"]


@pytest.fixture
def record_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "bases.json"
    shutil.copy2(RECORD, copy)
    return copy


def test_a_stock_template_that_moved_is_named(record_copy: Path) -> None:
    recorded = json.loads(record_copy.read_text(encoding="utf-8"))
    recorded["overrides"]["core/client.py"]["stock_sha256"] = "0" * 64
    record_copy.write_text(json.dumps(recorded), encoding="utf-8")

    problems = template_bases.stale_bases(TEMPLATES, record_copy)

    assert len(problems) == 1
    assert problems[0].startswith("generator-templates/core/client.py: the stock template of openapi-python-client")


def test_a_new_override_without_a_record_is_named(record_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "str_enum.py.jinja").write_text("{# ours #}\n", encoding="utf-8")

    assert template_bases.stale_bases(templates, record_copy) == [
        "generator-templates/str_enum.py.jinja overrides a stock template but has no recorded base"
    ]


def test_check_generated_fails_when_a_base_moved(record_copy: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", repo / "scripts", ignore=shutil.ignore_patterns("__pycache__", "bench"))
    shutil.copytree(TEMPLATES, repo / "generator-templates")
    recorded = json.loads(record_copy.read_text(encoding="utf-8"))
    recorded["overrides"]["core/errors.py"]["stock_sha256"] = "0" * 64
    (repo / "generator-template-bases.json").write_text(json.dumps(recorded), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(repo / "scripts" / "codegen.py"), "check", "--spec", str(ROOT / "openapi.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "generator-templates/core/errors.py: the stock template" in result.stdout
    assert "template-diff" in result.stdout


def test_template_diff_shows_the_stock_change_and_ours_merged_with_it(
    record_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The recorded stock text, as `pip download` of the recorded version would give it; the
    # installed generator then "moves" types.py.jinja by one added line at the top.
    old_stock = tmp_path / "old-stock"
    shutil.copytree(template_bases.stock_dir(), old_stock)
    new_stock = tmp_path / "new-stock"
    shutil.copytree(template_bases.stock_dir(), new_stock)
    path = new_stock / "types.py.jinja"
    path.write_text("{# a line added upstream #}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")

    monkeypatch.setattr(template_bases, "stock_dir", lambda: new_stock)

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = template_bases.print_three_way(TEMPLATES, record_copy, old_stock)

    text = out.getvalue()
    assert code == 0
    assert "=== core/types.py" in text
    assert "+{# a line added upstream #}" in text  # the stock change
    merged = text.split("=== core/types.py")[1]
    # The upstream line merges cleanly into ours, and our own edits are kept.
    assert merged.count("{# a line added upstream #}") == 2
    assert (TEMPLATES / "core" / "types.py").read_text(encoding="utf-8").splitlines()[-1] in merged
    assert "=== core/client.py" not in text
