"""The mutation matrix: the mock with one fact changed at a time, and the class its finding must have.

Each mutation changes one thing the service could get wrong: a published fact (a field dropped,
a filter ignored, another account's data, a batch get that files what it found under `notFound`)
or one of the contract's assumptions. A run against it must catch it with the right class: a
published fact changed is drift (tenancy for another account's data), and an assumption changed
names that assumption and nothing else. Each mutation lists the operations it affects, so its run
tests only those. Besides these hand-written ones, `derived` gives every operation of a kind its
kind's mutations, read from the contract.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests import kinds
from contract_tests.attribution import ASSUMPTION, DRIFT, TENANCY
from contract_tests.broken_mocks import (
    Broken,
    Exchange,
    Handler,
    acts_for_the_last_key,
    call,
    import_answers_200,
    lookup_answers_another_connector,
    shows_another_tenants_numbers,
)
from contract_tests.runner import load_settings
from contract_tests.target import mock_credentials
from telephony_contract import CORRELATION_HEADER, Catalogue, error_envelope, generic_code, load_catalogue
from telephony_mock import create_app

Change = Callable[[Exchange], None]


def _on_success(operation: str, change: Change) -> Handler:
    """Forward, then change the successful answers of `operation`."""

    async def handler(app: Any, exchange: Exchange) -> None:
        await exchange.forward(app)
        if exchange.operation == operation and 200 <= exchange.status < 300:
            change(exchange)

    return handler


def _body(change: Callable[[Any], None]) -> Change:
    def apply(exchange: Exchange) -> None:
        body = exchange.json()
        change(body)
        exchange.set_json(body)

    return apply


async def _ignore_connector_filter(app: Any, exchange: Exchange) -> None:
    """A number list answers every number of the agent, whatever its `connectorId` filter."""
    await exchange.forward(app)
    if exchange.operation == "listPhoneNumbers" and exchange.status == 200 and "connectorId=" in exchange.query:
        agent = exchange.match[1]["agentId"]
        key = exchange.headers["x-api-key"]
        status, everything = await call(app, "GET", f"/v1/agents/{agent}/telephony/phone-numbers", key)
        if status == 200:
            exchange.set_json(everything)


def _found_filed_as_not_found(key: str) -> Change:
    """A batch get answers everything it was asked under `notFound`."""

    def apply(exchange: Exchange) -> None:
        asked = json.loads(exchange.body)[key]
        exchange.set_json({"found": [], "notFound": asked})

    return apply


def _drop(field: str) -> Callable[[Any], None]:
    return lambda body: body.pop(field, None)


async def _without_correlation_header(app: Any, exchange: Exchange) -> None:
    """No answer carries the correlation header."""
    await exchange.forward(app)
    dropped = CORRELATION_HEADER.lower()
    exchange.response_headers = [(k, v) for k, v in exchange.response_headers if k.lower() != dropped]


async def _error_id_not_the_correlation_id(app: Any, exchange: Exchange) -> None:
    """An error envelope's `error_id` is not the correlation header's value."""
    await exchange.forward(app)
    body = exchange.json()
    if exchange.status >= 400 and isinstance(body, dict) and "error_id" in body:
        body["error_id"] = "not-" + str(body["error_id"])
        exchange.set_json(body)


def _with_another_projects_connectors() -> Handler:
    async def handler(app: Any, exchange: Exchange) -> None:
        """The connector list also shows the connectors of another agent (project) of the same account."""
        await exchange.forward(app)
        if (
            exchange.operation == "listConnectors"
            and exchange.status == 200
            and exchange.match[1]["agentId"] != (OTHER_PROJECT_AGENT)
        ):
            key = exchange.headers["x-api-key"]
            _, theirs = await call(app, "GET", f"/v1/agents/{OTHER_PROJECT_AGENT}/telephony/connectors", key)
            body = exchange.json()
            body["connectors"] += theirs["connectors"]
            exchange.set_json(body)

    return handler


# agent-dev-2 is agent-dev's neighbour in the mock's default config: same account, its own project.
OTHER_PROJECT_AGENT = "agent-dev-2"


def _reversed(*keys: str) -> Callable[[Any], None]:
    def apply(body: Any) -> None:
        for key in keys:
            if isinstance(body.get(key), list):
                body[key] = body[key][::-1]

    return apply


async def _number_reads_fail(app: Any, exchange: Exchange) -> None:
    """Every read of a number fails with 500 (in the envelope, so only the status is wrong)."""
    await exchange.forward(app)
    if exchange.operation == "getPhoneNumber":
        exchange.status = 500
        correlation_id = exchange.header(CORRELATION_HEADER) or "broken-500"
        exchange.set_json(error_envelope(generic_code(500), "Broken on purpose.", correlation_id))


async def _unpublished_401_code(app: Any, exchange: Exchange) -> None:
    """A refused key answers 401 with a code PolyAI does not publish."""
    await exchange.forward(app)
    if exchange.status == 401:
        exchange.set_json({**exchange.json(), "error_code": "AUTH_KEY_REJECTED"})


async def _lookup_404_with_the_other_code(app: Any, exchange: Exchange) -> None:
    """A lookup that finds nothing answers the other of its two not-found codes."""
    await exchange.forward(app)
    if exchange.operation == "lookupConnector" and exchange.status == 404:
        body = exchange.json()
        swap = {"PHONE_NUMBERS_NOT_FOUND": "CONNECTORS_NOT_FOUND", "CONNECTORS_NOT_FOUND": "PHONE_NUMBERS_NOT_FOUND"}
        body["error_code"] = swap.get(body["error_code"], body["error_code"])
        exchange.set_json(body)


def _reason_when_not_failed(body: Any) -> None:
    if body.get("status") != "FAILURE":
        body["reason"] = "The call is going well."


async def _unknown_properties_ignored(app: Any, exchange: Exchange) -> None:
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


@dataclass(frozen=True)
class Mutation:
    name: str
    changes: str  # what the service gets wrong
    klass: str  # the class every finding must have
    caught_by: str  # a check that must be among the findings
    operations: tuple[str, ...]  # what the run tests: the operations the mutation affects
    handler: Handler | None = None
    keyed: Callable[[str], Handler] | None = None  # a handler that needs the run's key
    assumption: str | None = None  # for an assumption mutation, the one assumption named
    # Its run takes seconds rather than one (imports, calls, negative fuzzing): out of the default run.
    slow: bool = False

    def app(self, dev_key: str) -> Any:
        handler = self.keyed(dev_key) if self.keyed is not None else self.handler
        assert handler is not None
        return Broken(create_app(admin=True), handler)


PUBLISHED = [
    Mutation(
        "field-dropped",
        "a number read lacks the published required `projectId`",
        DRIFT,
        "response_schema_conformance",
        ("getPhoneNumber",),
        _on_success("getPhoneNumber", _body(_drop("projectId"))),
    ),
    Mutation(
        "filter-ignored",
        "a number list ignores its `connectorId` filter",
        DRIFT,
        "number_list_honours_its_connector_filter",
        ("listPhoneNumbers",),
        _ignore_connector_filter,
    ),
    Mutation(
        "batch-get-connectors-finds-nothing",
        "a connector batch get files every connector it found under `notFound`",
        DRIFT,
        "listed_connectors_read_back_the_same",
        ("listConnectors", "batchGetConnectors"),
        _on_success("batchGetConnectors", _found_filed_as_not_found("connectorIds")),
    ),
    Mutation(
        "batch-get-numbers-finds-nothing",
        "a number batch get files every number it found under `notFound`",
        DRIFT,
        "listed_numbers_read_back_the_same",
        ("listPhoneNumbers", "batchGetPhoneNumbers"),
        _on_success("batchGetPhoneNumbers", _found_filed_as_not_found("phoneNumbers")),
        slow=True,
    ),
    Mutation(
        "lookup-answers-another-connector",
        "a lookup answers another connector than the one the number routes to",
        DRIFT,
        "lookup_returns_the_connector_the_number_routes_to",
        ("lookupConnector",),
        lookup_answers_another_connector,
    ),
    Mutation(
        "wrong-success-status",
        "a batch import answers 200, not the published 201",
        DRIFT,
        "status_code_conformance",
        ("importPhoneNumbers",),
        import_answers_200,
        slow=True,
    ),
    Mutation(
        "server-error",
        "reading a number answers 500",
        DRIFT,
        "not_a_server_error",
        ("getPhoneNumber",),
        _number_reads_fail,
    ),
    Mutation(
        "another-accounts-numbers",
        "the number list shows another account's numbers",
        TENANCY,
        "agent_sees_only_its_project",
        ("listPhoneNumbers",),
        keyed=shows_another_tenants_numbers,
    ),
]

ASSUMED = [
    Mutation(
        "correlation-header-missing",
        "no answer carries X-PolyAI-Correlation-Id",
        ASSUMPTION,
        "response_headers_conformance",
        ("getPhoneNumber",),
        _without_correlation_header,
        assumption="correlation-header",
    ),
    Mutation(
        "error-id-not-correlation-id",
        "an error's `error_id` differs from the correlation header",
        ASSUMPTION,
        "error_carries_envelope_and_correlation_id",
        ("getPhoneNumber",),
        _error_id_not_the_correlation_id,
        assumption="correlation-header",
    ),
    Mutation(
        "another-projects-connectors",
        "the connector list shows another project's connectors of the same account",
        ASSUMPTION,
        "agent_sees_only_its_project",
        ("listConnectors",),
        keyed=lambda _key: _with_another_projects_connectors(),
        assumption="agent-is-project",
    ),
    Mutation(
        "batch-get-out-of-order",
        "a number batch get answers `found` and `notFound` in reverse request order",
        ASSUMPTION,
        "list_and_batch_get_reflect_imports_and_deletes",
        ("importPhoneNumbers", "batchGetPhoneNumbers"),
        _on_success("batchGetPhoneNumbers", _body(_reversed("found", "notFound"))),
        assumption="batchGetPhoneNumbers",
        slow=True,
    ),
    Mutation(
        "two-keys-resolved",
        "a key header sent twice acts for the last key",
        ASSUMPTION,
        "key_sent_twice_is_refused",
        ("listPhoneNumbers",),
        acts_for_the_last_key,
        assumption="single-credential",
    ),
    Mutation(
        "unpublished-401-code",
        "a refused key answers 401 with a code PolyAI does not publish",
        ASSUMPTION,
        "error_carries_envelope_and_correlation_id",
        ("getPhoneNumber",),
        _unpublished_401_code,
        assumption="auth-codes",
    ),
    Mutation(
        "lookup-404-other-code",
        "a lookup that finds nothing answers the other not-found code",
        ASSUMPTION,
        "lookup_returns_the_connector_the_number_routes_to",
        ("lookupConnector",),
        _lookup_404_with_the_other_code,
        assumption="lookupConnector",
    ),
    Mutation(
        "reason-without-failure",
        "a call that did not fail comes with a reason",
        ASSUMPTION,
        "call_status_gives_a_reason_only_for_failure",
        ("triggerOutboundCall", "getOutboundCallStatus"),
        _on_success("getOutboundCallStatus", _body(_reason_when_not_failed)),
        assumption="getOutboundCallStatus",
        slow=True,
    ),
    Mutation(
        "unknown-properties-ignored",
        "a number batch get ignores request properties it does not know",
        ASSUMPTION,
        "negative_data_rejection",
        ("batchGetPhoneNumbers",),
        _unknown_properties_ignored,
        assumption="strict-requests",
        slow=True,
    ),
]

MATRIX = [*PUBLISHED, *ASSUMED]


# An account the mock's default config does not have: whatever shows it is another tenant's data.
OTHER_ACCOUNT = "acct-someone-else"


def _strangers_copy(body: Any) -> None:
    """Each list of resources in the answer also shows a copy of its first, owned by another account."""
    for value in body.values():
        if isinstance(value, list) and value and isinstance(value[0], dict) and "accountId" in value[0]:
            value.append({**value[0], "accountId": OTHER_ACCOUNT})


def _first_listed_whatever_asked(catalogue: Catalogue, get: kinds.SingleGet) -> Handler:
    """A get answers the agent's first listed resource of its kind, whatever id was asked."""
    assert get.listing is not None and get.key is not None
    listing, key, header = catalogue[get.listing].path, get.key, catalogue.api_key_header.lower()

    async def handler(app: Any, exchange: Exchange) -> None:
        await exchange.forward(app)
        if exchange.operation == get.operation and exchange.status in (200, 404):
            path = listing.replace("{agentId}", exchange.match[1]["agentId"])
            status, listed = await call(app, "GET", path, exchange.headers[header])
            if status == 200 and listed[key]:
                exchange.status = 200
                exchange.set_json(listed[key][0])

    return handler


