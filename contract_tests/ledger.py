"""The assumption ledger: every assumption of the contract, and what tonight's run made of it.

Each is **refuted** (findings attributed to it), **confirmed** (exercised N times and held) or
**not exercised**, with the reason: its operations were not tested against this target, the
guard refused every request that would have exercised it, or no generated request reached it.
An assumption is exercised by an answer from the service (never the guard) to a request that
touches what it covers: a request breaking a keyword marked `x-assumed` with it, an answer with a
status or header it covers, any answer of the operation an `x-assumption` is written on, an
answer carrying an assumed error code, a request that breaks `maxItems` for the batch limit, or a
request a check sent itself to test that very assumption (a probe, e.g. a key header sent twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from contract_tests.annotations import Assumption, Contract, Site, _status_matches
from contract_tests.attribution import ASSUMPTION, Attribution
from contract_tests.findings import Exchange, Finding

CONFIRMED, REFUTED, NOT_EXERCISED = "confirmed", "refuted", "not exercised"
# A limit and the keyword a request breaks to exceed it.
LIMIT_KEYWORDS = {"x-limits.maxBatchItems": "maxItems"}

Covers = Callable[[Exchange], bool]


@dataclass
class Line:
    assumption: Assumption
    state: str
    exercised: int = 0
    findings: list[str] = field(default_factory=list)  # ids of the findings that refute it
    why: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.assumption.id,
            "scope": self.assumption.scope,
            "state": self.state,
            "exercised": self.exercised,
            "findings": self.findings,
            "why": self.why,
        }


def build(
    contract: Contract,
    exchanges: Iterable[Exchange],
    attributed: Iterable[tuple[Finding, Attribution]],
    *,
    not_tested: Mapping[str, str],
    probed: Mapping[str, str] | None = None,
) -> list[Line]:
    """`probed`: the operation each assumption that checks probe themselves is probed with."""
    answered = list(exchanges)
    probed = probed or {}
    refuting: dict[str, list[str]] = {}
    for finding, attribution in attributed:
        if attribution.klass == ASSUMPTION:
            for assumption_id in attribution.assumptions:
                refuting.setdefault(assumption_id, []).append(finding.id)
    lines = []
    for assumption in contract.assumptions.values():
        covers = _covers(assumption, contract)
        exercised = [exchange for exchange in answered if exchange.probe == assumption.id or covers(exchange)]
        by_service = [exchange for exchange in exercised if not exchange.from_guard and exchange.status is not None]
        if assumption.id in refuting:
            state, why = REFUTED, ""
        elif by_service:
            state, why = CONFIRMED, ""
        else:
            state, why = NOT_EXERCISED, _why_not(assumption, contract, exercised, not_tested, probed)
        lines.append(Line(assumption, state, len(by_service), refuting.get(assumption.id, []), why))
    return lines


def _covers(assumption: Assumption, contract: Contract) -> Covers:
    sites = [site for site in contract.sites if site.assumption == assumption.id]
    if assumption.scope == "operation":
        return lambda exchange: exchange.operation == assumption.id or _by_sites(sites, exchange)
    if assumption.scope == "code":
        code = assumption.id.removeprefix("code ")
        return lambda exchange: exchange.error_code == code
    if assumption.scope == "limit":
        keyword = LIMIT_KEYWORDS.get(assumption.id)
        return lambda exchange: keyword is not None and any(v.keyword == keyword for v in exchange.violations)
    return lambda exchange: _by_sites(sites, exchange)


def _by_sites(sites: list[Site], exchange: Exchange) -> bool:
    for site in sites:
        if site.operation != exchange.operation:
            continue
        if site.part == "request" and any(
            violation.keyword == site.keyword and violation.location == site.location
            for violation in exchange.violations
        ):
            return True
        if site.part == "response" and _status_matches(site.status, exchange.status):
            return True
    return False


def _why_not(
    assumption: Assumption,
    contract: Contract,
    exercised: list[Exchange],
    not_tested: Mapping[str, str],
    probed: Mapping[str, str],
) -> str:
    if exercised and assumption.scope == "code":
        return f"only the safety guard's own refusals carried it ({len(exercised)})"
    if exercised:
        return f"the safety guard refused all {len(exercised)} requests that would have exercised it"
    operations = _operations_of(assumption, contract)
    if assumption.id in probed:
        operations.add(probed[assumption.id])
    if operations and all(operation in not_tested for operation in operations):
        return "not tested against this target: " + "; ".join(
            f"{operation} ({not_tested[operation]})" for operation in sorted(operations)
        )
    if not operations and assumption.scope == "service":
        return "nothing in the contract ties it to a request or an answer (no `x-assumed` names it)"
    return "no request of this run reached it"


def _operations_of(assumption: Assumption, contract: Contract) -> set[str]:
    if assumption.scope == "operation":
        return {assumption.id}
    return {site.operation for site in contract.sites if site.assumption == assumption.id}
