"""Schemathesis extensions for the telephony contract: E.164 generation and the contract's invariants.

Loaded the same way by every entry point: `schemathesis.toml` names this module under `hooks`
(equivalent to `SCHEMATHESIS_HOOKS=contract_tests.hooks`), and `conftest.py` imports it, so
`schemathesis run openapi.yaml`, `make conformance` and pytest run exactly these checks.

Each check is named for the invariant it guards, so a report line says what broke. Checks that
need the service's state after a write read it back with follow-up GETs (or batch-get POSTs,
which write nothing) sent through the same transport, key and agent as the request under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis import CheckContext, HookContext, Response
from schemathesis.core import NOT_SET
from schemathesis.core.failures import Failure
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import UseAfterFree

from contract_tests.fictional_ranges import fictional_numbers

# Positive cases draw numbers from the fictional ranges: valid requests are then accepted rather
# than rejected as malformed, and nothing generated can name a real subscriber.
schemathesis.openapi.format("e164", fictional_numbers())

CORRELATION_HEADER = "X-PolyAI-Correlation-Id"
# Set by the real-target safety guard (contract_tests.target) on requests it refused to forward;
# such an answer comes from the guard, not the service, so no invariant applies to it.
GUARD_HEADER = "X-Conformance-Guard"
ENVELOPE_FIELDS = ("success", "error", "error_id", "error_code", "error_message", "data")
ERROR_CODE_SHAPE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
CLEARABLE_CONNECTOR_FIELDS = ("variantId", "asrLangCode", "voiceName")
# Follow-up reads per response are capped: a 1000-number batch must not cost 1000 requests.
MAX_SINGLE_READS = 3


# ---------------------------------------------------------------------------------------------
# Reading cases and responses


def _operation_id(case: Case) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _header(response: Response, name: str) -> str | None:
    for key, values in response.headers.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


def _body(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _path_value(case: Case, name: str) -> str:
    # Values a link or a response supplied arrive percent-encoded (`%2B44...`).
    return unquote(str(case.path_parameters.get(name, "")))


def _request_body(case: Case) -> dict[str, Any]:
    return case.body if isinstance(case.body, dict) else {}


def _from_guard(response: Response) -> bool:
    return _header(response, GUARD_HEADER) is not None


def _succeeded(response: Response, case: Case, *operation_ids: str) -> bool:
    return 200 <= response.status_code < 300 and _operation_id(case) in operation_ids and not _from_guard(response)


def _fail(problems: Iterable[str]) -> None:
    found = list(problems)
    if found:
        raise AssertionError("\n".join(found))


# ---------------------------------------------------------------------------------------------
# Follow-up requests


class _Reader:
    """Reads the service's state as the request under test saw it: same agent, key and transport."""

    def __init__(self, ctx: CheckContext, case: Case) -> None:
        self._ctx = ctx
        self._case = case
        self.agent_id = _path_value(case, "agentId")
        key = case.headers.get("X-API-KEY") if case.headers else None
        self._headers = {"X-API-KEY": key} if key is not None else {}

    def send(
        self,
        operation_id: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: Any = NOT_SET,
    ) -> Response:
        operation = self._case.operation.schema.find_operation_by_id(operation_id)
        follow_up = operation.Case(
            path_parameters={"agentId": self.agent_id, **(path or {})},
            query=query,
            headers=dict(self._headers),
            body=body,
            media_type="application/json" if body is not NOT_SET else None,
        )
        # `transport_kwargs` carries the base URL or in-process app the run talks to; the built-in
        # probing checks reach it the same way.
        return follow_up.call(**(self._ctx.internals.transport_kwargs or {}))

    def number(self, number: str) -> Response:
        return self.send("getPhoneNumber", path={"phoneNumber": number})

    def connector(self, connector_id: str) -> Response:
        return self.send("getConnector", path={"connectorId": connector_id})

    def numbers(self) -> list[dict[str, Any]]:
        response = self.send("listPhoneNumbers")
        _expect_status(response, 200, "GET phone numbers")
        return list(_body(response)["phoneNumbers"])

    def connectors(self) -> list[dict[str, Any]]:
        response = self.send("listConnectors")
        _expect_status(response, 200, "GET connectors")
        return list(_body(response)["connectors"])

    def batch_numbers(self, numbers: list[str]) -> dict[str, Any]:
        response = self.send("batchGetPhoneNumbers", body={"phoneNumbers": numbers})
        _expect_status(response, 200, "POST phone-numbers/batch")
        return dict(_body(response))


