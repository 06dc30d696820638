"""`telephony-mock` / `python -m telephony_mock`: serve the mock (see _server.py for the server stack)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ._admin import KEY_HEADER as ADMIN_KEY_HEADER
from ._admin import refuse_open_admin
from ._config import ConfigError, load_config, with_admin_key_from_env
from ._server import StackError, choose_stack, serve
from ._spec import SpecError
from .app import create_app


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
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument(
        "--http",
        choices=["httptools", "h11"],
        help="uvicorn's HTTP parser (default: httptools with uvloop where installed, else h11 with asyncio)",
    )
    args = parser.parse_args(argv)

    try:
        stack = choose_stack(args.http)
        config = with_admin_key_from_env(load_config(args.config), os.environ)
        if args.admin:
            refuse_open_admin(args.host, config.admin_key)
        app = create_app(config, state_path=args.state, admin=args.admin, faults=args.faults)
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
    serve(app, host=args.host, port=args.port, access_log=args.access_log, stack=stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
