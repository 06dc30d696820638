"""The mock's clock: wall time plus an offset that only moves forward.

Simulated outbound calls unfold on it. `POST /_admin/clock` advances it, so a test can take a
call from QUEUED to its outcome, or past the status's retention, without sleeping.
"""

from __future__ import annotations

import threading
import time


class MockClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the mock's clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()