def _expect_status(response: Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise AssertionError(f"{what} answered {response.status_code}, expected {status}: {response.text[:300]}")


def _error_code(response: Response) -> str | None:
    body = _body(response)
    return body.get("error_code") if isinstance(body, dict) else None


@schemathesis.hook
def filter_failure(context: HookContext, failure: Failure, case: Case, response: Response) -> bool:
    """Drop `use_after_free` blamed on the batch release, which Schemathesis cannot model.

    `deletePhoneNumbers` is a DELETE on the collection path that releases the numbers its body
    names. `use_after_free` treats it as deleting everything under that path, so any later read of
    another number looks like use after free. What the batch release really frees is read back
    number by number by `delete_then_get_is_404` and `list_and_batch_get_reflect_imports_and_deletes`.
    """
    if isinstance(failure, UseAfterFree):
        batch_release = case.operation.schema.find_operation_by_id("deletePhoneNumbers").label
        return failure.operation != batch_release
    return True


# ---------------------------------------------------------------------------------------------
# Errors


@schemathesis.check
def error_carries_envelope_and_correlation_id(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx/5xx body is the envelope, its code belongs to its status, and `error_id` is the correlation id."""
    if response.status_code < 400 or _from_guard(response):
        return True
    body = _body(response)
    if not isinstance(body, dict):
        raise AssertionError(f"{response.status_code} body is not the error envelope: {response.text[:300]!r}")
    problems = [f"envelope lacks `{name}`" for name in ENVELOPE_FIELDS if name not in body]
    if body.get("success") is not False:
        problems.append(f"`success` is {body.get('success')!r}, expected false")
    if body.get("data", None) is not None:
        problems.append(f"`data` is {body['data']!r}, expected null")
    # `error` is a human-readable message (PolyAI's examples repeat `error_message` in it), not
    # the HTTP reason phrase: any non-empty text conforms.
    for name in ("error", "error_message"):
        if name in body and not (isinstance(body[name], str) and body[name].strip()):
            problems.append(f"`{name}` is {body[name]!r}, expected a human-readable message")
    code = body.get("error_code")
    known = case.operation.schema.raw_schema.get("x-error-codes", {})
    if not isinstance(code, str) or not ERROR_CODE_SHAPE.match(code):
        problems.append(f"`error_code` {code!r} is not UPPER_SNAKE_CASE")
    elif code not in known:
        problems.append(f"`error_code` {code} is not one of the contract's x-error-codes")
    elif known[code]["status"] != response.status_code:
        problems.append(f"`error_code` {code} belongs to status {known[code]['status']}, not {response.status_code}")
    correlation_id = _header(response, CORRELATION_HEADER)
    if not correlation_id:
        problems.append(f"no {CORRELATION_HEADER} header")
    elif correlation_id != body.get("error_id"):
        problems.append(f"{CORRELATION_HEADER} {correlation_id!r} differs from error_id {body.get('error_id')!r}")
    _fail(problems)
    return None


# ---------------------------------------------------------------------------------------------
# Phone numbers


def _requested_imports(case: Case) -> list[str]:
    if _operation_id(case) == "importPhoneNumber":
        return [_path_value(case, "phoneNumber")]
    return [str(number) for number in _request_body(case).get("phoneNumbers", [])]


def _imported(response: Response) -> list[str]:
    imported = _body(response)["imported"]
    return [imported] if isinstance(imported, str) else list(imported)


@schemathesis.check
def import_then_get_returns_number_and_client_env(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """An import imports exactly what was asked, and each number then reads back with the requested clientEnv."""
    if not _succeeded(response, case, "importPhoneNumber", "importPhoneNumbers"):
        return True
    imported = _imported(response)
    requested = _requested_imports(case)
    problems = []
    if sorted(imported) != sorted(requested):
        problems.append(f"imported {imported}, but the request asked for {requested}")
    client_env = _request_body(case).get("clientEnv", "live")
    reader = _Reader(ctx, case)
    for number in imported[:MAX_SINGLE_READS]:
        got = reader.number(number)
        if got.status_code != 200:
            problems.append(f"GET {number} after its import answered {got.status_code}, expected 200")
            continue
        record = _body(got)
        if record.get("number") != number:
            problems.append(f"GET {number} returned number {record.get('number')!r}")
        if record.get("clientEnv") != client_env:
            problems.append(f"GET {number} returned clientEnv {record.get('clientEnv')!r}, imported as {client_env!r}")
    _fail(problems)
    return None


@schemathesis.check
def delete_then_get_is_404(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A released number or deleted connector is gone: reading it answers 404 with its not-found code."""
    reader = _Reader(ctx, case)
    if _succeeded(response, case, "deletePhoneNumber", "deletePhoneNumbers"):
        released = _body(response)["deleted"]
        gone_numbers = [released] if isinstance(released, str) else list(released)
        gone_connector = None
    elif _succeeded(response, case, "deleteConnector"):
        body = _body(response)
        gone_numbers = list(body["deletedPhoneNumbers"])
        gone_connector = body["deletedConnector"]
    else:
        return True
    problems = []
    for number in gone_numbers[:MAX_SINGLE_READS]:
        got = reader.number(number)
        if got.status_code != 404 or _error_code(got) != "PHONE_NUMBERS_NOT_FOUND":
            problems.append(f"GET {number} after its release answered {got.status_code} {_error_code(got)}")
    if gone_connector is not None:
        got = reader.connector(gone_connector)
        if got.status_code != 404 or _error_code(got) != "CONNECTORS_NOT_FOUND":
            problems.append(f"GET connector {gone_connector} after its deletion answered {got.status_code}")
    _fail(problems)
    return None


@schemathesis.check
def list_and_batch_get_reflect_imports_and_deletes(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """After an import the list and batch get show every number; after a release, none of them."""
    if _succeeded(response, case, "importPhoneNumber", "importPhoneNumbers"):
        numbers, present = _imported(response), True
    elif _succeeded(response, case, "deletePhoneNumber", "deletePhoneNumbers"):
        released = _body(response)["deleted"]
        numbers, present = ([released] if isinstance(released, str) else list(released)), False
    else:
        return True
    if not numbers:
        return None
    reader = _Reader(ctx, case)
    listed = {record.get("number") for record in reader.numbers()}
    batch = reader.batch_numbers(numbers)
    found = [record.get("number") for record in batch["found"]]
    problems = []
    if present:
        problems += [f"{number} imported but missing from the list" for number in numbers if number not in listed]
        if found != numbers:
            problems.append(f"batch get after import found {found}, expected {numbers}")
    else:
        problems += [f"{number} released but still listed" for number in numbers if number in listed]
        if found or batch["notFound"] != numbers:
            problems.append(f"batch get after release found {found}, notFound {batch['notFound']}")
    _fail(problems)
    return None


@schemathesis.check
def batch_answers_cover_the_request_in_order(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Batch answers account for every requested item once, in request order."""
    operation_id = _operation_id(case)
    if not _succeeded(
        response, case, "batchGetPhoneNumbers", "batchGetConnectors", "deletePhoneNumbers", "batchUpdateConnectors"
    ):
        return True
    body, request = _body(response), _request_body(case)
    problems = []
    if operation_id in ("batchGetPhoneNumbers", "batchGetConnectors"):
        key, id_field = (
            ("phoneNumbers", "number") if operation_id == "batchGetPhoneNumbers" else ("connectorIds", "connectorId")
        )
        asked = list(request.get(key, []))
        found = [item.get(id_field) for item in body["found"]]
        _check_partition(problems, asked, found, list(body["notFound"]), "found", "notFound")
    elif operation_id == "deletePhoneNumbers":
        asked = list(request.get("phoneNumbers", []))
        errors = body.get("errors", [])
        failed = [item.get("phoneNumber") for item in errors]
        _check_partition(problems, asked, list(body["deleted"]), failed, "deleted", "errors")
        if "errors" in body and not errors:
            problems.append("`errors` is present but empty; the contract omits it when every number was released")
    else:
        asked = [update.get("connectorId") for update in request.get("updates", [])]
        results = body["results"]
        answered = [result.get("connectorId") for result in results]
        if answered != asked:
            problems.append(f"results answer {answered}, the request updated {asked}")
        for result in results:
            if result.get("success") is True and "data" not in result:
                problems.append(f"successful result for {result.get('connectorId')} carries no `data`")
            if result.get("success") is False and "error" not in result:
                problems.append(f"failed result for {result.get('connectorId')} carries no `error`")
    _fail(problems)
    return None


def _check_partition(problems: list[str], asked: list[str], left: list[str], right: list[str], *names: str) -> None:
    if sorted(left + right) != sorted(asked):
        problems.append(f"{names[0]} {left} and {names[1]} {right} do not partition the request {asked}")
    for name, part in zip(names, (left, right), strict=True):
        if part != [item for item in asked if item in part]:
            problems.append(f"{name} {part} is not in request order {asked}")


# ---------------------------------------------------------------------------------------------
# Connectors and routing


@schemathesis.check
def numbers_route_to_existing_connectors(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A listed number's connectorId names a connector the same agent can see, in the same project."""
    if not _succeeded(response, case, "listPhoneNumbers") or case.query.get("connectorId"):
        return True
    connectors = {item["connectorId"]: item for item in _Reader(ctx, case).connectors()}
    problems = []
    for record in _body(response)["phoneNumbers"]:
        target = record.get("connectorId")
        if target is None:
            continue
        if target not in connectors:
            problems.append(f"{record.get('number')} routes to {target}, which the agent does not have")
        elif connectors[target].get("projectId") != record.get("projectId"):
            problems.append(f"{record.get('number')} and its connector {target} are in different projects")
    _fail(problems)
    return None


@schemathesis.check
def connector_delete_cascades_to_numbers(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Deleting a connector releases every number routed to it, and reports exactly those."""
    if not _succeeded(response, case, "deleteConnector"):
        return True
    body = _body(response)
    deleted = body["deletedConnector"]
    released = set(body["deletedPhoneNumbers"])
    problems = []
    if deleted != _path_value(case, "connectorId"):
        problems.append(f"deletedConnector is {deleted!r}, the request deleted {_path_value(case, 'connectorId')}")
    for record in _Reader(ctx, case).numbers():
        number = record.get("number")
        if record.get("connectorId") == deleted:
            problems.append(f"{number} still routes to the deleted connector {deleted}")
        if number in released:
            problems.append(f"{number} is reported released with {deleted} but is still listed")
    _fail(problems)
    return None


@schemathesis.check
def lookup_returns_the_connector_the_number_routes_to(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Lookup answers the connector the number routes to, and 404 with the right code when there is none."""
    if _operation_id(case) != "lookupConnector" or _from_guard(response):
        return True
    number = _request_body(case).get("phoneNumber")
    if not isinstance(number, str) or response.status_code not in (200, 404):
        return True
    reader = _Reader(ctx, case)
    held = reader.number(number)
    routed_to = _body(held).get("connectorId") if held.status_code == 200 else None
    problems = []
    if response.status_code == 200:
        connector = _body(response)
        if routed_to != connector.get("connectorId"):
            problems.append(
                f"lookup of {number} answered {connector.get('connectorId')}, the number routes to {routed_to}"
            )
        else:
            stored = reader.connector(routed_to)
            if stored.status_code != 200 or _body(stored) != connector:
                problems.append(f"lookup of {number} answered a connector that differs from GET {routed_to}")
    else:
        code = _error_code(response)
        expected = "PHONE_NUMBERS_NOT_FOUND" if held.status_code == 404 else "CONNECTORS_NOT_FOUND"
        if routed_to is not None:
            problems.append(f"lookup of {number} answered 404 {code}, but the number routes to {routed_to}")
        elif code != expected:
            problems.append(f"lookup of {number} answered 404 {code}, expected {expected}")
    _fail(problems)
    return None


@schemathesis.check
def reassign_routes_number_to_connector(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A reassigned number answers, and then reads back, routed to the requested connector."""
    if not _succeeded(response, case, "reassignPhoneNumber"):
        return True
    wanted = _request_body(case).get("connectorId")
    body = _body(response)
    problems = []
    if body.get("connectorId") != wanted:
        problems.append(f"reassign answered connectorId {body.get('connectorId')!r}, the request asked for {wanted!r}")
    stored = _Reader(ctx, case).number(body.get("number", ""))
    if stored.status_code != 200 or _body(stored) != body:
        problems.append(f"GET {body.get('number')} after the reassign differs from the reassign's answer")
    _fail(problems)
    return None


def _applied(update: dict[str, Any], connector: dict[str, Any]) -> list[str]:
    problems = []
    for name in CLEARABLE_CONNECTOR_FIELDS:
        if name in update:
            expected = "" if update[name] is None else update[name]
            if connector.get(name) != expected:
                problems.append(f"{name} is {connector.get(name)!r} after an update to {update[name]!r}")
    if "projectId" in update and connector.get("projectId") != update["projectId"]:
        problems.append(f"projectId is {connector.get('projectId')!r} after a move to {update['projectId']!r}")
    return problems


@schemathesis.check
def connector_updates_apply_and_persist(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """An update sets the fields it names (null clears to ""), and the connector then reads back the same."""
    if _succeeded(response, case, "updateConnector"):
        changes = [(_request_body(case), _body(response))]
    elif _succeeded(response, case, "batchUpdateConnectors"):
        updates = _request_body(case).get("updates", [])
        results = _body(response)["results"]
        changes = [
            (update, result["data"])
            for update, result in zip(updates, results, strict=False)
            if result.get("success") is True and "data" in result
        ]
    else:
        return True
    reader = _Reader(ctx, case)
    problems = []
    for update, connector in changes:
        problems += _applied(update, connector)
        stored = reader.connector(connector.get("connectorId", ""))
        moved = "projectId" in update and stored.status_code == 404
        # A connector moved to another agent's project leaves this agent's view.
        if not moved and (stored.status_code != 200 or _body(stored) != connector):
            problems.append(f"GET {connector.get('connectorId')} after the update differs from the update's answer")
    _fail(problems)
    return None


# ---------------------------------------------------------------------------------------------
# Tenancy


def _resources(operation_id: str, body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    for key in ("phoneNumbers", "connectors", "found"):
        if isinstance(body.get(key), list):
            return [item for item in body[key] if isinstance(item, dict)]
    if operation_id in ("getPhoneNumber", "reassignPhoneNumber", "getConnector", "lookupConnector"):
        return [body]
    return []


# A class, because it remembers what earlier responses showed; named in lower case because
# Schemathesis reports a check by its class name.
@schemathesis.check
class agent_sees_only_its_project:
    """Everything one agent reads belongs to one project and one account: the agent's own.

    The agent's project is learnt from the first resource it shows; a later resource from another
    project, in the same response or a later one, means another tenant's data leaked. Connector
    updates are left out: a connector moved away legitimately shows its new project.
    """

    def __init__(self) -> None:
        self.owners: dict[str, tuple[str, str]] = {}

    def after_response(self, ctx: CheckContext, response: Response, case: Case) -> bool | None:
        operation_id = _operation_id(case)
        if response.status_code != 200 or _from_guard(response):
            return True
        resources = _resources(operation_id, _body(response))
        agent = _path_value(case, "agentId")
        problems = []
        for resource in resources:
            owner = (str(resource.get("projectId")), str(resource.get("accountId")))
            expected = self.owners.setdefault(agent, owner)
            if owner != expected:
                name = resource.get("number") or resource.get("connectorId")
                problems.append(
                    f"{name} belongs to project {owner[0]} of account {owner[1]}, but agent {agent} "
                    f"has shown project {expected[0]} of account {expected[1]}"
                )
        _fail(problems)
        return None
