"""The custom checks' own promises: findings with a stable identity, and follow-up reads that
retry transient answers and, when they still fail, blame the read, not the operation under test.

Each check is called the way the suite calls it, on one real request to the in-process mock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from schemathesis.baseline import failure_identity
from schemathesis.core.failures import FailureGroup

import telephony_mock
from contract_tests import broken_mocks, hooks, runner
from contract_tests.guard import GUARD_HEADER
from contract_tests.target import mock_credentials
from telephony_mock import create_app, load_config

AGENT, KEY = mock_credentials(runner.load_settings())
NUMBER = "+442079460778"
IMPORT_SANDBOX: dict[str, Any] = {"body": {"clientEnv": "sandbox"}, "phoneNumber": NUMBER}


class Counting:
    """The app, counting the requests each operation received."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            found = broken_mocks.CATALOGUE.match(scope["method"], scope.get("raw_path", b"").decode() or scope["path"])
            self.seen.append(found.operation.operation_id if found else "")
        await self.app(scope, receive, send)


def _faulty_mock(tmp_path: Path, **fault: Any) -> Any:
    raw = yaml.safe_load(Path(telephony_mock.__file__).with_name("default-config.yaml").read_text())
    raw["faults"] = [{"retry_after": 0, **fault}]
    raw["fault_seed"] = 7
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return create_app(load_config(path), admin=True)


def _judge(app: Any, check: Any, operation_id: str, *, body: Any = None, **path: str) -> None:
    """Send one request to `app` and judge its answer with `check` alone."""
    schema = runner.build_schema(runner.PROFILES["ci"])
    schema.app = app
    case = schema.find_operation_by_id(operation_id).Case(
        path_parameters={"agentId": AGENT, **path},
        headers={"X-API-KEY": KEY},
        **({"body": body, "media_type": "application/json"} if body is not None else {}),
    )
    case.call_and_validate(checks=[check])


def _violation(app: Any, check: Any, operation_id: str, **request: Any) -> hooks.ContractViolation:
    with pytest.raises(FailureGroup) as raised:
        _judge(app, check, operation_id, **request)
    (violation,) = raised.value.exceptions
    assert isinstance(violation, hooks.ContractViolation)
    return violation


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[Counting]:
    yield Counting(_faulty_mock(tmp_path, operation="listPhoneNumbers", status=502, rate=0.5))


def test_a_violation_names_its_check_operation_and_kind() -> None:
    check = hooks.import_then_get_returns_number_and_client_env
    app = broken_mocks.Broken(create_app(admin=True), hooks.forgets_imports)

    violation = _violation(app, check, "importPhoneNumber", **IMPORT_SANDBOX)

    assert (violation.check, violation.operation, violation.kind) == (
        "import_then_get_returns_number_and_client_env",
        "importPhoneNumber",
        "number missing after import",
    )
    assert violation.toolkit is False
    assert f"GET {NUMBER} after its import answered 404" in violation.message


def test_a_violation_s_identity_holds_no_source_position() -> None:
    check = hooks.import_then_get_returns_number_and_client_env
    app = broken_mocks.Broken(create_app(admin=True), hooks.forgets_imports)

    violation = _violation(app, check, "importPhoneNumber", **IMPORT_SANDBOX)

    assert failure_identity(violation, violation.check) == (
        "importPhoneNumber",
        "import_then_get_returns_number_and_client_env",
        "ContractViolation",
        "import_then_get_returns_number_and_client_env|number missing after import",
    )


def test_follow_up_reads_retry_transient_answers(counted: Counting) -> None:
    _judge(counted, hooks.list_and_batch_get_reflect_imports_and_deletes, "importPhoneNumber", **IMPORT_SANDBOX)

    assert counted.seen.count("listPhoneNumbers") > 1, counted.seen


