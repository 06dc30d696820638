"""The guard that keeps a real account safe: an in-process proxy in front of a real service.

Schemathesis never reaches a real deployment directly; every request goes through `Guard`, which

- refuses a plain-HTTP base URL unless it is loopback (at start-up, `UnsafeTarget`);
- forwards every operation the catalogue calls safe (reads, and POSTs marked `x-safe`);
- refuses any request carrying `clientEnv: live`, or an import that would default to live,
  unless `allow_live` is set;
- lets through only imports of numbers from the fictional ranges, and deletes or changes only
  numbers this run imported itself; refuses every write to a connector (there is no create, so
  any connector belongs to someone else), every write to another agent, and every write the
  contract does not describe;
- forwards an operation that places a real phone call (`x-places-call`) only when both
  `--allow-outbound-calls` and POLYAI_OUTBOUND_ALLOWED_NUMBER are given, only to that exact
  number, and only once per run;
- answers a refused request itself, with a conformant 403 marked by `X-Conformance-Guard`,
  so the run carries on and the report lists what was refused and why;
- sends every request it forwards, and its own, through the run's one retry policy
  (`contract_tests.retries`: 429/502/503/504 and failed connections, honouring Retry-After, within
  a run-wide budget), repeating a write only where that is safe, and marks an answer it gave up on;
- relays each answer with its body decoded and the headers that match those bytes, whatever
  coding, chunking or connection handling the service used;
- swaps the run's throwaway key for the real one on the way out, so the real key never enters
  Schemathesis and cannot reach a report, a curl line or a log;
- releases, when the run ends however it ends, every number the run imported and did not
  release;
- in dry-run mode forwards to a mock instead and records every request it would have sent;
- writes every exchange it forwards to `recorder` when one is set (`contract_tests/recording.py`).

Which operation a request is, and whether it only reads, is the operation catalogue's word
(`telephony_contract`); this module names resources, never operations.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import anyio
import httpx
from httpx._decoders import SUPPORTED_DECODERS
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from contract_tests.fictional_ranges import is_fictional
from contract_tests.recording import Recorder
from contract_tests.retries import NOT_SENT, Outcome, Retries, Sent, is_transient
from telephony_contract import (
    CORRELATION_HEADER,
    Catalogue,
    Operation,
    error_envelope,
    generic_code,
    is_loopback,
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
# A refusal is the contract's answer to a key that may not do something.
REFUSAL_STATUS = 403
# The guard's own answer to a request the service gave no answer to (the connection failed).
NO_ANSWER_STATUS = 502

NUMBERS = "phone-numbers"
CONNECTORS = "connectors"
# Request fields whose value `live` reaches real callers.
_ENVIRONMENT_FIELDS = ("clientEnv", "environment")
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
# Content codings the guard's HTTP client decodes (gzip and deflate; br and zstd when their
# libraries are installed). The guard asks the service only for these, and forwards the body decoded.
DECODED_CODINGS = frozenset(SUPPORTED_DECODERS) - {"identity"}


class UnsafeTarget(Exception):
    """The requested real target cannot be tested safely; nothing was sent."""


# ---------------------------------------------------------------------------------------------
# Settings


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
    allowed_outbound_number: str | None = None
    catalogue: Catalogue = field(default_factory=load_catalogue, repr=False)
    created: set[str] = field(default_factory=set)
    released: set[str] = field(default_factory=set)
    calls_placed: int = 0

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

    def refusal(self, method: str, path: str, body: Any) -> str | None:
        """Why this request must not be sent, or None when it may. `path` is the path as sent.

        A call it lets through counts against the run's allowance of calls.
        """
        if not self.allow_live and isinstance(body, dict):
            for name in _ENVIRONMENT_FIELDS:
                if body.get(name) == "live":
                    return f"it sets {name} to live, and --allow-live was not given"
        match = self.catalogue.match(method, path)
        if match is None:
            if method.upper() in ("GET", "HEAD", "OPTIONS"):
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
            in_path = [match.parameters["phoneNumber"]] if "phoneNumber" in match.parameters else []
            if operation.method == "POST":
                return self._import_refusal(in_path, body)
            return self._ownership_refusal(in_path or list(_strings(body)))
        return f"it writes to {operation.resource}, which the suite has no rule to keep safe"

    def _call_refusal(self, body: Any) -> str | None:
        if self.allowed_outbound_number is None:
            return _NO_CALLS
        dialled = body.get(DIALLED_FIELD) if isinstance(body, dict) else None
        if dialled != self.allowed_outbound_number:
            return f"it dials {dialled!r}, not the one number {ENV_OUTBOUND_NUMBER} allows"
        if self.calls_placed >= MAX_OUTBOUND_CALLS:
            return f"the run has already placed the {MAX_OUTBOUND_CALLS} call it may"
        self.calls_placed += 1
        return None

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
        match = self.catalogue.match(method, path)
        if match is None or match.operation.safe or not (200 <= status < 300) or not isinstance(answer, dict):
            return
        if "imported" in answer:
            imported = answer["imported"]
            self.created.update([imported] if isinstance(imported, str) else imported)
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
        # The run's one retry policy: every request the guard forwards or sends itself goes through it.
        self.retries = retries or Retries()
        # What a repeat settled: an import answering 409, or a release answering 404, for numbers an
        # earlier attempt of the same request may have imported or released.
        self.settled_by_repeat: list[str] = []
        # The agent's numbers before the run sent anything (`note_existing_numbers`); None until read.
        self.existing_numbers: set[str] | None = None
        # When set, every exchange with the upstream is recorded (contract_tests/recording.py).
        self.recorder: Recorder | None = None
        self._client = httpx.Client(base_url=self.upstream, timeout=30.0, follow_redirects=False)
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
        # The single worker makes requests strictly sequential, so forwarding synchronously
        # inside the event loop costs nothing and keeps the guard simple.
        # Every header as sent, a repeated one included: the suite probes how the service answers
        # a key header sent twice, so the guard must not merge the two.
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        # In a worker thread: a retry's wait must not hold up the event loop the run's client shares.
        answer = await anyio.to_thread.run_sync(self.forward, request.method, raw_path, request.url.query, headers, raw)
        await answer(scope, receive, send)

    def forward(
        self, method: str, raw_path: str, query: str, headers: Iterable[tuple[str, str]], raw: bytes
    ) -> Response:
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
        connection_named = _connection_named(headers)
        outgoing = [
            (name, self._api_key if name.lower() == "x-api-key" and value == self.suite_key else value)
            for name, value in headers
            if name.lower() not in _HOP_BY_HOP | connection_named and name.lower() != "accept-encoding"
        ]
        outgoing.append(("Accept-Encoding", acceptable_codings(headers)))
        url = raw_path + (f"?{query}" if query else "")
        match = self.policy.catalogue.match(method, raw_path)
        operation = match.operation if match is not None else None
        sent = self.retries.send(
            lambda: self._client.request(method, self._upstream_path(url), headers=outgoing, content=raw),
            operation=operation.operation_id if operation is not None else "(outside the contract)",
            method=method,
            path=path,
            may_repeat=lambda outcome: _may_repeat(operation, method, outcome),
        )
        upstream = sent.outcome
        if isinstance(upstream, httpx.TransportError):
            with self._lock:
                self.sent.append(SentRequest(method, url, raw.decode("utf-8", "replace"), NO_ANSWER_STATUS))
            return _no_answer(upstream)
        # The final answer only: the one the run judges, and the one a replay should meet.
        if self.recorder is not None:
            self.recorder.add_response(upstream)
        try:
            answer = upstream.json()
        except ValueError:
            answer = None
        with self._lock:
            self.policy.observe(method, raw_path, upstream.status_code, answer)
            if operation is not None and sent.retried:
                self._settle_repeat(operation, match.parameters if match is not None else {}, body, sent)
            self.sent.append(SentRequest(method, url, raw.decode("utf-8", "replace"), upstream.status_code))
        return _relayed(upstream, gave_up=is_transient(upstream))

    def _settle_repeat(self, operation: Operation, parameters: Mapping[str, str], body: Any, sent: Sent) -> None:
        """Credit a repeat whose answer says an earlier attempt did the work: a retried import that
        answers 409, or a retried release that answers 404, for numbers only this run could have sent.

        A number the agent held before the run is never credited, so the teardown cannot release it.
        """
        status = sent.outcome.status_code if isinstance(sent.outcome, httpx.Response) else None
        if operation.resource != NUMBERS or not sent.earlier_may_have_acted() or self.existing_numbers is None:
            return
        in_path = [parameters["phoneNumber"]] if "phoneNumber" in parameters else []
        numbers = {
            number for value in [*in_path, *_strings(body)] if (number := _as_number(value)) is not None
        } - self.existing_numbers
        if not numbers:
            return
        if operation.method == "POST" and status == 409:
            self.policy.created.update(numbers)
            self.settled_by_repeat.append(f"{operation.operation_id}: 409 after a retry; owned {sorted(numbers)}")
        elif operation.method == "DELETE" and status == 404 and numbers <= self.policy.created:
            self.policy.released.update(numbers)
            self.settled_by_repeat.append(f"{operation.operation_id}: 404 after a retry; released {sorted(numbers)}")

    def note_existing_numbers(self) -> None:
        """Read the agent's numbers before the run sends anything; a repeat never claims one of them."""
        path = f"/v1/agents/{quote(self._agent_id, safe='')}/telephony/phone-numbers"
        operation = self.policy.catalogue.match("GET", path)
        sent = self.retries.send(
            lambda: self._client.get(path, headers={"X-API-KEY": self._api_key}),
            operation=operation.operation.operation_id if operation is not None else path,
            method="GET",
            path=path,
            may_repeat=lambda outcome: True,
        )
        if isinstance(sent.outcome, httpx.Response) and sent.outcome.status_code == 200:
            try:
                listed = sent.outcome.json().get("phoneNumbers", [])
                self.existing_numbers = {item["number"] for item in listed if isinstance(item, dict)}
            except (ValueError, AttributeError, KeyError, TypeError):
                self.existing_numbers = None

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
            match = self.policy.catalogue.match("DELETE", path)
            # The run's own number: a repeated release that answers 404 released it all the same.
            sent = self.retries.send(
                functools.partial(self._client.delete, path, headers={"X-API-KEY": self._api_key}),
                operation=match.operation.operation_id if match is not None else "(teardown)",
                method="DELETE",
                path=path,
                may_repeat=lambda outcome: True,
            )
            status = sent.outcome.status_code if isinstance(sent.outcome, httpx.Response) else None
            outcome = "released" if status in (200, 404) else f"NOT released ({status or type(sent.outcome).__name__})"
            self.cleanup_log.append(f"{number}: {outcome}")
            if status in (200, 404):
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


