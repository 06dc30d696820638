"""On a test repository built from this one, each kind of contract edit gets the right verdict,
version check and changelog entry.

The repository holds this project's openapi.yaml, contract-releases.json and generated package,
committed on `main`; each test edits the contract on a branch and drives scripts/contract_diff.py
as a contributor would: check-version fails and names the bump, the bump alone fails for want of
a release record, `record` writes it, and the changelog renders it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_facts import releases
from contract_facts.classify import BREAKING, COMPATIBLE, POTENTIALLY_BREAKING
from contract_facts.model import read

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "contract_diff.py"
Doc = dict[str, Any]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "Test")
    shutil.copy2(ROOT / "openapi.yaml", repo / "openapi.yaml")
    shutil.copy2(ROOT / "contract-releases.json", repo / "contract-releases.json")
    shutil.copytree(
        ROOT / "generated" / "polyai_telephony",
        repo / "generated" / "polyai_telephony",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "base")
    git(repo, "checkout", "--quiet", "-b", "change")
    return repo


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("contract_diff_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONTRACT_DIFF = _load_script()


@dataclass
class Run:
    returncode: int
    stdout: str


def contract_diff(repo: Path, *args: str) -> Run:
    # In-process: the command's own main(), as `make contract-diff` runs it, without an interpreter start per call.
    # generated/ is not regenerated here; test_python_surface.py covers that half.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = CONTRACT_DIFF.main([*args, "--root", str(repo), "--contract-only"])
    return Run(code, out.getvalue())


def edit(repo: Path, change: Callable[[Doc], None]) -> None:
    path = repo / "openapi.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def set_version(repo: Path, version: str) -> None:
    def bump(document: Doc) -> None:
        document["info"]["version"] = version

    edit(repo, bump)


def base_version(repo: Path) -> tuple[int, int, int]:
    return releases.parse_version(yaml.safe_load(git(repo, "show", "main:openapi.yaml"))["info"]["version"])


# The six edits. Each finds its target by what it is, so that it holds as the contract grows.


def add_optional_response_field(document: Doc) -> None:
    document["components"]["schemas"]["PhoneNumber"]["properties"]["label"] = {"type": "string"}


def add_operation(document: Doc) -> None:
    document["paths"]["/v1/agents/{agentId}/telephony/widgets"] = {
        "get": {
            "operationId": "listWidgets",
            "parameters": [{"$ref": "#/components/parameters/AgentId"}],
            "responses": {"200": {"description": "The widgets."}},
        }
    }


def rename_required_request_property(document: Doc) -> None:
    request = document["components"]["schemas"]["ReassignPhoneNumberRequest"]
    request["properties"]["targetConnectorId"] = request["properties"].pop("connectorId")
    request["required"] = ["targetConnectorId" if name == "connectorId" else name for name in request["required"]]


def remove_operation(document: Doc) -> None:
    del document["paths"]["/v1/agents/{agentId}/telephony/phone-numbers/{phoneNumber}"]["delete"]


def add_response_enum_value(document: Doc) -> None:
    # The first enum the contract's responses declare, wherever it lives.
    facts = read(document)
    for key, locations in sorted(facts.operations.items()):
        for location, aspects in sorted(locations.items()):
            if location.startswith("response") and "enum" in aspects:
                node: Any = document
                for token in facts.origins[(key, location)][-1].strip("/").split("/"):
                    node = node[token.replace("~1", "/").replace("~0", "~")]
                node["enum"].append("NEWLY_ADDED")
                return
    raise AssertionError("the contract declares no enum in a response")


def make_optional_request_property_required(document: Doc) -> None:
    document["components"]["schemas"]["ImportPhoneNumbersRequest"]["required"].append("clientEnv")


SCENARIOS = [
    (add_optional_response_field, "minor", COMPATIBLE, "new response property", "response 200 body label"),
    (add_operation, "minor", COMPATIBLE, "new operation", "GET /v1/agents/{agentId}/telephony/widgets"),
    (
        rename_required_request_property,
        "major",
        BREAKING,
        "new required request property",
        "request body targetConnectorId",
    ),
    (remove_operation, "major", BREAKING, "operation removed", "DELETE /v1/agents/{agentId}/telephony/phone-numbers/"),
    (add_response_enum_value, "minor", POTENTIALLY_BREAKING, "new response enum value(s) ['NEWLY_ADDED']", "response"),
    (make_optional_request_property_required, "major", BREAKING, "became required", "request body clientEnv"),
]


@pytest.mark.parametrize(
    ("change", "bump", "verdict", "rule", "subject_part"), SCENARIOS, ids=[s[0].__name__ for s in SCENARIOS]
)
def test_edit_gets_its_verdict_version_check_and_changelog_entry(
    repo: Path, change: Callable[[Doc], None], bump: str, verdict: str, rule: str, subject_part: str
) -> None:
    major, minor, _ = base_version(repo)
    edit(repo, change)

    report = contract_diff(repo, "report")
    assert report.returncode == 0, report.stdout
    assert f"{verdict.upper()} (" in report.stdout
    assert f"version bump needed: {bump}" in report.stdout

    unbumped = contract_diff(repo, "check-version")
    assert unbumped.returncode == 1
    if bump == "major":
        assert f"info.version must go to {major + 1}.0.0" in unbumped.stdout
        set_version(repo, f"{major}.{minor + 1}.0")  # a minor bump is not enough for a breaking change
        assert "info.version must go to" in contract_diff(repo, "check-version").stdout
        new_version = f"{major + 1}.0.0"
    else:
        assert f"info.version must go to at least {major}.{minor + 1}.0" in unbumped.stdout
        new_version = f"{major}.{minor + 1}.0"
    set_version(repo, new_version)

    unrecorded = contract_diff(repo, "check-version")
    assert unrecorded.returncode == 1
    assert f"contract-releases.json has no up-to-date entry for {new_version}" in unrecorded.stdout

    assert contract_diff(repo, "record").returncode == 0
    checked = contract_diff(repo, "check-version")
    assert checked.returncode == 0, checked.stdout

    recorded = releases.recorded_entries(repo / "contract-releases.json", new_version) or []
    matching = [e for e in recorded if e["verdict"] == verdict and e["rule"] == rule and subject_part in e["subject"]]
    assert matching, recorded
    changelog = releases.render(releases.load(repo / "contract-releases.json"), "polyai-telephony-client")
    newest = changelog.split("\n## ")[1]
    assert newest.startswith(new_version)
    mark = {BREAKING: "**BREAKING**", POTENTIALLY_BREAKING: "*potentially breaking*", COMPATIBLE: "compatible"}[verdict]
    assert f"- {mark}: `{matching[0]['subject']}`: {rule}" in newest
