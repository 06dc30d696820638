"""The link lint: on edited copies of openapi.yaml, every broken link is named; the contract itself passes.

Each test edits a copy of the contract (load, change, dump to tmp_path) the way a maintainer would,
and asks the lint what `make lint` asks it.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from telephony_contract import SPEC_PATH, load_document
from telephony_contract.catalogue import Catalogue
from telephony_contract.document import HTTP_METHODS, parse_pointer
from telephony_contract.fields import always_present, schema_types, schemas_at
from telephony_contract.links import LinkProblem, check_links

ROOT = Path(__file__).resolve().parent.parent
LINT = ROOT / "scripts" / "lint_contract.py"
CONTRACT: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))

Edit = Callable[[dict[str, Any]], None]


def _edited(edit: Edit, tmp_path: Path) -> Path:
    spec = copy.deepcopy(CONTRACT)
    edit(spec)
    # A new name per copy: documents are loaded once per path.
    path = tmp_path / f"openapi-{len(list(tmp_path.glob('openapi-*.yaml')))}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _lint(edit: Edit, tmp_path: Path) -> list[str]:
    return [str(problem) for problem in check_links(load_document(_edited(edit, tmp_path)))]


def _links(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(source operationId, status, link name, link) for every link written inline in a response."""
    for item in spec["paths"].values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for status, response in operation["responses"].items():
                for name, link in (response.get("links") or {}).items():
                    yield operation["operationId"], str(status), name, link


def _operation(spec: dict[str, Any], operation_id: str) -> tuple[str, str]:
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if item.get(method, {}).get("operationId") == operation_id:
                return path, method
    raise LookupError(operation_id)


def _first_link(predicate: Callable[[dict[str, Any]], bool]) -> tuple[str, str, str]:
    return next((source, status, name) for source, status, name, link in _links(CONTRACT) if predicate(link))


def _link(spec: dict[str, Any], source: str, status: str, name: str) -> dict[str, Any]:
    path, method = _operation(spec, source)
    links: dict[str, Any] = spec["paths"][path][method]["responses"][status]["links"]
    return links[name]


def _response_body_parameter(link: dict[str, Any]) -> str | None:
    return next(
        (key for key, value in link.get("parameters", {}).items() if value.startswith("$response.body#/")), None
    )


def test_the_contract_has_links_and_every_one_passes() -> None:
    assert list(_links(CONTRACT)), "the contract has no links left for Schemathesis to follow"
    assert check_links(load_document(SPEC_PATH)) == []


def test_removing_an_operation_a_link_targets_names_every_link_left_pointing_at_it(tmp_path: Path) -> None:
    target = next(link["operationId"] for *_, link in _links(CONTRACT) if "operationId" in link)
    pointing = [
        (source, status, name) for source, status, name, link in _links(CONTRACT) if link.get("operationId") == target
    ]
    path, method = _operation(CONTRACT, target)

    problems = _lint(lambda spec: spec["paths"][path].pop(method), tmp_path)

    assert problems == [
        f"{source} {status} link {name}: operationId {target!r} names no operation of the contract"
        for source, status, name in pointing
    ]


def test_a_response_body_pointer_at_a_field_the_response_lacks_is_named(tmp_path: Path) -> None:
    source, status, name = _first_link(lambda link: _response_body_parameter(link) is not None)
    parameter = _response_body_parameter(_link(CONTRACT, source, status, name))
    assert parameter is not None

    def rename(spec: dict[str, Any]) -> None:
        parameters = _link(spec, source, status, name)["parameters"]
        parameters[parameter] = parameters[parameter].replace("$response.body#/", "$response.body#/noSuchField/", 1)

    problems = _lint(rename, tmp_path)

    assert len(problems) == 1
    assert problems[0].startswith(f"{source} {status} link {name}: parameter {parameter!r}: ")
    assert "the response body's schema has no /noSuchField/" in problems[0]


def test_a_parameter_the_target_does_not_take_is_named(tmp_path: Path) -> None:
    source, status, name = _first_link(lambda link: "operationId" in link)
    target = _link(CONTRACT, source, status, name)["operationId"]

    problems = _lint(
        lambda spec: _link(spec, source, status, name).setdefault("parameters", {}).update(noSuchParameter="$url"),
        tmp_path,
    )

    assert problems == [f"{source} {status} link {name}: {target} takes no parameter 'noSuchParameter'"]


def test_a_parameter_key_may_name_its_location_and_must_then_be_in_it(tmp_path: Path) -> None:
    source, status, name = _first_link(lambda link: _response_body_parameter(link) is not None)
    link = _link(CONTRACT, source, status, name)
    parameter = _response_body_parameter(link)
    assert parameter is not None
    takes = Catalogue.from_document(load_document(SPEC_PATH))[link["operationId"]].parameters
    (location,) = [where for where, parameter_name in takes if parameter_name == parameter]
    other = "query" if location != "query" else "header"

    def qualify(prefix: str) -> Edit:
        def edit(spec: dict[str, Any]) -> None:
            parameters = _link(spec, source, status, name)["parameters"]
            parameters[f"{prefix}.{parameter}"] = parameters.pop(parameter)

        return edit

    assert _lint(qualify(location), tmp_path) == []
    assert _lint(qualify(other), tmp_path) == [
        f"{source} {status} link {name}: {link['operationId']} takes no parameter '{other}.{parameter}'"
    ]


