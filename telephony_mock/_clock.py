"""The mock's clock: wall time plus an offset that only moves forward.

Simulated outbound calls unfold on it. `POST /_admin/clock` advances it, so a test can take a
call from QUEUED to its outcome, or past the status's retention, without sleeping. The offset is
kept in the store, so every process serving one state file reads the same clock.
"""

from __future__ import annotations

import time

from ._store import Store


class MockClock:
    def __init__(self, store: Store) -> None:
        self._store = store

    def now(self) -> float:
        return time.time() + self._store.clock_offset()

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the mock's clock only moves forward")
        return time.time() + self._store.advance_clock(seconds)
