"""Control of the mock from Python: seeding, scripted calls, the clock, faults, the request log, reset.

Every test here takes the plugin's fixtures as a user's test would: `polyai_mock`, a fresh mock in
this process, and `polyai_client`, a `PolyAI` already pointed at it.
"""

from __future__ import annotations

import time

import pytest
from polyai_telephony import ConflictError, NotFoundError, PolyAI, ServerError, pacing

from telephony_mock import PolyAIMock

NUMBER = "+447700900123"
OTHER_NUMBER = "+447700900124"
# default-config.yaml: a call is QUEUED 2 s, then CALLING 30 s.
QUEUED, CALLING = 2.0, 30.0


def test_each_test_gets_the_seed_state_and_an_empty_log(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    assert [n.number for n in polyai_client.phone_numbers.list().phone_numbers] == ["+442079460001", "+442079460002"]
    assert polyai_mock.calls.of("listPhoneNumbers").call_count == 1


def test_seeded_numbers_are_the_agents_and_routed_as_asked(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    assert polyai_mock.seed_numbers([NUMBER], client_env="live", connector_id="conn-dev-en") == [NUMBER]

    number = polyai_client.phone_numbers.get(NUMBER)
    assert (number.client_env, number.connector_id) == ("live", "conn-dev-en")
    assert NUMBER in [n.number for n in polyai_client.phone_numbers.list(connector_id="conn-dev-en").phone_numbers]


def test_seeding_refuses_what_the_api_refuses_naming_it(polyai_mock: PolyAIMock) -> None:
    polyai_mock.seed_numbers([NUMBER])
    with pytest.raises(ValueError, match=r"\+447700900123 has already been imported"):
        polyai_mock.seed_numbers([OTHER_NUMBER, NUMBER])
    with pytest.raises(ValueError, match="seed_numbers"):
        polyai_mock.seed_numbers(["07700 900125"])
    with pytest.raises(ValueError, match="no agent 'agent-nobody'"):
        polyai_mock.seed_numbers([OTHER_NUMBER], agent_id="agent-nobody")
    with pytest.raises(ValueError, match="conn-missing does not exist"):
        polyai_mock.seed_numbers([OTHER_NUMBER], connector_id="conn-missing")


def test_a_seeded_connector_is_served_and_routable(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    record = polyai_mock.seed_connector("conn-kit", name="Kit line", client_env="sandbox")
    assert record["projectId"] == "proj-dev"

    assert polyai_client.connectors.get("conn-kit").name == "Kit line"
    polyai_mock.seed_numbers([NUMBER])
    assert polyai_client.phone_numbers.reassign(NUMBER, "conn-kit").connector_id == "conn-kit"


def test_a_connector_the_contract_or_config_would_refuse_is_refused(polyai_mock: PolyAIMock) -> None:
    with pytest.raises(ValueError, match="exists already"):
        polyai_mock.seed_connector("conn-dev-en", name="Again")
    with pytest.raises(ValueError, match="not in the config's voices"):
        polyai_mock.seed_connector("conn-kit", name="Kit", voice_name="no-such-voice")
    with pytest.raises(ValueError, match="name: 42 is not of type"):
        polyai_mock.seed_connector("conn-kit", name=42)  # type: ignore[arg-type]


def test_a_waited_call_ends_as_scripted_without_sleeping(
    polyai_mock: PolyAIMock, polyai_client: PolyAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_real_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for real")

    monkeypatch.setattr(time, "sleep", no_real_sleep)
    polyai_mock.script_outcome(OTHER_NUMBER, "FAILURE", reason="busy")
    before = polyai_mock.clock.now()

    call = polyai_client.outbound_calls.trigger(OTHER_NUMBER, "sandbox")
    ended = polyai_client.outbound_calls.wait(call.call_sid, environment="sandbox")

    assert (ended.status, ended.reason) == ("FAILURE", "busy")
    assert polyai_mock.clock.now() - before >= QUEUED + CALLING, "the waits moved the mock's clock"


def test_a_wait_times_out_on_the_mocks_time(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    from polyai_telephony import WaitTimeoutError

    call = polyai_client.outbound_calls.trigger(NUMBER, "sandbox")
    with pytest.raises(WaitTimeoutError) as caught:
        polyai_client.outbound_calls.wait(call.call_sid, environment="sandbox", timeout=10)
    assert caught.value.waited == pytest.approx(10, abs=0.5)


@pytest.mark.polyai_mock(auto_advance=False)
def test_without_auto_advance_the_test_moves_the_clock(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    assert pacing.sleep is not polyai_mock._skip  # the SDK's own pacing, untouched
    call = polyai_client.outbound_calls.trigger(NUMBER, "sandbox")
    status = polyai_client.outbound_calls.status
    assert status(call.call_sid, environment="sandbox").status == "QUEUED"
    polyai_mock.advance(QUEUED)
    assert status(call.call_sid, environment="sandbox").status == "CALLING"
    polyai_mock.advance(CALLING)
    assert status(call.call_sid, environment="sandbox").status == "SUCCESS"


def test_pacing_is_given_back_when_the_mock_closes() -> None:
    original = (pacing.sleep, pacing.async_sleep, pacing.monotonic)
    with PolyAIMock() as mock:
        assert pacing.sleep != original[0]
        with PolyAIMock(auto_advance=False):
            pass
        assert pacing.sleep == mock._skip
    assert (pacing.sleep, pacing.async_sleep, pacing.monotonic) == original


def test_a_fault_answers_the_next_requests_of_its_operation_only(
    polyai_mock: PolyAIMock, polyai_client: PolyAI
) -> None:
    polyai_mock.fail_next("getPhoneNumber", 503, times=2)

    with pytest.raises(ServerError) as caught:
        polyai_client.phone_numbers.get("+442079460001", retry=None)
    assert caught.value.status == 503
    assert polyai_client.phone_numbers.list().phone_numbers, "another operation is not affected"
    with pytest.raises(ServerError):
        polyai_client.phone_numbers.get("+442079460001", retry=None)
    assert polyai_client.phone_numbers.get("+442079460001").number == "+442079460001"
    assert [call.status for call in polyai_mock.calls.of("getPhoneNumber")] == [503, 503, 200]


def test_the_kits_client_retries_a_429_on_the_mocks_clock(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    polyai_mock.fail_next("getPhoneNumber", 429, retry_after=30)
    started = time.monotonic()

    assert polyai_client.phone_numbers.get("+442079460001").number == "+442079460001"

    assert time.monotonic() - started < 5, "Retry-After: 30 was waited on the mock's clock"
    assert polyai_mock.calls.of("getPhoneNumber")[0].response.headers["Retry-After"] == "30"


def test_a_fault_the_operation_cannot_answer_is_refused_naming_it(polyai_mock: PolyAIMock) -> None:
    with pytest.raises(ValueError, match="getPhoneNumber does not declare status 418"):
        polyai_mock.fail_next("getPhoneNumber", 418)
    with pytest.raises(ValueError, match="no operation 'getPhone'"):
        polyai_mock.fail_next("getPhone", 503)
    with pytest.raises(ValueError, match="at least 1"):
        polyai_mock.fail_next("getPhoneNumber", 503, times=0)


def test_the_log_tells_what_the_code_sent_and_its_helpers_fail_when_it_did_not(
    polyai_mock: PolyAIMock, polyai_client: PolyAI
) -> None:
    polyai_mock.seed_numbers([NUMBER])
    polyai_client.phone_numbers.reassign(NUMBER, "conn-dev-en")
    with pytest.raises(NotFoundError):
        polyai_client.phone_numbers.get(OTHER_NUMBER)

    reassigned = polyai_mock.calls.of("reassignPhoneNumber").assert_called_once()
    assert reassigned.request_json() == {"connectorId": "conn-dev-en"}
    assert reassigned.request.url.raw_path.endswith(b"/phone-numbers/%2B447700900123")
    assert reassigned.request.headers["X-API-KEY"] == polyai_mock.api_key
    assert polyai_mock.calls.last.response.status_code == 404
    assert polyai_mock.calls.last.response_json()["error_code"] == "PHONE_NUMBERS_NOT_FOUND"

    polyai_mock.calls.of("deletePhoneNumber").assert_not_called()
    with pytest.raises(AssertionError, match="expected no call, got 1"):
        polyai_mock.calls.of("reassignPhoneNumber").assert_not_called()
    polyai_mock.calls.assert_called(times=2)
    with pytest.raises(AssertionError, match=r"expected 3 call\(s\), got 2"):
        polyai_mock.calls.assert_called(times=3)
    with pytest.raises(ValueError, match="no operation 'reassign'"):
        polyai_mock.calls.of("reassign")


def test_reset_returns_to_the_seed_state_and_forgets_the_test_so_far(
    polyai_mock: PolyAIMock, polyai_client: PolyAI
) -> None:
    polyai_mock.seed_numbers([NUMBER])
    polyai_mock.fail_next("listPhoneNumbers", 503)
    polyai_mock.script_outcome(NUMBER, "FAILURE", reason="busy")

    polyai_mock.reset()

    polyai_mock.calls.assert_not_called()
    assert NUMBER not in [n.number for n in polyai_client.phone_numbers.list().phone_numbers], "and no 503"
    call = polyai_client.outbound_calls.trigger(NUMBER, "sandbox")
    assert polyai_client.outbound_calls.wait(call.call_sid, environment="sandbox").status == "SUCCESS"


def test_a_duplicate_import_is_a_conflict_for_a_seeded_number(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    polyai_mock.seed_numbers([NUMBER])
    with pytest.raises(ConflictError):
        polyai_client.phone_numbers.import_([NUMBER])
