"""Whole runs whose verdict is the point: a lenient service, and a flaky one.

- A service that ignores unknown request properties, as many do, contradicts only the contract's
  `strict-requests` assumption: the report must say so and count no drift.
- A service whose reads fail now and then must get the same verdict run after run, and a failed
  follow-up read of a check must never be blamed on the operation under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests import runner
from contract_tests.annotations import Contract
from contract_tests.attribution import DRIFT, TOOLKIT
from contract_tests.conformance import Conducted, conduct
from contract_tests.target import mock_credentials, serve
from telephony_contract import resolve
from telephony_mock import create_app
from telephony_mock._config import DEFAULT_CONFIG_PATH, config_from_dict

CONTRACT = Contract.load(runner.SPEC)
AGENT, KEY = mock_credentials(runner.load_settings())
SHORT = {"generation": {"max-examples": 4, "no-shrink": True}, "phases": {"stateful": {"max-steps": 6}}}


class IgnoresUnknownProperties:
    """The mock behind a front that drops every request-body property the contract does not define."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        operation = CONTRACT.operation_for(scope["method"], scope.get("raw_path", b"").decode() or scope["path"])
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if operation is not None and body is not None:
            raw = json.dumps(_known_only(body, _request_schema(operation))).encode()
        headers = [(name, value) for name, value in scope["headers"] if name != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                message: dict[str, Any] = await receive()
                return message
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


def _request_schema(operation: str) -> Any:
    return resolve(CONTRACT.document, CONTRACT.catalogue[operation].body)


def _known_only(value: Any, schema: Any) -> Any:
    schema = resolve(CONTRACT.document, schema)
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict) and "properties" in schema:
        known = schema["properties"]
        return {key: _known_only(item, known[key]) for key, item in value.items() if key in known}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_known_only(item, schema["items"]) for item in value]
    return value


def _against(app: Any, report_dir: Path, **extra: Any) -> Conducted:
    with serve(app) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}
        return conduct("real", environ=environ, report_dir=report_dir, baseline_path=None, **extra)


def test_a_service_lenient_about_unknown_properties_refutes_strict_requests(tmp_path: Path) -> None:
    run = _against(IgnoresUnknownProperties(create_app(admin=True)), tmp_path, overrides=SHORT)

    figures = json.loads(run.figures.read_text(encoding="utf-8"))
    ledger = {line["id"]: line for line in figures["ledger"]}
    assert figures["counts"][DRIFT] == 0, [f for f in figures["new_failures"] if f["class"] == DRIFT]
    assert ledger["strict-requests"]["state"] == "refuted"
    refuting = [f for f in figures["new_failures"] if "strict-requests" in f["assumptions"]]
    assert refuting and all(f["check"] == "negative_data_rejection" for f in refuting)
    summary = run.summary.read_text(encoding="utf-8")
    assert "(refutes `strict-requests`)" in summary


CONNECTOR_READS = ("getConnector", "listConnectors", "batchGetConnectors")
FAULTED = {*CONNECTOR_READS, "listPhoneNumbers"}


def _flaky_mock() -> Any:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["faults"] = [
        *({"operation": operation, "status": 500, "rate": 0.3} for operation in CONNECTOR_READS),
        {"operation": "listPhoneNumbers", "status": 502, "rate": 0.2},
    ]
    # Seeded, so every run meets the same faults: the test is about the verdict being judged the
    # same way each time, not about a run that happened to draw no fault at all.
    raw["fault_seed"] = 20261207
    return create_app(config_from_dict(raw), admin=True)


@pytest.mark.slow
def test_a_flaky_service_gets_the_same_verdict_every_run(tmp_path: Path) -> None:
    runs = [_against(_flaky_mock(), tmp_path / f"run-{index}", overrides=SHORT) for index in range(3)]

    def judged(run: Conducted) -> set[tuple[str, tuple[str, str, str]]]:
        return {(run.judged.klass(f), f.identity) for f in run.outcome.new_findings if run.judged.klass(f) != TOOLKIT}

    assert len({run.judged.verdict for run in runs}) == 1, [run.judged.verdict for run in runs]
    assert judged(runs[0]) == judged(runs[1]) == judged(runs[2])
    for run in runs:
        # The unfaulted mock conforms outright (test_conformance.py), so a finding on an operation
        # whose own answers are never faulted can only come from a check's follow-up read.
        blamed = [f for f in run.outcome.findings if f.operation not in FAULTED and run.judged.klass(f) != TOOLKIT]
        assert blamed == [], [(f.check, f.operation, f.kind) for f in blamed]
