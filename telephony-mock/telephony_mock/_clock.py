"""The mock's clock: wall time plus an offset that only moves forward.

Simulated outbound calls unfold on it. `POST /_admin/clock` advances it, so a test can take a
call from QUEUED to its outcome, or past the status's retention, without sleeping. The app keeps
the offset in its store, so every process serving one state file reads the same clock; a clock
made without a store keeps its offset itself. `wall` is where the time comes from: the wall clock,
or (for a replay of recorded traffic) the recorded time of the request being replayed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ._store import Store


class MockClock:
    def __init__(self, store: Store | None = None, wall: Callable[[], float] = time.time) -> None:
        self._store = store
        self._wall = wall
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._wall() + (self._store.clock_offset() if self._store is not None else self._offset)

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the mock's clock only moves forward")
        if self._store is not None:
            return self._wall() + self._store.advance_clock(seconds)
        with self._lock:
            self._offset += seconds
            return self._wall() + self._offset
