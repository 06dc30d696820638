"""`telephony-mock --workers N`: N processes serving one state file, on one listening socket.

The parent binds the socket and forks the workers; each builds its own app after the fork (a
SQLite connection must not cross a fork) and accepts from the shared socket, so the kernel hands
each new connection to whichever worker is free. Everything the workers must agree on lives in
the store (`_store.py`), so any of them answers a request as any other would. The parent only
passes SIGTERM and SIGINT on and waits; when one worker dies, it stops the others and exits 1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType


def serve_workers(workers: int, host: str, port: int, backlog: int, serve_one: Callable[[socket.socket], None]) -> int:
    """Fork `workers` processes that each run `serve_one(listening_socket)`; their exit status."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=backlog)
    listener.set_inheritable(True)
    children: set[int] = set()
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            _run_worker(listener, serve_one)
        children.add(pid)
    listener.close()

    stopping = False

    def pass_on(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            _signal(child, signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    status = 0
    while children:
        pid, wait_status = os.wait()
        children.discard(pid)
        # A worker told to stop may end by the signal itself (uvicorn raises it again on exit).
        if os.waitstatus_to_exitcode(wait_status) != 0 and status == 0 and not stopping:
            status = 1
            print(f"telephony-mock: worker {pid} exited unexpectedly; stopping the others", file=sys.stderr)
            for child in children:
                _signal(child, signal.SIGTERM)
    return status


def _run_worker(listener: socket.socket, serve_one: Callable[[socket.socket], None]) -> None:
    code = 0
    try:
        serve_one(listener)
    except BaseException as exc:  # a worker never returns into the parent's code
        print(f"telephony-mock: worker {os.getpid()}: {exc!r}", file=sys.stderr)
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
