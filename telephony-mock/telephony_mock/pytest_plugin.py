"""The test kit's pytest fixtures (`polyai_mock`, `polyai_client`; README: "Testing your code with it").

A fresh in-process mock per test, with no port and no thread, so tests are independent and safe
under pytest-xdist. Loading the plugin imports nothing of the mock: every pytest run in an
environment with this package loads it, and one that asks for neither fixture pays nothing.
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
