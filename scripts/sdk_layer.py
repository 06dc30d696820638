"""Render the SDK layer (PolyAI, AsyncPolyAI, resource namespaces, error codes) into a generated package.

Runs after openapi-python-client (see codegen.py). Its templates cannot read `x-` extensions, so
this step reads openapi.yaml itself for what they cannot see (`x-error-codes`, `x-limits`,
`x-sdk-method`, the servers) and takes every Python name and type from the generator's own parse
of the same document, so a method calls exactly the functions and models that were generated.

    python scripts/sdk_layer.py generated/   # what codegen.py does after the generator

Method names: the operationId in snake_case without the words of its tag's noun
(listPhoneNumbers -> list, lookupConnector -> lookup); a trailing underscore for a Python keyword
(import_); an operation's `x-sdk-method` wins where the rule would collide or read badly.
"""

from __future__ import annotations

import dataclasses
import json
import keyword
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties import EnumProperty, ModelProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.string import StringProperty

from telephony_contract import Catalogue, Operation, resolve
from telephony_contract.catalogue import api_key_header

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "generator-templates" / "sdk"
# Rendered into the package, one module per template of the same name.
MODULES = ("error_codes.py", "settings.py", "resources.py", "polyai.py")


@dataclasses.dataclass(frozen=True)
class Argument:
    """One argument of an SDK method and the expression that turns it into what the generated code takes."""

    name: str
    annotation: str
    default: str | None  # None: required
    convert: str  # Python expression over `name`


@dataclasses.dataclass(frozen=True)
class BatchField:
    """The list in a request body that the contract caps at `x-limits.maxBatchItems`."""

    name: str
    of_strings: bool
    merged: tuple[tuple[str, bool], ...]  # the answer's list properties (python name, required)


@dataclasses.dataclass(frozen=True)
class Wait:
    """A `wait` beside a status method: poll it until the answer's `field` is one of `until`."""

    field: str
    until: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Method:
    name: str
    operation_id: str
    module: str  # api.<tag>.<module>
    tag_module: str
    summary: str
    description: str
    assumption: str
    path_arguments: tuple[Argument, ...]
    body_arguments: tuple[Argument, ...]
    query_arguments: tuple[Argument, ...]
    has_agent_id: bool
    body_class: str | None
    result_class: str
    batch: BatchField | None
    wait: Wait | None

    @property
    def positional(self) -> tuple[Argument, ...]:
        return self.path_arguments + tuple(a for a in self.body_arguments if a.default is None)

    @property
    def keyword(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.body_arguments if a.default is not None) + self.query_arguments


@dataclasses.dataclass(frozen=True)
class Namespace:
    tag: str
    attribute: str  # client.<attribute>
    class_name: str
    description: str
    methods: tuple[Method, ...]


@dataclasses.dataclass
class Layer:
    server_url: str
    region_default: str | None
    regions: tuple[str, ...]
    max_batch_items: int
    api_key_header: str
    correlation_header: str
    error_codes: list[dict[str, Any]]
    namespaces: list[Namespace] = dataclasses.field(default_factory=list)

    @property
    def models(self) -> list[str]:
        names = set()
        for namespace in self.namespaces:
            for method in namespace.methods:
                names.add(method.result_class)
                if method.body_class:
                    names.add(method.body_class)
                for argument in method.body_arguments:
                    names.update(re.findall(r"\b[A-Z][A-Za-z0-9]+\b", argument.annotation))
        return sorted(names - {"Sequence", "Mapping", "Any", "Literal", "Unset", "None"})


def method_name(operation_id: str, tag: str, declared: str | None = None) -> str:
    """The SDK method for an operation: its `x-sdk-method` (`declared`), or the operationId without its tag's noun."""
    if declared:
        return declared
    words = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower().split("_")
    noun = {word.rstrip("s") for word in tag.split("-")}
    name = "_".join(word for word in words if word.rstrip("s") not in noun) or words[0]
    return name + "_" if keyword.iskeyword(name) else name


