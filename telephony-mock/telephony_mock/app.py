"""The app: every request takes the same short path through the stages.

    correlation id → auth (key → account) → route → agent → faults → validate → rule → store → respond

Each stage either hands on or raises `ApiError`; the one `except` below turns that into the
envelope, and anything else into INTERNAL_ERROR, so no input can crash the server or leave a
request unanswered.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import anyio
from starlette.applications import Starlette
from starlette.routing import Router as StarletteRouter

from telephony_contract import CORRELATION_HEADER, SPEC_PATH, Router
from telephony_contract.router import MethodNotAllowed

from . import _errors
from ._admin import PREFIX as ADMIN_PREFIX
from ._admin import Admin
from ._auth import Auth
from ._clock import MockClock
from ._config import MockConfig, load_config
from ._errors import Answer, ApiError, CorrelationIds, ErrorRenderer, empty_answer, json_answer
from ._faults import HEADER as FAULT_HEADER
from ._faults import Faults
from ._paged_answers import PagedAnswer, paged
from ._reads import check_reads, runnable
from ._routing import split_path
from ._rule_book import with_replacements
from ._rules import Call, Rules, Settings
from ._seed import seed_records
from ._spec import Operation, Spec, SpecError, load_spec
from ._sqlite_store import SqliteStore
from ._store import MemoryStore, Store
from ._validation import ClientDisconnected, Validator

logger = logging.getLogger("telephony_mock")
# One line per request when the app is created with `access_log=True` (`--access-log`).
access_logger = logging.getLogger("telephony_mock.access")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

AGENT_PARAMETER = "agentId"
_API_PREFIX = "v1"
_OPERATION_KEY = "telephony_mock.operation"


class ResponseContractError(AssertionError):
    """In self-check mode: the mock was about to send an answer the spec does not allow."""


class TelephonyMock:
    """The ASGI application that `create_app` mounts inside Starlette."""

    def __init__(
        self,
        spec: Spec,
        config: MockConfig,
        store: Store,
        *,
        admin: bool = False,
        faults: bool = False,
        validate_responses: bool = False,
        rules: Rules | None = None,
        access_log: bool = False,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.spec = spec
        self._access_log = access_log
        self.config = config
        self.store = store
        all_rules = with_replacements(rules)
        declared = {operation.operation_id for operation in spec.operations}
        if declared != all_rules.keys():
            raise SpecError(
                "the spec's operations and the mock's rules differ: "
                f"no rule for {sorted(declared - all_rules.keys())}, "
                f"no operation for {sorted(all_rules.keys() - declared)}"
            )
        unread = check_reads(all_rules, spec.document)
        if unread:
            raise SpecError("rules read request fields the spec does not have: " + "; ".join(unread))
        # In self-check mode a rule that reads a field it did not declare fails the test.
        self._rules = runnable(all_rules, spec, strict=validate_responses)
        for operation in spec.operations:
            if operation.path is None or AGENT_PARAMETER not in operation.path.names:
                raise SpecError(
                    f"{operation.operation_id}: every operation must take the {AGENT_PARAMETER} path parameter"
                )
        self._router = Router((operation.method, operation.path_template, operation) for operation in spec.operations)
        self._auth = Auth(config)
        self._errors = ErrorRenderer(spec.error_codes)
        self._correlation_ids = CorrelationIds()
        self._validator = Validator(spec)
        self._key_header = spec.api_key_header.encode("latin-1")
        # Public, like the store and the clock: the test kit (kit.py) queues faults on it.
        self.faults = Faults(
            spec, config.faults, header_enabled=faults, seed=config.fault_seed, draws=store.next_fault_draw
        )
        self._validate_responses = validate_responses
        self.seeds = seed_records(config, spec)
        store.seed_once(*self.seeds)
        self.clock = MockClock(store, wall)
        # How a call to each number ends; the test kit scripts more while the mock runs.
        self.outcomes = dict(config.outbound_calls.outcomes)
        self._settings = Settings(
            voices=config.voices,
            outbound_calls=replace(config.outbound_calls, outcomes=self.outcomes),
            outbound_environments={
                agent.id: agent.outbound_environments for account in config.accounts for agent in account.agents
            },
            max_call_metadata_base64_bytes=int(spec.document["x-limits"]["maxCallMetadataBase64Bytes"]),
            e164=re.compile(spec.document["components"]["schemas"]["E164Number"]["pattern"]),
        )
        # What the admin endpoints do, also for the test kit's control from Python where they are not served.
        self.admin = Admin(spec, store, self._auth.callers, self.seeds, self.clock, config.admin_key)
        self._admin = self.admin if admin else None

    def reset(self) -> None:
        """Restore the config's seed state (what POST /_admin/reset does)."""
        self.store.reset(*self.seeds)

    def unreadable_request(self) -> Answer:
        """The answer to a request the HTTP parser could not read (the server stack asks, see _server.py)."""
        error = ApiError(_errors.SCHEMA_VALIDATION_FAILED, "The request could not be read as HTTP/1.1.")
        return self._errors.render(error, self._correlation_ids.next())

    def timed_out_request(self) -> Answer:
        """The answer to a client too slow to send its request (the server stack asks)."""
        error = ApiError(_errors.REQUEST_TIMEOUT)
        return self._errors.render(error, self._correlation_ids.next())

    def over_capacity(self) -> Answer:
        """The answer to a connection over the server's cap (the server stack asks)."""
        error = ApiError(
            _errors.SERVICE_UNAVAILABLE,
            "The mock has too many open connections; retry later.",
            headers={"Retry-After": "1"},
        )
        return self._errors.render(error, self._correlation_ids.next())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the mock speaks plain HTTP only
            return
        started = time.perf_counter()
        correlation_id = self._correlation_ids.next()
        answer: Answer | PagedAnswer
        try:
            answer = await self._answer(scope, receive, correlation_id)
        except ApiError as error:
            answer = self._errors.render(error, correlation_id)
        except ClientDisconnected:
            return
        except Exception:
            logger.exception("unhandled error answering %s %s", scope["method"], scope["path"])
            answer = self._errors.render(ApiError(_errors.INTERNAL_ERROR), correlation_id)
        if isinstance(answer, PagedAnswer):
            if self._validate_responses:
                answer = answer.whole()
            else:
                await answer.send(send)
        if isinstance(answer, Answer):
            if self._validate_responses:
                self._check_answer(answer, scope.get(_OPERATION_KEY), correlation_id)
            await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
            await send({"type": "http.response.body", "body": answer.body})
        if self._access_log:
            _log_access(scope, answer.status, started, correlation_id)

    async def _answer(self, scope: Scope, receive: Receive, correlation_id: str) -> Answer | PagedAnswer:
        api_key = content_type = fault_header = None
        content_length: int | None = None
        key_header = self._key_header
        repeated_key = False
        for name, value in scope["headers"]:
            if name == key_header:
                repeated_key = api_key is not None
                api_key = value.decode("latin-1")
            elif name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"content-length":
                content_length = int(value) if value.isdigit() else None
            elif name == FAULT_HEADER:
                fault_header = value.decode("latin-1")
        raw_path = scope.get("raw_path") or scope["path"].encode()
        segments = split_path(raw_path)
        method = scope["method"]

        if self._admin is not None and segments and segments[0] == ADMIN_PREFIX:
            return await self._answer_admin(
                method, segments[1:], scope["headers"], receive, content_type, content_length, correlation_id
            )

        on_api = bool(segments) and segments[0] == _API_PREFIX
        account = self._auth.account(api_key, repeated=repeated_key) if on_api else None
        try:
            match = self._router.match(method, segments)
        except MethodNotAllowed as exc:
            raise ApiError(_errors.METHOD_NOT_ALLOWED, headers={"Allow": ", ".join(exc.allowed)}) from None
        if match is None or account is None:
            raise ApiError(_errors.NOT_FOUND)
        operation = match.target
        scope[_OPERATION_KEY] = operation
        caller = self._auth.caller(account, match.parameters[AGENT_PARAMETER])

        if self.faults.active:
            fault = self.faults.pick(operation, fault_header)
            if fault is not None:
                if fault.latency_ms:
                    await anyio.sleep(fault.latency_ms / 1000)
                if fault.error is not None:
                    raise fault.error

        validator = self._validator
        code = operation.validation_error_code
        validator.check_parameters(operation.path, match.parameters, code, "path")
        query: Mapping[str, str] = {}
        if operation.query is not None:
            query = _parse_query(scope["query_string"])
            validator.check_parameters(operation.query, query, code, "query")
        if operation.header is not None:
            headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
            validator.check_parameters(operation.header, headers, code, "header")
        body = None
        if operation.body is not None:
            raw = await validator.read_body(receive, content_length)
            body = validator.parse_body(operation.body, raw, content_type, code)

        rule = self._rules[operation.operation_id]
        call = Call(caller, match.parameters, query, body, self._settings, self.clock.now())
        with self.store.transaction(write=operation.writes) as tx:
            result = rule(tx, call)
        if operation.success_status == 204:
            # A 204 carries no body (RFC 9110, 15.3.5), whatever the rule returned.
            return empty_answer(204, correlation_id)
        return paged(operation.success_status, result, correlation_id) or json_answer(
            operation.success_status, result, correlation_id
        )

    async def _answer_admin(
        self,
        method: str,
        segments: tuple[str, ...],
        headers: list[tuple[bytes, bytes]],
        receive: Receive,
        content_type: str | None,
        content_length: int | None,
        correlation_id: str,
    ) -> Answer:
        assert self._admin is not None
        # Before anything else, the body included: a caller without the key learns nothing.
        self._admin.authorise(headers)
        handler = self._admin.routes.get(segments)
        if handler is None:
            raise ApiError(_errors.NOT_FOUND)
        if method != "POST":
            raise ApiError(_errors.METHOD_NOT_ALLOWED, headers={"Allow": "POST"})
        body = None
        body_spec = self._admin.bodies.get(segments)
        if body_spec is not None:
            raw = await self._validator.read_body(receive, content_length)
            body = self._validator.parse_body(body_spec, raw, content_type, _errors.SCHEMA_VALIDATION_FAILED)
        status, payload = handler(body)
        return json_answer(status, payload, correlation_id)

    def _check_answer(self, answer: Answer, operation: Operation | None, correlation_id: str) -> None:
        """Self-check mode: refuse to send what the spec does not allow for this operation."""
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in answer.headers}
        where = operation.operation_id if operation else "unrouted request"
        if headers.get(CORRELATION_HEADER.lower()) != correlation_id:
            raise ResponseContractError(f"{where}: {CORRELATION_HEADER} is missing or wrong")
        body = json.loads(answer.body)
        if answer.status >= 400:
            errors = list(self.spec.error_validator.iter_errors(body))
            if errors:
                raise ResponseContractError(f"{where}: {answer.status} is not the Error envelope: {errors[0]}")
            if body["error_id"] != correlation_id:
                raise ResponseContractError(f"{where}: error_id differs from the correlation header")
            if body["error_code"] not in self.spec.error_codes:
                raise ResponseContractError(f"{where}: {body['error_code']} is not in x-error-codes")
            if self.spec.error_codes[body["error_code"]].status != answer.status:
                raise ResponseContractError(f"{where}: {body['error_code']} sent with status {answer.status}")
        if operation is None:
            return
        response = operation.responses.get(answer.status)
        if response is None:
            raise ResponseContractError(f"{where}: status {answer.status} is not declared")
        missing = response.required_headers - headers.keys()
        if missing:
            raise ResponseContractError(f"{where}: {answer.status} lacks required headers {sorted(missing)}")
        if response.validator is not None:
            errors = list(response.validator.iter_errors(body))
            if errors:
                raise ResponseContractError(f"{where}: {answer.status} body does not match the spec: {errors[0]}")


