"""The invariants that judge every operation of a kind, read from the contract model.

An operation is judged by these because of what its answer is, not because it is named: any
operation whose success answer publishes a required field is judged by Schemathesis' schema check;
any whose answer shows resources (one of them, a list, a batch read) by the tenancy check. A new
operation of one of these kinds is judged, and proven by the mutation matrix's derived mutations,
without anyone naming it; only a behaviour of its own needs a hand-written invariant.
"""

from __future__ import annotations

from typing import Any

from telephony_contract import Catalogue, Operation, resolve

SCHEMA_CHECK = "response_schema_conformance"
TENANCY_CHECK = "agent_sees_only_its_project"


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


def generic_invariants(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Each invariant that judges operations by kind, with the operations of `catalogue` it judges."""
    return {
        SCHEMA_CHECK: frozenset(
            operation.operation_id for operation in catalogue.values() if required_fields(catalogue, operation)
        ),
        TENANCY_CHECK: shows_resources(catalogue),
    }