def derived(catalogue: Catalogue) -> list[Mutation]:
    """The mutations every operation of a kind gets, read from the contract model.

    An operation is not named here: each whose success answer publishes a required field gets that
    field dropped (see contract_tests/kinds.py), and the run on that one operation must report
    drift from the schema check; each that lists resources unasked also shows another account's, and
    the run must report a tenancy breach; each read of one resource by id answers another, and
    the run must report drift. The matrix's hand-written mutations stay for what is specific to
    one operation or to an assumption.
    """
    mutations = []
    for operation in catalogue.values():
        name = operation.operation_id
        # Runs that must first create something, or place calls, take seconds: out of the default run.
        slow = not operation.safe or operation.places_call
        fields = kinds.required_fields(catalogue, operation)
        if fields:
            mutations.append(
                Mutation(
                    f"field-dropped-{name}",
                    f"{name}'s answer lacks the published required `{fields[0]}`",
                    DRIFT,
                    kinds.SCHEMA_CHECK,
                    (name,),
                    _on_success(name, _body(_drop(fields[0]))),
                    slow=slow,
                )
            )
        # A batch read answers what its request names, so a stranger in its answer would break that
        # first: only lists read without a body get this one.
        if catalogue.lists_resources(operation) and operation.body is None:
            mutations.append(
                Mutation(
                    f"another-account-{name}",
                    f"{name} also shows another account's copy of a resource it lists",
                    TENANCY,
                    kinds.TENANCY_CHECK,
                    (name,),
                    _on_success(name, _body(_strangers_copy)),
                    slow=slow,
                )
            )
    for get in kinds.single_gets(catalogue).values():
        if get.listing is not None:
            mutations.append(
                Mutation(
                    f"get-answers-another-{get.operation}",
                    f"{get.operation} answers the first listed resource whatever was asked",
                    DRIFT,
                    kinds.GET_CHECK,
                    (get.operation,),
                    _first_listed_whatever_asked(catalogue, get),
                )
            )
    return mutations


