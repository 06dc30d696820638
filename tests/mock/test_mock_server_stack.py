"""Which server stack the mock picks: the C parser and uvloop where installed, h11 and asyncio elsewhere."""

from __future__ import annotations

import pytest

from telephony_mock import __main__ as cli
from telephony_mock import _server
from telephony_mock._errors import Answer
from telephony_mock._h11_protocol import EnvelopeH11Protocol
from telephony_mock._server import H11_STACK, Stack, StackError, choose_stack, default_stack


@pytest.fixture
def no_wheels(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine where httptools and uvloop could not be installed (no wheel for it)."""
    monkeypatch.setattr(_server, "_installed", lambda module: module not in ("httptools", "uvloop"))


def test_the_fast_stack_is_the_default_where_installed() -> None:
    assert default_stack() == Stack(http="httptools", loop="uvloop")
    assert choose_stack(None) == default_stack()
    assert choose_stack("h11") == H11_STACK


@pytest.mark.usefixtures("no_wheels")
def test_without_the_wheels_the_mock_falls_back_to_h11_and_asyncio() -> None:
    assert default_stack() == H11_STACK
    assert choose_stack(None) == H11_STACK
    with pytest.raises(StackError, match="httptools parser is not installed"):
        choose_stack("httptools")


@pytest.mark.usefixtures("no_wheels")
def test_asking_for_a_parser_that_is_missing_stops_the_mock_before_it_serves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--http", "httptools", "--port", "1"]) == 2
    assert "httptools parser is not installed" in capsys.readouterr().err


def test_each_stack_gets_a_protocol_that_answers_refusals_in_the_envelope() -> None:
    class Source:
        def unreadable_request(self) -> Answer:
            raise AssertionError("not called here")

    source = Source()
    h11_protocol = _server.protocol_class(H11_STACK, source)
    assert issubclass(h11_protocol, EnvelopeH11Protocol)
    assert h11_protocol.source is source  # type: ignore[attr-defined]
    fast = _server.protocol_class(default_stack(), source)
    from telephony_mock._httptools_protocol import EnvelopeHttpToolsProtocol

    assert issubclass(fast, EnvelopeHttpToolsProtocol)
    assert fast.handover.source is source  # type: ignore[attr-defined]