def _log_access(scope: Scope, status: int, started: float, correlation_id: str) -> None:
    # The path only: headers (the API key among them) and the query string never reach the log.
    client = scope.get("client")
    peer = f"{client[0]}:{client[1]}" if client else "-"
    path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    elapsed_ms = (time.perf_counter() - started) * 1000
    access_logger.info("%s %s %s %d %.1fms %s", peer, scope["method"], path, status, elapsed_ms, correlation_id)


def _parse_query(query_string: bytes) -> dict[str, str]:
    query: dict[str, str] = {}
    if query_string:
        for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            query.setdefault(name, value)  # a repeated parameter: the first one counts
    return query


@lru_cache(maxsize=4)
def _compiled(spec_path: str) -> Spec:
    return load_spec(spec_path)


def create_app(
    config: MockConfig | str | Path | None = None,
    *,
    state_path: str | Path | None = None,
    admin: bool = False,
    faults: bool = False,
    validate_responses: bool = False,
    spec_path: str | Path | None = None,
    rules: Rules | None = None,
    access_log: bool = False,
    wall_clock: Callable[[], float] = time.time,
) -> Starlette:
    """Build the mock as a Starlette (ASGI) app.

    `config`: a MockConfig, or the path of a config file; the default config when None.
    `state_path`: keep state in this SQLite file (created if missing) instead of memory.
    `admin`: serve /_admin/reset, /_admin/seed and /_admin/clock, behind the config's admin key
    when it has one (see `_admin.py`). `faults`: honour the X-Mock-Fault header.
    `validate_responses`: check every answer against the spec before sending it (for tests).
    `rules`: rules by operationId that replace the mock's own (a rule is `(tx, call) -> body`,
    raising `ApiError` for an error answer); for tests, and for mocks broken on purpose.
    `access_log`: log one line per request to the `telephony_mock.access` logger (peer, method,
    path, status, time taken, correlation id; never a header or the query string).
    `wall_clock`: where the mock reads the time (seconds since the epoch) before `/_admin/clock`
    moves it on; a replay of recorded traffic gives each request's recorded time.

    The store stays open for the app's life, across any number of server (or TestClient)
    start-ups and shut-downs; `app.state.mock.store.close()` releases it. Nothing needs flushing
    at shutdown: every write was committed before it was acknowledged.
    """
    spec = _compiled(str(Path(spec_path or SPEC_PATH).resolve()))
    if not isinstance(config, MockConfig):
        config = load_config(config)
    store: Store = SqliteStore(state_path) if state_path is not None else MemoryStore()
    try:
        mock = TelephonyMock(
            spec,
            config,
            store,
            admin=admin,
            faults=faults,
            validate_responses=validate_responses,
            rules=rules,
            access_log=access_log,
            wall=wall_clock,
        )
    except BaseException:
        store.close()
        raise

    app = Starlette()
    # The mock routes every path itself, by the spec (see _routing.py); Starlette's router only
    # hands over. Not a catch-all Mount: its regex does not match a path holding a newline, which
    # would then be answered outside the envelope.
    app.router = StarletteRouter(routes=[], redirect_slashes=False, default=mock)
    app.state.mock = mock
    return app