DERIVED = derived(load_catalogue())

# Enough for each mutation's few operations to be reached by examples, coverage, fuzzing and a
# short stateful sequence; a defect only has to be found, not shrunk.
BUDGET = {"generation": {"max-examples": 6, "no-shrink": True}, "phases": {"stateful": {"max-steps": 6}}}


@dataclass(frozen=True)
class Caught:
    """One new finding of a mutation's run, as the report classes it."""

    check: str
    operation: str
    kind: str
    klass: str
    assumptions: tuple[str, ...]


def run(mutation: Mutation, report_dir: Path) -> tuple[list[Caught], float]:
    """Run the suite against the mutated mock, on the mutation's operations; its findings and seconds."""
    _, dev_key = mock_credentials(load_settings())
    return run_app(mutation.app(dev_key), mutation.operations, report_dir, f"mutation {mutation.name}")


def run_app(app: Any, operations: tuple[str, ...], report_dir: Path, command: str) -> tuple[list[Caught], float]:
    from contract_tests.conformance import conduct  # the whole run, as `make conformance` does it

    started = time.monotonic()
    conducted = conduct(
        "mock", mock_app=app, report_dir=report_dir, overrides=BUDGET, only_operations=operations, command=command
    )
    seconds = time.monotonic() - started
    judged = conducted.judged
    caught = [
        Caught(f.check, f.operation, f.kind, judged.klass(f), judged.attributions[f.id].assumptions)
        for f in conducted.outcome.new_findings
    ]
    return caught, seconds


def main() -> None:
    """Print the matrix's result table (Markdown): each mutation, the classes it got, its time."""
    print("| mutation | expected | caught as | checks | seconds |")
    print("|---|---|---|---|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for mutation in MATRIX:
            caught, seconds = run(mutation, Path(folder) / mutation.name)
            expected = mutation.klass + (f" `{mutation.assumption}`" if mutation.assumption else "")
            got = sorted({c.klass + "".join(f" `{a}`" for a in c.assumptions) for c in caught}) or ["not caught"]
            checks = sorted({c.check for c in caught})
            print(f"| {mutation.name} | {expected} | {', '.join(got)} | {', '.join(checks)} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
