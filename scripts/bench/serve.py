"""Serve the mock or the ceiling on one of the server stacks the benchmark compares.

    default  uvicorn as the mock ships: httptools and uvloop (the mock with its envelope protocol)
    h11      uvicorn's fallback where no wheel exists: h11 and asyncio
    granian  granian, a server written in Rust, with its ASGI interface and uvloop

The mock and the ceiling get identical server settings on a stack, so the comparison measures the
apps, not the options. Access logs are off: a log line per request would measure the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ceiling

STACKS = ("default", "h11", "granian")


def build_app() -> Any:
    """The app named by BENCH_APP (granian imports this in its worker process)."""
    if os.environ["BENCH_APP"] == "mock":
        from telephony_mock import create_app

        return create_app(admin=True, state_path=os.environ.get("BENCH_STATE") or None)
    return ceiling.create_app(Path(os.environ["BENCH_ANSWERS"]))


def serve_granian(port: int) -> None:
    from granian.constants import Interfaces, Loops
    from granian.server import Server

    server = Server(
        "serve:build_app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        runtime_threads=1,
        loop=Loops.uvloop,
        websockets=False,
        log_enabled=False,
        factory=True,
    )
    server.serve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("app", choices=["mock", "ceiling"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--answers", type=Path, help="the ceiling's fixed answers (JSON)")
    parser.add_argument("--state", type=Path, help="the mock's SQLite state file")
    parser.add_argument("--stack", choices=STACKS, default="default")
    parser.add_argument(
        "--one-piece-lists",
        action="store_true",
        help="send every list in one piece, as the mock did before it paged long ones (a reference)",
    )
    args = parser.parse_args()
    if args.one_piece_lists:
        from telephony_mock import _paged_answers

        _paged_answers.PAGE = sys.maxsize
    os.environ.update(BENCH_APP=args.app, BENCH_ANSWERS=str(args.answers or ""), BENCH_STATE=str(args.state or ""))

    if args.stack == "granian":
        serve_granian(args.port)
        return
    from telephony_mock._server import choose_stack, serve

    # Named outright, so that a missing parser fails the run instead of falling back.
    stack = choose_stack("httptools" if args.stack == "default" else "h11")
    if args.app == "mock":
        serve(build_app(), host="127.0.0.1", port=args.port, stack=stack)
    else:
        # uvicorn's stock protocol for the stack: what any bare app on it gets.
        uvicorn.run(
            build_app(),
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
            access_log=False,
            http=stack.http,
            loop=stack.loop,
        )


if __name__ == "__main__":
    main()
