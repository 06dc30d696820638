"""The code generator on a contract of its own: its output is the committed golden record.

tests/codegen/fixture/openapi.yaml takes the template branches openapi.yaml never takes (an
operation without an agent, a safe POST not named like a read, an idempotent PUT, a batch of
models, query and header parameters, a wait on a job); a template change that alters what those
branches emit shows here as a diff. After a deliberate change, record it again with

    python scripts/codegen.py generate --spec tests/codegen/fixture/openapi.yaml --target tests/codegen/fixture/golden
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import codegen  # noqa: E402

from telephony_contract import CORRELATION_HEADER, load_catalogue  # noqa: E402

FIXTURE = Path(__file__).parent / "fixture" / "openapi.yaml"
GOLDEN = Path(__file__).parent / "fixture" / "golden"
PACKAGE = GOLDEN / "polyai_telephony"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("golden") / "generated"
    codegen.generate(FIXTURE, output)
    return output


def test_the_fixture_contract_generates_its_golden_record(fresh: Path) -> None:
    assert codegen.compare(fresh, GOLDEN) == []


def _constant(module: Path, name: str) -> object:
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{module} does not set {name}")


def _retry_safety(package: Path) -> dict[object, object]:
    modules = (m for m in package.glob("api/*/*.py") if m.name != "__init__.py")
    return {_constant(module, "OPERATION"): _constant(module, "RETRY_SAFE") for module in modules}


REAL = (codegen.SPEC, codegen.TARGET / "polyai_telephony")


@pytest.mark.parametrize(("contract", "package"), [(FIXTURE, PACKAGE), REAL], ids=["fixture", "openapi.yaml"])
def test_retry_safety_is_the_contracts_not_the_operation_names(contract: Path, package: Path) -> None:
    catalogue = load_catalogue(contract)

    # Each module names the operationId it implements (the SDK layer finds it by that name) and
    # carries the catalogue's retry decision: both written by codegen.py, both the contract's.
    assert _retry_safety(package) == {op.operation_id: op.retry_safe for op in catalogue.values()}


def test_a_safe_post_is_repeated_whatever_its_name_and_an_idempotent_put_is_not() -> None:
    rendered = _retry_safety(PACKAGE)

    assert rendered["fetchWidgets"] is True
    # Idempotent, but a late repeat can undo a change made in between.
    assert rendered["replaceWidgets"] is False


def test_the_correlation_header_is_the_one_the_contracts_error_answers_declare() -> None:
    assert _constant(PACKAGE / "error_codes.py", "CORRELATION_HEADER") == "X-Correlation"
    generated = codegen.TARGET / "polyai_telephony" / "error_codes.py"
    assert _constant(generated, "CORRELATION_HEADER") == CORRELATION_HEADER
    # The constant the mock and the checks import spells the header the contract declares.
    assert load_catalogue().correlation_header == CORRELATION_HEADER


def test_a_method_without_keyword_arguments_is_valid_python() -> None:
    # getJobState has one path parameter and no agent: no bare `*` may precede `**options`.
    source = (PACKAGE / "resources.py").read_text(encoding="utf-8")
    ast.parse(source)
    assert "def state(\n        self,\n        job_id: str,\n        **options: Unpack[RequestOptions]," in source


@pytest.mark.parametrize("module", sorted(p.name for p in codegen.CORE.glob("*.py")))
def test_the_fixed_core_is_copied_byte_for_byte(module: str) -> None:
    core = (codegen.CORE / module).read_bytes()
    assert (PACKAGE / module).read_bytes() == core
    assert (ROOT / "generated" / "polyai_telephony" / module).read_bytes() == core


def test_only_models_never_sent_read_an_absent_field_as_none() -> None:
    # Widget is answered and also sent (replaceWidgets): left out and null differ there, so UNSET stays.
    assert codegen.read_only_schemas(FIXTURE) == ["Error", "Job", "WidgetList"]
    job = (PACKAGE / "models" / "job.py").read_text(encoding="utf-8")
    widget = (PACKAGE / "models" / "widget.py").read_text(encoding="utf-8")
    assert "    reason: str | None = None\n" in job
    assert "    weight: float | Unset = UNSET\n" in widget
