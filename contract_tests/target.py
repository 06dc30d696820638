"""What the suite talks to: the mock, or a real service behind the safety guard.

The mock is the default target, called in-process. A real deployment is named by
POLYAI_BASE_URL, POLYAI_API_KEY and POLYAI_AGENT_ID and is reached only through
`contract_tests.guard.Guard`; a dry run puts the guard in front of a mock served on loopback.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from contract_tests.guard import CONNECTORS, Guard, RealTarget, resource_path
from contract_tests.retries import Retries, RetryBudget
from telephony_contract import load_catalogue


def free_port() -> int:
    """A loopback port free at this moment, for a server started in another process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: Any, **config: Any) -> Iterator[str]:
    """Serve an ASGI app on a free 127.0.0.1 port in a background thread; yields its base URL.

    `config` goes to uvicorn's Config (e.g. `timeout_keep_alive`).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, **{"log_level": "error", "lifespan": "auto", **config}))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    try:
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the loopback server did not start within 10 seconds")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class Selected:
    """What a run needs to know about its target."""

    name: str
    app: Any  # the ASGI app the run calls in-process: the mock, or the guard in front of a service
    agent_id: str
    api_key: str  # the key the run sends, never a real one
    # Where a reported curl line should point so that it reproduces the failure.
    display_base_url: str
    exclude_operations: tuple[str, ...] = ()
    guard: Guard | None = None
    reset: Callable[[], None] | None = None  # restores the mock's seed state; None for a real service
    secrets: tuple[str, ...] = ()


def mock_credentials(settings: Mapping[str, Any]) -> tuple[str, str]:
    """The mock agent and key schemathesis.toml pins for `schemathesis run` against `make mock`."""
    return settings["parameters"]["agentId"], settings["auth"]["openapi"]["ApiKey"]["api_key"]


def admin_reset(app: Any, admin_key: str | None = None) -> None:
    """Restore the mock's seed state through its admin endpoint, with the admin key if it has one."""
    # Schemathesis's own in-process client: it shares the event loop the run already uses.
    from schemathesis.python import asgi

    from telephony_mock import ADMIN_KEY_HEADER

    with asgi.get_client(app) as client:
        answer = client.post("/_admin/reset", headers={ADMIN_KEY_HEADER: admin_key} if admin_key is not None else {})
    if answer.status_code != 200:
        raise RuntimeError(f"POST /_admin/reset answered {answer.status_code}: {answer.text[:200]}")


@contextmanager
def select(
    kind: str,
    settings: Mapping[str, Any],
    *,
    allow_live: bool = False,
    allow_outbound_calls: bool = False,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    mock_app: Any = None,
    mock_admin_key: str | None = None,
    retry_budget: RetryBudget | None = None,
) -> Iterator[Selected]:
    """The target named by `kind` ("mock" or "real"); a real target is validated before anything is sent.

    `mock_app` replaces the default mock; `mock_admin_key` is its admin key, when its config has one.
    `retry_budget` bounds the retries of a real target's transient answers (a mock's are never retried:
    it must conform outright).
    """
    from telephony_mock import create_app

    agent_id, api_key = mock_credentials(settings)
    if kind == "mock":
        if mock_app is None:
            app = create_app(admin=True)
            admin_key = app.state.mock.config.admin_key
        else:
            app, admin_key = mock_app, mock_admin_key
        yield Selected(
            name="mock",
            app=app,
            agent_id=agent_id,
            api_key=api_key,
            display_base_url=settings.get("base-url", "http://127.0.0.1:8000"),
            reset=lambda: admin_reset(app, admin_key),
        )
        return
    if kind != "real":
        raise ValueError(f"unknown target {kind!r}; use mock or real")
    real = RealTarget.from_env(environ, allow_live=allow_live, allow_outbound_calls=allow_outbound_calls)
    if dry_run:
        with serve(create_app(admin=True)) as mock_url:
            guard = Guard(
                real,
                upstream=mock_url,
                dry_run=True,
                upstream_identity=(agent_id, api_key),
                retries=Retries(retry_budget),
            )
            with guard:
                guard.note_existing_numbers()
                yield _through_guard(real, guard)
        return
    with Guard(real, retries=Retries(retry_budget)) as guard:
        guard.note_existing_numbers()
        yield _through_guard(real, guard)


def _through_guard(real: RealTarget, guard: Guard) -> Selected:
    return Selected(
        name="real service (dry run)" if guard.dry_run else "real service",
        app=guard,
        agent_id=real.agent_id,
        api_key=guard.suite_key,
        display_base_url=real.base_url,
        exclude_operations=tuple(guard.policy.never_sent()),
        guard=guard,
        secrets=(real.api_key, guard.suite_key),
    )


def list_connectors(selected: Selected) -> list[str]:
    """The ids of the connectors the target's agent holds (read through the guard for a real target)."""
    from schemathesis.python import asgi

    catalogue = load_catalogue()
    path = resource_path(catalogue, "GET", CONNECTORS, agentId=selected.agent_id)
    with asgi.get_client(selected.app) as client:
        answer = client.get(path, headers={catalogue.api_key_header: selected.api_key})
    if answer.status_code != 200:
        return []
    return [item["connectorId"] for item in answer.json().get("connectors", []) if item.get("connectorId")]
