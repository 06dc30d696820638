"""What the suite talks to, and the rules that keep a real account safe, in one place.

The mock is the default target, called in-process. A real deployment is named by
POLYAI_BASE_URL, POLYAI_API_KEY and POLYAI_AGENT_ID and is never called directly: every request
goes through a `Guard`, an in-process ASGI proxy that

- refuses a plain-HTTP base URL unless it is loopback (at start-up, `UnsafeTarget`);
- refuses any request carrying `clientEnv: live`, or an import that would default to live,
  unless `allow_live` is set;
- lets through only imports of numbers from the fictional ranges, and deletes or changes only
  numbers this run imported itself; refuses every write to a connector (there is no create, so
  any connector belongs to someone else) and every write to another agent;
- answers a refused request itself, with a conformant 403 marked by `X-Conformance-Guard`,
  so the run carries on and the report lists what was refused and why;
- swaps the run's throwaway key for the real one on the way out, so the real key never enters
  Schemathesis and cannot reach a report, a curl line or a log;
- releases, when the run ends however it ends, every number the run imported and did not
  release;
- in dry-run mode forwards to a mock instead and records every request it would have sent.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
import socket
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response

from contract_tests.fictional_ranges import is_fictional
from contract_tests.hooks import CORRELATION_HEADER, GUARD_HEADER

ENV_BASE_URL = "POLYAI_BASE_URL"
ENV_API_KEY = "POLYAI_API_KEY"
ENV_AGENT_ID = "POLYAI_AGENT_ID"
# Connector writes are refused on a real account, so the run leaves these operations out rather
# than collect a refusal for each generated case.
CONNECTOR_WRITES = ("updateConnector", "deleteConnector", "batchUpdateConnectors")

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# POSTs that only read: batch gets and the connector lookup.
_READ_ONLY_POSTS = frozenset({"phone-numbers/batch", "connectors/batch", "connectors/lookup"})
_TELEPHONY_PATH = re.compile(r"^/v1/agents/(?P<agent>[^/]+)/telephony/(?P<rest>.*)$")
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "host"}
)


class UnsafeTarget(Exception):
    """The requested real target cannot be tested safely; nothing was sent."""


# ---------------------------------------------------------------------------------------------
# Settings


def check_base_url(url: str) -> None:
    """HTTPS, or plain HTTP to this machine only: the key must not cross a network in clear text."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(f"{ENV_BASE_URL} must be an absolute http(s) URL, got {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise UnsafeTarget(f"{ENV_BASE_URL} must use https unless it is loopback, got {url!r}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RealTarget:
    """A real deployment, from the environment. The key is kept out of `repr` and every report."""

    base_url: str
    agent_id: str
    api_key: str = field(repr=False)
    allow_live: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, allow_live: bool = False) -> RealTarget:
        environ = os.environ if environ is None else environ
        missing = [name for name in (ENV_BASE_URL, ENV_API_KEY, ENV_AGENT_ID) if not environ.get(name)]
        if missing:
            raise UnsafeTarget(f"a real target needs {', '.join(missing)} in the environment")
        base_url = environ[ENV_BASE_URL].rstrip("/")
        check_base_url(base_url)
        return cls(base_url, environ[ENV_AGENT_ID], environ[ENV_API_KEY], allow_live)


def redact(text: str, *secrets_: str) -> str:
    for secret in secrets_:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return text


# ---------------------------------------------------------------------------------------------
# The rules


def _as_number(value: str) -> str | None:
    """The E.164 number a string could be read as, or None when it holds no digit at all."""
    digits = "".join(character for character in value if character.isdigit())
    return f"+{digits}" if digits else None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@dataclass(frozen=True)
class Refusal:
    method: str
    path: str
    reason: str


@dataclass
class SafetyPolicy:
    """Decides which requests may reach a real account, and remembers the numbers this run owns."""

    agent_id: str
    allow_live: bool = False
    created: set[str] = field(default_factory=set)
    released: set[str] = field(default_factory=set)

    def refusal(self, method: str, path: str, body: Any) -> str | None:
        """Why this request must not be sent, or None when it may."""
        method = method.upper()
        if not self.allow_live and isinstance(body, dict) and body.get("clientEnv") == "live":
            return "it sets clientEnv to live, and --allow-live was not given"
        if method in _READ_METHODS:
            return None
        match = _TELEPHONY_PATH.match(path)
        if match is None:
            return "it writes outside the telephony API"
        if unquote(match["agent"]) != self.agent_id:
            return f"it writes to agent {unquote(match['agent'])!r}, not the configured {self.agent_id!r}"
        rest = match["rest"].rstrip("/")
        if method == "POST" and rest in _READ_ONLY_POSTS:
            return None
        if rest.startswith("connectors"):
            return "it changes a connector, and the suite created none"
        if rest == "phone-numbers" or rest.startswith("phone-numbers/"):
            segment = unquote(rest.removeprefix("phone-numbers").lstrip("/"))
            if method == "POST":
                return self._import_refusal([segment] if segment else [], body)
            candidates = [segment] if segment else list(_strings(body))
            return self._ownership_refusal(candidates)
        return "it writes to a resource the contract does not describe"

    def _import_refusal(self, path_numbers: list[str], body: Any) -> str | None:
        if not self.allow_live and not (isinstance(body, dict) and body.get("clientEnv") not in (None, "live")):
            return "the import would default clientEnv to live, and --allow-live was not given"
        for value in [*path_numbers, *_strings(body)]:
            number = _as_number(value)
            if number is not None and not is_fictional(number):
                return f"{value!r} is not a number from the fictional ranges"
        return None

    def _ownership_refusal(self, values: list[str]) -> str | None:
        for value in values:
            number = _as_number(value)
            if number is not None and number not in self.created:
                return f"{value!r} was not imported by this run"
        return None

    def observe(self, method: str, path: str, status: int, answer: Any) -> None:
        """Learn which numbers this run now owns, or has released, from a forwarded answer."""
        if not (200 <= status < 300) or not isinstance(answer, dict) or _TELEPHONY_PATH.match(path) is None:
            return
        method = method.upper()
        if method == "POST" and "imported" in answer:
            imported = answer["imported"]
            self.created.update([imported] if isinstance(imported, str) else imported)
        elif method == "DELETE":
            for key in ("deleted", "deletedPhoneNumbers"):
                value = answer.get(key, [])
                self.released.update([value] if isinstance(value, str) else value)

    @property
    def still_held(self) -> list[str]:
        return sorted(self.created - self.released)


# ---------------------------------------------------------------------------------------------
# The guard


@dataclass(frozen=True)
class SentRequest:
    method: str
    path: str
    body: str
    status: int


class Guard:
    """The in-process proxy a real target is reached through (see the module's docstring)."""

    def __init__(
        self,
        target: RealTarget,
        *,
        upstream: str | None = None,
        dry_run: bool = False,
        upstream_identity: tuple[str, str] | None = None,
    ) -> None:
        self.target = target
        self.policy = SafetyPolicy(target.agent_id, allow_live=target.allow_live)
        # The key the run sends; only this exact value is swapped for the real one, so the
        # suite's missing-key and wrong-key probes reach the service unchanged.
        self.suite_key = f"suite-{secrets.token_hex(16)}"
        self.dry_run = dry_run
        self.upstream = (upstream or target.base_url).rstrip("/")
        check_base_url(self.upstream)
        # A dry run answers from a mock, which knows its own agent and key, not the real ones.
        self._agent_id, self._api_key = upstream_identity or (target.agent_id, target.api_key)
        self.refusals: list[Refusal] = []
        self.sent: list[SentRequest] = []
        self.cleanup_log: list[str] = []
        self._client = httpx.Client(base_url=self.upstream, timeout=30.0, follow_redirects=False)
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        request = Request(scope, receive)
        raw = await request.body()
        raw_path = scope.get("raw_path", b"").decode("latin-1") or quote(scope["path"])
        # The single worker makes requests strictly sequential, so forwarding synchronously
        # inside the event loop costs nothing and keeps the guard simple.
        answer = self.forward(request.method, raw_path, request.url.query, dict(request.headers), raw)
        await answer(scope, receive, send)

    def forward(self, method: str, raw_path: str, query: str, headers: dict[str, str], raw: bytes) -> Response:
        path = unquote(raw_path)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self._lock:
            reason = self.policy.refusal(method, raw_path, body)
            if reason is not None:
                self.refusals.append(Refusal(method, path, reason))
                return _refused(reason)
        outgoing = {name: value for name, value in headers.items() if name.lower() not in _HOP_BY_HOP}
        for name in list(outgoing):
            if name.lower() == "x-api-key" and outgoing[name] == self.suite_key:
                outgoing[name] = self._api_key
        url = raw_path + (f"?{query}" if query else "")
        upstream = self._client.request(method, self._upstream_path(url), headers=outgoing, content=raw)
        try:
            answer = upstream.json()
        except ValueError:
            answer = None
        with self._lock:
            self.policy.observe(method, raw_path, upstream.status_code, answer)
            self.sent.append(SentRequest(method, url, raw.decode("utf-8", "replace"), upstream.status_code))
        kept = [(name, value) for name, value in upstream.headers.multi_items() if name.lower() not in _HOP_BY_HOP]
        response = Response(upstream.content, status_code=upstream.status_code)
        response.raw_headers = [
            *(item for item in response.raw_headers if item[0] == b"content-length"),
            *((name.encode("latin-1"), value.encode("latin-1")) for name, value in kept),
        ]
        return response

    def _upstream_path(self, path: str) -> str:
        own = f"/v1/agents/{quote(self.target.agent_id, safe='')}/"
        if self._agent_id != self.target.agent_id and path.startswith(own):
            return f"/v1/agents/{quote(self._agent_id, safe='')}/" + path.removeprefix(own)
        return path

    def release_imported(self) -> list[str]:
        """Release every number this run imported and still holds; returns what it released."""
        released = []
        for number in self.policy.still_held:
            path = f"/v1/agents/{quote(self._agent_id, safe='')}/telephony/phone-numbers/{quote(number, safe='')}"
            answer = self._client.delete(path, headers={"X-API-KEY": self._api_key})
            outcome = "released" if answer.status_code in (200, 404) else f"NOT released ({answer.status_code})"
            self.cleanup_log.append(f"{number}: {outcome}")
            if answer.status_code in (200, 404):
                self.policy.released.add(number)
                released.append(number)
        return released

    def close(self) -> None:
        try:
            self.release_imported()
        finally:
            self._client.close()

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refused(reason: str) -> Response:
    correlation_id = str(uuid.uuid4())
    envelope = {
        "success": False,
        "error": "Forbidden",
        "error_id": correlation_id,
        "error_code": "USER_ACCESS_FORBIDDEN",
        "error_message": f"Not sent by the conformance safety guard: {reason}.",
        "data": None,
    }
    return Response(
        json.dumps(envelope),
        status_code=403,
        media_type="application/json",
        headers={CORRELATION_HEADER: correlation_id, GUARD_HEADER: "refused"},
    )


# ---------------------------------------------------------------------------------------------
# Serving an app on a free loopback port


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app on a free 127.0.0.1 port in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="auto"))
    ready = threading.Event()
    original_startup = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets=sockets)
        ready.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        if not ready.wait(timeout=10):
            raise RuntimeError("the loopback server did not start within 10 seconds")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# ---------------------------------------------------------------------------------------------
