"""`telephony-mock` / `python -m telephony_mock`: serve the mock (see _server.py for the server stack)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence

from ._admin import KEY_HEADER as ADMIN_KEY_HEADER
from ._admin import refuse_open_admin
from ._config import ConfigError, load_config, with_admin_key_from_env
from ._connection_limits import ConnectionLimits
from ._server import StackError, choose_stack, listen_backlog, serve
from ._spec import SpecError
from ._workers import serve_workers
from .app import create_app


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < 86_400:
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds between 0 and 86400")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


# The --header-timeout ... --max-connections flags, one per field of ConnectionLimits.
_LIMITS = [
    (
        "header_timeout",
        _positive_seconds,
        "SECONDS",
        "answer 408 and close when a request's head is not in within this",
    ),
    (
        "body_timeout",
        _positive_seconds,
        "SECONDS",
        "answer 408 and close when a body is not in within this of its head",
    ),
    ("keep_alive_timeout", _positive_seconds, "SECONDS", "close a connection idle this long between requests"),
    ("max_connections", _positive_int, "N", "answer 503 and close any connection over this many open at once"),
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="telephony-mock", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--config", help="config file (default: the bundled default-config.yaml)")
    parser.add_argument("--state", metavar="FILE.sqlite3", help="keep state in this SQLite file across restarts")
    parser.add_argument(
        "--admin",
        action="store_true",
        help="serve POST /_admin/reset, /_admin/seed and /_admin/clock (a non-loopback host needs an admin key)",
    )
    parser.add_argument("--faults", action="store_true", help="honour the X-Mock-Fault request header")
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="serve from N processes sharing the --state file (needs --state; default 1)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log one line per request to stderr: peer, method, path, status, time taken, correlation id",
    )
    defaults = ConnectionLimits()
    for field, kind, metavar, what in _LIMITS:
        parser.add_argument(
            "--" + field.replace("_", "-"),
            type=kind,
            default=getattr(defaults, field),
            metavar=metavar,
            help=what + " (default %(default)s)",
        )
    parser.add_argument(
        "--http",
        choices=["httptools", "h11"],
        help="uvicorn's HTTP parser (default: httptools with uvloop where installed, else h11 with asyncio)",
    )
    args = parser.parse_args(argv)

    if args.workers > 1 and not args.state:
        print(
            f"telephony-mock: --workers {args.workers} needs --state FILE.sqlite3: the memory store lives inside "
            "one process, so the other workers could not see its state",
            file=sys.stderr,
        )
        return 2
    try:
        stack = choose_stack(args.http)
        config = with_admin_key_from_env(load_config(args.config), os.environ)
        if args.admin:
            refuse_open_admin(args.host, config.admin_key)
        build = functools.partial(
            create_app, config, state_path=args.state, admin=args.admin, faults=args.faults, access_log=args.access_log
        )
        app = build()
        if args.workers > 1:
            # Checked and seeded here; each worker opens the file again after the fork.
            app.state.mock.store.close()
    except (ConfigError, SpecError, StackError, OSError) as exc:
        print(f"telephony-mock: {exc}", file=sys.stderr)
        return 2

    base_url = f"http://{args.host}:{args.port}"
    print(f"telephony mock serving {base_url}", flush=True)
    for account in config.accounts:
        agents = ", ".join(agent.id for agent in account.agents)
        print(f"  API key {account.api_keys[0]}  (account {account.id}; agents {agents})", flush=True)
    if args.state:
        print(f"  state kept in {args.state}", flush=True)
    if args.admin and config.admin_key is not None:
        print(f"  admin endpoints /_admin/... need the admin key in {ADMIN_KEY_HEADER}", flush=True)
    elif args.admin:
        print("  admin endpoints /_admin/... open to every local process: no admin key is configured", flush=True)
    print(f"  server: {stack.describe()}", flush=True)
    limits = ConnectionLimits(**{field: getattr(args, field) for field, *_ in _LIMITS})
    run = functools.partial(
        serve, host=args.host, port=args.port, access_log=args.access_log, stack=stack, limits=limits
    )
    if args.workers == 1:
        run(app)
        return 0
    print(f"  workers: {args.workers} processes sharing {args.state}", flush=True)
    return serve_workers(
        args.workers, args.host, args.port, listen_backlog(limits), lambda listener: run(build(), sockets=[listener])
    )


if __name__ == "__main__":
    sys.exit(main())
