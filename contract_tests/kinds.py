"""The invariants that judge every operation of a kind, and the broken mocks that prove them, read from the contract.

An operation is judged by these because of what its answer is, not because it is named: any
operation whose success answer publishes a required field is judged by Schemathesis' schema check;
any whose answer shows resources (one of them, a list, a batch read) by the tenancy check; a read
of one resource by id by `a_get_answers_the_resource_asked`. A new operation of one of these kinds
is judged, and proven by `derived`'s mutations, without anyone naming it; only a behaviour of its
own needs a hand-written invariant, with the broken mock that proves it declared beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contract_tests.attribution import DRIFT, TENANCY
from contract_tests.broken_mocks import Exchange, Handler, Mutation, call, drop, on_success
from telephony_contract import Catalogue, Operation, resolve

SCHEMA_CHECK = "response_schema_conformance"
TENANCY_CHECK = "agent_sees_only_its_project"
GET_CHECK = "a_get_answers_the_resource_asked"


def required_fields(catalogue: Catalogue, operation: Operation) -> list[str]:
    """The fields its success answer publishes as required, in the contract's order.

    None when the `required` list is the contract's assumption (`x-assumed`) rather than published:
    a field missing there refutes that assumption, which its own invariant judges.
    """
    schema: Any = resolve(catalogue.document, operation.success_schema) if operation.success_schema else None
    if not isinstance(schema, dict) or "required" in (schema.get("x-assumed") or {}):
        return []
    return [str(field) for field in schema.get("required") or []]


def single_resource_answers(catalogue: Catalogue) -> tuple[str, ...]:
    """Operations answering one resource, but for those whose request may move it to another project."""
    return tuple(
        operation.operation_id
        for operation in catalogue.values()
        if catalogue.answers_one_resource(operation)
        and "projectId" not in ((resolve(catalogue.document, operation.body) or {}).get("properties") or {})
    )


def shows_resources(catalogue: Catalogue) -> frozenset[str]:
    """Operations whose answer shows resources to an agent: one of them, or a list."""
    return frozenset(single_resource_answers(catalogue)) | {
        operation.operation_id for operation in catalogue.values() if catalogue.lists_resources(operation)
    }


@dataclass(frozen=True)
class SingleGet:
    """A read of one resource by the id its path ends with, and the list that shows the same resource."""

    operation: str
    parameter: str  # the path parameter naming the resource asked
    field: str  # the resource's field naming it
    listing: str | None  # the read listing the agent's resources of that schema, if there is one
    key: str | None  # where that list's answer holds them


def single_gets(catalogue: Catalogue) -> dict[str, SingleGet]:
    """The reads that answer one resource named by the last segment of their path."""
    gets = {}
    for operation in catalogue.values():
        last = operation.path.rsplit("/", 1)[-1]
        if not (operation.method == "GET" and last.startswith("{") and catalogue.answers_one_resource(operation)):
            continue
        resource = operation.success_schema
        field = catalogue.identifier(resource)
        if field is None:
            continue
        listing, key = _listing(catalogue, resource)
        gets[operation.operation_id] = SingleGet(operation.operation_id, last.strip("{}"), field, listing, key)
    return gets


def _listing(catalogue: Catalogue, resource: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The read without a body whose answer lists `resource`, and the property holding the list."""
    for operation in catalogue.values():
        if not operation.safe or operation.body is not None:
            continue
        answer: Any = resolve(catalogue.document, operation.success_schema) if operation.success_schema else None
        for name, prop in ((answer or {}).get("properties") or {}).items():
            items = (resolve(catalogue.document, prop) or {}).get("items")
            if isinstance(items, Mapping) and items.get("$ref") == resource.get("$ref"):
                return operation.operation_id, str(name)
    return None, None


def generic_invariants(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Each invariant that judges operations by kind, with the operations of `catalogue` it judges."""
    return {
        SCHEMA_CHECK: frozenset(
            operation.operation_id for operation in catalogue.values() if required_fields(catalogue, operation)
        ),
        TENANCY_CHECK: shows_resources(catalogue),
        GET_CHECK: frozenset(single_gets(catalogue)),
    }


# An account the mock's default config does not have: whatever shows it is another tenant's data.
OTHER_ACCOUNT = "acct-someone-else"


def _strangers_copy(body: Any, _exchange: Exchange) -> None:
    """Each list of resources in the answer also shows a copy of its first, owned by another account."""
    for value in body.values():
        if isinstance(value, list) and value and isinstance(value[0], dict) and "accountId" in value[0]:
            value.append({**value[0], "accountId": OTHER_ACCOUNT})


def _first_listed_whatever_asked(catalogue: Catalogue, get: SingleGet) -> Handler:
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
    """The mutations every operation of a kind gets: each run on that one operation, each caught.

    Each success answer publishing a required field drops the first (drift, by the schema check);
    each list read without a body also shows another account's copy of a resource (tenancy; a batch
    read answers what its request names, so a stranger there would break that first); each read of
    one resource by id answers another (drift).
    """
    mutations = []
    for operation in catalogue.values():
        name = operation.operation_id
        # Runs that must first create something, or place calls, take seconds: out of the default run.
        slow = not operation.safe or operation.places_call
        fields = required_fields(catalogue, operation)
        if fields:
            mutations.append(
                Mutation(
                    f"field-dropped-{name}",
                    f"{name}'s answer lacks the published required `{fields[0]}`",
                    (name,),
                    on_success(name, drop(fields[0])),
                    klass=DRIFT,
                    slow=slow,
                    caught_by=SCHEMA_CHECK,
                )
            )
        if catalogue.lists_resources(operation) and operation.body is None:
            mutations.append(
                Mutation(
                    f"another-account-{name}",
                    f"{name} also shows another account's copy of a resource it lists",
                    (name,),
                    on_success(name, _strangers_copy),
                    klass=TENANCY,
                    slow=slow,
                    caught_by=TENANCY_CHECK,
                )
            )
    mutations += [
        Mutation(
            f"get-answers-another-{get.operation}",
            f"{get.operation} answers the first listed resource whatever was asked",
            (get.operation,),
            _first_listed_whatever_asked(catalogue, get),
            klass=DRIFT,
            caught_by=GET_CHECK,
        )
        for get in single_gets(catalogue).values()
        if get.listing is not None
    ]
    return mutations