def test_a_follow_up_read_that_keeps_failing_is_the_toolkit_s_finding_about_the_read(tmp_path: Path) -> None:
    app = _faulty_mock(tmp_path, operation="listPhoneNumbers", status=503, rate=1.0)
    check = hooks.list_and_batch_get_reflect_imports_and_deletes

    violation = _violation(app, check, "importPhoneNumber", **IMPORT_SANDBOX)

    assert violation.toolkit is True
    assert (violation.check, violation.operation, violation.kind) == (
        "list_and_batch_get_reflect_imports_and_deletes",
        "listPhoneNumbers",
        hooks.FOLLOW_UP_READ_FAILED,
    )
    assert "While checking importPhoneNumber" in violation.message


def test_the_same_faults_give_the_same_verdict(tmp_path: Path) -> None:
    check = hooks.list_and_batch_get_reflect_imports_and_deletes
    verdicts = set()
    for run in range(3):
        app = _faulty_mock(tmp_path / str(run), operation="listPhoneNumbers", status=502, rate=1.0)
        violation = _violation(app, check, "importPhoneNumber", **IMPORT_SANDBOX)
        verdicts.add(failure_identity(violation, violation.check))

    assert len(verdicts) == 1


def test_an_answer_the_guard_gave_is_never_judged() -> None:
    async def refused_without_envelope(app: Any, exchange: broken_mocks.Exchange) -> None:
        exchange.status = 403
        exchange.response_headers = [("content-type", "application/json"), (GUARD_HEADER, "refused")]
        exchange.set_json({"detail": "not the envelope"})

    app = broken_mocks.Broken(create_app(admin=True), refused_without_envelope)
    check = hooks.error_carries_envelope_and_correlation_id

    _judge(app, check, "getPhoneNumber", phoneNumber=NUMBER)
    app.handler = hooks.bare_not_found
    with pytest.raises(FailureGroup) as raised:
        _judge(app, check, "getPhoneNumber", phoneNumber=NUMBER)
    assert "envelope field missing" in [getattr(failure, "kind", None) for failure in raised.value.exceptions]


def test_a_check_states_published_and_assumed_expectations_apart() -> None:
    # A bare 404 breaks the published envelope and the assumed `error_id` = correlation header at
    # once: one finding for each, so that the published one is drift whatever the other says.
    app = broken_mocks.Broken(create_app(admin=True), hooks.bare_not_found)
    with pytest.raises(FailureGroup) as raised:
        _judge(app, hooks.error_carries_envelope_and_correlation_id, "getPhoneNumber", phoneNumber=NUMBER)

    stated = {
        (type(failure).__name__, getattr(failure, "kind", None), getattr(failure, "assumption", None))
        for failure in raised.value.exceptions
    }

    assert stated == {
        ("ContractViolation", "envelope field missing", None),
        ("AssumptionRefuted", "error_id differs from the correlation header", "correlation-header"),
    }


async def _unpublished_401_code(app: Any, exchange: broken_mocks.Exchange) -> None:
    await exchange.forward(app)
    if exchange.status == 401:
        exchange.set_json({**exchange.json(), "error_code": "AUTH_KEY_REJECTED"})


def test_a_check_names_the_assumption_its_expectation_rests_on() -> None:
    # Which 401 code answers a bad key is the contract's `auth-codes` assumption, not PolyAI's word.
    app = broken_mocks.Broken(create_app(admin=True), _unpublished_401_code)
    schema = runner.build_schema(runner.PROFILES["ci"])
    schema.app = app
    case = schema.find_operation_by_id("listPhoneNumbers").Case(
        path_parameters={"agentId": AGENT}, headers={"X-API-KEY": "not-a-key"}
    )

    with pytest.raises(FailureGroup) as raised:
        case.call_and_validate(checks=[hooks.error_carries_envelope_and_correlation_id])

    (violation,) = raised.value.exceptions
    assert isinstance(violation, hooks.ContractViolation)
    assert (violation.kind, violation.assumption) == ("error code not in the contract", "auth-codes")


def test_a_published_expectation_names_no_assumption() -> None:
    violation = _violation(
        broken_mocks.Broken(create_app(admin=True), hooks.forgets_imports),
        hooks.import_then_get_returns_number_and_client_env,
        "importPhoneNumber",
        **IMPORT_SANDBOX,
    )

    assert violation.assumption is None
