"""Which kind of news a finding is: tenancy, drift, a refuted assumption, or the toolkit's own fault.

- **tenancy**: an answer showed another account's data. Drift of the gravest kind, always first.
- **drift**: the service contradicts something PolyAI publishes. This is what pages someone.
- **assumption**: the service contradicts one of the contract's assumptions (named), so the
  contract, the mock and docs/assumptions.md should change instead.
- **toolkit**: a check's own follow-up read failed, the run was cut short, or a check crashed.

A finding refutes an assumption only when the node that failed is the node the contract marks
assumed: the keyword at the same JSON pointer of the same answer's body or header (or of the
request, for a request the service should have refused), an answer whose status only an
assumption declares, or the assumption a check states its expectation rests on. Whatever the
contract does not mark as assumed at that node is published, and a finding against it is drift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from contract_tests.annotations import Contract, Site, pointer_of
from contract_tests.findings import Finding, Node, PublishedRule, Violation
from telephony_contract import resolve

TENANCY, DRIFT, ASSUMPTION, TOOLKIT = "tenancy", "drift", "assumption", "toolkit"
# The report's order: another account's data first, whatever else the night found.
CLASSES = (TENANCY, DRIFT, ASSUMPTION, TOOLKIT)
ENVELOPE_CHECK = "error_carries_envelope_and_correlation_id"
SERVER_ERROR_CHECK = "not_a_server_error"
# The checks that judge an answer against the contract's description of it.
ANSWER_CHECKS = frozenset(
    {"response_schema_conformance", "response_headers_conformance", "content_type_conformance", ENVELOPE_CHECK}
)
# What a contract check says its expectation rests on (the `basis` of its finding's failure).
PUBLISHED_BASIS, TENANCY_BASIS = "published", "tenancy"


@dataclass(frozen=True)
class Attribution:
    klass: str
    assumptions: tuple[str, ...]  # the refuted assumptions' ids, for the assumption class
    reason: str


def attribute(finding: Finding, contract: Contract) -> Attribution:
    if finding.toolkit or finding.check == "run":
        return Attribution(TOOLKIT, (), "the toolkit could not judge the operation: " + finding.kind)
    if finding.failure.basis == TENANCY_BASIS:
        return Attribution(TENANCY, (), "an answer showed another account's data")
    named = _named_assumption(finding, contract)
    if named is not None:
        return Attribution(ASSUMPTION, (named,), f"the check relies on `{named}`")
    if finding.failure.basis == PUBLISHED_BASIS:
        return Attribution(DRIFT, (), "the check's expectation rests on what PolyAI publishes")
    status = finding.evidence.status if finding.evidence is not None else None
    if finding.check == SERVER_ERROR_CHECK:
        # The contract assuming that 5xx answers come in the envelope does not make a failure
        # acceptable: the service broke, and someone should look.
        return Attribution(DRIFT, (), f"the service failed with {status}")
    # An answer with a status the contract only assumes (429, 5xx) that breaks the contract's
    # description of that answer (its body, its headers) refutes the assumption that declares it.
    # A check about the request (a missing key not refused, a valid request rejected) is not
    # about that description: its node is the published rule the request tested.
    status_marks = [
        site.assumption for site in contract.response_sites(finding.operation, status) if site.keyword == "status"
    ]
    if status_marks and finding.check in ANSWER_CHECKS:
        return _assumed(status_marks, f"the answer's status {status} is assumed, not published")
    if finding.violations and finding.check == "negative_data_rejection":
        return _rejection(finding.violations, finding.operation, contract)
    if isinstance(finding.failure, PublishedRule) and "error_code" in finding.failure.about and status is not None:
        assumed = [f"code {code}" for code in contract.codes_of(status) if not contract.is_published_code(code)]
        if assumed and len(assumed) == len(contract.codes_of(status)):
            return _assumed(assumed, f"the {status} codes are assumed; PolyAI publishes none for this status")
    if finding.nodes:
        return _by_nodes(finding.nodes, finding.operation, status, contract)
    return Attribution(DRIFT, (), "the answer contradicts what PolyAI publishes")


def _assumed(ids: Iterable[str], reason: str) -> Attribution:
    return Attribution(ASSUMPTION, tuple(dict.fromkeys(ids)), reason)


def _named_assumption(finding: Finding, contract: Contract) -> str | None:
    # The contract's checks may say which assumption their expectation rests on.
    named = finding.failure.assumption
    return named if named in contract.assumptions else None


def _by_nodes(nodes: Iterable[Node], operation: str, status: int | None, contract: Contract) -> Attribution:
    """Assumption only when every failed node is one the contract marks assumed, at that very pointer."""
    sites = contract.response_sites(operation, status)
    declared = _declared_headers(operation, status, contract)
    refuted: list[str] = []
    published: list[str] = []
    for node in nodes:
        if node.location == "header" and node.name not in declared:
            continue  # a header the answer carries but the contract does not describe for it
        pointer = node.pointer if node.pointer is not None else _body_pointer(node, operation, status, contract)
        marks = [site.assumption for site in sites if _same_node(site, node, pointer)]
        if marks:
            refuted += marks
        else:
            published.append(f"{node} at {pointer}")
    if published or not refuted:
        return Attribution(DRIFT, (), "the answer breaks a published rule: " + "; ".join(published))
    return _assumed(refuted, "the rule the answer broke is marked assumed at that node of the contract")


def _same_node(site: Site, node: Node, pointer: str | None) -> bool:
    if site.location != node.location or site.pointer != pointer:
        return False
    return node.location != "header" or (bool(site.path) and site.path[0].lower() == node.name)


def _response(operation: str, status: int | None, contract: Contract) -> dict[str, Any]:
    found_operation = contract.catalogue.get(operation)
    responses = found_operation.responses if found_operation is not None else {}
    key = next((key for key in responses if _declares(str(key), status)), None)
    found = responses[key] if key is not None else {}
    return found if isinstance(found, dict) else {}


def _declares(declared: str, status: int | None) -> bool:
    return status is not None and (declared == str(status) or declared.upper() == f"{str(status)[0]}XX")


def _declared_headers(operation: str, status: int | None, contract: Contract) -> set[str]:
    return {str(name).lower() for name in _response(operation, status, contract).get("headers", {})}


def _body_pointer(node: Node, operation: str, status: int | None, contract: Contract) -> str | None:
    """The pointer of the failed keyword in the answer's schema, found by following the failing value's path."""
    media = _response(operation, status, contract).get("content", {}).get("application/json", {})
    schema = media.get("schema")
    steps: list[str] = []
    for part in node.instance_path:
        schema = _flat(schema, contract)
        if isinstance(part, int):
            steps.append("items")
            schema = schema.get("items")
        elif part in schema.get("properties", {}):
            steps += ["properties", part]
            schema = schema["properties"][part]
        else:
            steps.append("additionalProperties")
            schema = schema.get("additionalProperties")
    return pointer_of(*steps, node.keyword)


def _flat(schema: Any, contract: Contract) -> dict[str, Any]:
    """A schema with its `$ref` followed and its `allOf` parts merged, as a value meets it."""
    schema = resolve(contract.document, schema)
    if not isinstance(schema, dict):
        return {}
    merged = dict(schema)
    for part in schema.get("allOf", []):
        flat = _flat(part, contract)
        merged["properties"] = {**flat.get("properties", {}), **merged.get("properties", {})}
        for keyword in ("items", "additionalProperties"):
            merged.setdefault(keyword, flat.get(keyword))
    return merged


def _rejection(violations: Iterable[Violation], operation: str, contract: Contract) -> Attribution:
    """A request that broke a rule on purpose was accepted: assumption if every broken rule is assumed."""
    refuted: list[str] = []
    published: list[str] = []
    for violation in violations:
        sites = _matching(contract.request_sites(operation, violation.keyword), violation)
        if sites:
            refuted += [site.assumption for site in sites]
        else:
            published.append(str(violation))
    if published or not refuted:
        return Attribution(DRIFT, (), "accepted a request that breaks a published rule: " + ", ".join(published))
    return _assumed(refuted, "accepted a request that breaks only rules the contract assumes")


def _matching(sites: list[Site], violation: Violation) -> list[Site]:
    """The sites at the broken rule's own node: same request part, same property path, same keyword.

    A rule broken anywhere else is published, even where the same keyword is assumed elsewhere.
    """
    named = tuple(part for part in violation.path if isinstance(part, str))
    return [site for site in sites if site.location == violation.location and site.path == named]
