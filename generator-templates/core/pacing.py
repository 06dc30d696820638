"""How ``wait()`` passes time between polls: the seam a test replaces so that no test sleeps.

``outbound_calls.wait()`` (and its asyncio twin) looks these three functions up here at each call,
not when the package is imported, so replacing them takes effect at once::

    import polyai_telephony.pacing as pacing

    monkeypatch.setattr(pacing, "sleep", fake_sleep)  # e.g. one that moves a mock's clock instead

``sleep`` and ``async_sleep`` wait, ``monotonic`` tells the time that ``timeout=`` is counted in;
a replacement keeps their signatures. A ``sleep=`` or ``clock=`` passed to ``wait()`` itself still
wins over these. The retries of a single request wait through ``RetryPolicy.sleep`` instead.
"""

import asyncio
import time


def sleep(seconds: float) -> None:
    """Block for *seconds* (``time.sleep``)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Suspend for *seconds* (``asyncio.sleep``)."""
    await asyncio.sleep(seconds)


def monotonic() -> float:
    """Seconds on a clock that never goes back (``time.monotonic``)."""
    return time.monotonic()
