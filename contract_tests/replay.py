"""Replay a recording, in order, against a fresh mock seeded with what the recording shows existed.

The seed: the phone numbers and connectors the recorded service showed in successful reads before
any recorded write touched them (a number the run imported, released or reassigned is the run's
doing, not the account's). The fresh mock is the mock as shipped (the default config's voices
and call lifecycle) with one account holding the recorded agent, its project and that seed.

The replay sends each recorded request as it was, except:

- `recording.RUN_KEY` becomes the replay's own key, `recording.OTHER_KEY` a key the mock does not know;
- a value the service mints (`MINTED`: a call SID) that the mock minted differently is replaced in
  every later request by the mock's, so a status poll asks for the call the mock placed;
- the mock's clock reads the recorded start of each request, so a call moves through its states
  on the recorded timeline;
- an exchange the recording marks `_resetBefore` resets the mock to its seed first;
- an answer of 429 or 5xx was the service shedding load or failing, and whether it acted is
  unknown: that request is not replayed (`NOT_REPLAYED`).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from contract_tests import recording
from contract_tests.recording import Exchange
from contract_tests.wire import strings
from telephony_contract import Catalogue, load_catalogue, load_document
from telephony_mock import MockConfig, create_app, load_config

REPLAY_KEY = "fidelity-replay-key"
UNKNOWN_KEY = "fidelity-replay-unknown-key"
# Values the service mints afresh for each request that creates something; the replay follows
# the mock's own value from then on.
MINTED = ("callSid",)
NOT_REPLAYED = "the service answered 429 or 5xx: it shed load or failed, and may or may not have acted"
_HOP_BY_HOP = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive", "te", "upgrade"})
_AGENT = "agentId"
_NUMBERS = "phone-numbers"
_CONNECTORS = "connectors"


def not_replayed(exchange: Exchange) -> bool:
    return exchange.status == 429 or exchange.status >= 500


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class Seed:
    """What the recording shows existed before the run, for one agent."""

    agent_id: str
    account_id: str
    project_id: str
    connectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What the recording showed but the mock cannot hold, each with why.
    gaps: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent_id,
            "account": self.account_id,
            "project": self.project_id,
            "connectors": sorted(self.connectors),
            "numbers": sorted(self.numbers),
            "gaps": self.gaps,
        }


def _required(document: Mapping[str, Any], schema: str) -> frozenset[str]:
    return frozenset(document["components"]["schemas"][schema]["required"])


def _records(value: Any, required: frozenset[str]) -> Iterator[dict[str, Any]]:
    """Every object in an answer that has all the fields of a resource (a PhoneNumber, a Connector)."""
    if isinstance(value, dict):
        if required <= value.keys():
            yield value
        for item in value.values():
            yield from _records(item, required)
    elif isinstance(value, list):
        for item in value:
            yield from _records(item, required)


def seed_of(exchanges: Iterable[Exchange], catalogue: Catalogue | None = None) -> Seed:
    """The state the recorded service showed before the run changed anything (see the module)."""
    catalogue = catalogue or load_catalogue()
    document = load_document()
    number_fields, connector_fields = _required(document, "PhoneNumber"), _required(document, "Connector")
    exchanges = list(exchanges)
    agents = Counter(
        match.parameters[_AGENT]
        for exchange in exchanges
        if 200 <= exchange.status < 300 and (match := catalogue.match(exchange.method, exchange.path)) is not None
        if _AGENT in match.parameters
    )
    agent = agents.most_common(1)[0][0] if agents else "agent-replay"
    seed = Seed(agent, "", "")
    touched: set[str] = set()
    connectors_changed = False
    for exchange in exchanges:
        if exchange.reset_before:
            # Back to the seed: what reads show from here on is the seed again, until written.
            touched.clear()
            connectors_changed = False
        match = catalogue.match(exchange.method, exchange.path)
        if match is None or match.parameters.get(_AGENT) != agent or not 200 <= exchange.status < 300:
            continue
        operation = match.operation
        if operation.writes:
            # What a write names is the run's from now on; a connector write may move any number.
            touched.update(match.parameters.values())
            touched.update(strings(recording.json_of(exchange.request_body)))
            connectors_changed = connectors_changed or operation.resource == _CONNECTORS
            continue
        answer = recording.json_of(exchange.response_body)
        for record in _records(answer, connector_fields):
            if record["connectorId"] not in touched and not connectors_changed:
                seed.connectors.setdefault(record["connectorId"], record)
        for record in _records(answer, number_fields):
            if record["number"] not in touched and not connectors_changed:
                seed.numbers.setdefault(record["number"], record)
    owners = Counter(
        (record["accountId"], record["projectId"]) for record in [*seed.connectors.values(), *seed.numbers.values()]
    )
    seed.account_id, seed.project_id = owners.most_common(1)[0][0] if owners else ("acct-replay", "proj-replay")
    for kind, records in ((_CONNECTORS, seed.connectors), (_NUMBERS, seed.numbers)):
        for key, record in list(records.items()):
            if (record["accountId"], record["projectId"]) != (seed.account_id, seed.project_id):
                seed.gaps.append(f"{kind} {key}: belongs to {record['projectId']}, not the agent's project")
                del records[key]
    return seed


def mock_config(seed: Seed) -> MockConfig:
    """The fresh mock's config: the default config's behaviour, with the seed as its only account."""
    default = load_config()
    schemas = load_document()["components"]["schemas"]
    connector_fields = [name for name in schemas["Connector"]["properties"] if name not in ("accountId", "projectId")]
    environments = schemas["ClientEnv"]["enum"]
    connectors = [
        {name: record[name] for name in connector_fields if name in record} for record in seed.connectors.values()
    ]
    numbers = []
    for number, record in seed.numbers.items():
        entry = {"number": number, "clientEnv": record["clientEnv"]}
        if record["clientEnv"] not in environments:
            seed.gaps.append(f"number {number}: clientEnv {record['clientEnv']!r} is not one the mock can hold")
            continue
        if record.get("connectorId"):
            if record["connectorId"] in seed.connectors:
                entry["connectorId"] = record["connectorId"]
            else:
                seed.gaps.append(f"number {number}: routes to {record['connectorId']}, which no read showed")
        numbers.append(entry)
    voices = {str(c["voiceName"]) for c in connectors if c.get("voiceName")} | (default.voices or set())
    agent = {"id": seed.agent_id, "project": seed.project_id, "connectors": connectors, "phone_numbers": numbers}
    accounts = [{"id": seed.account_id, "api_keys": [REPLAY_KEY], "agents": [agent]}]
    config = load_config({"accounts": accounts, "voices": sorted(voices)}, source="the recording's seed")
    return replace(config, outbound_calls=default.outbound_calls)


@dataclass
class _RecordedClock:
    """The mock's wall clock during a replay: the recorded start of the request being replayed."""

    at: float = 0.0

    def __call__(self) -> float:
        return self.at


