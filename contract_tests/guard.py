"""The guard that keeps a real account safe: an in-process proxy in front of a real service.

Schemathesis never reaches a real deployment directly: it talks to `Guard`, which sends a
throwaway key (swapped for the real one on the way out, so the real key never reaches a report),
and refuses what contract_tests/README.md lists under "A real account is safe by construction",
answering such a request itself with a conformant 403 marked by `X-Conformance-Guard`.

Each request is read once into one form (`wire.read`), judged in that form and sent exactly as
judged, through `Guard._exchange`, the one place its answer comes back: there the record of the
numbers the run owns, and the call allowance, are corrected from every attempt's answer (the
run's retry policy, `contract_tests.retries`), so the teardown releases what the run holds.

Which operation a request is, and whether it only reads, is the operation catalogue's word
(`telephony_contract`); this module names resources, never operations.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import anyio
import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from contract_tests.fictional_ranges import is_fictional
from contract_tests.recording import Recorder
from contract_tests.retries import Outcome, Retries, Sent, is_transient
from contract_tests.wire import Outgoing, Unreadable, read, strings
from contract_tests.wire import query_parameters as read_query
from telephony_contract import (
    CORRELATION_HEADER,
    Catalogue,
    Operation,
    error_envelope,
    generic_code,
    is_loopback,
    is_safe_method,
    load_catalogue,
)

ENV_BASE_URL = "POLYAI_BASE_URL"
ENV_API_KEY = "POLYAI_API_KEY"
ENV_AGENT_ID = "POLYAI_AGENT_ID"
# The one number a person allows a run to dial; read only when outbound calls are allowed too.
ENV_OUTBOUND_NUMBER = "POLYAI_OUTBOUND_ALLOWED_NUMBER"
# The request field of a call that names the number it dials, in full E.164 when the guard lets it
# through (the contract also allows a national number with `countryCode`, which the guard refuses).
DIALLED_FIELD = "toNumber"
# Calls a run may place at most, even to the allowed number: each one rings a phone and costs money.
MAX_OUTBOUND_CALLS = 1
# Set on every answer the guard gives itself instead of forwarding; the checks ignore such answers.
GUARD_HEADER = "X-Conformance-Guard"
# Its value on an answer the guard could not get past: still 429/502/503/504 when the retries ran
# out, or no answer at all. Such an answer is never judged; the run says INCONCLUSIVE instead.
GAVE_UP = "gave-up"
# The guard's own answer to a request the service gave no answer to (the connection failed).
NO_ANSWER_STATUS = 502
# A refusal is the contract's answer to a key that may not do something.
REFUSAL_STATUS = 403

NUMBERS = "phone-numbers"
CONNECTORS = "connectors"
# Request fields and query parameters whose value `live` reaches real callers, compared casefolded.
_ENVIRONMENT_NAMES = frozenset({"clientenv", "environment"})
_METHOD_OVERRIDES = frozenset({"x-http-method-override", "x-http-method", "x-method-override"})
# A batch release's per-number error for a number the project does not hold.
NOT_FOUND_CODE = "PHONE_NUMBERS_NOT_FOUND"
_CONNECTOR_WRITE = "it changes a connector, and the suite created none"
_NO_CALLS = f"it places a real phone call, and --allow-outbound-calls with {ENV_OUTBOUND_NUMBER} was not given"
# Headers of one connection, not of the message (RFC 9110 7.6.1), plus those the guard sets itself
# for the body it forwards: its length, and the encoding it asks for and decodes.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
        "host",
    }
)
# Content codings the guard's HTTP client decodes: httpx decodes gzip and deflate always, br and
# zstd when the library of its `brotli` or `zstd` extra is importable (test_realism.py pins this
# against httpx itself). The guard asks the service only for these, and forwards the body decoded.
_OPTIONAL_CODINGS = {"br": ("brotli", "brotlicffi"), "zstd": ("zstandard",)}
DECODED_CODINGS = frozenset(
    {"gzip", "deflate"} | {coding for coding, names in _OPTIONAL_CODINGS.items() if any(map(find_spec, names))}
)
# What httpx removes from `Content-Encoding` by decoding (identity needs no decoding).
_UNDONE = DECODED_CODINGS | {"identity"}


class UnsafeTarget(Exception):
    """The requested real target cannot be tested safely; nothing was sent."""


def check_base_url(url: str) -> None:
    """HTTPS, or plain HTTP to this machine only: the key must not cross a network in clear text."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(f"{ENV_BASE_URL} must be an absolute http(s) URL, got {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UnsafeTarget(f"{ENV_BASE_URL} must use https unless it is loopback, got {url!r}")


@dataclass(frozen=True)
class RealTarget:
    """A real deployment, from the environment. The key is kept out of `repr` and every report."""

    base_url: str
    agent_id: str
    api_key: str = field(repr=False)
    allow_live: bool = False
    # The only number an outbound call may dial; None (the default) allows no call at all.
    allowed_outbound_number: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, allow_live: bool = False, allow_outbound_calls: bool = False
    ) -> RealTarget:
        """The target the environment names. Outbound calls need both `allow_outbound_calls` and
        POLYAI_OUTBOUND_ALLOWED_NUMBER; either alone allows none."""
        environ = os.environ if environ is None else environ
        missing = [name for name in (ENV_BASE_URL, ENV_API_KEY, ENV_AGENT_ID) if not environ.get(name)]
        if missing:
            raise UnsafeTarget(f"a real target needs {', '.join(missing)} in the environment")
        base_url = environ[ENV_BASE_URL].rstrip("/")
        check_base_url(base_url)
        allowed_number = None
        if allow_outbound_calls:
            allowed_number = environ.get(ENV_OUTBOUND_NUMBER, "").strip()
            if not allowed_number or _as_number(allowed_number) != allowed_number:
                raise UnsafeTarget(
                    f"outbound calls were allowed, but {ENV_OUTBOUND_NUMBER} does not name one E.164 number to dial"
                )
        return cls(base_url, environ[ENV_AGENT_ID], environ[ENV_API_KEY], allow_live, allowed_number)