def _parsed(spec: dict[str, Any], spec_path: Path) -> GeneratorData:
    config = Config.from_sources(ConfigFile.load_from_path(CONFIG), MetaType.PDM, spec_path, "utf-8", True, None)
    data = GeneratorData.from_dict(spec, config=config)
    if not isinstance(data, GeneratorData):
        raise SystemExit(f"openapi-python-client could not read {spec_path}: {data.header}\n{data.detail}")
    return data


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _argument(prop: Any) -> Argument:
    """Plain Python values in (a list of strings, an enum's value), the generated model's types out."""
    name = str(prop.python_name)
    annotation = prop.get_type_string(no_optional=True).as_unembedded_code()
    convert = name
    if isinstance(prop, ListProperty) and isinstance(prop.inner_property, StringProperty):
        annotation, convert = "Sequence[str]", f"strings({name!r}, {name})"
    elif isinstance(prop, ListProperty) and isinstance(prop.inner_property, ModelProperty):
        model = prop.inner_property.class_info.name
        annotation = f"Sequence[{model} | Mapping[str, Any]]"
        convert = f"[item if isinstance(item, {model}) else {model}.from_dict(item) for item in {name}]"
    elif isinstance(prop, EnumProperty):
        # The enum or one of its values as a literal, so a type checker refuses any other string;
        # at run time a wrong value is an InvalidArgumentError listing the valid ones.
        literal = ", ".join(json.dumps(str(value)) for value in prop.values.values())
        annotation, convert = f"{annotation} | Literal[{literal}]", f"enum_value({annotation}, {name!r}, {name})"
    elif isinstance(prop, ModelProperty):
        model = prop.class_info.name
        annotation = f"{model} | Mapping[str, Any]"
        convert = f"{name} if isinstance({name}, {model}) else {model}.from_dict({name})"
    if prop.required:
        return Argument(name, annotation, None, convert)
    if convert != name:
        convert = f"UNSET if isinstance({name}, Unset) else {convert}"
    return Argument(name, f"{annotation} | Unset", "UNSET", convert)


def correlation_header(catalogue: Catalogue) -> str:
    """The one response header every error answer of every operation declares: the request's correlation id."""
    shared: set[str] | None = None
    for operation in catalogue.values():
        for status, response in operation.responses.items():
            if str(status)[0] in "45":
                names = set(response.get("headers", {}))
                shared = names if shared is None else shared & names
    if not shared or len(shared) != 1:
        raise SystemExit(f"the error answers must share exactly one header, the correlation id; they share {shared}")
    return shared.pop()


def _batch(spec: Mapping[str, Any], operation: Operation, body: Any, result: Any, limit: int) -> BatchField | None:
    """The body list capped at the batch limit, if the answer is lists that can be concatenated."""
    schema = resolve(spec, operation.body)
    if not isinstance(schema, Mapping):
        return None
    capped = [
        name
        for name, property_schema in schema.get("properties", {}).items()
        if resolve(spec, property_schema).get("maxItems") == limit
    ]
    if len(capped) != 1:
        return None
    answer = (result.required_properties or []) + (result.optional_properties or [])
    if not answer or not all(isinstance(prop, ListProperty) for prop in answer):
        return None
    (wire_name,) = capped
    field_prop = next(p for p in body.required_properties or [] if p.name.get_untrusted_value() == wire_name)
    of_strings = isinstance(field_prop, ListProperty) and isinstance(field_prop.inner_property, StringProperty)
    merged = tuple((str(p.python_name), bool(p.required)) for p in answer)
    return BatchField(str(field_prop.python_name), of_strings, merged)


def _method(spec: Mapping[str, Any], raw: Operation, tag: str, endpoint: Endpoint, limit: int) -> Method:
    successes = [r for r in endpoint.responses.patterns if r.status_code.range and r.status_code.range[0] < 300]
    if len(successes) != 1 or not isinstance(successes[0].prop, ModelProperty):
        raise SystemExit(f"{endpoint.name}: the SDK layer needs exactly one success answer with a model")
    result = successes[0].prop
    path = [p for p in endpoint.path_parameters if str(p.python_name) != "agent_id"]
    path_arguments = tuple(_argument(p) for p in path)
    query_arguments = tuple(_argument(p) for p in endpoint.query_parameters)
    body_class: str | None = None
    body_arguments: tuple[Argument, ...] = ()
    batch: BatchField | None = None
    if endpoint.bodies:
        (body,) = endpoint.bodies
        if not isinstance(body.prop, ModelProperty):
            raise SystemExit(f"{endpoint.name}: the SDK layer needs a request body that is a model")
        body_class = body.prop.class_info.name
        props = (body.prop.required_properties or []) + (body.prop.optional_properties or [])
        body_arguments = tuple(_argument(p) for p in props)
        batch = _batch(spec, raw, body.prop, result, limit)
    names = [a.name for a in path_arguments + body_arguments + query_arguments]
    if len(set(names)) != len(names) or {"agent_id", "options", "self"} & set(names):
        raise SystemExit(f"{endpoint.name}: its arguments {names} collide; rename in the spec")
    return Method(
        name=method_name(raw.operation_id, tag, raw.sdk_method),
        operation_id=raw.operation_id,
        module=str(endpoint.name),
        tag_module="",
        summary=_text(raw.node.get("summary")),
        description=_text(raw.node.get("description")),
        assumption=_text(raw.node.get("x-assumption")),
        path_arguments=path_arguments,
        body_arguments=body_arguments,
        query_arguments=query_arguments,
        has_agent_id=any(str(p.python_name) == "agent_id" for p in endpoint.path_parameters),
        body_class=body_class,
        result_class=result.class_info.name,
        batch=batch,
        wait=_wait(raw.node, result),
    )


