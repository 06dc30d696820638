"""Findings are classed from the contract's annotations, and the ledger states every assumption.

A small inline contract stands in for openapi.yaml so that each rule is seen in isolation: which
keyword is marked assumed, which status is assumed, which codes are published.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from schemathesis.core.failures import AcceptedNegativeData, CustomFailure

from contract_tests.annotations import Contract
from contract_tests.attribution import ASSUMPTION, DRIFT, TENANCY, TOOLKIT, attribute
from contract_tests.findings import (
    Evidence,
    Exchange,
    Finding,
    MissingHeaderNotRejected,
    Node,
    PublishedRule,
    RunCutShort,
    SchemaMismatch,
    ServerError,
    Violation,
)
from contract_tests.ledger import CONFIRMED, NOT_EXERCISED, REFUTED, build
from contract_tests.schemathesis_boundary import failure_kind

SPEC: dict[str, Any] = {
    "x-assumptions": [
        {"id": "strict-requests", "text": "Unknown properties are rejected."},
        {"id": "rate-limit", "text": "429 with Retry-After."},
        {"id": "correlation-header", "text": "Every answer carries the correlation header."},
        {"id": "never-tied", "text": "Nothing marks this one."},
    ],
    "x-limits": {"maxBatchItems": 1000, "maxBodyBytes": 1048576},
    "x-error-codes": {
        "NUMBER_NOT_FOUND": {"status": 404, "published": True, "message": "No such number."},
        "UNAUTHORIZED": {"status": 401, "published": False, "message": "Bad key."},
    },
    "paths": {
        "/numbers/batch": {
            "post": {
                "operationId": "batchGet",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}},
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {
                            "X-Correlation-Id": {
                                "schema": {"type": "string"},
                                "x-assumed": {"required": "correlation-header"},
                            }
                        },
                    },
                    "429": {"$ref": "#/components/responses/TooMany"},
                },
            }
        },
        "/numbers/{number}": {
            "delete": {
                "operationId": "release",
                "x-assumption": "A released number answers 404 afterwards.",
                "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}, "401": {"description": "bad key"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Batch": {
                "type": "object",
                "additionalProperties": False,
                "x-assumed": {"additionalProperties": "strict-requests"},
                "properties": {
                    "numbers": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 1000,
                        "items": {"type": "string", "minLength": 1},
                    }
                },
            }
        },
        "responses": {"TooMany": {"description": "slow down", "x-assumed": {"status": "rate-limit"}}},
    },
}
CONTRACT = Contract(SPEC)
UNKNOWN_PROPERTY = Violation("additionalProperties", "body", ())
EMPTY_ID = Violation("minLength", "body", ("numbers", 0))
BODY_REQUIRED = Node("response", "body", "required")


def _accepted(*violations: Violation) -> Finding:
    failure = AcceptedNegativeData(operation="POST /numbers/batch", message="", status_code=200, expected_statuses=[])
    return Finding(
        "negative_data_rejection",
        "batchGet",
        failure_kind(failure, violations),
        failure.title,
        "",
        evidence=Evidence(200, "{}", "c-1"),
        violations=violations,
    )


def test_an_accepted_unknown_property_refutes_strict_requests() -> None:
    attribution = attribute(_accepted(UNKNOWN_PROPERTY), CONTRACT)

    assert (attribution.klass, attribution.assumptions) == (ASSUMPTION, ("strict-requests",))


def test_an_accepted_rule_the_contract_does_not_mark_assumed_is_drift() -> None:
    assert attribute(_accepted(EMPTY_ID), CONTRACT).klass == DRIFT
    # One published rule broken as well is enough: the service ignored something PolyAI states.
    assert attribute(_accepted(UNKNOWN_PROPERTY, EMPTY_ID), CONTRACT).klass == DRIFT


def test_the_kind_of_an_accepted_request_names_the_broken_rule_not_the_values() -> None:
    assert _accepted(UNKNOWN_PROPERTY).kind == "accepted with 200: additionalProperties at body"
    assert _accepted(EMPTY_ID).identity == _accepted(Violation("minLength", "body", ("numbers", 7))).identity


def test_an_answer_with_an_assumed_status_refutes_that_assumption() -> None:
    finding = Finding(
        "response_schema_conformance", "batchGet", SchemaMismatch(("type",)), "", "", evidence=Evidence(429, "", None)
    )

    attribution = attribute(finding, CONTRACT)

    assert (attribution.klass, attribution.assumptions) == (ASSUMPTION, ("rate-limit",))


def test_an_unknown_code_on_a_status_with_only_assumed_codes_refutes_them() -> None:
    unknown_401 = Finding(
        "error_carries_envelope_and_correlation_id",
        "release",
        PublishedRule("error code not in the contract", about=("error_code",)),
        "",
        "",
        evidence=Evidence(401, '{"error_code": "AUTH_USER_UNAUTHORISED"}', "c-2"),
    )
    unknown_404 = Finding(**{**unknown_401.__dict__, "evidence": Evidence(404, "{}", "c-3")})

    assert attribute(unknown_401, CONTRACT).assumptions == ("code UNAUTHORIZED",)
    assert attribute(unknown_404, CONTRACT).klass == DRIFT


def test_a_check_may_name_the_assumption_it_relies_on() -> None:
    class ReleasedStillReadable(AssertionError):
        assumption = "release"

    raised = CustomFailure(
        operation="DELETE /numbers/{number}", title="", message="", exception=ReleasedStillReadable()
    )
    finding = Finding("delete_then_get_is_404", "release", failure_kind(raised), "", "")

    assert attribute(finding, CONTRACT).assumptions == ("release",)


@pytest.mark.parametrize(
    "finding", [Finding("run", "", RunCutShort(), "", ""), Finding("c", "o", PublishedRule("k"), "", "", toolkit=True)]
)
def test_a_failed_follow_up_read_or_a_cut_run_is_the_toolkits(finding: Finding) -> None:
    assert attribute(finding, CONTRACT).klass == TOOLKIT


def _exchange(operation: str, status: int | None, *violations: Violation, **extra: Any) -> Exchange:
    return Exchange(operation, status, 0.01, extra.pop("from_guard", False), violations, **extra)


def test_the_ledger_states_every_assumption_with_its_evidence() -> None:
    refuting = _accepted(UNKNOWN_PROPERTY)
    exchanges = [
        _exchange("batchGet", 200, UNKNOWN_PROPERTY),
        _exchange("batchGet", 200),
        _exchange("batchGet", 400, Violation("maxItems", "body", ("numbers",))),
        _exchange("release", 401, error_code="UNAUTHORIZED"),
        _exchange("release", 403, from_guard=True),
    ]

    lines = {
        line.assumption.id: line
        for line in build(CONTRACT, exchanges, [(refuting, attribute(refuting, CONTRACT))], not_tested={})
    }

    assert list(lines) == [
        "strict-requests",
        "rate-limit",
        "correlation-header",
        "never-tied",
        "release",
        "x-limits.maxBatchItems",
        "x-limits.maxBodyBytes",
        "code UNAUTHORIZED",
    ]
    assert (lines["strict-requests"].state, lines["strict-requests"].findings) == (REFUTED, [refuting.id])
    assert (lines["correlation-header"].state, lines["correlation-header"].exercised) == (CONFIRMED, 2)
    assert (lines["x-limits.maxBatchItems"].state, lines["x-limits.maxBatchItems"].exercised) == (CONFIRMED, 1)
    assert (lines["code UNAUTHORIZED"].state, lines["code UNAUTHORIZED"].exercised) == (CONFIRMED, 1)
    # The guard's refusal is not the service's answer: only the 401 exercised the release.
    assert (lines["release"].state, lines["release"].exercised) == (CONFIRMED, 1)
    assert lines["rate-limit"].state == NOT_EXERCISED
    assert lines["rate-limit"].why == "no request of this run reached it"
    assert "no `x-assumed` names it" in lines["never-tied"].why


def test_the_ledger_says_why_an_assumption_went_unexercised() -> None:
    refused = [_exchange("release", 403, from_guard=True)]

    by_guard = {line.assumption.id: line for line in build(CONTRACT, refused, [], not_tested={})}
    left_out = {line.assumption.id: line for line in build(CONTRACT, [], [], not_tested={"release": "left out"})}

    assert by_guard["release"].why == "the safety guard refused all 1 requests that would have exercised it"
    assert left_out["release"].why == "not tested against this target: release (left out)"


def test_an_assumed_keyword_beside_a_ref_is_read() -> None:
    contract = Contract(
        {
            "paths": {
                "/numbers": {
                    "post": {
                        "operationId": "importNumbers",
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "env": {"$ref": "#/components/schemas/Env", "x-assumed": {"enum": "env"}}
                                        },
                                    }
                                }
                            }
                        },
                    }
                }
            },
            "components": {"schemas": {"Env": {"type": "string", "enum": ["sandbox", "live"]}}},
        }
    )

    (site,) = contract.request_sites("importNumbers", "enum")

    assert (site.assumption, site.path, site.location) == ("env", ("env",), "body")


def test_a_server_error_is_drift_even_where_the_contract_declares_the_status() -> None:
    responses = SPEC["paths"]["/numbers/batch"]["post"]["responses"]
    unavailable = {"description": "down", "x-assumed": {"status": "rate-limit"}}
    with_503 = copy.deepcopy(SPEC)
    with_503["paths"]["/numbers/batch"]["post"]["responses"] = {**responses, "503": unavailable}
    crash = Finding("not_a_server_error", "batchGet", ServerError(503), "", "", evidence=Evidence(503, "{}", "c-4"))
    broken = Finding(
        "response_schema_conformance", "batchGet", SchemaMismatch(("type",)), "", "", evidence=Evidence(503, "", None)
    )

    assert attribute(crash, Contract(with_503)).klass == DRIFT
    # The same status breaking the assumed answer's description refutes the assumption instead.
    assert attribute(broken, Contract(with_503)).assumptions == ("rate-limit",)


def test_a_request_check_answered_with_an_assumed_status_is_not_that_status_s_assumption() -> None:
    # A request without its key answered 500: the published rule (a key is required) is what broke.
    finding = Finding(
        "missing_required_header",
        "batchGet",
        MissingHeaderNotRejected("X-API-KEY"),
        "",
        "",
        evidence=Evidence(429, "", None),
    )

    assert attribute(finding, CONTRACT).klass == DRIFT


def _schema_failure(check: str, *nodes: Node, status: int = 200, schema_path: tuple[str, ...] = ()) -> Finding:
    # What the runner records for a built-in check: the failure's schema path, and its nodes.
    failure = SchemaMismatch(schema_path)
    return Finding(check, "batchGet", failure, "", "", evidence=Evidence(status, "{}", "c-5"), nodes=nodes)


def test_a_published_body_field_missing_is_drift_though_a_header_s_required_is_assumed() -> None:
    # The keyword `required` is assumed on the correlation header, not on the body.
    missing_field = _schema_failure("response_schema_conformance", BODY_REQUIRED, schema_path=("required",))

    assert attribute(missing_field, CONTRACT).klass == DRIFT


def test_a_missing_assumed_header_refutes_its_assumption() -> None:
    missing = _schema_failure(
        "response_headers_conformance", Node("response", "header", "required", "x-correlation-id", pointer="/required")
    )

    assert attribute(missing, CONTRACT).assumptions == ("correlation-header",)


def test_a_body_keyword_refutes_only_the_assumption_at_its_own_pointer() -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/numbers/batch"]["post"]["responses"]["200"]["content"] = {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["found"],
                "properties": {
                    "found": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Item"},
                    }
                },
            }
        }
    }
    spec["components"]["schemas"]["Item"] = {
        "type": "object",
        "required": ["number"],
        "x-assumed": {"required": "never-tied"},
        "properties": {"number": {"type": "string"}},
    }
    contract = Contract(spec)
    in_an_item = Node("response", "body", "required", instance_path=("found", 0))

    assert attribute(_schema_failure("response_schema_conformance", in_an_item), contract).assumptions == (
        "never-tied",
    )
    assert attribute(_schema_failure("response_schema_conformance", BODY_REQUIRED), contract).klass == DRIFT


def test_a_published_node_among_assumed_ones_makes_the_finding_drift() -> None:
    header = Node("response", "header", "required", "x-correlation-id", pointer="/required")
    undeclared = Node("response", "header", "required", "x-other", pointer="/required")

    # A header the answer's description does not declare is no node of the contract's.
    assert attribute(_schema_failure("response_headers_conformance", header, undeclared), CONTRACT).klass == ASSUMPTION
    assert attribute(_schema_failure("response_headers_conformance", header, BODY_REQUIRED), CONTRACT).klass == DRIFT


def test_another_account_s_data_is_tenancy_whatever_else_the_check_says() -> None:
    class Breach(AssertionError):
        basis = "tenancy"
        assumption = None

    raised = CustomFailure(operation="POST /numbers/batch", title="", message="shown", exception=Breach())
    finding = Finding("agent_sees_only_its_project", "batchGet", failure_kind(raised), "", "")

    assert attribute(finding, CONTRACT).klass == TENANCY


def test_an_accepted_request_refutes_only_the_assumption_at_the_broken_rule_s_place() -> None:
    # `additionalProperties` is assumed on the batch's root; inside an item it is not marked.
    elsewhere = Violation("additionalProperties", "body", ("numbers",))

    assert attribute(_accepted(elsewhere), CONTRACT).klass == DRIFT