def _headers(exchange: Exchange, body: bytes) -> list[tuple[bytes, bytes]]:
    headers = []
    for name, value in exchange.request_headers:
        lowered = name.lower()
        if lowered in _HOP_BY_HOP:
            continue
        if lowered == recording.KEY_HEADER:
            value = {recording.RUN_KEY: REPLAY_KEY, recording.OTHER_KEY: UNKNOWN_KEY}.get(value, value)
        headers.append((lowered.encode("latin-1"), value.encode("latin-1")))
    if body:
        headers.append((b"content-length", str(len(body)).encode()))
    return headers


async def send_to(
    app: Any, method: str, path: str, query: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> Reply:
    """Send one request to an ASGI app in-process; `path` as sent (percent-encoded), headers lower case."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("latin-1"),
        "root_path": "",
        "query_string": query.encode("latin-1"),
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, answer_headers, raw = await recording.answer_of(app, scope, receive)
    return Reply(status, tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in answer_headers), raw)


def _minted(recorded: Any, replayed: Any) -> Iterator[tuple[str, str]]:
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        for name in MINTED:
            old, new = recorded.get(name), replayed.get(name)
            if isinstance(old, str) and isinstance(new, str) and old and old != new:
                yield old, new


async def _replay(app: Any, clock: _RecordedClock, exchanges: list[Exchange]) -> list[Reply | None]:
    mock = app.state.mock
    replies: list[Reply | None] = []
    minted: dict[str, str] = {}
    for exchange in exchanges:
        if exchange.reset_before:
            mock.reset()
        if not_replayed(exchange):
            replies.append(None)
            continue
        path, query, body = exchange.path, exchange.query, exchange.request_body
        for old, new in minted.items():
            path, query = path.replace(old, new), query.replace(old, new)
            body = body.replace(old.encode(), new.encode())
        clock.at = exchange.started
        reply = await send_to(mock, exchange.method, path, query, _headers(exchange, body), body)
        replies.append(reply)
        if 200 <= reply.status < 300 and 200 <= exchange.status < 300:
            minted.update(_minted(recording.json_of(exchange.response_body), recording.json_of(reply.body)))
    return replies


def replay(exchanges: list[Exchange], seed: Seed | None = None) -> tuple[Seed, list[Reply | None]]:
    """Replay `exchanges` against a fresh mock; the seed used, and one reply per exchange (None: not replayed)."""
    seed = seed or seed_of(exchanges)
    clock = _RecordedClock()
    app = create_app(mock_config(seed), wall_clock=clock)
    try:
        return seed, asyncio.run(_replay(app, clock, exchanges))
    finally:
        app.state.mock.store.close()
