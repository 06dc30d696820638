"""What concurrent writers saw, and the sequential model of phone numbers that must explain it.

The model of one number is None (not imported) or (agent, clientEnv, connectorId or None). Each
answer the server gave becomes a step of that model: an import answered 201 says the number was
free and now belongs to the agent; a 409 says it was held; a delete's 404 says the agent did not
hold it; a get's or a reassign's body says exactly what the number was. A batch is split into one
step per number it names, which is exact for deletes (each number is released on its own) and
for accepted imports; a refused batch import only says that the batch changed nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from linearizability import REFUSED, Operation, Step

ACCOUNT = "acct-dev"
PROJECT_OF = {"agent-dev": "proj-dev", "agent-dev-2": "proj-dev-2"}
AGENT_OF = {project: agent for agent, project in PROJECT_OF.items()}
CONNECTORS_OF = {"agent-dev": ("conn-dev-en", "conn-dev-es"), "agent-dev-2": ("conn-dev2-en",)}

NumberState = tuple[str, str, str | None] | None


@dataclass(frozen=True)
class Exchange:
    """One request a writer sent and the answer it got."""

    writer: int
    kind: str  # import-one, import-batch, delete-one, delete-batch, reassign, get
    agent: str
    numbers: tuple[str, ...]
    call: float
    returned: float
    status: int
    body: Any
    client_env: str | None = None
    connector: str | None = None

    def label(self) -> str:
        return f"writer {self.writer} {self.kind} {self.agent} {list(self.numbers)} -> {self.status} {self.body}"


def state_from_body(body: dict[str, Any]) -> NumberState:
    """A number's model state from its PhoneNumber representation."""
    assert body["accountId"] == ACCOUNT, body
    return (AGENT_OF[body["projectId"]], body["clientEnv"], body.get("connectorId"))


def unexpected(exchange: Exchange) -> str | None:
    """Why an answer can be no part of any valid history, whatever the order; None if it can."""
    status, body, kind = exchange.status, exchange.body, exchange.kind
    if status >= 500:
        return "server error"
    expected_codes = {
        ("import-one", 201): None,
        ("import-one", 409): "PHONE_NUMBERS_ALREADY_EXISTS",
        ("import-batch", 201): None,
        ("import-batch", 409): "PHONE_NUMBERS_ALREADY_EXISTS",
        ("delete-one", 200): None,
        ("delete-one", 404): "PHONE_NUMBERS_NOT_FOUND",
        ("delete-batch", 200): None,
        ("reassign", 200): None,
        ("reassign", 404): "PHONE_NUMBERS_NOT_FOUND",
        ("get", 200): None,
        ("get", 404): "PHONE_NUMBERS_NOT_FOUND",
    }
    if (kind, status) not in expected_codes:
        return f"status {status} is not an answer {kind} may give here"
    code = expected_codes[kind, status]
    if code is not None:
        return None if body.get("error_code") == code else f"expected error_code {code}"
    if kind == "import-one" and body != {"imported": exchange.numbers[0]}:
        return "import body does not name the number"
    if kind == "import-batch" and sorted(body.get("imported", [])) != sorted(exchange.numbers):
        return "batch import body does not list exactly the batch"
    if kind == "delete-one" and body != {"deleted": exchange.numbers[0]}:
        return "delete body does not name the number"
    if kind == "delete-batch":
        deleted = list(body.get("deleted", []))
        failed = [error["phoneNumber"] for error in body.get("errors", [])]
        if sorted(deleted + failed) != sorted(exchange.numbers):
            return "batch delete does not account for every number exactly once"
        if any(error["error"] != "PHONE_NUMBERS_NOT_FOUND" for error in body.get("errors", [])):
            return "batch delete reports an error other than PHONE_NUMBERS_NOT_FOUND"
    if kind in ("reassign", "get") and body.get("number") != exchange.numbers[0]:
        return "body describes another number"
    if kind == "reassign" and body.get("connectorId") != exchange.connector:
        return "reassigned number does not route to the requested connector"
    if kind in ("reassign", "get") and AGENT_OF.get(body.get("projectId", "")) != exchange.agent:
        return "number belongs to another project"
    return None


def _held_by(agent: str, state: NumberState) -> bool:
    return state is not None and state[0] == agent


def _step(exchange: Exchange, number: str) -> Step:
    kind, agent, status, body = exchange.kind, exchange.agent, exchange.status, exchange.body

    def step(state: Hashable) -> Hashable:
        current = cast(NumberState, state)
        if kind in ("import-one", "import-batch"):
            if status == 201:
                return (agent, exchange.client_env, None) if current is None else REFUSED
            if kind == "import-one":
                return current if current is not None else REFUSED
            return current  # a refused batch changed nothing; which number clashed is not known
        if kind == "delete-batch":
            released = number in body["deleted"]
        elif kind == "delete-one":
            released = status == 200
        else:
            released = False
        if kind in ("delete-one", "delete-batch"):
            if released:
                return None if _held_by(agent, current) else REFUSED
            return current if not _held_by(agent, current) else REFUSED
        if status == 404:  # get or reassign of a number the agent does not hold
            return current if not _held_by(agent, current) else REFUSED
        seen = state_from_body(body)
        if kind == "get":
            return current if current == seen else REFUSED
        # reassign: the number kept its environment and now routes to the connector
        if current is None or current[:2] != seen[:2]:
            return REFUSED
        return seen

    return step


def operations_by_number(exchanges: Iterable[Exchange]) -> dict[str, list[Operation]]:
    by_number: dict[str, list[Operation]] = {}
    for exchange in exchanges:
        for number in exchange.numbers:
            by_number.setdefault(number, []).append(
                Operation(exchange.call, exchange.returned, _step(exchange, number), exchange.label())
            )
    return by_number


def final_read(observed: NumberState, at: float) -> Operation:
    """The state read after every writer finished: the last operation of every history."""

    def step(state: Hashable) -> Hashable:
        return state if state == observed else REFUSED

    return Operation(at, at, step, f"final state {observed}")
