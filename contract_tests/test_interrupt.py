"""A signal stops the engine at once, and never cuts the guard's teardown or the reports in half."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contract_tests import interrupt


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    interrupt.clear()
    yield
    interrupt.clear()


def test_outside_the_engine_a_stop_is_only_recorded() -> None:
    interrupt.request("SIGTERM")  # while reports are written, say: nothing is raised

    assert interrupt.requested() == "SIGTERM"


def test_an_engine_asked_to_stop_before_it_starts_does_not_start() -> None:
    interrupt.request("SIGTERM")
    started = False

    with pytest.raises(KeyboardInterrupt), interrupt.engine():
        started = True

    assert not started


def test_inside_the_engine_the_first_stop_interrupts_and_a_second_is_ignored() -> None:
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"), interrupt.engine():
        interrupt.request("SIGTERM")

    interrupt.request("SIGINT")  # while the interrupted run writes its reports

    assert interrupt.requested() == "SIGTERM"
