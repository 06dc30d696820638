"""The operations of openapi.yaml and their documented responses, as test cases for the client.

The client tests are parametrised from the contract rather than from a list of their own, so an
operation, status or example added to the spec is exercised without editing a test.
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any
from urllib.parse import quote

from telephony_contract import document, load_catalogue, load_document

# The values every call is made with. The number is in Ofcom's drama range, never a subscriber's.
PARAMETER_VALUES = {
    "agentId": "agent-dev",
    "phoneNumber": "+442079460123",
    "connectorId": "conn-uk-en",
    "callSid": "OUT-6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b",
    "environment": "sandbox",
}


def spec() -> Mapping[str, Any]:
    return load_document()


def resolve(node: Any) -> Any:
    """Follow a local `$ref` (repeatedly) to the node it names."""
    return document.resolve(spec(), node)


def snake_case(name: str) -> str:
    """`listPhoneNumbers` -> `list_phone_numbers`, `phone-numbers` -> `phone_numbers`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).replace("-", "_").lower()


def schema_name(node: dict[str, Any]) -> str:
    """The component name behind a `$ref`, which is the generated model's class name."""
    return node["$ref"].rsplit("/", 1)[1]


def model_class(name: str) -> type[Any]:
    models = importlib.import_module("polyai_telephony.models")
    return getattr(models, name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    tag: str
    parameters: tuple[dict[str, Any], ...]
    request_body: dict[str, Any] | None
    responses: dict[str, Any]

    def __str__(self) -> str:
        return self.operation_id

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"polyai_telephony.api.{snake_case(self.tag)}.{snake_case(self.operation_id)}")

    def parameters_in(self, location: str) -> list[str]:
        return [p["name"] for p in self.parameters if p["in"] == location]

    def call_arguments(self) -> dict[str, Any]:
        """Keyword arguments for the generated function: every path and query parameter."""
        arguments = {}
        for parameter in self.parameters:
            if parameter["in"] not in ("path", "query"):
                continue
            value: Any = PARAMETER_VALUES[parameter["name"]]
            schema = parameter["schema"]
            if "$ref" in schema and "enum" in spec()["components"]["schemas"][schema_name(schema)]:
                value = model_class(schema_name(schema))(value)  # the generated function takes the enum
            arguments[snake_case(parameter["name"])] = value
        return arguments

    def expected_raw_path(self) -> str:
        """The path as it must go on the wire: every path value percent-encoded, `+` as `%2B`."""
        path = self.path
        for name in self.parameters_in("path"):
            path = path.replace("{" + name + "}", quote(PARAMETER_VALUES[name], safe=""))
        return path

    def request_example(self) -> dict[str, Any] | None:
        if self.request_body is None:
            return None
        return copy.deepcopy(self.request_body["content"]["application/json"]["example"])

    def request_model(self) -> type[Any]:
        assert self.request_body is not None
        return model_class(schema_name(self.request_body["content"]["application/json"]["schema"]))

    def _arguments(self) -> dict[str, Any]:
        arguments = self.call_arguments()
        example = self.request_example()
        if example is not None:
            arguments["body"] = self.request_model().from_dict(example)
        return arguments

    def call(self, client: Any) -> Any:
        """`sync_detailed` with the parameter values above and the spec's request example."""
        return self.module.sync_detailed(client=client, **self._arguments())

    async def call_async(self, client: Any) -> Any:
        """`asyncio_detailed` with the parameter values above and the spec's request example."""
        return await self.module.asyncio_detailed(client=client, **self._arguments())


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for op in load_catalogue().values():
        (tag,) = op.node["tags"]
        found.append(
            Operation(
                operation_id=op.operation_id,
                method=op.method,
                path=op.path,
                tag=tag,
                parameters=tuple(op.parameters.values()),
                request_body=resolve(op.node["requestBody"]) if "requestBody" in op.node else None,
                responses=dict(op.responses),
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class DocumentedResponse:
    """One example response of one operation, with the schema the client must parse it into."""

    operation: Operation
    status: int
    example_name: str
    body: dict[str, Any]
    schema: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.operation}-{self.status}-{self.example_name}"

    @property
    def is_success(self) -> bool:
        return self.status < 400

    def model(self) -> type[Any]:
        return model_class(schema_name(self.schema))

    def fresh_body(self) -> dict[str, Any]:
        return copy.deepcopy(self.body)


def _examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", media["example"]
    for name, example in media.get("examples", {}).items():
        yield name, resolve(example)["value"]


@cache
def documented_responses() -> tuple[DocumentedResponse, ...]:
    found = []
    for operation in operations():
        for status, response in operation.responses.items():
            media = response["content"]["application/json"]
            for name, body in _examples(media):
                found.append(DocumentedResponse(operation, int(status), name, body, media["schema"]))
    return tuple(found)


def success_responses() -> list[DocumentedResponse]:
    return [r for r in documented_responses() if r.is_success]


def without_optional_fields(instance: Any, schema: dict[str, Any]) -> Any:
    """A copy of *instance* with every property its schema does not require left out."""
    schema = resolve(schema)
    if isinstance(instance, list):
        return [without_optional_fields(item, schema.get("items", {})) for item in instance]
    if not isinstance(instance, dict) or "properties" not in schema:
        return instance
    required = set(schema.get("required", []))
    return {
        key: without_optional_fields(value, schema["properties"][key])
        for key, value in instance.items()
        if key in required
    }


def walk_objects(instance: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in *instance*, outermost first."""
    if isinstance(instance, dict):
        yield instance
        for value in instance.values():
            yield from walk_objects(value)
    elif isinstance(instance, list):
        for item in instance:
            yield from walk_objects(item)
