"""Each contract-diff rule on a pair of tiny documents: the base (facts_documents.ours) and one edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from facts_documents import LIST_PATH, PATH, ours

from contract_facts.classify import BREAKING, COMPATIBLE, POTENTIALLY_BREAKING, Entry, classify
from contract_facts.model import read

Doc = dict[str, Any]


def schemas(document: Doc) -> Doc:
    result: Doc = document["components"]["schemas"]
    return result


def remove_operation(d: Doc) -> None:
    del d["paths"][LIST_PATH]["get"]


def add_operation(d: Doc) -> None:
    d["paths"][LIST_PATH]["delete"] = {"responses": {"204": {"description": "gone"}}}


def add_required_request_property(d: Doc) -> None:
    schemas(d)["UpdateBody"]["properties"]["owner"] = {"type": "string"}
    schemas(d)["UpdateBody"]["required"].append("owner")


def add_optional_request_property(d: Doc) -> None:
    schemas(d)["UpdateBody"]["properties"]["owner"] = {"type": "string"}


def make_request_property_required(d: Doc) -> None:
    schemas(d)["UpdateBody"]["required"].append("env")


def make_request_property_optional(d: Doc) -> None:
    schemas(d)["UpdateBody"]["required"].remove("names")


def add_required_parameter(d: Doc) -> None:
    d["paths"][LIST_PATH]["get"]["parameters"].append(
        {"name": "size", "in": "query", "required": True, "schema": {"type": "integer"}}
    )


def add_optional_parameter(d: Doc) -> None:
    d["paths"][LIST_PATH]["get"]["parameters"].append({"name": "size", "in": "query", "schema": {"type": "integer"}})


def make_parameter_required(d: Doc) -> None:
    d["paths"][LIST_PATH]["get"]["parameters"][0]["required"] = True


def remove_request_enum_value(d: Doc) -> None:
    schemas(d)["UpdateBody"]["properties"]["env"]["enum"] = ["live"]


def add_request_enum_value(d: Doc) -> None:
    schemas(d)["UpdateBody"]["properties"]["env"]["enum"] = ["live", "sandbox", "staging"]


def remove_response_property(d: Doc) -> None:
    del schemas(d)["Result"]["properties"]["ok"]
    schemas(d)["Result"]["required"].remove("ok")


def make_response_property_optional(d: Doc) -> None:
    schemas(d)["Widget"]["required"].remove("state")


def change_response_type(d: Doc) -> None:
    schemas(d)["Widget"]["properties"]["widgetId"]["type"] = "integer"


def make_response_property_nullable(d: Doc) -> None:
    schemas(d)["Result"]["properties"]["ok"]["type"] = ["string", "null"]


def remove_success_status(d: Doc) -> None:
    d["paths"][PATH]["patch"]["responses"]["201"] = d["paths"][PATH]["patch"]["responses"].pop("200")


def remove_error_status(d: Doc) -> None:
    del d["paths"][PATH]["patch"]["responses"]["400"]


def add_response_enum_value(d: Doc) -> None:
    schemas(d)["Result"]["properties"]["ok"] = {"type": "string", "enum": ["yes", "no", "maybe"]}


def add_optional_response_property(d: Doc) -> None:
    schemas(d)["Result"]["properties"]["note"] = {"type": "string"}


def lower_max_items(d: Doc) -> None:
    schemas(d)["UpdateBody"]["properties"]["names"]["maxItems"] = 10


def close_request_schema(d: Doc) -> None:
    schemas(d)["UpdateBody"]["additionalProperties"] = False


def remove_property_from_closed_request(d: Doc) -> None:
    close_request_schema(d)
    del schemas(d)["UpdateBody"]["properties"]["label"]


def change_request_default(d: Doc) -> None:
    schemas(d)["UpdateBody"]["properties"]["env"]["default"] = "sandbox"


def remove_published_error_code(d: Doc) -> None:
    del d["x-error-codes"]["WIDGETS_NOT_FOUND"]


def remove_assumed_error_code(d: Doc) -> None:
    del d["x-error-codes"]["TOO_MANY_REQUESTS"]


def add_error_code(d: Doc) -> None:
    d["x-error-codes"]["WIDGETS_BUSY"] = {"status": 409, "published": True, "message": "busy"}


def number_error_code(d: Doc) -> None:
    d["x-error-codes"]["WIDGETS_NOT_FOUND"]["number"] = 14006


def publish_error_code(d: Doc) -> None:
    d["x-error-codes"]["TOO_MANY_REQUESTS"]["published"] = True


def change_error_code_status(d: Doc) -> None:
    d["x-error-codes"]["TOO_MANY_REQUESTS"]["status"] = 503


def base() -> Doc:
    document = ours()
    schemas(document)["UpdateBody"]["properties"]["env"]["enum"] = ["live", "sandbox"]
    schemas(document)["Result"]["properties"]["ok"] = {"type": "string", "enum": ["yes", "no"]}
    document["x-error-codes"] = {
        "WIDGETS_NOT_FOUND": {"status": 404, "published": True, "message": "no such widget"},
        "TOO_MANY_REQUESTS": {"status": 429, "published": False, "message": "slow down"},
    }
    return document


PATCH_OP = f"PATCH {PATH}"
LIST_OP = f"GET {LIST_PATH}"

CASES: list[tuple[Callable[[Doc], None], list[tuple[str, str, str]]]] = [
    (remove_operation, [(BREAKING, "operation removed", LIST_OP)]),
    (add_operation, [(COMPATIBLE, "new operation", f"DELETE {LIST_PATH}")]),
    (add_required_request_property, [(BREAKING, "new required request property", f"{PATCH_OP}: request body owner")]),
    (add_optional_request_property, [(COMPATIBLE, "new optional request property", f"{PATCH_OP}: request body owner")]),
    (make_request_property_required, [(BREAKING, "became required", f"{PATCH_OP}: request body env")]),
    (make_request_property_optional, [(COMPATIBLE, "became optional", f"{PATCH_OP}: request body names")]),
    (add_required_parameter, [(BREAKING, "new required parameter", f"{LIST_OP}: parameter query size")]),
    (add_optional_parameter, [(COMPATIBLE, "new optional parameter", f"{LIST_OP}: parameter query size")]),
    (make_parameter_required, [(BREAKING, "became required", f"{LIST_OP}: parameter query colour")]),
    (
        remove_request_enum_value,
        [(BREAKING, "request enum value(s) removed ['sandbox']", f"{PATCH_OP}: request body env")],
    ),
    (
        add_request_enum_value,
        [
            (
                COMPATIBLE,
                "request enum changed from ['live', 'sandbox'] to ['live', 'sandbox', 'staging'] (accepts more)",
                f"{PATCH_OP}: request body env",
            )
        ],
    ),
    (remove_response_property, [(BREAKING, "response property removed", f"{PATCH_OP}: response 200 body ok")]),
    (
        make_response_property_optional,
        [
            (BREAKING, "response property or header became optional", f"{LIST_OP}: response 200 body widgets[].state"),
            (BREAKING, "response property or header became optional", f"{PATCH_OP}: response 200 body data.state"),
        ],
    ),
    (
        change_response_type,
        [
            (
                BREAKING,
                "response type changed from ['string'] to ['integer']",
                f"{LIST_OP}: response 200 body widgets[].widgetId",
            ),
            (
                BREAKING,
                "response type changed from ['string'] to ['integer']",
                f"{PATCH_OP}: response 200 body data.widgetId",
            ),
        ],
    ),
    (
        make_response_property_nullable,
        [(BREAKING, "response value became nullable", f"{PATCH_OP}: response 200 body ok")],
    ),
    (
        remove_success_status,
        [
            (BREAKING, "success status removed", f"{PATCH_OP}: response 200"),
            (COMPATIBLE, "new response status", f"{PATCH_OP}: response 201"),
        ],
    ),
    (
        remove_error_status,
        [(POTENTIALLY_BREAKING, "error status removed: the client no longer parses it", f"{PATCH_OP}: response 400")],
    ),
    (
        add_response_enum_value,
        [(POTENTIALLY_BREAKING, "new response enum value(s) ['maybe']", f"{PATCH_OP}: response 200 body ok")],
    ),
    (add_optional_response_property, [(COMPATIBLE, "new response property", f"{PATCH_OP}: response 200 body note")]),
    (
        lower_max_items,
        [(BREAKING, "request maxItems changed from (absent) to 10 (accepts less)", f"{PATCH_OP}: request body names")],
    ),
    (
        close_request_schema,
        [
            (
                BREAKING,
                "request additionalProperties changed from (absent) to False (accepts less)",
                f"{PATCH_OP}: request body",
            )
        ],
    ),
    (
        remove_property_from_closed_request,
        [
            (
                BREAKING,
                "request additionalProperties changed from (absent) to False (accepts less)",
                f"{PATCH_OP}: request body",
            ),
            (BREAKING, "request property removed", f"{PATCH_OP}: request body label"),
        ],
    ),
    (
        change_request_default,
        [(POTENTIALLY_BREAKING, "default changed from 'live' to 'sandbox'", f"{PATCH_OP}: request body env")],
    ),
    (remove_published_error_code, [(BREAKING, "published error code removed", "error code WIDGETS_NOT_FOUND")]),
    (remove_assumed_error_code, [(POTENTIALLY_BREAKING, "assumed error code removed", "error code TOO_MANY_REQUESTS")]),
    (add_error_code, [(COMPATIBLE, "new error code", "error code WIDGETS_BUSY")]),
    (number_error_code, [(COMPATIBLE, "numeric code 14006 recorded", "error code WIDGETS_NOT_FOUND")]),
    (publish_error_code, [(COMPATIBLE, "marked published", "error code TOO_MANY_REQUESTS")]),
    (change_error_code_status, [(BREAKING, "status changed from 429 to 503", "error code TOO_MANY_REQUESTS")]),
]


def triples(entries: list[Entry]) -> list[tuple[str, str, str]]:
    return [(entry.verdict, entry.rule, entry.subject) for entry in entries]


@pytest.mark.parametrize(("edit", "expected"), CASES, ids=[edit.__name__ for edit, _ in CASES])
def test_rule(edit: Callable[[Doc], None], expected: list[tuple[str, str, str]]) -> None:
    changed = base()
    edit(changed)

    assert sorted(triples(classify(read(base()), read(changed)))) == sorted(expected)


def test_no_change_gives_no_entry() -> None:
    assert classify(read(base()), read(base())) == []


def test_prose_only_changes_give_no_entry() -> None:
    changed = base()
    changed["paths"][PATH]["patch"]["summary"] = "Edit a widget"
    changed["paths"][PATH]["patch"]["operationId"] = "editWidget"

    assert classify(read(base()), read(changed)) == []
