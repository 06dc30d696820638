"""Deliberately broken variants of the mock, for proving that the suite catches each defect.

Each variant wraps the real mock in an ASGI middleware that breaks one promise of the contract
(or, for the connector cascade, swaps one rule), so the rest of the mock stays correct and the
failure the suite reports can only come from that defect. `VARIANTS` maps each variant to the
check that must report it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from telephony_contract import CORRELATION_HEADER, error_envelope, generic_code, load_catalogue
from telephony_mock import ApiError, Call, create_app, load_config

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
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": self.method,
            "scheme": "http",
            "path": unquote(self.path),
            "raw_path": self.path.encode(),
            "root_path": "",
            "query_string": self.query.encode(),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in (*self.headers.items(), *self.repeated_headers)
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}

        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(scope, receive, send)
        self.response_body = b"".join(chunks)


class Broken:
    """The mock with one defect: `handler` decides how each telephony request is answered."""

    def __init__(self, app: Any, handler: Handler) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
        headers: dict[str, str] = {}
        repeated: list[tuple[str, str]] = []
        for name, value in scope["headers"]:
            pair = (name.decode("latin-1"), value.decode("latin-1"))
            if pair[0] in headers:
                repeated.append(pair)
            else:
                headers[pair[0]] = pair[1]
        query = scope["query_string"].decode()
        exchange = Exchange(scope["method"], raw_path.decode("latin-1"), query, headers, body, tuple(repeated))
        await self.handler(self.app, exchange)
        headers_out = [(k, v) for k, v in exchange.response_headers if k.lower() != "content-length"]
        headers_out.append(("content-length", str(len(exchange.response_body))))
        await send(
            {
                "type": "http.response.start",
                "status": exchange.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers_out],
            }
        )
        await send({"type": "http.response.body", "body": exchange.response_body})


# ---------------------------------------------------------------------------------------------
# The defects


async def phone_number_without_client_env(app: Any, exchange: Exchange) -> None:
    """GET of a number omits the required `clientEnv`."""
    await exchange.forward(app)
    if exchange.operation == "getPhoneNumber" and exchange.status == 200:
        body = exchange.json()
        body.pop("clientEnv", None)
        exchange.set_json(body)


async def import_answers_200(app: Any, exchange: Exchange) -> None:
    """A batch import succeeds with 200 instead of the contract's 201."""
    await exchange.forward(app)
    if exchange.operation == "importPhoneNumbers" and exchange.status == 201:
        exchange.status = 200


async def crash_on_north_american_numbers(app: Any, exchange: Exchange) -> None:
    """Reading a +1 number fails with 500 (in a proper envelope, so only the status is wrong)."""
    operation, params = exchange.match
    if operation == "getPhoneNumber" and params["phoneNumber"].startswith("+1"):
        exchange.status = 500
        correlation_id = "broken-500"
        exchange.response_headers = [("content-type", "application/json"), (CORRELATION_HEADER, correlation_id)]
        exchange.set_json(error_envelope(generic_code(500), "Broken on purpose.", correlation_id))
        return
    await exchange.forward(app)


def accepts_any_key(dev_key: str) -> Handler:
    async def handler(app: Any, exchange: Exchange) -> None:
        """A missing or unknown key is treated as the development key."""
        exchange.headers = {k: v for k, v in exchange.headers.items() if k.lower() != "x-api-key"}
        exchange.headers["x-api-key"] = dev_key
        exchange.repeated_headers = tuple((k, v) for k, v in exchange.repeated_headers if k.lower() != "x-api-key")
        await exchange.forward(app)

    return handler


async def acts_for_the_last_key(app: Any, exchange: Exchange) -> None:
    """A key header sent twice acts for the last key instead of being refused."""
    keys = [exchange.headers.get("x-api-key"), *(v for k, v in exchange.repeated_headers if k == "x-api-key")]
    if len(keys) > 1:
        exchange.headers["x-api-key"] = str(keys[-1])
        exchange.repeated_headers = tuple((k, v) for k, v in exchange.repeated_headers if k != "x-api-key")
    await exchange.forward(app)


def _another_tenant(dev_key: str) -> tuple[str, str]:
    """An agent of another account that holds numbers, and that account's key."""
    for account in load_config().accounts:
        if dev_key in account.api_keys:
            continue
        for agent in account.agents:
            if agent.phone_numbers:
                return agent.id, account.api_keys[0]
    raise LookupError("the mock's config has no other account holding numbers")


def shows_another_tenants_numbers(dev_key: str) -> Handler:
    other_agent, other_key = _another_tenant(dev_key)

    async def handler(app: Any, exchange: Exchange) -> None:
        """Listing numbers also lists another account's numbers."""
        await exchange.forward(app)
        if exchange.operation == "listPhoneNumbers" and exchange.status == 200:
            _, theirs = await call(app, "GET", f"/v1/agents/{other_agent}/telephony/phone-numbers", other_key)
            body = exchange.json()
            body["phoneNumbers"] += theirs["phoneNumbers"]
            exchange.set_json(body)

    return handler


async def forgets_imports(app: Any, exchange: Exchange) -> None:
    """An import answers 201 but the numbers are gone straight away."""
    await exchange.forward(app)
    if exchange.operation in ("importPhoneNumber", "importPhoneNumbers") and exchange.status == 201:
        imported = exchange.json()["imported"]
        agent = exchange.match[1]["agentId"]
        key = exchange.headers.get("x-api-key", "")
        for number in [imported] if isinstance(imported, str) else imported:
            await call(app, "DELETE", f"/v1/agents/{agent}/telephony/phone-numbers/{quote(number, safe='')}", key)


