"""The CI conformance run, as a test: `make conformance`'s run against the mock must pass.

It runs `scripts/conformance.py` in a process of its own, exactly as `make conformance` does:
Schemathesis's stateful phase walks a different path in a process that has already generated
other tests, and CI must judge the run users reproduce. Its reports land in reports/, which CI
uploads. Which sequences the stateful phase walks varies with what the mock answered before, so
the sequence across both resources is also walked on purpose below, through the same checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from contract_tests import runner
from contract_tests.target import mock_credentials
from telephony_contract import load_catalogue
from telephony_mock import create_app

MIN_CASES = 2000
# Floors that catch a hollow run (a phase skipped, a link lost), not targets: the fixed seed decides
# the exact figures, which move whenever an operation is added.
MIN_STATEFUL_CASES = 400
CATALOGUE = load_catalogue()


def _crosses(link: str, source_numbers: bool) -> bool:
    source, target = (CATALOGUE[operation].resource == "phone-numbers" for operation in link.split(" -> "))
    return source is source_numbers and target is not source_numbers


def test_mock_conforms_under_the_ci_profile() -> None:
    script = runner.ROOT / "scripts" / "conformance.py"
    result = subprocess.run(
        [sys.executable, str(script), "--target", "mock"],
        cwd=runner.ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary, _junit, figures_path = map(Path, result.stdout.strip().splitlines()[-1].removeprefix("reports: ").split())
    figures = json.loads(figures_path.read_text(encoding="utf-8"))

    assert figures["passed"] is True, summary.read_text(encoding="utf-8")
    assert figures["phases"] == dict.fromkeys(runner.TESTING_PHASES, "success")
    assert figures["tested_operations"] == sorted(f"{op.method} {op.path}" for op in CATALOGUE.values())
    assert figures["cases"] >= MIN_CASES
    assert figures["stateful_cases"] >= MIN_STATEFUL_CASES
    # Sequences crossed between the resources both ways: from a number to its connector, and
    # from a connector to the numbers routed to it.
    links = figures["stateful_links"]
    assert any(_crosses(link, source_numbers=True) for link in links), links
    assert any(_crosses(link, source_numbers=False) for link in links), links


def test_import_reassign_lookup_delete_connector_passes_every_check() -> None:
    settings = runner.load_settings()
    agent, key = mock_credentials(settings)
    connector = settings["dictionaries"]["connectors"]["values"][1]
    number = "+442079460777"
    schema = runner.build_schema(runner.PROFILES["ci"])
    schema.app = create_app(admin=True)

    def step(operation_id: str, status: int, *, body: Any = None, **path: str) -> Any:
        operation = schema.find_operation_by_id(operation_id)
        case = operation.Case(
            path_parameters={"agentId": agent, **path},
            headers={"X-API-KEY": key},
            **({"body": body, "media_type": "application/json"} if body is not None else {}),
        )
        # Every check schemathesis.toml enables, the custom ones included, judges each step.
        response = case.call_and_validate()
        assert response.status_code == status, response.text
        return response.json()

    assert step("importPhoneNumber", 201, body={"clientEnv": "sandbox"}, phoneNumber=number) == {"imported": number}
    routed = step("reassignPhoneNumber", 200, body={"connectorId": connector}, phoneNumber=number)
    assert routed["connectorId"] == connector
    assert step("lookupConnector", 200, body={"phoneNumber": number})["connectorId"] == connector
    assert number in step("deleteConnector", 200, connectorId=connector)["deletedPhoneNumbers"]
    assert step("getPhoneNumber", 404, phoneNumber=number)["error_code"] == "PHONE_NUMBERS_NOT_FOUND"