def _may_repeat(operation: Operation | None, method: str, outcome: Outcome) -> bool:
    """Whether a transient outcome may be sent again: the operation catalogue's word, and the guard's.

    A request that never left (the connection failed) may always be sent again. After the service
    may have seen it, a read may; a call never (it rings a phone); a write of a number may, as only
    the run's own numbers get through and the guard judges the repeat by what the run owns.
    """
    if isinstance(outcome, NOT_SENT):
        return True
    if operation is None:
        return method.upper() in ("GET", "HEAD", "OPTIONS")
    if operation.retry_safe:
        return True
    if operation.places_call:
        return False
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
            left = [c.strip() for c in value.split(",") if c.strip() and c.strip().lower() not in SUPPORTED_DECODERS]
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
    correlation_id = str(uuid.uuid4())
    message = f"The conformance guard got no answer from the service: {type(error).__name__}."
    return Response(
        json.dumps(error_envelope(generic_code(NO_ANSWER_STATUS), message, correlation_id)),
        status_code=NO_ANSWER_STATUS,
        media_type="application/json",
        headers={CORRELATION_HEADER: correlation_id, GUARD_HEADER: GAVE_UP},
    )


def _refused(reason: str) -> Response:
    correlation_id = str(uuid.uuid4())
    message = f"Not sent by the conformance safety guard: {reason}."
    return Response(
        json.dumps(error_envelope(generic_code(REFUSAL_STATUS), message, correlation_id)),
        status_code=REFUSAL_STATUS,
        media_type="application/json",
        headers={CORRELATION_HEADER: correlation_id, GUARD_HEADER: "refused"},
    )