def redact(text: str, *secrets_: str) -> str:
    for secret in secrets_:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return text


def _as_number(value: str) -> str | None:
    """The E.164 number a string could be read as, or None when it holds no digit at all."""
    digits = "".join(character for character in value if character.isdigit())
    return f"+{digits}" if digits else None


def _reads_live(value: Any) -> bool:
    """Whether a lenient service could read `value` as the live environment."""
    if isinstance(value, list):
        return any(_reads_live(item) for item in value)
    return isinstance(value, str) and value.strip().casefold() == "live"


def _live_field(body: Any, parameters: Iterable[tuple[str, str]]) -> str | None:
    """The name of a body field (at any depth) or query parameter that sets live, if one does."""
    for name, value in parameters:
        if name.strip().casefold() in _ENVIRONMENT_NAMES and _reads_live(value):
            return f"the query parameter {name}"
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            for name, item in value.items():
                if name.strip().casefold() in _ENVIRONMENT_NAMES and _reads_live(item):
                    return str(name)
                pending.append(item)
        elif isinstance(value, list):
            pending.extend(value)
    return None


def _not_a_string(value: Any) -> Any:
    """The first JSON number in `value`, which a lenient service could read as a phone number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = _not_a_string(item)
        if found is not None:
            return found
    return None


def resource_path(catalogue: Catalogue, method: str, resource: str, **values: str) -> str:
    """The path of the one operation of the contract on `resource` with this method and these path values."""
    operation = next(
        operation
        for operation in catalogue.values()
        if (operation.method, operation.resource) == (method, resource)
        and set(operation.path_parameters) == set(values)
    )
    return operation.path.format_map({name: quote(value, safe="") for name, value in values.items()})


def _asked(parameters: Mapping[str, str], body: Any) -> list[str]:
    """The numbers a write of phone numbers names: the one in its path, or its body's `phoneNumbers`."""
    if "phoneNumber" in parameters:
        asked = [parameters["phoneNumber"]]
    else:
        asked = list(strings(body.get("phoneNumbers"))) if isinstance(body, dict) else []
    return [number for number in map(_as_number, asked) if number is not None]


