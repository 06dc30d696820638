"""The pytest plugin as a user meets it: registered by the package, inert until asked, a fresh mock per test.

Each test here runs a small user suite in a pytest of its own (pytester, in a subprocess), so the
plugin is loaded exactly as in a user's project: from the package's `pytest11` entry point.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_SUITE = """
import sys

import pytest

NUMBER = "+447700900123"


def test_inert_unless_asked():
    assert "telephony_mock.kit" not in sys.modules, "the plugin imported the mock for a test that did not ask"


def test_one_seeds_a_number(polyai_mock, polyai_client):
    polyai_mock.seed_numbers([NUMBER])
    assert NUMBER in [n.number for n in polyai_client.phone_numbers.list().phone_numbers]


def test_the_next_test_does_not_see_it(polyai_mock, polyai_client):
    assert NUMBER not in [n.number for n in polyai_client.phone_numbers.list().phone_numbers]
    polyai_mock.calls.of("listPhoneNumbers").assert_called_once()


@pytest.mark.polyai_mock(config={
    "accounts": [{"id": "acct-own", "api_keys": ["own-key"], "agents": [{"id": "agent-own", "project": "proj-own"}]}]
})
def test_a_marker_gives_a_config_of_its_own(polyai_mock, polyai_client):
    assert (polyai_mock.api_key, polyai_client.agent_id) == ("own-key", "agent-own")
    assert polyai_client.phone_numbers.list().phone_numbers == []
"""


def test_a_user_suite_gets_a_fresh_mock_per_test_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_SUITE)
    # -p no:cacheprovider: nothing written beside the suite; the plugin comes from its entry point.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", "-q")
    result.assert_outcomes(passed=4)


def test_the_fixtures_and_the_marker_are_listed_for_users(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*polyai_mock*", "*fresh in-process mock*", "*polyai_client*"])
    markers = pytester.runpytest_inprocess("--markers", "-p", "no:cacheprovider")
    markers.stdout.fnmatch_lines(["@pytest.mark.polyai_mock(config=None, auto_advance=True*"])


@pytest.mark.slow  # two more pytest processes start: about half a minute on a busy machine
def test_parallel_workers_each_get_their_own_mocks(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_user=USER_SUITE.replace("def test_inert_unless_asked", "def _not_under_xdist"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "-q")
    result.assert_outcomes(passed=3)