def test_a_request_body_field_the_target_lacks_is_named(tmp_path: Path) -> None:
    source, status, name = _first_link(lambda link: isinstance(link.get("requestBody"), dict))
    link = _link(CONTRACT, source, status, name)
    field = next(iter(link["requestBody"]))

    def rename(spec: dict[str, Any]) -> None:
        body = _link(spec, source, status, name)["requestBody"]
        body["renamed"] = body.pop(field)

    problems = _lint(rename, tmp_path)

    assert problems == [
        f"{source} {status} link {name}: requestBody: {link['operationId']}'s request body has no field /renamed"
    ]


@pytest.mark.parametrize(
    ("expression", "detail"),
    [
        ("$response.bdy#/x", "'$response.bdy#/x' is not a runtime expression"),
        ("$response.body#/a~2b", "'/a~2b' is not a JSON pointer"),
        ("$request.path.noSuchParameter", "takes no path parameter 'noSuchParameter'"),
        ("$request.query.noSuchParameter", "takes no query parameter 'noSuchParameter'"),
        ("$response.header.X-No-Such-Header", "the response declares no header 'X-No-Such-Header'"),
        ("$response.path.agentId", "a response has no path parameters"),
        ("prefix-{$request.path.noSuchParameter}", "takes no path parameter 'noSuchParameter'"),
        ("prefix-{$request.path.agentId", "opens an embedded expression it does not close"),
    ],
)
def test_an_expression_that_is_malformed_or_names_nothing_in_the_source_is_named(
    expression: str, detail: str, tmp_path: Path
) -> None:
    source, status, name = _first_link(lambda link: _response_body_parameter(link) is not None)
    parameter = _response_body_parameter(_link(CONTRACT, source, status, name))
    assert parameter is not None

    problems = _lint(
        lambda spec: _link(spec, source, status, name)["parameters"].update({parameter: expression}), tmp_path
    )

    assert len(problems) == 1
    assert problems[0].startswith(f"{source} {status} link {name}: parameter {parameter!r}: ")
    assert detail in problems[0]


def test_expressions_every_source_can_fill_pass(tmp_path: Path) -> None:
    source, status, name = _first_link(lambda link: _response_body_parameter(link) is not None)
    parameter = _response_body_parameter(_link(CONTRACT, source, status, name))
    assert parameter is not None
    # Any of these is a string, which every path parameter of the contract takes.
    for expression in ("$url", "$method", "$response.header.X-PolyAI-Correlation-Id", "id-{$request.path.agentId}"):
        assert (
            _lint(
                lambda spec, e=expression: _link(spec, source, status, name)["parameters"].update({parameter: e}),
                tmp_path,
            )
            == []
        )


def test_an_array_handed_to_a_string_parameter_is_named(tmp_path: Path) -> None:
    """`#/imported` where `#/imported/0` was meant: the link is well formed but can never work."""
    source, status, name = _first_link(
        lambda link: any(str(value).endswith("/0") for value in link.get("parameters", {}).values())
    )
    link = _link(CONTRACT, source, status, name)
    parameter = next(key for key, value in link["parameters"].items() if str(value).endswith("/0"))
    whole = link["parameters"][parameter].removesuffix("/0")

    problems = _lint(lambda spec: _link(spec, source, status, name)["parameters"].update({parameter: whole}), tmp_path)

    assert problems == [
        f"{source} {status} link {name}: parameter {parameter!r}: {whole!r} is array, where the target takes string"
    ]


def test_a_local_operation_ref_is_followed_like_an_operation_id(tmp_path: Path) -> None:
    source, status, name = _first_link(lambda link: "operationId" in link)
    path, method = _operation(CONTRACT, _link(CONTRACT, source, status, name)["operationId"])
    escaped = path.replace("~", "~0").replace("/", "~1")

    def by_ref(ref: str) -> Edit:
        def edit(spec: dict[str, Any]) -> None:
            link = _link(spec, source, status, name)
            link.pop("operationId")
            link["operationRef"] = ref

        return edit

    assert _lint(by_ref(f"#/paths/{escaped}/{method}"), tmp_path) == []
    assert _lint(by_ref("#/paths/~1v1~1nowhere/get"), tmp_path) == [
        f"{source} {status} link {name}: operationRef '#/paths/~1v1~1nowhere/get' names no operation of the contract"
    ]