def _acted_on(status: int | None) -> bool:
    """Whether the service may have acted on a request that got this answer (None: no answer).

    A 4xx says it refused the request; anything else (a success, a server error, a timeout or a
    connection lost after the request went out) may mean it did what was asked.
    """
    return status is None or not 400 <= status < 500


@dataclass(frozen=True)
class Refusal:
    method: str
    path: str
    reason: str


@dataclass
class SafetyPolicy:
    """Decides which requests may reach a real account, and keeps the record of the numbers the run owns."""

    agent_id: str
    allow_live: bool = False
    allowed_outbound_number: str | None = None
    catalogue: Catalogue = field(default_factory=load_catalogue, repr=False)
    # Numbers this run imported and has not released since.
    owned: set[str] = field(default_factory=set)
    # Numbers whose import got no clear answer (a server error, a timeout): maybe imported, so
    # released at teardown, but never changed before that.
    unsure: set[str] = field(default_factory=set)
    calls_placed: int = 0
    # Calls let through whose answer has not come back yet; they count against the allowance.
    calls_pending: int = 0

    def never_sent(self) -> dict[str, str]:
        """The operations this policy refuses whatever their input, each with the reason.

        A run leaves them out rather than collect a refusal for every generated case.
        """
        never: dict[str, str] = {}
        for operation in self.catalogue.values():
            if operation.places_call and self.allowed_outbound_number is None:
                never[operation.operation_id] = _NO_CALLS
            elif operation.writes and operation.resource == CONNECTORS:
                never[operation.operation_id] = _CONNECTOR_WRITE
        return never

    def judge(self, request: Outgoing) -> str | None:
        """Why this request, in the form it will be sent, must not be sent; None when it may."""
        if not is_safe_method(request.method):
            if request.reshaped:
                return f"its path reads as {request.path} once dot and empty segments are resolved, another request"
            if request.ambiguous:
                return "its path holds an encoded slash or backslash, which services split on or not"
        return self.refusal(request.method, request.path, request.body, request.parameters)

    def refusal(self, method: str, path: str, body: Any, parameters: Iterable[tuple[str, str]] = ()) -> str | None:
        """Why this request must not be sent, or None when it may. `path` is the path as sent.

        A call it lets through counts against the run's allowance until its answer says the
        service refused it (`observe`).
        """
        if not self.allow_live:
            name = _live_field(body, parameters)
            if name is not None:
                return f"it sets {name} to live, and --allow-live was not given"
        match = self.catalogue.match(method, path)
        if match is None:
            if is_safe_method(method):
                return None  # a read of an undescribed path cannot change anything
            return "it writes to a resource the contract does not describe"
        operation = match.operation
        if operation.safe:
            return None
        agent = match.parameters.get("agentId")
        if agent != self.agent_id:
            return f"it writes to agent {agent!r}, not the configured {self.agent_id!r}"
        if operation.places_call:
            return self._call_refusal(body)
        if operation.resource == CONNECTORS:
            return _CONNECTOR_WRITE
        if operation.resource == NUMBERS:
            number = _not_a_string(body)
            if number is not None:
                return f"it holds {str(number)!r}, a number that is not a JSON string, where phone numbers go"
            in_path = [match.parameters["phoneNumber"]] if "phoneNumber" in match.parameters else []
            if operation.method == "POST":
                return self._import_refusal(in_path, body)
            return self._ownership_refusal(in_path or list(strings(body)))
        return f"it writes to {operation.resource}, which the suite has no rule to keep safe"

    def _call_refusal(self, body: Any) -> str | None:
        if self.allowed_outbound_number is None:
            return _NO_CALLS
        dialled = body.get(DIALLED_FIELD) if isinstance(body, dict) else None
        if dialled != self.allowed_outbound_number:
            return f"it dials {dialled!r}, not the one number {ENV_OUTBOUND_NUMBER} allows"
        if self.calls_placed + self.calls_pending >= MAX_OUTBOUND_CALLS:
            return f"the run has already placed the {MAX_OUTBOUND_CALLS} call it may"
        self.calls_pending += 1
        return None

    def _import_refusal(self, path_numbers: list[str], body: Any) -> str | None:
        environment = body.get("clientEnv") if isinstance(body, dict) else None
        if not self.allow_live and not (isinstance(environment, str) and not _reads_live(environment)):
            return "the import would default clientEnv to live, and --allow-live was not given"
        for value in [*path_numbers, *strings(body)]:
            number = _as_number(value)
            if number is not None and not is_fictional(number):
                return f"{value!r} is not a number from the fictional ranges"
        return None

    def _ownership_refusal(self, values: list[str]) -> str | None:
        # A value without digits is refused too: `.`, `batch` or `*` in place of a number names
        # no number the run owns, and a service may read it as something else entirely.
        for value in values:
            if _as_number(value) not in self.owned:
                return f"{value!r} was not imported by this run"
        return None

    def observe(self, method: str, path: str, status: int | None, answer: Any, body: Any = None) -> None:
        """Correct the record from the answer to a request this policy let through.

        `status` is None when no answer came back after the request went out (a timeout, a lost
        connection): the service may have acted on it. `body` is the request's JSON body.
        """
        match = self.catalogue.match(method, path)
        if match is None or match.operation.safe:
            return
        operation = match.operation
        if operation.places_call:
            self.calls_pending = max(0, self.calls_pending - 1)
            if _acted_on(status):
                self.calls_placed += 1
            return
        if operation.resource != NUMBERS:
            return
        in_path = match.parameters.get("phoneNumber")
        numbers = _asked(match.parameters, body)
        answered = answer if isinstance(answer, dict) else {}
        if operation.method == "POST":
            if status is not None and 200 <= status < 300 and "imported" in answered:
                imported = {_as_number(value) for value in strings(answered["imported"])}
                self.owned.update(number for number in numbers if number in imported)
                self.unsure.update(number for number in numbers if number not in imported)
            elif status is not None and 200 <= status < 300:
                self.owned.update(numbers)
            elif _acted_on(status):
                self.unsure.update(numbers)
            return
        if operation.method != "DELETE":
            return
        gone: list[str] = []
        if status is not None and (200 <= status < 300 or status == 404) and in_path is not None:
            gone = numbers  # released now, or not held by the project at all
        elif status is not None and 200 <= status < 300:
            gone = [value for value in strings(answered.get("deleted", [])) if _as_number(value) is not None]
            for error in answered.get("errors") or []:
                if isinstance(error, dict) and error.get("error") == NOT_FOUND_CODE:
                    gone += strings(error.get("phoneNumber"))
        for value in gone:
            number = _as_number(value)
            self.owned.discard(number or value)
            self.unsure.discard(number or value)

    def withdraw(self, method: str, path: str) -> None:
        """Forget a request let through that never left (no connection): it spends nothing."""
        match = self.catalogue.match(method, path)
        if match is not None and match.operation.places_call:
            self.calls_pending = max(0, self.calls_pending - 1)

    @property
    def still_held(self) -> list[str]:
        """The numbers this run imported and has not released."""
        return sorted(self.owned)

    @property
    def to_release(self) -> list[str]:
        """What teardown releases: every number the run holds, or may hold."""
        return sorted(self.owned | self.unsure)


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
        retries: Retries | None = None,
    ) -> None:
        self.target = target
        self.policy = SafetyPolicy(
            target.agent_id, allow_live=target.allow_live, allowed_outbound_number=target.allowed_outbound_number
        )
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
        # When set, every exchange with the upstream is recorded (contract_tests/recording.py).
        self.recorder: Recorder | None = None
        # The run's one retry policy: every request the guard forwards or sends itself goes through it.
        self.retries = retries or Retries()
        # Imports a repeat settled: a retried import answering 409 for numbers its own earlier
        # attempt may have imported.
        self.settled_by_repeat: list[str] = []
        # The agent's numbers before the run sent anything (`note_existing_numbers`); None until read.
        self.existing_numbers: set[str] | None = None
        self._client = httpx.Client(timeout=30.0, follow_redirects=False)
        # The upstream's own path prefix, if its base URL has one, which every request goes under.
        self._base_path = urlsplit(self.upstream).path
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        # Every header as sent, a repeated one included: the suite probes how the service answers
        # a key header sent twice, so the guard must not merge the two.
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        query = scope.get("query_string", b"").decode("latin-1")
        # In a worker thread: a retry's wait must not hold up the event loop the run's client shares.
        answer = await anyio.to_thread.run_sync(self.forward, request.method, raw_path, query, headers, raw)
        await answer(scope, receive, send)

    def forward(
        self, method: str, raw_path: str, query: str, headers: Iterable[tuple[str, str]], raw: bytes
    ) -> Response:
        """Judge the request in the one form it will be sent in, and send that, or refuse it."""
        try:
            request = read(method, raw_path, query, raw)
            built = self._build(request, headers)
        except Unreadable as exc:
            with self._lock:
                self.refusals.append(Refusal(method.upper(), unquote(raw_path), str(exc)))
            return _refused(str(exc))
        with self._lock:
            reason = self.policy.judge(request)
            if reason is not None:
                self.refusals.append(Refusal(request.method, unquote(request.path), reason))
                return _refused(reason)
        sent = self._exchange(request, built)
        upstream = sent.outcome
        body_text = raw.decode("utf-8", "replace")
        if isinstance(upstream, httpx.TransportError):
            with self._lock:
                self.sent.append(SentRequest(request.method, request.target, body_text, NO_ANSWER_STATUS))
            return _no_answer(upstream)
        # The final answer only: the one the run judges, and the one a replay should meet.
        if self.recorder is not None:
            self.recorder.add_response(upstream)
        with self._lock:
            if sent.retried:
                self._settle_repeat(request, upstream.status_code)
            self.sent.append(SentRequest(request.method, request.target, body_text, upstream.status_code))
        return _relayed(upstream, gave_up=is_transient(upstream))

    def _build(self, request: Outgoing, headers: Iterable[tuple[str, str]]) -> httpx.Request:
        """The upstream request for `request`, proven to go out in the form it was judged in."""
        headers = list(headers)
        for name, value in headers:
            # Gateways that honour these run the method they name, not the one the guard judged.
            if name.lower() in _METHOD_OVERRIDES and value.strip().upper() != request.method:
                raise Unreadable(f"its {name} header asks for {value!r} instead of {request.method}")
        dropped = _HOP_BY_HOP | _connection_named(headers) | {"accept-encoding"}
        key_header = self.policy.catalogue.api_key_header.lower()
        outgoing = [
            (name, self._api_key if name.lower() == key_header and value == self.suite_key else value)
            for name, value in headers
            if name.lower() not in dropped
        ]
        outgoing.append(("Accept-Encoding", acceptable_codings(headers)))
        path = self._upstream_path(request.path)
        try:
            built = self._client.build_request(
                request.method,
                self.upstream + path + (f"?{request.query}" if request.query else ""),
                headers=outgoing,
                content=request.content,
            )
        except (httpx.InvalidURL, UnicodeEncodeError) as exc:
            raise Unreadable("its URL cannot be sent as it was judged") from exc
        # httpx tidies URLs (dot segments, escapes); the request must leave exactly as judged.
        sent_path = built.url.raw_path.decode("ascii").split("?", 1)[0]
        if sent_path != self._base_path + path or read_query(built.url.query.decode("ascii")) != request.parameters:
            raise Unreadable(f"it would go out as {built.url.raw_path.decode('ascii')!r}, not as judged")
        return built

    def _exchange(self, request: Outgoing, built: httpx.Request) -> Sent:
        """The one place a judged request leaves the guard and its final outcome comes back.

        Each attempt goes through the run's retry policy (`retries`), and the record of what the
        run owns, and the call allowance, are corrected from each attempt's answer, or from its
        absence when the connection failed after the request went out.
        """
        match = self.policy.catalogue.match(request.method, request.path)
        operation = match.operation if match is not None else None

        def attempt() -> httpx.Response:
            try:
                upstream = self._client.send(built)
            except httpx.TransportError as exc:
                # A connection never made sent nothing; any other failure may have come after the
                # service received the request and acted on it.
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
                with self._lock:
                    if never_sent:
                        self.policy.withdraw(request.method, request.path)
                    else:
                        self.policy.observe(request.method, request.path, None, None, request.body)
                raise
            try:
                answer = upstream.json()
            except ValueError:
                answer = None
            with self._lock:
                self.policy.observe(request.method, request.path, upstream.status_code, answer, request.body)
            return upstream

        return self.retries.send(
            attempt,
            operation=operation.operation_id if operation is not None else "(outside the contract)",
            method=request.method,
            path=unquote(request.path),
            may_repeat=lambda outcome: _may_repeat(operation, request.method, outcome),
        )

    def _settle_repeat(self, request: Outgoing, status: int) -> None:
        """Credit a retried import that answers 409 for numbers its own earlier attempt may have
        imported (the record has them as unsure): the run owns them, and may change them.

        A number the agent held before the run is never credited, and if the agent's numbers could
        not be read at start, nothing is.
        """
        match = self.policy.catalogue.match(request.method, request.path)
        if match is None or status != 409 or self.existing_numbers is None:
            return
        operation = match.operation
        if operation.resource != NUMBERS or operation.method != "POST":
            return
        numbers = set(_asked(match.parameters, request.body))
        credited = (numbers & self.policy.unsure) - self.existing_numbers
        if credited:
            self.policy.owned.update(credited)
            self.policy.unsure.difference_update(credited)
            self.settled_by_repeat.append(f"{operation.operation_id}: 409 after a retry; owned {sorted(credited)}")

    def note_existing_numbers(self) -> None:
        """Read the agent's numbers before the run sends anything; a repeat never claims one of them,
        and the teardown never releases one the run does not own."""
        path = resource_path(self.policy.catalogue, "GET", NUMBERS, agentId=self.target.agent_id)
        request = read("GET", path, "", b"")
        sent = self._exchange(request, self._build(request, self._suite_key_header()))
        if not isinstance(sent.outcome, httpx.Response) or sent.outcome.status_code != 200:
            return
        try:
            listed = sent.outcome.json().get("phoneNumbers", [])
            self.existing_numbers = {item["number"] for item in listed if isinstance(item, dict)}
        except (ValueError, AttributeError, KeyError, TypeError):
            self.existing_numbers = None

    def _suite_key_header(self) -> list[tuple[str, str]]:
        return [(self.policy.catalogue.api_key_header, self.suite_key)]

    def _upstream_path(self, path: str) -> str:
        own = f"/v1/agents/{quote(self.target.agent_id, safe='')}/"
        if self._agent_id != self.target.agent_id and path.startswith(own):
            return f"/v1/agents/{quote(self._agent_id, safe='')}/" + path.removeprefix(own)
        return path

    def release_imported(self) -> list[str]:
        """Release every number this run holds, or may hold; returns what it released."""
        released = []
        for number in self.policy.to_release:
            owned = number in self.policy.owned
            if not owned and self.existing_numbers is not None and number in self.existing_numbers:
                # An import of it got no clear answer, but the agent held it before the run.
                self.cleanup_log.append(f"{number}: left alone (held before the run)")
                continue
            path = resource_path(
                self.policy.catalogue, "DELETE", NUMBERS, agentId=self.target.agent_id, phoneNumber=number
            )
            request = read("DELETE", path, "", b"")
            try:
                sent = self._exchange(request, self._build(request, self._suite_key_header()))
            except httpx.HTTPError as exc:
                self.cleanup_log.append(f"{number}: NOT released ({type(exc).__name__})")
                continue
            if isinstance(sent.outcome, httpx.TransportError):
                self.cleanup_log.append(f"{number}: NOT released ({type(sent.outcome).__name__})")
                continue
            status = sent.outcome.status_code
            if status == 200:
                outcome = "released"
                released.append(number)
            elif status == 404:
                outcome = "already gone (404)" if owned else "not held (its import did not complete)"
            else:
                outcome = f"NOT released ({status})"
            self.cleanup_log.append(f"{number}: {outcome}")
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


