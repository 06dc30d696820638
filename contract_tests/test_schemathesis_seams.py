"""Each Schemathesis internal the runner and the findings lean on, pinned so an upgrade fails here by name.

Schemathesis offers no public way to (1) empty its process-wide generation caches, (2) switch off
the engine's network probes for an in-process app, (3) act at the end of each stateful scenario,
(4) say which rule a negative case broke, or (5) send a header twice to the app a run calls.
schemathesis_boundary.py and hooks.py use the internals below for these; when a Schemathesis
upgrade moves one, the test that names it fails with what to re-check, instead of the suite
drifting silently (e.g. probes reaching the real base URL).
"""

from __future__ import annotations

import dataclasses
import inspect
import tomllib
from importlib.metadata import version
from types import SimpleNamespace

from hypothesis.stateful import RuleBasedStateMachine
from schemathesis.core.mutations import Mutation
from schemathesis.engine.run import probes
from schemathesis.engine.run import stateful as stateful_phase
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario, FuzzingPhaseData
from schemathesis.specs.openapi import _caches

from contract_tests import runner, schemathesis_boundary
from contract_tests.check_recorder import CheckRecorder

NOT_A_BROKEN_KEYWORD = {
    *("CONST_VALUE", "DEFAULT_POSITIVE_TEST", "DEFAULT_VALUE", "ENUM_VALUE", "ENUM_VALUE_ITEMS_ARRAY", "EXAMPLE_VALUE"),
    *("MAXIMUM_ITEMS_ARRAY", "MAXIMUM_LENGTH_STRING", "MAXIMUM_VALUE", "MINIMUM_LENGTH_STRING", "MINIMUM_VALUE"),
    *("NEAR_BOUNDARY_ITEMS_ARRAY", "NEAR_BOUNDARY_LENGTH_STRING", "NEAR_BOUNDARY_NUMBER", "NULL_VALUE"),
    *("OBJECT_ADDITIONAL_PROPERTY", "OBJECT_ONLY_REQUIRED", "OBJECT_REQUIRED_AND_OPTIONAL", "UNIQUE_ITEMS_ARRAY"),
    *("VALID_ARRAY", "VALID_BOOLEAN", "VALID_NUMBER", "VALID_OBJECT", "VALID_STRING"),
    *("DUPLICATE_PARAMETER", "MALFORMED_CONTENT_TYPE", "UNSPECIFIED_HTTP_METHOD", "UNSUPPORTED_CONTENT_TYPE"),
    "UNSUPPORTED_PATH_PATTERN",
}


def test_the_installed_schemathesis_is_the_pinned_one() -> None:
    pyproject = tomllib.loads((runner.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = [dep for dep in pyproject["project"]["optional-dependencies"]["dev"] if dep.startswith("schemathesis==")]
    pinned = pin.removeprefix("schemathesis==")

    assert version("schemathesis") == pinned, (
        f"schemathesis {version('schemathesis')} is installed but {pinned} is pinned: run `make install`. "
        "After changing the pin, every test in this file must pass before the runner is trusted."
    )


def test_the_generation_caches_can_still_be_emptied() -> None:
    # runner.run empties them (clear_generation_caches) so a run inside pytest generates what a fresh process does.
    assert callable(_caches.clear_all), (
        "schemathesis.specs.openapi._caches.clear_all is gone: see schemathesis_boundary"
    )
    _caches.clear_all()


def test_the_probes_can_still_be_switched_off() -> None:
    assert isinstance(probes.PROBES, tuple) and probes.PROBES, (
        "schemathesis.engine.run.probes.PROBES is gone or empty: engine_probes_off empties it so that no probe goes to "
        "the base URL, which for a real target is the real service. Find the new way to disable probes."
    )
    with schemathesis_boundary.engine_probes_off():
        # `run` must read the module's PROBES when called, or emptying it would not reach it.
        assert probes.run(ctx=None) == [], "probes.run no longer reads probes.PROBES: see engine_probes_off"  # type: ignore[arg-type]
    assert probes.PROBES, "engine_probes_off left the engine's probes off for whatever runs next"


def test_the_stateful_phase_still_builds_its_machine_through_the_schema() -> None:
    source = inspect.getsource(stateful_phase)

    assert "schema.build_state_machine(" in source, (
        "the stateful phase no longer calls schema.build_state_machine: reset_after_each_scenario "
        "would silently stop resetting the mock between scenarios"
    )
    assert "teardown" in vars(RuleBasedStateMachine), "hypothesis's state machine has no teardown step any more"


def test_negative_cases_still_say_which_rule_they_break() -> None:
    coverage_fields = {field.name for field in dataclasses.fields(CoveragePhaseData)}
    mutation_fields = {field.name for field in dataclasses.fields(Mutation)}
    fuzzing_fields = {field.name for field in dataclasses.fields(FuzzingPhaseData)}

    assert {"scenario", "location", "parameter", "parameter_location"} <= coverage_fields
    assert {"keywords", "path", "parameter", "parameter_location"} <= mutation_fields
    assert "mutations" in fuzzing_fields
    # Every coverage scenario either breaks a mapped keyword or is one of these (valid values, and
    # request-shape probes that break no schema keyword); a scenario new in an upgrade fails here.
    unmapped = {scenario.name for scenario in set(CoverageScenario) - set(schemathesis_boundary.SCENARIO_KEYWORDS)}
    assert unmapped == NOT_A_BROKEN_KEYWORD, "map the new coverage scenarios in schemathesis_boundary.SCENARIO_KEYWORDS"


def test_an_operation_still_knows_the_in_process_app_the_run_calls() -> None:
    # hooks.key_sent_twice_is_refused sends its probe (a header Schemathesis cannot repeat) to
    # `case.operation.app`; without it the probe would go to the base URL instead of the app.
    schema = runner.build_schema(runner.PROFILES["ci"])
    app = object()
    schema.app = app

    assert schema.find_operation_by_id("listPhoneNumbers").app is app, "see hooks._send_with_headers"


def test_an_operation_still_leads_back_to_the_schema_that_holds_the_run_s_recorder() -> None:
    # The checks find the run's recorder from `case.operation.schema` (schemathesis_boundary.recorder_of).
    schema = runner.build_schema(runner.PROFILES["ci"], exclude_operations=["getPhoneNumber"])
    recorder = CheckRecorder()
    schemathesis_boundary.attach_recorder(schema, recorder)
    operation = schema.find_operation_by_id("listPhoneNumbers")

    assert operation.schema is schema, "see schemathesis_boundary.recorder_of"
    assert schemathesis_boundary.recorder_of(SimpleNamespace(operation=operation)) is recorder