def test_a_link_reached_through_refs_is_checked(tmp_path: Path) -> None:
    """Links may sit in a components/responses entry and be components/links refs themselves."""
    source, status, name = _first_link(lambda link: "operationId" in link)
    path, method = _operation(CONTRACT, source)

    def through_refs(spec: dict[str, Any]) -> None:
        responses = spec["paths"][path][method]["responses"]
        response = responses[status]
        link = response["links"][name]
        link["operationId"] = "noSuchOperation"
        spec["components"].setdefault("links", {})["Moved"] = link
        response["links"][name] = {"$ref": "#/components/links/Moved"}
        spec["components"]["responses"]["MovedResponse"] = response
        responses[status] = {"$ref": "#/components/responses/MovedResponse"}

    assert _lint(through_refs, tmp_path) == [
        f"{source} {status} link {name}: operationId 'noSuchOperation' names no operation of the contract"
    ]


def test_a_problem_reads_source_status_link_and_detail() -> None:
    problem = LinkProblem("listConnectors", "200", "GetListedConnector", "getConnector takes no parameter 'x'")

    assert str(problem) == "listConnectors 200 link GetListedConnector: getConnector takes no parameter 'x'"


def _run_lint(spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LINT), str(spec)], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_lint_command_fails_on_a_broken_link_and_passes_the_contract(tmp_path: Path) -> None:
    target = next(link["operationId"] for *_, link in _links(CONTRACT) if "operationId" in link)
    path, method = _operation(CONTRACT, target)
    broken = _edited(lambda spec: spec["paths"][path].pop(method), tmp_path)

    failed = _run_lint(broken)
    passed = _run_lint(SPEC_PATH)

    assert failed.returncode == 1
    assert f"operationId {target!r} names no operation" in failed.stderr
    assert (passed.returncode, passed.stderr) == (0, "")


def test_the_lint_command_fails_when_a_mock_rule_reads_a_field_the_contract_lacks(tmp_path: Path) -> None:
    def rename(spec: dict[str, Any]) -> None:
        request = spec["components"]["schemas"]["ImportPhoneNumbersRequest"]
        request["properties"]["numbers"] = request["properties"].pop("phoneNumbers")
        request["required"] = ["numbers"]

    failed = _run_lint(_edited(rename, tmp_path))

    assert failed.returncode == 1
    assert "mock start-up: " in failed.stderr
    assert "importPhoneNumbers: its rule reads body field /phoneNumbers" in failed.stderr


# -- where a pointer leads in a schema: the walk both the lint and the mock's start-up use ----------

_SCHEMAS: dict[str, Any] = {
    "components": {
        "schemas": {
            "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Tagged": {"allOf": [{"$ref": "#/components/schemas/Named"}, {"properties": {"tag": {"type": "string"}}}]},
            "Either": {
                "oneOf": [
                    {"properties": {"left": {"type": "integer"}}},
                    {"properties": {"right": {"type": "array", "items": {"$ref": "#/components/schemas/Named"}}}},
                ]
            },
            "Pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
            "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "Coded": {
                "type": "object",
                "patternProperties": {"^x-": {"type": "boolean"}},
                "additionalProperties": False,
            },
        }
    }
}


@pytest.mark.parametrize(
    ("schema", "pointer", "types"),
    [
        ("Tagged", "/name", [{"string"}]),  # through allOf and a $ref
        ("Tagged", "/tag", [{"string"}]),
        ("Either", "/left", [{"number"}]),  # one branch of oneOf is enough
        ("Either", "/right/3/name", [{"string"}]),  # a number walks into items
        ("Pair", "/1", [{"number"}]),  # prefixItems by position
        ("Pair", "/2", []),
        ("Labels", "/anything", [{"string"}]),  # a schema-valued additionalProperties takes any name
        ("Coded", "/x-flag", [{"boolean"}]),
        ("Coded", "/flag", []),
        ("Named", "/nome", []),
        ("Named", "/name/0", []),
    ],
)
def test_a_pointer_walks_a_schema_as_an_instance_would_be_walked(
    schema: str, pointer: str, types: list[set[str]]
) -> None:
    found = schemas_at(_SCHEMAS, {"$ref": f"#/components/schemas/{schema}"}, parse_pointer(pointer))

    assert [set(schema_types(_SCHEMAS, each) or ()) for each in found] == types


_REQUIRED: dict[str, Any] = {
    "components": {
        "schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Extended": {
                "allOf": [{"$ref": "#/components/schemas/Base"}],
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {"type": "object", "required": ["sku"], "properties": {"sku": {}}},
                    },
                    "note": {"type": "string"},
                },
                "oneOf": [{"required": ["note"]}, {"properties": {"other": {"type": "string"}}}],
            },
        }
    }
}


@pytest.mark.parametrize(
    ("pointer", "present"),
    [
        ("/id", True),  # required by an allOf part
        ("/items", True),
        ("/items/0/sku", True),  # an item's required field, for whoever walks the items
        ("/note", False),  # required in one oneOf branch only
        ("/missing", False),
    ],
)
def test_a_field_is_always_present_when_every_object_on_its_way_requires_it(pointer: str, present: bool) -> None:
    assert always_present(_REQUIRED, {"$ref": "#/components/schemas/Extended"}, parse_pointer(pointer)) is present