async def connectors_as_text(app: Any, exchange: Exchange) -> None:
    """The connector list is sent as text/plain."""
    await exchange.forward(app)
    if exchange.operation == "listConnectors" and exchange.status == 200:
        exchange.set_header("content-type", "text/plain; charset=utf-8")


async def bare_not_found(app: Any, exchange: Exchange) -> None:
    """404s lose the envelope: a framework-style body instead."""
    await exchange.forward(app)
    if exchange.status == 404:
        exchange.set_json({"detail": "Not Found"})


async def lookup_answers_another_connector(app: Any, exchange: Exchange) -> None:
    """Lookup answers some other connector of the agent than the one the number routes to."""
    await exchange.forward(app)
    if exchange.operation == "lookupConnector" and exchange.status == 200:
        right = exchange.json()
        agent = exchange.match[1]["agentId"]
        _, listed = await call(app, "GET", f"/v1/agents/{agent}/telephony/connectors", exchange.headers["x-api-key"])
        others = [item for item in listed["connectors"] if item["connectorId"] != right["connectorId"]]
        if others:
            exchange.set_json(others[0])


async def null_leaves_connector_fields_unchanged(app: Any, exchange: Exchange) -> None:
    """An update ignores `null` instead of clearing the field to ""."""
    if exchange.operation != "updateConnector":
        await exchange.forward(app)
        return
    try:
        changes = json.loads(exchange.body)
    except ValueError:
        changes = None
    if isinstance(changes, dict):
        exchange.body = json.dumps({name: value for name, value in changes.items() if value is not None}).encode()
    await exchange.forward(app)


def delete_connector_without_cascade(tx: Any, call: Call) -> Any:
    """deleteConnector's rule with the cascade left out: the numbers keep routing to nothing."""
    connector_id = call.path["connectorId"]
    connector = tx.connector(connector_id)
    if connector is None or connector["projectId"] != call.caller.project_id:
        raise ApiError("CONNECTORS_NOT_FOUND", f"Connector {connector_id} does not exist.")
    tx.delete_connector(connector_id)
    return {"deletedConnector": connector_id, "deletedPhoneNumbers": []}


def trigger_without_keeping_the_call(tx: Any, call: Call) -> Any:
    """triggerOutboundCall's rule answering a fresh SID but keeping no call: its status is unknown."""
    return {"callSid": f"OUT-{uuid.uuid4()}", "status": "QUEUED"}


@dataclass(frozen=True)
class Variant:
    name: str
    defect: str
    # The check that must report the defect.
    caught_by: str
    wrap: Callable[[Any, str], Any] | None = None
    # For a defect in a rule rather than on the wire: broken rules by operationId.
    rules: Mapping[str, Callable[[Any, Call], Any]] | None = None

    def app(self, dev_key: str) -> Any:
        """The broken mock, as an ASGI app; `dev_key` is the key the suite sends."""
        app = create_app(admin=True, rules=self.rules)
        return self.wrap(app, dev_key) if self.wrap is not None else app


def _wrapping(handler: Handler) -> Callable[[Any, str], Any]:
    return lambda app, _key: Broken(app, handler)


def _keyed(factory: Callable[[str], Handler]) -> Callable[[Any, str], Any]:
    return lambda app, key: Broken(app, factory(key))


VARIANTS = [
    Variant(
        "required-field-missing",
        "GET of a number omits clientEnv",
        "response_schema_conformance",
        _wrapping(phone_number_without_client_env),
    ),
    Variant(
        "wrong-success-code",
        "batch import answers 200, not 201",
        "status_code_conformance",
        _wrapping(import_answers_200),
    ),
    Variant(
        "server-error-on-some-input",
        "reading a +1 number answers 500",
        "not_a_server_error",
        _wrapping(crash_on_north_american_numbers),
    ),
    Variant("auth-not-enforced", "any key, or none, is accepted", "ignored_auth", _keyed(accepts_any_key)),
    Variant(
        "ambiguous-key-resolved",
        "a key header sent twice acts for the last key",
        "key_sent_twice_is_refused",
        _wrapping(acts_for_the_last_key),
    ),
    Variant(
        "another-agents-numbers-visible",
        "the number list includes another account's numbers",
        "agent_sees_only_its_project",
        _keyed(shows_another_tenants_numbers),
    ),
    Variant(
        "state-not-kept-after-import",
        "imported numbers are gone straight away",
        "import_then_get_returns_number_and_client_env",
        _wrapping(forgets_imports),
    ),
    Variant(
        "wrong-content-type",
        "the connector list is sent as text/plain",
        "content_type_conformance",
        _wrapping(connectors_as_text),
    ),
    Variant(
        "error-without-envelope",
        "404s answer {detail: Not Found}",
        "error_carries_envelope_and_correlation_id",
        _wrapping(bare_not_found),
    ),
    Variant(
        "cascade-delete-not-applied",
        "deleting a connector leaves its numbers routed to it",
        "connector_delete_cascades_to_numbers",
        rules={"deleteConnector": delete_connector_without_cascade},
    ),
    Variant(
        "update-null-does-not-clear",
        "a connector update ignores null instead of clearing the field",
        "connector_updates_apply_and_persist",
        _wrapping(null_leaves_connector_fields_unchanged),
    ),
    Variant(
        "lookup-returns-wrong-connector",
        "lookup answers another connector of the agent",
        "lookup_returns_the_connector_the_number_routes_to",
        _wrapping(lookup_answers_another_connector),
    ),
    Variant(
        "triggered-call-forgotten",
        "a triggered call's SID is unknown to the status operation",
        "triggered_call_is_queued_and_known_to_its_status",
        rules={"triggerOutboundCall": trigger_without_keeping_the_call},
    ),
]
