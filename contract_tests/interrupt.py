"""Stopping a run on a signal: the engine stops at once, and what follows it runs to the end.

The command line routes SIGTERM and SIGINT to `request`. While the engine runs, the first request
interrupts it (a KeyboardInterrupt, which `runner.run` turns into an interrupted outcome). Anywhere
else it is only recorded: a signal that lands while the guard releases numbers or the reports are
being written cannot cut them in half, and a run whose engine has not started yet starts none. A
second signal is ignored; the reports it would cut short are what the first one is waiting for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class _State:
    requested: str | None = None
    engine_running: bool = False


_STATE = _State()


def request(name: str) -> None:
    """Ask the run to stop, naming why (a signal's name)."""
    first = _STATE.requested is None
    _STATE.requested = _STATE.requested or name
    if first and _STATE.engine_running:
        raise KeyboardInterrupt(name)


def requested() -> str | None:
    """Why the run was asked to stop, or None."""
    return _STATE.requested


def clear() -> None:
    """Forget an earlier request: a fresh run in the same process starts unasked."""
    _STATE.requested = None


@contextmanager
def engine() -> Iterator[None]:
    """The span in which a stop request interrupts at once; entered after one, it interrupts at once."""
    if _STATE.requested is not None:
        raise KeyboardInterrupt(_STATE.requested)
    _STATE.engine_running = True
    try:
        yield
    finally:
        _STATE.engine_running = False
