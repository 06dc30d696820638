"""Deliberately broken mocks, for proving that the suite catches each defect.

A `Mutation` wraps the real mock in an ASGI middleware that breaks one promise of the contract
(or swaps one rule), so the rest of the mock stays correct and the failure the suite reports can
only come from that defect. Each contract check declares the mutations that prove it beside it
(contract_tests/hooks.py, `proven_by`); the invariants of a kind get theirs from the contract
(contract_tests/kinds.py); Schemathesis's own checks get theirs from `BUILT_IN` below.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from starlette.requests import Request
from starlette.responses import Response

from contract_tests.attribution import ASSUMPTION, DRIFT
from telephony_contract import CORRELATION_HEADER, error_envelope, generic_code, load_catalogue
from telephony_mock import Call, create_app

Scope = dict[str, Any]
Handler = Callable[[Any, "Exchange"], Awaitable[None]]
CATALOGUE = load_catalogue()


async def call(app: Any, method: str, path: str, api_key: str, body: Any = None) -> tuple[int, Any]:
    """Send one request to `app` in-process; returns the status and the parsed JSON answer."""
    raw = json.dumps(body).encode() if body is not None else b""
    headers = [(b"x-api-key", api_key.encode())]
    if body is not None:
        headers.append((b"content-type", b"application/json"))
    exchange = Exchange(method, path, "", dict((k.decode(), v.decode()) for k, v in headers), raw)
    await exchange.forward(app)
    return exchange.status, exchange.json()


@dataclass
class Exchange:
    """One request to the mock and, once forwarded or answered, its response."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # each header's first value, as the defects read and change them
    body: bytes
    # Every later value of a header sent more than once, so the mock still sees it repeated.
    repeated_headers: tuple[tuple[str, str], ...] = ()
    status: int = 0
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""

    @property
    def operation(self) -> str | None:
        return self.match[0]

    @property
    def match(self) -> tuple[str | None, Mapping[str, str]]:
        found = CATALOGUE.match(self.method, self.path)
        return (found.operation.operation_id, found.parameters) if found else (None, {})

    def json(self) -> Any:
        try:
            return json.loads(self.response_body)
        except ValueError:
            return None

    def set_json(self, value: Any) -> None:
        self.response_body = json.dumps(value).encode()

    def set_header(self, name: str, value: str) -> None:
        self.response_headers = [(k, v) for k, v in self.response_headers if k.lower() != name.lower()]
        self.response_headers.append((name, value))

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.response_headers if k.lower() == name.lower()), None)

    async def forward(self, app: Any) -> None:
        query = f"?{self.query}" if self.query else ""
        headers = [*self.headers.items(), *self.repeated_headers]
        request = httpx.Request(self.method, f"http://testserver{self.path}{query}", headers=headers, content=self.body)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        answer = await transport.handle_async_request(request)
        self.status = answer.status_code
        self.response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers.raw]
        self.response_body = b"".join([chunk async for chunk in answer.stream])  # type: ignore[union-attr]


class Broken:
    """The mock with one defect: `handler` decides how each telephony request is answered."""

    def __init__(self, app: Any, handler: Handler) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        headers: dict[str, str] = {}
        repeated: list[tuple[str, str]] = []
        for name, value in request.headers.items():
            if name in headers:
                repeated.append((name, value))
            else:
                headers[name] = value
        path = (scope.get("raw_path") or quote(scope["path"]).encode()).decode("latin-1")
        query = scope["query_string"].decode()
        exchange = Exchange(scope["method"], path, query, headers, await request.body(), tuple(repeated))
        await self.handler(self.app, exchange)
        response = Response(exchange.response_body, exchange.status)
        # The answer's own headers, repeated ones kept, with the length of the body as it now is.
        kept = [(k, v) for k, v in exchange.response_headers if k.lower() != "content-length"]
        kept.append(("content-length", str(len(exchange.response_body))))
        response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept]
        await response(scope, receive, send)


# ---------------------------------------------------------------------------------------------
# A broken mock, and the edits most of them are made of

Edit = Callable[[Any, Exchange], None]


@dataclass(frozen=True)
class Mutation:
    """The mock with one defect, the operations where the defect shows, and how it must be reported."""

    name: str
    changes: str  # what the service gets wrong
    operations: tuple[str, ...]  # what its run tests
    handler: Handler | None = None
    keyed: Callable[[str], Handler] | None = None  # a handler that needs the run's key
    rules: Mapping[str, Callable[[Any, Call], Any]] | None = None  # broken rules, by operationId
    # The class every finding must have (the mutation matrix judges it); None: the check that must
    # report it only has to be among the failures (test_teeth).
    klass: str | None = None
    assumption: str | None = None  # for an assumption mutation, the one assumption named
    # Its run takes seconds rather than one (imports, calls, negative fuzzing): out of the default run.
    slow: bool = False
    caught_by: str = ""  # the check that must report it; the check declaring it fills it in

    def app(self, dev_key: str) -> Any:
        """The broken mock, as an ASGI app; `dev_key` is the key the suite sends."""
        app = create_app(admin=True, rules=self.rules)
        handler = self.keyed(dev_key) if self.keyed is not None else self.handler
        return Broken(app, handler) if handler is not None else app


