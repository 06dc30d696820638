"""Serve the mock or the ceiling with one and the same uvicorn configuration.

Both go through `uvicorn.run` with identical settings, so the comparison measures the apps and
not the server options. Access logs are off for both: writing a log line per request would
measure the terminal, not the app.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ceiling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("app", choices=["mock", "ceiling"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--answers", type=Path, help="the ceiling's fixed answers (JSON)")
    parser.add_argument("--state", type=Path, help="the mock's SQLite state file")
    parser.add_argument("--fast-stack", action="store_true", help="uvicorn's C parser (httptools) and uvloop")
    args = parser.parse_args()

    if args.app == "mock":
        from telephony_mock import create_app

        app = create_app(admin=True, state_path=args.state)
    else:
        app = ceiling.create_app(args.answers)
    # Named outright, so that a missing module fails the run instead of falling back to h11.
    http, loop = ("httptools", "uvloop") if args.fast_stack else ("h11", "asyncio")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, http=http, loop=loop)


if __name__ == "__main__":
    main()
