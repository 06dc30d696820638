"""The `single-credential` assumption is tested each run: a read sent with the key header twice.

`key_sent_twice_is_refused` repeats a successful number list with the run's key and an invalid
one, in both orders, and with the run's key twice. Against the mock each answer is 401 and the
ledger calls the assumption confirmed; against a mock that acts for the last key the check
reports it refuted; through the safety guard both headers reach the service unmerged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
from polyai_telephony import RetryPolicy

from contract_tests import broken_mocks, hooks, ledger, runner
from contract_tests.annotations import Contract
from contract_tests.attribution import ASSUMPTION, TOOLKIT, attribute
from contract_tests.guard import Guard, RealTarget
from contract_tests.target import mock_credentials
from telephony_contract import CORRELATION_HEADER, error_envelope, load_catalogue
from telephony_mock import PolyAIMock, create_app

AGENT, KEY = mock_credentials(runner.load_settings())
CONTRACT = Contract.load(runner.SPEC)
PROBED = hooks.registry().probed[hooks.SINGLE_CREDENTIAL]
# Only the probed read, a few cases of it, no stateful sequences: the probe needs one 200.
ONLY_THE_READ = {
    "generation": {"max-examples": 3},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"


def _run(app: Any, api_key: str = KEY) -> tuple[runner.Outcome, dict[str, ledger.Line]]:
    others = [operation for operation in load_catalogue() if operation != PROBED]
    schema = runner.build_schema(
        runner.PROFILES["ci"], agent_id=AGENT, api_key=api_key, exclude_operations=others, overrides=ONLY_THE_READ
    )
    outcome = runner.run(schema, app=app)
    attributed = [(finding, attribute(finding, CONTRACT)) for finding in outcome.findings]
    lines = ledger.build(
        CONTRACT, outcome.exchanges, attributed, not_tested=outcome.not_tested, probed=hooks.registry().probed
    )
    return outcome, {line.assumption.id: line for line in lines}


def _probes(outcome: runner.Outcome) -> list[tuple[str, int | None, str | None]]:
    return [
        (exchange.operation, exchange.status, exchange.error_code)
        for exchange in outcome.exchanges
        if exchange.probe == hooks.SINGLE_CREDENTIAL
    ]


def test_the_mock_refuses_every_probe_and_the_ledger_confirms_the_assumption() -> None:
    outcome, lines = _run(create_app(admin=True))

    assert outcome.passed, [finding.title for finding in outcome.findings]
    # Once per run: the run's key with an invalid one in both orders, and the run's key twice.
    assert _probes(outcome) == [(PROBED, 401, "AUTH_USER_UNAUTHORISED")] * 3
    line = lines[hooks.SINGLE_CREDENTIAL]
    assert (line.state, line.exercised) == (ledger.CONFIRMED, 3)


def test_a_service_that_picks_one_key_refutes_the_assumption() -> None:
    outcome, lines = _run(broken_mocks.Broken(create_app(admin=True), hooks.acts_for_the_last_key))

    (finding,) = outcome.new_findings
    assert finding.identity == ("key_sent_twice_is_refused", PROBED, "two keys accepted")
    # Acting for the last key: an invalid key then the run's is served, and so is the run's twice.
    assert "an invalid key, then the run's" in finding.message
    assert "the run's key twice" in finding.message
    assert "the run's key, then an invalid one" not in finding.message
    attribution = attribute(finding, CONTRACT)
    assert (attribution.klass, attribution.assumptions) == (ASSUMPTION, (hooks.SINGLE_CREDENTIAL,))
    line = lines[hooks.SINGLE_CREDENTIAL]
    assert (line.state, line.findings) == (ledger.REFUTED, [finding.id])


def _unavailable_to_two_keys(times: int) -> broken_mocks.Handler:
    """The first `times` requests carrying a repeated header answer 503; the rest are served."""
    answered = 0

    async def handler(app: Any, exchange: broken_mocks.Exchange) -> None:
        nonlocal answered
        if exchange.repeated_headers and answered < times:
            answered += 1
            exchange.status = 503
            exchange.response_headers = [("content-type", "application/json"), (CORRELATION_HEADER, "busy")]
            exchange.set_json(error_envelope("SERVICE_UNAVAILABLE", "Busy.", "busy"))
            return
        await exchange.forward(app)

    return handler


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "FOLLOW_UP_RETRY", RetryPolicy(sleep=lambda seconds: None))


@pytest.mark.usefixtures("no_waiting")
def test_a_probe_answered_503_is_retried_as_a_follow_up_read_is() -> None:
    outcome, lines = _run(broken_mocks.Broken(create_app(admin=True), _unavailable_to_two_keys(2)))

    assert outcome.passed, [finding.title for finding in outcome.findings]
    assert lines[hooks.SINGLE_CREDENTIAL].state == ledger.CONFIRMED


@pytest.mark.usefixtures("no_waiting")
def test_a_probe_that_keeps_failing_is_the_toolkits_finding_not_a_refutation() -> None:
    outcome, lines = _run(broken_mocks.Broken(create_app(admin=True), _unavailable_to_two_keys(1000)))

    (finding,) = outcome.new_findings
    assert (finding.check, finding.kind, finding.toolkit) == (
        "key_sent_twice_is_refused",
        "follow-up read failed",
        True,
    )
    assert attribute(finding, CONTRACT).klass == TOOLKIT
    assert lines[hooks.SINGLE_CREDENTIAL].state == ledger.NOT_EXERCISED


def test_an_unreached_probe_is_named_as_not_tested() -> None:
    lines = ledger.build(CONTRACT, [], [], not_tested={PROBED: "left out"}, probed=hooks.registry().probed)

    line = {line.assumption.id: line for line in lines}[hooks.SINGLE_CREDENTIAL]
    assert line.state == ledger.NOT_EXERCISED
    assert line.why == f"not tested against this target: {PROBED} (left out)"


@pytest.fixture
def guard() -> Iterator[Guard]:
    """The guard in front of the mock on loopback, as in front of a real service."""
    with PolyAIMock(admin=True, auto_advance=False) as mock, Guard(RealTarget(mock.serve(), AGENT, KEY)) as guard:
        yield guard


def _through(guard: Guard, keys: list[str]) -> httpx.Response:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guard), base_url="http://guard") as client:
            return await client.get(NUMBERS, headers=[("X-API-KEY", key) for key in keys])

    return anyio.run(send)


def test_the_guard_forwards_both_key_headers_and_swaps_only_its_own_key(guard: Guard) -> None:
    assert _through(guard, [guard.suite_key]).status_code == 200
    # Merged into one header, either of these would reach the service as the real key alone.
    assert _through(guard, [guard.suite_key, hooks.PROBE_INVALID_KEY]).status_code == 401
    assert _through(guard, [guard.suite_key, guard.suite_key]).status_code == 401
    assert [sent.status for sent in guard.sent] == [200, 401, 401]
    assert guard.refusals == []


def test_the_probe_passes_the_guard_and_reaches_the_service(guard: Guard) -> None:
    outcome, lines = _run(guard, api_key=guard.suite_key)

    assert outcome.passed, [finding.title for finding in outcome.findings]
    assert _probes(outcome) == [(PROBED, 401, "AUTH_USER_UNAUTHORISED")] * 3
    assert lines[hooks.SINGLE_CREDENTIAL].state == ledger.CONFIRMED
    assert guard.refusals == []
