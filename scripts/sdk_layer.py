"""Render the SDK layer (PolyAI, AsyncPolyAI, resource namespaces, error codes) into a generated package.

Runs after openapi-python-client (see codegen.py), on what it wrote. What the generator's templates
cannot read (`x-error-codes`, `x-limits`, `x-sdk-method`, the servers, summaries) comes from the
contract through `telephony_contract`; every Python name and type comes from the generated package
itself, read as source: each operation module says which operation it implements (`OPERATION`,
the operationId), its `_get_kwargs` gives the arguments and `_parse_response` the answer's model,
and each model's class body its fields. A method therefore calls exactly the functions and models
that were generated.

    python scripts/sdk_layer.py generated/   # what codegen.py does after the generator

Method names: the operationId in snake_case without the words of its tag's noun
(listPhoneNumbers -> list, lookupConnector -> lookup); a trailing underscore for a Python keyword
(import_); an operation's `x-sdk-method` wins where the rule would collide or read badly.
"""

from __future__ import annotations

import ast
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

from telephony_contract import Operation, load_catalogue, resolve

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
    operation: Operation
    module: str  # api.<tag>.<module>
    tag_module: str
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


@dataclasses.dataclass(frozen=True)
class Field:
    """A field of a generated model, or a parameter of a generated `_get_kwargs`, as its source spells it."""

    name: str
    annotation: str  # without `| Unset`
    required: bool
    wire: str = ""  # the JSON name, for a model's field


@dataclasses.dataclass(frozen=True)
class Module:
    """A generated operation module: where it is and what it takes and answers."""

    tag_module: str
    name: str
    path_parameters: tuple[Field, ...]
    query_parameters: tuple[Field, ...]  # and header parameters: every keyword but the body
    body_class: str | None
    answers: dict[int, str]  # status -> model class


class Package:
    """The models and operation modules openapi-python-client wrote, read as source."""

    def __init__(self, package_dir: Path) -> None:
        self.models: dict[str, ast.ClassDef] = {}
        for path in sorted((package_dir / "models").glob("*.py")):
            self.models.update((n.name, n) for n in ast.parse(path.read_text()).body if isinstance(n, ast.ClassDef))
        self.modules: dict[str, Module] = {}
        for path in sorted((package_dir / "api").glob("*/*.py")):
            tree = ast.parse(path.read_text())
            assigned = {ast.unparse(n.targets[0]): n.value for n in tree.body if isinstance(n, ast.Assign)}
            if "OPERATION" in assigned:
                self.modules[ast.literal_eval(assigned["OPERATION"])] = _module(path, tree)

    def enum_values(self, name: str) -> tuple[str, ...] | None:
        """The values of the generated enum *name*; None when *name* is not an enum."""
        node = self.models.get(name)
        if node is None or not any(ast.unparse(base).endswith("Enum") for base in node.bases):
            return None
        members = (n.value for n in node.body if isinstance(n, ast.Assign))
        return tuple(str(value.value) for value in members if isinstance(value, ast.Constant))

    def fields(self, name: str) -> tuple[Field, ...]:
        """The fields of the generated model *name*, in the order its constructor takes them."""
        model = self.models[name]
        wire = {}
        # from_dict reads each field as `name = ...d.pop("wireName"...)...` (`_name` when it converts).
        from_dict = next(n for n in model.body if isinstance(n, ast.FunctionDef) and n.name == "from_dict")
        for assign in (n for n in ast.walk(from_dict) if isinstance(n, ast.Assign)):
            for call in ast.walk(assign.value):
                if isinstance(call, ast.Call) and ast.unparse(call.func) == "d.pop":
                    wire[ast.unparse(assign.targets[0]).lstrip("_")] = ast.literal_eval(call.args[0])
        return tuple(
            Field(ast.unparse(n.target), _without_unset(n.annotation), n.value is None, wire[ast.unparse(n.target)])
            for n in model.body
            if isinstance(n, ast.AnnAssign) and ast.unparse(n.target) in wire
        )


def _without_unset(annotation: ast.expr | None) -> str:
    assert annotation is not None
    return " | ".join(part for part in ast.unparse(annotation).split(" | ") if part != "Unset")


def _module(path: Path, tree: ast.Module) -> Module:
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    arguments = functions["_get_kwargs"].args
    defaults = zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    keywords = [Field(a.arg, _without_unset(a.annotation), default is None) for a, default in defaults]
    answers = {}  # _parse_response reads each answer as `response_200 = Model.from_dict(...)`
    for node in ast.walk(functions["_parse_response"]):
        found = isinstance(node, ast.Assign) and re.match(r"response_(\d+) = (\w+)\.from_dict\(", ast.unparse(node))
        if found:
            answers[int(found[1])] = found[2]
    body = next((f.annotation for f in keywords if f.name == "body"), None)
    return Module(
        tag_module=path.parent.name,
        name=path.stem,
        path_parameters=tuple(Field(a.arg, _without_unset(a.annotation), True) for a in arguments.args),
        query_parameters=tuple(f for f in keywords if f.name != "body"),
        body_class=body,
        answers=answers,
    )


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _argument(package: Package, field: Field) -> Argument:
    """Plain Python values in (a list of strings, an enum's value), the generated model's types out."""
    name, annotation, convert = field.name, field.annotation, field.name
    inner = annotation.removeprefix("list[").removesuffix("]") if annotation.startswith("list[") else None
    if inner == "str":
        annotation, convert = "Sequence[str]", f"strings({name!r}, {name})"
    elif inner in package.models:
        annotation = f"Sequence[{inner} | Mapping[str, Any]]"
        convert = f"[item if isinstance(item, {inner}) else {inner}.from_dict(item) for item in {name}]"
    elif (values := package.enum_values(annotation)) is not None:
        # The enum or one of its values as a literal, so a type checker refuses any other string;
        # at run time a wrong value is an InvalidArgumentError listing the valid ones.
        literal = ", ".join(json.dumps(value) for value in values)
        annotation, convert = f"{annotation} | Literal[{literal}]", f"enum_value({annotation}, {name!r}, {name})"
    elif annotation in package.models:
        annotation = f"{annotation} | Mapping[str, Any]"
        convert = f"{name} if isinstance({name}, {field.annotation}) else {field.annotation}.from_dict({name})"
    if field.required:
        return Argument(name, annotation, None, convert)
    if convert != name:
        convert = f"UNSET if isinstance({name}, Unset) else {convert}"
    return Argument(name, f"{annotation} | Unset", "UNSET", convert)


