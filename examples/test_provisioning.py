"""Tests of provisioning.py with the mock's pytest plugin: no server, no network, no sleeping.

`polyai_mock` is a fresh mock for each test and `polyai_client` a `PolyAI` pointed at it; both
come with `pip install ./telephony-mock`, nothing to configure.
"""

from __future__ import annotations

import pytest
from polyai_telephony import PolyAI
from provisioning import UnknownConnector, main, provision, ring

from telephony_mock import PolyAIMock, mocked

CONNECTOR = "conn-dev-en"  # a connector of the mock's default config
NUMBERS = ["+447700900123", "+447700900124"]


def test_numbers_are_imported_and_routed(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    result = provision(polyai_client, CONNECTOR, NUMBERS)

    assert (result.imported, result.kept, result.routed) == (NUMBERS, [], NUMBERS)
    routed = polyai_client.phone_numbers.list(connector_id=CONNECTOR).phone_numbers
    assert set(NUMBERS) <= {n.number for n in routed}
    polyai_mock.calls.of("importPhoneNumbers").assert_called_once()
    assert polyai_mock.calls.of("reassignPhoneNumber").call_count == 2


def test_a_number_imported_before_is_kept(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    polyai_mock.seed_numbers([NUMBERS[0]])  # the 409 path

    result = provision(polyai_client, CONNECTOR, NUMBERS)

    assert (result.imported, result.kept) == ([NUMBERS[1]], [NUMBERS[0]])
    assert [call.status for call in polyai_mock.calls.of("importPhoneNumbers")] == [409]
    assert [call.status for call in polyai_mock.calls.of("importPhoneNumber")] == [409, 201]


def test_running_it_again_changes_nothing(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    provision(polyai_client, CONNECTOR, NUMBERS)

    again = provision(polyai_client, CONNECTOR, NUMBERS)

    assert (again.imported, again.kept, again.routed) == ([], NUMBERS, [])


def test_an_unknown_connector_stops_before_any_change(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    with pytest.raises(UnknownConnector):
        provision(polyai_client, "conn-nowhere", NUMBERS)  # the 404 path

    polyai_mock.calls.of("importPhoneNumbers").assert_not_called()
    polyai_mock.calls.of("reassignPhoneNumber").assert_not_called()


def test_a_brief_outage_is_ridden_out(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    polyai_mock.fail_next("listPhoneNumbers", 503, times=2)  # a read: the client retries it

    assert provision(polyai_client, CONNECTOR, NUMBERS).routed == NUMBERS


def test_ring_waits_for_the_calls_outcome(polyai_mock: PolyAIMock, polyai_client: PolyAI) -> None:
    polyai_mock.script_outcome(NUMBERS[1], "FAILURE", reason="busy")

    assert ring(polyai_client, NUMBERS[0]).status == "SUCCESS"  # 32 s of the mock's time, none of ours
    failed = ring(polyai_client, NUMBERS[1])
    assert (failed.status, failed.reason) == ("FAILURE", "busy")


def test_the_command_line_against_the_mock(capsys: pytest.CaptureFixture[str]) -> None:
    # main() builds its own PolyAI() from the environment: mocked() serves the mock on a local
    # port and points POLYAI_BASE_URL, POLYAI_API_KEY and POLYAI_AGENT_ID at it.
    with mocked() as mock:
        assert main([CONNECTOR, *NUMBERS, "--ring", NUMBERS[0]]) == 0
        assert main(["conn-nowhere", NUMBERS[0]]) == 2
    assert capsys.readouterr().out.splitlines() == ["imported 2, kept 0, routed 2", f"call to {NUMBERS[0]}: SUCCESS"]
    mock.calls.of("triggerOutboundCall").assert_called_once()