# Choosing the target


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
    reset: Any = None  # restores the mock's seed state; None for a real service
    secrets: tuple[str, ...] = ()


def mock_credentials(settings: Mapping[str, Any]) -> tuple[str, str]:
    """The mock agent and key schemathesis.toml pins for `schemathesis run` against `make mock`."""
    return settings["parameters"]["agentId"], settings["auth"]["openapi"]["ApiKey"]["api_key"]


def admin_reset(app: Any, api_key: str) -> None:
    """Restore the mock's seed state through its admin endpoint."""
    # Schemathesis's own in-process client: it shares the event loop the run already uses.
    from schemathesis.python import asgi

    with asgi.get_client(app) as client:
        answer = client.post("/_admin/reset", headers={"X-API-KEY": api_key})
    if answer.status_code != 200:
        raise RuntimeError(f"POST /_admin/reset answered {answer.status_code}: {answer.text[:200]}")


@contextmanager
def select(
    kind: str,
    settings: Mapping[str, Any],
    *,
    allow_live: bool = False,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    mock_app: Any = None,
) -> Iterator[Selected]:
    """The target named by `kind` ("mock" or "real"); a real target is validated before anything is sent."""
    from telephony_mock import create_app

    agent_id, api_key = mock_credentials(settings)
    if kind == "mock":
        app = mock_app if mock_app is not None else create_app(admin=True)
        yield Selected(
            name="mock",
            app=app,
            agent_id=agent_id,
            api_key=api_key,
            display_base_url=settings.get("base-url", "http://127.0.0.1:8000"),
            reset=lambda: admin_reset(app, api_key),
        )
        return
    if kind != "real":
        raise ValueError(f"unknown target {kind!r}; use mock or real")
    real = RealTarget.from_env(environ, allow_live=allow_live)
    if dry_run:
        with serve(create_app(admin=True)) as mock_url:
            guard = Guard(real, upstream=mock_url, dry_run=True, upstream_identity=(agent_id, api_key))
            with guard:
                yield _through_guard(real, guard)
        return
    with Guard(real) as guard:
        yield _through_guard(real, guard)


def _through_guard(real: RealTarget, guard: Guard) -> Selected:
    return Selected(
        name="real service (dry run)" if guard.dry_run else "real service",
        app=guard,
        agent_id=real.agent_id,
        api_key=guard.suite_key,
        display_base_url=real.base_url,
        exclude_operations=CONNECTOR_WRITES,
        guard=guard,
        secrets=(real.api_key, guard.suite_key),
    )


def list_connectors(selected: Selected) -> list[str]:
    """The ids of the connectors the target's agent holds (read through the guard for a real target)."""
    from schemathesis.python import asgi

    path = f"/v1/agents/{quote(selected.agent_id, safe='')}/telephony/connectors"
    with asgi.get_client(selected.app) as client:
        answer = client.get(path, headers={"X-API-KEY": selected.api_key})
    if answer.status_code != 200:
        return []
    return [item["connectorId"] for item in answer.json().get("connectors", []) if item.get("connectorId")]
