"""The test kit's pytest fixtures, registered by this package's `pytest11` entry point.

    def test_reassign(polyai_mock, polyai_client):
        polyai_mock.seed_numbers(["+447700900123"])
        polyai_client.phone_numbers.reassign("+447700900123", "conn-dev-en")
        polyai_mock.calls.of("reassignPhoneNumber").assert_called_once()

`polyai_mock` is a fresh `PolyAIMock` for each test, in this process, with no port and no thread,
so tests are independent and safe under pytest-xdist. `polyai_client` is a `PolyAI` already
pointed at it; for `AsyncPolyAI`, `async with polyai_mock.async_client() as client:` in the test.
`@pytest.mark.polyai_mock(config=..., auto_advance=False)` changes how a test's mock is built; it
takes `PolyAIMock`'s arguments (`state=`, `faults=`, `admin=`, `rules=` among them).

Loading this plugin imports nothing of the mock: a test session that asks for neither fixture
pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from polyai_telephony import PolyAI

    from .kit import PolyAIMock

_MARKER = "polyai_mock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(config=None, auto_advance=True, validate_responses=False, state=None, faults=False, "
        "admin=False, rules=None): "
        "how the polyai_mock fixture builds this test's mock (telephony_mock.PolyAIMock's arguments)",
    )


@pytest.fixture
def polyai_mock(request: pytest.FixtureRequest) -> Iterator[PolyAIMock]:
    """A fresh in-process mock of the telephony API for this test, closed after it."""
    from .kit import PolyAIMock

    marker = request.node.get_closest_marker(_MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    with PolyAIMock(**options) as mock:
        yield mock


@pytest.fixture
def polyai_client(polyai_mock: PolyAIMock) -> PolyAI:
    """A `PolyAI` on `polyai_mock`, with its development key and first agent (closed with the mock)."""
    return polyai_mock.client()