def _batch(
    spec: Mapping[str, Any], operation: Operation, body: tuple[Field, ...], answer: tuple[Field, ...], limit: int
) -> BatchField | None:
    """The body list capped at the batch limit, if the answer is lists that can be concatenated."""
    schema = resolve(spec, operation.body)
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties", {}).items()
    capped = [wire for wire, prop in properties if resolve(spec, prop).get("maxItems") == limit]
    if len(capped) != 1 or not answer or not all(f.annotation.startswith("list[") for f in answer):
        return None
    field = next(f for f in body if f.wire == capped[0])
    merged = tuple((f.name, f.required) for f in answer)
    return BatchField(field.name, field.annotation == "list[str]", merged)


def _wait(package: Package, operation: Operation, result: str) -> Wait | None:
    """`x-sdk-method: {name: ..., wait: {field: status, until: [...]}}` asks for a `wait` method."""
    declared = operation.node.get("x-sdk-method")
    if not isinstance(declared, dict) or "wait" not in declared:
        return None
    wire, until = declared["wait"]["field"], tuple(declared["wait"]["until"])
    field = next((f for f in package.fields(result) if f.wire == wire and f.required), None)
    if field is None:
        raise SystemExit(f"{operation.operation_id}: x-sdk-method waits on {wire!r}, not a required answer field")
    values = package.enum_values(field.annotation)
    if values is not None and not set(until) <= set(values):
        raise SystemExit(f"{operation.operation_id}: x-sdk-method waits until {until}, outside its enum")
    return Wait(field.name, until)


def _method(package: Package, spec: Mapping[str, Any], operation: Operation, limit: int) -> Method:
    module = package.modules.get(operation.operation_id)
    if module is None:
        raise SystemExit(f"{operation.operation_id}: the generator wrote no module for it")
    result = module.answers.get(operation.success_status or 0)
    if result is None or package.enum_values(result) is not None:
        raise SystemExit(f"{operation.operation_id}: the SDK layer needs exactly one success answer with a model")
    path_arguments = tuple(_argument(package, p) for p in module.path_parameters if p.name != "agent_id")
    query_arguments = tuple(_argument(package, p) for p in module.query_parameters)
    body_arguments: tuple[Argument, ...] = ()
    batch = None
    if module.body_class:
        if module.body_class not in package.models:
            raise SystemExit(f"{operation.operation_id}: the SDK layer needs a request body that is a model")
        body = package.fields(module.body_class)
        body_arguments = tuple(_argument(package, f) for f in body)
        batch = _batch(spec, operation, body, package.fields(result), limit)
    names = [a.name for a in path_arguments + body_arguments + query_arguments]
    if len(set(names)) != len(names) or {"agent_id", "options", "self"} & set(names):
        raise SystemExit(f"{operation.operation_id}: its arguments {names} collide; rename in the spec")
    return Method(
        name=method_name(operation.operation_id, operation.tag, operation.sdk_method),
        operation=operation,
        module=module.name,
        tag_module=module.tag_module,
        path_arguments=path_arguments,
        body_arguments=body_arguments,
        query_arguments=query_arguments,
        has_agent_id=any(p.name == "agent_id" for p in module.path_parameters),
        body_class=module.body_class,
        result_class=result,
        batch=batch,
        wait=_wait(package, operation, result),
    )


def read_layer(package_dir: Path, spec_path: Path = SPEC) -> Layer:
    catalogue = load_catalogue(spec_path)
    spec = catalogue.document
    package = Package(package_dir)
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
        api_key_header=catalogue.api_key_header,
        correlation_header=catalogue.correlation_header,
        error_codes=codes,
    )
    tags = {tag["name"]: _text(tag.get("description")) for tag in spec.get("tags", [])}
    by_tag: dict[str, list[Method]] = {}
    for operation in catalogue.values():
        by_tag.setdefault(operation.tag, []).append(_method(package, spec, operation, layer.max_batch_items))
    for tag, methods in by_tag.items():
        names = [m.name for m in methods]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SystemExit(f"tag {tag}: several operations map to {duplicates}; set `x-sdk-method` on one of them")
        methods.sort(key=lambda method: method.name)
        attribute = methods[0].tag_module
        layer.namespaces.append(Namespace(tag, attribute, _class_name(tag), tags.get(tag, ""), tuple(methods)))
    return layer


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
    env.filters["text"] = _text  # one line of prose from the contract's folded or literal text
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
    format_files(render(read_layer(package_dir, spec_path), package_dir), project_dir)


if __name__ == "__main__":
    generate(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else SPEC)
