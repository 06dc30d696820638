"""The upstream check: every difference from the published reference is declared on our node, or named.

One pair of tiny documents per rule (facts_documents.py), then the committed snapshot against the
real openapi.yaml, then the refresh command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from facts_documents import LIST_PATH, PATH, ours, published

from contract_facts.model import read
from contract_facts.upstream import check, summarize_refresh, undeclared

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "upstream.py"
HISTORY = ROOT.parent / "shared" / "reference" / "upstream-history"


def findings_for(document: dict[str, Any]) -> list[str]:
    return [finding.describe() for finding in undeclared(check(read(published()), document))]


def test_our_style_with_its_one_declared_difference_passes() -> None:
    findings = check(read(published()), ours())

    assert undeclared(findings) == []
    assert [finding.declared_by for finding in findings] == ["x-upstream at /components/schemas/Error/properties/data"]


def test_an_undeclared_constraint_is_named_with_both_sides() -> None:
    document = ours()
    document["components"]["schemas"]["UpdateBody"]["properties"]["names"]["maxItems"] = 100

    assert findings_for(document) == [f"PATCH {PATH}: request body names: maxItems: PolyAI says nothing, we say 100"]


def test_x_assumed_naming_the_keyword_declares_it() -> None:
    document = ours()
    names = document["components"]["schemas"]["UpdateBody"]["properties"]["names"]
    names["maxItems"] = 100
    names["x-assumed"] = {"maxItems": "strict-requests"}

    assert findings_for(document) == []


def test_x_assumed_naming_another_keyword_does_not() -> None:
    document = ours()
    names = document["components"]["schemas"]["UpdateBody"]["properties"]["names"]
    names["maxItems"] = 100
    names["x-assumed"] = {"uniqueItems": "strict-requests"}

    assert len(findings_for(document)) == 1


def test_x_assumed_with_an_unknown_assumption_id_does_not_declare() -> None:
    document = ours()
    names = document["components"]["schemas"]["UpdateBody"]["properties"]["names"]
    names["maxItems"] = 100
    names["x-assumed"] = {"maxItems": "no-such-assumption"}

    (finding,) = undeclared(check(read(published()), document))

    assert finding.problem == (
        "x-assumed at /components/schemas/UpdateBody/properties/names names unknown assumption 'no-such-assumption'"
    )


def test_an_operation_id_names_that_operations_assumption() -> None:
    document = ours()
    document["paths"][PATH]["patch"]["x-assumption"] = "Updates are applied at once."
    names = document["components"]["schemas"]["UpdateBody"]["properties"]["names"]
    names["maxItems"] = 100
    names["x-assumed"] = {"maxItems": "updateWidget"}

    assert findings_for(document) == []


def test_an_annotation_on_a_ref_target_declares_every_use() -> None:
    document = ours()
    document["components"]["schemas"]["UpdateBody"]["additionalProperties"] = False
    document["components"]["schemas"]["UpdateBody"]["x-assumed"] = {"additionalProperties": "strict-requests"}

    assert findings_for(document) == []


def test_a_required_property_is_declared_on_the_object_that_lists_it() -> None:
    document = ours()
    widget = document["components"]["schemas"]["Widget"]
    widget["required"].append("label")
    assert len(findings_for(document)) == 2  # in the list's items and in the update's result

    widget["x-assumed"] = {"required": "strict-requests"}
    assert findings_for(document) == []


def test_x_upstream_on_the_holding_object_does_not_declare_its_properties() -> None:
    document = ours()
    widget = document["components"]["schemas"]["Widget"]
    widget["required"].append("label")
    widget["x-upstream"] = {"says": "something about the widget", "why": "another reason"}

    assert len(findings_for(document)) == 2


def test_x_upstream_needs_both_what_polyai_says_and_why_we_differ() -> None:
    document = ours()
    document["components"]["schemas"]["Error"]["properties"]["data"]["x-upstream"] = {"says": "untyped"}

    (finding,) = undeclared(check(read(published()), document))

    assert finding.problem == "x-upstream at /components/schemas/Error/properties/data needs both `says` and `why`"


def test_a_type_correction_is_declared_with_x_upstream() -> None:
    document = ours()
    document["components"]["schemas"]["Widget"]["properties"]["label"]["type"] = ["string", "null"]
    assert findings_for(document) == [
        f"GET {LIST_PATH}: response 200 body widgets[].label: type: PolyAI says ['string'], we say ['null', 'string']",
        f"PATCH {PATH}: response 200 body data.label: type: PolyAI says ['string'], we say ['null', 'string']",
    ]

    document["components"]["schemas"]["Widget"]["properties"]["label"]["x-upstream"] = {
        "says": "a string",
        "why": "the prose says it may be null",
    }
    assert findings_for(document) == []


def test_a_status_only_we_declare_needs_x_assumed_status_on_the_response() -> None:
    document = ours()
    document["components"]["responses"] = {
        "TooMany": {
            "description": "rate limited",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    }
    document["paths"][PATH]["patch"]["responses"]["429"] = {"$ref": "#/components/responses/TooMany"}
    assert findings_for(document) == [f"PATCH {PATH}: response 429: PolyAI says nothing, we declare it"]

    document["components"]["responses"]["TooMany"]["x-assumed"] = {"status": "strict-requests"}
    assert findings_for(document) == []


def test_a_header_only_we_declare_needs_x_assumed_required() -> None:
    document = ours()
    header = {"required": True, "schema": {"type": "string"}}
    document["paths"][PATH]["patch"]["responses"]["200"]["headers"] = {"X-Trace": header}
    assert findings_for(document) == [f"PATCH {PATH}: response 200 header x-trace: PolyAI says nothing, we declare it"]

    header["x-assumed"] = {"required": "strict-requests"}
    assert findings_for(document) == []


def test_a_property_only_we_declare_needs_x_assumed_properties_on_it_or_its_object() -> None:
    document = ours()
    widget = document["components"]["schemas"]["Widget"]
    widget["properties"]["colour"] = {"type": "string"}
    assert findings_for(document) == [
        f"GET {LIST_PATH}: response 200 body widgets[].colour: PolyAI says nothing, we declare it",
        f"PATCH {PATH}: response 200 body data.colour: PolyAI says nothing, we declare it",
    ]

    widget["x-assumed"] = {"properties": "strict-requests"}
    assert findings_for(document) == []


def test_a_property_only_polyai_publishes_is_named_until_declared_on_its_parent() -> None:
    document = ours()
    del document["components"]["schemas"]["UpdateBody"]["properties"]["env"]
    assert findings_for(document) == [f"PATCH {PATH}: request body env: PolyAI declares it, we do not"]

    document["components"]["schemas"]["UpdateBody"]["x-upstream"] = {"says": "has env", "why": "the service ignores it"}
    assert findings_for(document) == []


def test_an_operation_only_polyai_publishes_always_fails() -> None:
    document = ours()
    del document["paths"][LIST_PATH]

    assert findings_for(document) == [f"GET {LIST_PATH}: PolyAI publishes it, our contract lacks it"]


def test_paths_outside_telephony_are_not_compared() -> None:
    document = ours()
    document["paths"]["/v1/agents/{agentId}/deployments"] = {"get": {"responses": {"200": {"description": "ok"}}}}

    assert findings_for(document) == []


def test_refresh_reports_operations_fields_and_statuses_added_and_removed() -> None:
    old = published()
    new = published()
    new["paths"][LIST_PATH]["post"] = {"responses": {"201": {"description": "made"}}}
    new["components"]["schemas"]["Widget"]["properties"]["colour"] = {"type": "string"}
    del new["paths"][PATH]["patch"]["responses"]["400"]

    lines = summarize_refresh(read(old), read(new))

    assert lines == [
        f"added: GET {LIST_PATH}: response 200 body widgets[].colour",
        f"operation added: POST {LIST_PATH}",
        f"added: PATCH {PATH}: response 200 body data.colour",
        f"removed: PATCH {PATH}: response 400",
    ]


def test_refresh_ignores_a_new_version_number_alone() -> None:
    new = published()
    new["info"]["version"] = "1.0.12"

    assert summarize_refresh(read(published()), read(new)) == []


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_refresh_check_fails_on_a_change_and_writes_nothing(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    source = tmp_path / "published.json"
    source.write_text(json.dumps(published()), encoding="utf-8")
    assert run("refresh", "--from", str(source), "--snapshot-file", str(snapshot)).returncode == 0
    written = snapshot.read_text(encoding="utf-8")

    changed = published()
    changed["paths"][LIST_PATH]["get"]["parameters"].append(
        {"name": "size", "in": "query", "required": True, "schema": {"type": "integer"}}
    )
    source.write_text(json.dumps(changed), encoding="utf-8")
    result = run("refresh", "--from", str(source), "--snapshot-file", str(snapshot), "--check")

    assert result.returncode == 1, result.stdout
    assert f"added: GET {LIST_PATH}: parameter query size" in result.stdout
    assert snapshot.read_text(encoding="utf-8") == written


def test_the_snapshot_holds_facts_and_no_prose() -> None:
    text = (ROOT / "contract_facts" / "upstream-snapshot.json").read_text(encoding="utf-8")

    for word in ('"description"', '"summary"', '"example"', '"tags"', "E.164 format"):
        assert word not in text


def test_openapi_yaml_declares_every_difference_from_the_committed_snapshot() -> None:
    result = run("check", "--snapshot")

    assert result.returncode == 0, result.stdout


needs_history = pytest.mark.skipif(not HISTORY.is_dir(), reason="PolyAI's dated documents exist only locally")


@needs_history
def test_refresh_from_may_to_june_reports_exactly_the_two_outbound_call_operations() -> None:
    from contract_facts.model import load_document

    may = read(load_document(HISTORY / "polyai-agents-openapi-2026-05-29-telephony.json"))
    june = read(load_document(HISTORY / "polyai-agents-openapi-2026-06-29-telephony.json"))

    assert summarize_refresh(may, june) == [
        "operation added: POST /v1/agents/{agentId}/telephony/outbound-calls",
        "operation added: GET /v1/agents/{agentId}/telephony/outbound-calls/{callSid}/status",
    ]


@needs_history
def test_the_committed_snapshot_is_the_latest_dated_document() -> None:
    result = run(
        "refresh",
        "--from",
        str(HISTORY / "polyai-agents-openapi-2026-07-03-telephony.json"),
        "--check",
    )

    assert result.returncode == 0, result.stdout


@needs_history
def test_openapi_yaml_declares_every_difference_from_the_latest_dated_document() -> None:
    result = run("check", "--from", str(HISTORY / "polyai-agents-openapi-2026-07-03-telephony.json"))

    assert result.returncode == 0, result.stdout
