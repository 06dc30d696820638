"""The fact model reads the published style and ours into the same facts."""

from __future__ import annotations

import json

import pytest
from facts_documents import LIST_PATH, PATH, ours, published

from contract_facts.compare import diff
from contract_facts.model import Facts, load_document, read

PATCH = ("PATCH", PATH)
LIST = ("GET", LIST_PATH)


def test_operations_are_keyed_by_method_and_path_without_operation_ids() -> None:
    facts = read(published())

    assert set(facts.operations) == {PATCH, LIST}


def test_path_level_parameters_belong_to_each_operation() -> None:
    locations = read(published()).operations[PATCH]

    assert locations["parameter path agentId"] == {"required": True, "type": ["string"]}
    assert locations["parameter path widgetId"] == {"required": True, "type": ["string"]}


def test_an_operation_parameter_overrides_the_path_items_one() -> None:
    document = published()
    document["paths"][PATH]["patch"]["parameters"] = [
        {"name": "widgetId", "in": "path", "required": True, "schema": {"type": "string", "minLength": 3}}
    ]

    assert read(document).operations[PATCH]["parameter path widgetId"]["minLength"] == 3


def test_a_query_parameter_without_required_is_optional() -> None:
    assert read(published()).operations[LIST]["parameter query colour"]["required"] is False


def test_request_properties_are_flattened_with_their_required_flag() -> None:
    locations = read(published()).operations[PATCH]

    assert locations["request body"]["required"] is True
    assert locations["request body names"] == {"required": True, "type": ["array"], "minItems": 1}
    assert locations["request body names[]"] == {"type": ["string"]}
    assert locations["request body env"] == {"required": False, "type": ["string"], "default": "live"}


def test_nullable_is_folded_into_the_type_set() -> None:
    assert read(published()).operations[PATCH]["request body label"]["type"] == ["null", "string"]


def test_nullable_without_a_type_adds_no_type() -> None:
    # 3.1 ignores `nullable`; an untyped schema allows any value, so the fact stays "no type".
    assert "type" not in read(published()).operations[PATCH]["response 400 body data"]


def test_an_allof_wrapper_around_one_ref_reads_as_the_ref() -> None:
    wrapped = read(published()).operations[PATCH]
    plain = read(ours()).operations[PATCH]

    for prop in ("widgetId", "state", "label"):
        assert wrapped[f"response 200 body data.{prop}"] == plain[f"response 200 body data.{prop}"]
    assert wrapped["response 200 body data.state"]["enum"] == ["off", "on"]


def test_keywords_beside_a_ref_are_facts_of_that_node() -> None:
    document = ours()
    document["components"]["schemas"]["Env"] = {"type": "string", "enum": ["live", "sandbox"]}
    document["components"]["schemas"]["UpdateBody"]["properties"]["env"] = {
        "$ref": "#/components/schemas/Env",
        "default": "live",
    }

    env = read(document).operations[PATCH]["request body env"]

    assert env == {"required": False, "type": ["string"], "enum": ["live", "sandbox"], "default": "live"}


def test_prose_examples_tags_and_operation_ids_are_not_facts() -> None:
    document = published()
    document["paths"][PATH]["patch"]["summary"] = "something else entirely"
    document["components"]["schemas"]["Widget"]["properties"]["widgetId"]["example"] = "other"
    document["components"]["schemas"]["Widget"]["description"] = "changed prose"

    assert diff(read(published()), read(document)) == []
    # Ours differs from the published style only where it says so: Error.data.
    assert [c.location for c in diff(read(published()), read(ours()))] == ["response 400 body data"]


def test_response_headers_are_located_by_lowercased_name() -> None:
    document = published()
    document["paths"][PATH]["patch"]["responses"]["200"]["headers"] = {
        "X-Trace": {"required": True, "schema": {"type": "string"}}
    }

    assert read(document).operations[PATCH]["response 200 header x-trace"] == {"required": True, "type": ["string"]}


def test_each_location_remembers_every_node_it_was_read_from() -> None:
    facts = read(ours())

    origins = facts.origins[(PATCH, "response 200 body data")]

    assert origins == ["/components/schemas/Result/properties/data", "/components/schemas/Widget"]


def test_facts_survive_a_json_snapshot() -> None:
    facts = read(published())

    again = Facts.from_json(json.loads(json.dumps(facts.to_json())))

    assert again.operations == facts.operations


def test_a_document_without_paths_is_refused() -> None:
    with pytest.raises(ValueError, match="no `paths`"):
        load_document('{"openapi": "3.1.0"}')


def test_the_real_contract_reads_every_operation() -> None:
    from pathlib import Path

    facts = read(load_document(Path(__file__).resolve().parents[2] / "openapi.yaml"))

    assert ("PATCH", "/v1/agents/{agentId}/telephony/connectors/batch") in facts.operations
    batch = facts.operations[("PATCH", "/v1/agents/{agentId}/telephony/connectors/batch")]
    assert batch["request body updates[].connectorId"]["required"] is True


def test_a_oneof_variant_adds_its_properties_but_not_its_required_list() -> None:
    document = published()
    document["components"]["schemas"]["UpdateBody"] = {
        "oneOf": [
            {"type": "object", "required": ["names"], "properties": {"names": {"type": "array"}}},
            {"type": "object", "required": ["ids"], "properties": {"ids": {"type": "array"}}},
        ]
    }

    locations = read(document).operations[PATCH]

    assert locations["request body names"]["required"] is False
    assert locations["request body ids"]["required"] is False