def _wait(operation: Mapping[str, Any], result: ModelProperty) -> Wait | None:
    """`x-sdk-method: {name: ..., wait: {field: status, until: [...]}}` asks for a `wait` method."""
    declared = operation.get("x-sdk-method")
    if not isinstance(declared, dict) or "wait" not in declared:
        return None
    field, until = declared["wait"]["field"], tuple(declared["wait"]["until"])
    props = {p.name.get_untrusted_value(): p for p in (result.required_properties or [])}
    if field not in props:
        raise SystemExit(f"{operation['operationId']}: x-sdk-method waits on {field!r}, not a required answer field")
    enum = props[field]
    if isinstance(enum, EnumProperty) and not set(until) <= {str(v) for v in enum.values.values()}:
        raise SystemExit(f"{operation['operationId']}: x-sdk-method waits until {until}, outside its enum")
    return Wait(str(props[field].python_name), until)


def read_layer(spec_path: Path = SPEC) -> Layer:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    data = _parsed(spec, spec_path)
    catalogue = Catalogue.from_document(spec)
    server = spec["servers"][0]
    region = server.get("variables", {}).get("region", {})
    codes = [
        {
            "name": code,
            "status": entry["status"],
            "published": bool(entry.get("published", entry.get("documented", False))),
            "message": _text(entry.get("message")),
            "number": entry.get("number"),
        }
        for code, entry in spec.get("x-error-codes", {}).items()
    ]
    layer = Layer(
        server_url=server["url"],
        region_default=region.get("default"),
        regions=tuple(region.get("enum", ())),
        max_batch_items=int(spec["x-limits"]["maxBatchItems"]),
        api_key_header=api_key_header(spec),
        correlation_header=correlation_header(catalogue),
        error_codes=codes,
    )
    tags = {tag["name"]: _text(tag.get("description")) for tag in spec.get("tags", [])}
    for tag_module, collection in data.endpoint_collections_by_tag.items():
        endpoints = collection.endpoints
        tag = _operation(catalogue, endpoints[0]).tag
        methods = []
        for endpoint in endpoints:
            method = _method(spec, _operation(catalogue, endpoint), tag, endpoint, layer.max_batch_items)
            methods.append(dataclasses.replace(method, tag_module=str(tag_module)))
        names = [m.name for m in methods]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SystemExit(f"tag {tag}: several operations map to {duplicates}; set `x-sdk-method` on one of them")
        methods.sort(key=lambda method: method.name)
        layer.namespaces.append(Namespace(tag, str(tag_module), _class_name(tag), tags.get(tag, ""), tuple(methods)))
    return layer


def _operation(catalogue: Catalogue, endpoint: Endpoint) -> Operation:
    """The operation the generator turned into *endpoint*: the one its method and path route to.

    The generator renames path parameters ({agentId} -> {agent_id}); routed as a request, each
    stays a parameter's value and the template's literal segments decide.
    """
    match = catalogue.match(endpoint.method, endpoint.path.get_untrusted_value())
    if match is None:
        raise SystemExit(f"{endpoint.name}: no operation of the contract at {endpoint.method} {endpoint.path}")
    return match.operation


def _class_name(tag: str) -> str:
    return "".join(word.capitalize() for word in tag.split("-"))


def render(layer: Layer, package_dir: Path) -> list[Path]:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    written = []
    for module in MODULES:
        target = package_dir / module
        target.write_text(env.get_template(f"{module}.jinja").render(layer=layer), encoding="utf-8")
        written.append(target)
    return written


def format_files(paths: list[Path], project_dir: Path) -> None:
    """The generator's own post hooks, on the files this step wrote, with the same pinned ruff."""
    ruff = str(Path(sys.executable).parent / "ruff")
    files = [str(p) for p in paths]
    subprocess.run([ruff, "check", "--fix-only", "--quiet", "--no-cache", *files], cwd=project_dir, check=True)
    subprocess.run([ruff, "format", "--quiet", "--no-cache", *files], cwd=project_dir, check=True)


def generate(project_dir: Path, spec_path: Path = SPEC) -> None:
    """Render the SDK modules into *project_dir* (a project openapi-python-client just wrote)."""
    package_dir = project_dir / yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["package_name_override"]
    format_files(render(read_layer(spec_path), package_dir), project_dir)


if __name__ == "__main__":
    generate(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else SPEC)