def _may_repeat(operation: Operation | None, method: str, outcome: Outcome) -> bool:
    """Whether a transient outcome may be sent again: the operation catalogue's word, and the guard's.

    A call never is (it rings a phone, and its allowance is spent by what it got). Otherwise a
    request that never left (the connection failed) may be; after the service may have seen it, a
    read may, and so may a write of a number, as only the run's own numbers get through and the
    guard's record judges the repeat by what the run owns.
    """
    if operation is not None and operation.places_call:
        return False
    if isinstance(outcome, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    if operation is None:
        return is_safe_method(method)
    if operation.retry_safe:
        return True
    return operation.resource == NUMBERS


def _connection_named(headers: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The headers a `Connection` header names: they belong to that connection alone."""
    return frozenset(
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
        if token.strip()
    )


def acceptable_codings(headers: Iterable[tuple[str, str]]) -> str:
    """What the guard asks the service for: the codings the client accepts that the guard can decode.

    The guard forwards every body decoded, so a coding the client accepts but the guard cannot
    decode is not asked for; identity is always acceptable.
    """
    accepted = []
    for name, value in headers:
        if name.lower() != "accept-encoding":
            continue
        for item in value.split(","):
            coding, _, parameters = item.strip().partition(";")
            quality = parameters.strip().removeprefix("q=").strip() if parameters.strip().startswith("q=") else "1"
            try:
                wanted = float(quality) > 0
            except ValueError:
                wanted = False
            if wanted and coding.strip().lower() in DECODED_CODINGS:
                accepted.append(coding.strip().lower())
    return ", ".join(dict.fromkeys(accepted)) or "identity"


def _relayed(upstream: httpx.Response, *, gave_up: bool) -> Response:
    """The service's answer as the run's client gets it: the body decoded, its headers matching it.

    httpx has read the whole body (chunked or not) and undone the codings it knows, so those leave
    `Content-Encoding`, the connection's own headers are dropped, and `Content-Length` is the
    length of the bytes forwarded. A coding httpx does not know is left on, with its bytes as they came.
    """
    connection_named = _connection_named(upstream.headers.multi_items())
    kept: list[tuple[str, str]] = []
    for name, value in upstream.headers.multi_items():
        lower = name.lower()
        if lower in _HOP_BY_HOP or lower in connection_named:
            continue
        if lower == "content-encoding":
            left = [c.strip() for c in value.split(",") if c.strip() and c.strip().lower() not in _UNDONE]
            if left:
                kept.append((name, ", ".join(left)))
            continue
        kept.append((name, value))
    if gave_up:
        kept.append((GUARD_HEADER, GAVE_UP))
    response = Response(upstream.content, status_code=upstream.status_code)
    response.raw_headers = [
        *(item for item in response.raw_headers if item[0] == b"content-length"),
        *((name.encode("latin-1"), value.encode("latin-1")) for name, value in kept),
    ]
    return response


def _no_answer(error: httpx.TransportError) -> Response:
    message = f"The conformance guard got no answer from the service: {type(error).__name__}."
    return _own_answer(NO_ANSWER_STATUS, message, GAVE_UP)


def _refused(reason: str) -> Response:
    return _own_answer(REFUSAL_STATUS, f"Not sent by the conformance safety guard: {reason}.", "refused")


def _own_answer(status: int, message: str, marker: str) -> Response:
    """An answer the guard gives itself, in the contract's envelope, marked so the checks skip it."""
    correlation_id = str(uuid.uuid4())
    return Response(
        json.dumps(error_envelope(generic_code(status), message, correlation_id)),
        status_code=status,
        media_type="application/json",
        headers={CORRELATION_HEADER: correlation_id, GUARD_HEADER: marker},
    )