def on_success(operation: str, edit: Edit) -> Handler:
    """Forward, then edit the body of `operation`'s successful answers."""

    async def handler(app: Any, exchange: Exchange) -> None:
        await exchange.forward(app)
        if exchange.operation == operation and 200 <= exchange.status < 300:
            body = exchange.json()
            edit(body, exchange)
            exchange.set_json(body)

    return handler


def drop(name: str) -> Edit:
    return lambda body, _exchange: body.pop(name, None)


def fails_with_500(operation: str, when: Callable[[Mapping[str, str]], bool] = lambda _: True) -> Handler:
    """`operation` fails with 500 (in the envelope, so only the status is wrong) when its parameters say so."""

    async def handler(app: Any, exchange: Exchange) -> None:
        await exchange.forward(app)
        found, parameters = exchange.match
        if found == operation and when(parameters):
            exchange.status = 500
            correlation_id = exchange.header(CORRELATION_HEADER) or "broken-500"
            exchange.set_json(error_envelope(generic_code(500), "Broken on purpose.", correlation_id))

    return handler


# ---------------------------------------------------------------------------------------------
# Schemathesis's own checks, proven on the operations named


def accepts_any_key(dev_key: str) -> Handler:
    async def handler(app: Any, exchange: Exchange) -> None:
        """A missing or unknown key is treated as the development key."""
        exchange.headers = {k: v for k, v in exchange.headers.items() if k.lower() != "x-api-key"}
        exchange.headers["x-api-key"] = dev_key
        exchange.repeated_headers = tuple((k, v) for k, v in exchange.repeated_headers if k.lower() != "x-api-key")
        await exchange.forward(app)

    return handler


async def import_answers_200(app: Any, exchange: Exchange) -> None:
    """A batch import succeeds with 200 instead of the contract's 201."""
    await exchange.forward(app)
    if exchange.operation == "importPhoneNumbers" and exchange.status == 201:
        exchange.status = 200


async def connectors_as_text(app: Any, exchange: Exchange) -> None:
    """The connector list is sent as text/plain."""
    await exchange.forward(app)
    if exchange.operation == "listConnectors" and exchange.status == 200:
        exchange.set_header("content-type", "text/plain; charset=utf-8")


async def without_correlation_header(app: Any, exchange: Exchange) -> None:
    await exchange.forward(app)
    dropped = CORRELATION_HEADER.lower()
    exchange.response_headers = [(k, v) for k, v in exchange.response_headers if k.lower() != dropped]


async def unknown_properties_ignored(app: Any, exchange: Exchange) -> None:
    """A number batch get drops request properties it does not know instead of refusing them."""
    if exchange.operation == "batchGetPhoneNumbers":
        try:
            body = json.loads(exchange.body)
        except ValueError:
            body = None
        if isinstance(body, dict):
            exchange.body = json.dumps({k: v for k, v in body.items() if k == "phoneNumbers"}).encode()
            exchange.headers = {k: v for k, v in exchange.headers.items() if k.lower() != "content-length"}
            exchange.headers["content-length"] = str(len(exchange.body))
    await exchange.forward(app)


BUILT_IN = [
    Mutation(
        "required-field-missing",
        "GET of a number omits clientEnv",
        ("getPhoneNumber",),
        on_success("getPhoneNumber", drop("clientEnv")),
        caught_by="response_schema_conformance",
    ),
    Mutation(
        "field-dropped",
        "a number read lacks the published required `projectId`",
        ("getPhoneNumber",),
        on_success("getPhoneNumber", drop("projectId")),
        klass=DRIFT,
        caught_by="response_schema_conformance",
    ),
    Mutation(
        "wrong-success-status",
        "a batch import answers 200, not the published 201",
        ("importPhoneNumbers",),
        import_answers_200,
        klass=DRIFT,
        slow=True,
        caught_by="status_code_conformance",
    ),
    Mutation(
        "server-error-on-some-input",
        "reading a +1 number answers 500",
        ("getPhoneNumber",),
        fails_with_500("getPhoneNumber", lambda parameters: parameters["phoneNumber"].startswith("+1")),
        caught_by="not_a_server_error",
    ),
    Mutation(
        "server-error",
        "reading a number answers 500",
        ("getPhoneNumber",),
        fails_with_500("getPhoneNumber"),
        klass=DRIFT,
        caught_by="not_a_server_error",
    ),
    Mutation(
        "auth-not-enforced",
        "any key, or none, is accepted",
        ("listPhoneNumbers",),
        keyed=accepts_any_key,
        caught_by="ignored_auth",
    ),
    Mutation(
        "wrong-content-type",
        "the connector list is sent as text/plain",
        ("listConnectors",),
        connectors_as_text,
        caught_by="content_type_conformance",
    ),
    Mutation(
        "correlation-header-missing",
        "no answer carries X-PolyAI-Correlation-Id",
        ("getPhoneNumber",),
        without_correlation_header,
        klass=ASSUMPTION,
        assumption="correlation-header",
        caught_by="response_headers_conformance",
    ),
    Mutation(
        "unknown-properties-ignored",
        "a number batch get ignores request properties it does not know",
        ("batchGetPhoneNumbers",),
        unknown_properties_ignored,
        klass=ASSUMPTION,
        assumption="strict-requests",
        slow=True,
        caught_by="negative_data_rejection",
    ),
]
