"""Which kind of news a finding is: drift, a refuted assumption, or the toolkit's own fault.

- **drift**: the service contradicts something PolyAI publishes. This is what pages someone.
- **assumption**: the service contradicts one of the contract's assumptions (named), so the
  contract, the mock and docs/assumptions.md should change instead.
- **toolkit**: a check's own follow-up read failed, the run was cut short, or a check crashed.

The contract says which rules are assumed, down to the keyword (contract_tests/annotations.py);
whatever it does not mark as assumed is published, and a finding against it is drift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract_tests.annotations import Contract, Site
from contract_tests.findings import Finding, Violation

DRIFT, ASSUMPTION, TOOLKIT = "drift", "assumption", "toolkit"
CLASSES = (DRIFT, ASSUMPTION, TOOLKIT)
ENVELOPE_CHECK = "error_carries_envelope_and_correlation_id"
SERVER_ERROR_CHECK = "not_a_server_error"


@dataclass(frozen=True)
class Attribution:
    klass: str
    assumptions: tuple[str, ...]  # the refuted assumptions' ids, for the assumption class
    reason: str


def attribute(finding: Finding, contract: Contract) -> Attribution:
    if finding.toolkit or finding.check == "run":
        return Attribution(TOOLKIT, (), "the toolkit could not judge the operation: " + finding.kind)
    named = _named_assumption(finding, contract)
    if named is not None:
        return Attribution(ASSUMPTION, (named,), f"the check relies on `{named}`")
    status = finding.evidence.status if finding.evidence is not None else None
    if finding.check == SERVER_ERROR_CHECK:
        # The contract assuming that 5xx answers come in the envelope does not make a failure
        # acceptable: the service broke, and someone should look.
        return Attribution(DRIFT, (), f"the service failed with {status}")
    # An answer with a status the contract only assumes (429, 5xx) that breaks the contract's
    # description of that answer (its body, its headers) refutes the assumption that declares it.
    status_marks = [
        site.assumption for site in contract.response_sites(finding.operation, status) if site.keyword == "status"
    ]
    if status_marks:
        return _assumed(status_marks, f"the answer's status {status} is assumed, not published")
    if finding.violations and finding.check == "negative_data_rejection":
        return _rejection(finding.violations, finding.operation, contract)
    if finding.check == ENVELOPE_CHECK and status is not None and _about_codes(finding):
        assumed = [f"code {code}" for code in contract.codes_of(status) if not contract.is_published_code(code)]
        if assumed and len(assumed) == len(contract.codes_of(status)):
            return _assumed(assumed, f"the {status} codes are assumed; PolyAI publishes none for this status")
    keyword_marks = _response_keyword_marks(finding, contract, status)
    if keyword_marks:
        return _assumed(keyword_marks, "the rule the answer broke is marked assumed in the contract")
    return Attribution(DRIFT, (), "the answer contradicts what PolyAI publishes")


def _assumed(ids: Iterable[str], reason: str) -> Attribution:
    return Attribution(ASSUMPTION, tuple(dict.fromkeys(ids)), reason)


def _named_assumption(finding: Finding, contract: Contract) -> str | None:
    # The contract's checks may say which assumption their expectation rests on.
    for candidate in (finding.failure, getattr(finding.failure, "exception", None)):
        named = getattr(candidate, "assumption", None)
        if isinstance(named, str) and named in contract.assumptions:
            return named
    return None


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
    named = tuple(part for part in violation.path if isinstance(part, str))
    same_place = [site for site in sites if site.location == violation.location and site.path == named]
    if same_place:
        return same_place
    # A fuzzed mutation's path is not always the schema node's: fall back to the same request part.
    return [site for site in sites if site.location == violation.location]


def _about_codes(finding: Finding) -> bool:
    return "error_code" in finding.kind or "error_code" in finding.message


def _response_keyword_marks(finding: Finding, contract: Contract, status: int | None) -> list[str]:
    schema_path = getattr(finding.failure, "schema_path", None)
    keywords = {str(part) for part in schema_path[-1:]} if schema_path else set()
    missing = getattr(finding.failure, "missing_headers", None)
    if missing:
        keywords.add("required")
    names = {str(name).lower() for name in missing or ()}
    return [
        site.assumption
        for site in contract.response_sites(finding.operation, status)
        if site.keyword in keywords and (not names or (site.path and site.path[0].lower() in names))
    ]
