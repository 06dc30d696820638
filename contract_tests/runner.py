"""One conformance run: Schemathesis's engine over openapi.yaml, with schemathesis.toml and the hooks.

`make conformance`, the pytest entry point and the broken-mock tests all come through `run()`,
so they are one suite. The engine is driven in-process, the way the Schemathesis CLI drives it,
which lets a run target an ASGI app (the mock, or the guard in front of a real service), reset
the mock's state as each phase starts, and read every failure with the name of its check.
"""

from __future__ import annotations

import datetime
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import schemathesis
import schemathesis.engine
from schemathesis.baseline import Baseline, BaselineEntry, failure_identity
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from schemathesis.engine.run import PhaseName, probes
from schemathesis.engine.statistic import Statistic
from schemathesis.reporting.junitxml import JunitXmlWriter
from schemathesis.reporting.recorders import scenario_records
from schemathesis.specs.openapi import _caches

import contract_tests.hooks  # noqa: F401 - registers the checks and the E.164 format

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
SETTINGS = ROOT / "schemathesis.toml"
# Known failures of the real service, in Schemathesis's baseline format; each entry carries an
# `expires` date, after which the failure counts as new again.
BASELINE = ROOT / "contract_tests" / "known-failures.json"
TESTING_PHASES = ("examples", "coverage", "fuzzing", "stateful")


@dataclass(frozen=True)
class Profile:
    """A budget on top of schemathesis.toml; None keeps the file's value."""

    name: str
    max_examples: int | None = None
    stateful_max_steps: int | None = None
    # The night run draws a new seed each time, so it explores instead of repeating CI.
    random_seed: bool = False
    max_time: int | None = None


PROFILES = {
    "ci": Profile("ci"),
    "deep": Profile("deep", max_examples=600, stateful_max_steps=40, random_seed=True, max_time=1800),
}


def load_settings() -> dict[str, Any]:
    with SETTINGS.open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class Finding:
    """One distinct failure: the check that reported it, where, and how to reproduce it."""

    check: str
    operation: str
    title: str
    message: str
    curl: str
    known: str | None = None  # the baseline entry that accepts it
    failure: Any = field(default=None, repr=False, compare=False)


@dataclass
class Outcome:
    cases: int = 0
    seconds: float = 0.0
    seed: int | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tested_operations: set[str] = field(default_factory=set)
    phases: dict[str, str] = field(default_factory=dict)
    stateful_cases: int = 0
    # "importPhoneNumber -> reassignPhoneNumber" and the like: stateful steps that used a value
    # from the step before and succeeded, so the sequences the run really walked can be asserted.
    stateful_links: Counter[str] = field(default_factory=Counter)
    expired_baseline: list[BaselineEntry] = field(default_factory=list)

    @property
    def new_findings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.known is None]

    @property
    def failed_checks(self) -> set[str]:
        return {finding.check for finding in self.new_findings}

    @property
    def passed(self) -> bool:
        return not self.new_findings and not self.errors


def build_schema(
    profile: Profile,
    *,
    agent_id: str | None = None,
    api_key: str | None = None,
    exclude_operations: Iterable[str] = (),
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> Any:
    """openapi.yaml loaded with schemathesis.toml, adjusted for a target and a profile."""
    settings = load_settings()
    if agent_id is not None:
        settings.setdefault("parameters", {})["agentId"] = agent_id
    if api_key is not None:
        settings["auth"]["openapi"]["ApiKey"]["api_key"] = api_key
    if profile.max_examples is not None:
        settings["generation"]["max-examples"] = profile.max_examples
    if profile.stateful_max_steps is not None:
        settings["phases"]["stateful"]["max-steps"] = profile.stateful_max_steps
    if profile.max_time is not None:
        settings["max-time"] = profile.max_time
    if seed is not None:
        settings["seed"] = seed
    elif profile.random_seed:
        settings.pop("seed", None)
    _merge(settings, overrides or {})
    config = SchemathesisConfig.from_dict(settings, base_dir=str(ROOT))
    schema = schemathesis.openapi.from_path(SPEC, config=config)
    excluded = list(exclude_operations)
    return schema.exclude(operation_id=excluded) if excluded else schema


def _merge(into: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def run(
    schema: Any,
    *,
    app: Any,
    reset: Callable[[], None] | None = None,
    baseline: Baseline | None = None,
    junit: Path | None = None,
) -> Outcome:
    """Run every configured phase against `app` (in-process ASGI) and collect what failed.

    `reset`, given for a mock, restores its seed state as each phase starts and after each
    stateful scenario, so a sequence that deletes a connector does not starve the ones after it.
    """
    # Schemathesis keeps generation caches for the whole process; emptied here, a run inside a
    # pytest session generates exactly what the same run in a fresh process does.
    _caches.clear_all()
    schema.app = app
    if reset is not None:
        _reset_after_each_scenario(schema, reset)
    outcome = Outcome(seed=schema.config.seed)
    statistic = Statistic()
    statistic.baseline = baseline
    writer = JunitXmlWriter(junit) if junit is not None else None
    started = time.monotonic()
    # The engine's probes go over the network to the base URL even when the run calls an app
    # in-process; here the base URL only labels curl lines, so nothing may be sent to it.
    with mock.patch.object(probes, "PROBES", ()):
        for event in schemathesis.engine.from_schema(schema).execute():
            _on_event(event, outcome, statistic, reset, baseline)
            if writer is not None:
                _write_junit(writer, event, statistic, schema.config.output)
    if writer is not None and junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        writer.close()
    outcome.seconds = time.monotonic() - started
    outcome.cases = statistic.total_cases
    outcome.tested_operations = set(statistic.tested_operations)
    if baseline is not None:
        today = datetime.date.today()
        outcome.expired_baseline = [entry for entry in baseline.entries if entry.is_expired(today)]
    return outcome


def _on_event(
    event: events.EngineEvent,
    outcome: Outcome,
    statistic: Statistic,
    reset: Callable[[], None] | None,
    baseline: Baseline | None,
) -> None:
    if isinstance(event, events.PhaseStarted) and event.phase.name.value in TESTING_PHASES:
        # The engine yields this before the phase sends anything, so a reset here is in order.
        if reset is not None:
            reset()
    elif isinstance(event, events.PhaseFinished) and event.phase.name.value in TESTING_PHASES:
        outcome.phases[event.phase.name.value] = event.status.value
    elif isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
        statistic.on_scenario_finished(event.recorder)
        if event.phase == PhaseName.STATEFUL_TESTING:
            outcome.stateful_cases += len(event.recorder.cases)
            outcome.stateful_links.update(_successful_links(event.recorder))
        _collect(event.recorder, baseline, outcome)
    elif isinstance(event, events.NonFatalError):
        outcome.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
    elif isinstance(event, events.FatalError):
        outcome.errors.append(f"fatal: {event.exception!r}")
    elif isinstance(event, events.EngineFinished):
        for failure in event.failures:
            outcome.findings.append(Finding("run", failure.operation or "", failure.title, failure.message, ""))


def _successful_links(recorder: Any) -> Iterable[str]:
    for case_id, node in recorder.cases.items():
        interaction = recorder.interactions.get(case_id)
        if node.parent_id is None or interaction is None or interaction.response is None:
            continue
        if 200 <= interaction.response.status_code < 300:
            parent = recorder.cases[node.parent_id].value.operation
            yield f"{_operation_id(parent)} -> {_operation_id(node.value.operation)}"


def _operation_id(operation: Any) -> str:
    return str(operation.definition.raw.get("operationId", operation.label))


def _write_junit(writer: JunitXmlWriter, event: events.EngineEvent, statistic: Statistic, output: Any) -> None:
    for record in scenario_records(statistic, event):
        writer.record_scenario(
            label=record.label,
            elapsed_sec=record.elapsed_sec,
            failures=record.failures,
            skip_reason=record.skip_reason,
            config=output,
        )
    if isinstance(event, events.NonFatalError):
        writer.record_error(label=event.label, message=event.info.format())


def _reset_after_each_scenario(schema: Any, reset: Callable[[], None]) -> None:
    # The engine builds its state machine from the schema; `teardown` is the machine's public
    # end-of-scenario step and the engine's own subclass chains up to it.
    build = schema.build_state_machine

    def build_state_machine(**kwargs: Any) -> Any:
        machine = build(**kwargs)

        class FromSeedState(machine):  # type: ignore[misc, valid-type]
            def teardown(self) -> None:
                super().teardown()
                reset()

        return FromSeedState

    schema.build_state_machine = build_state_machine


def _collect(recorder: Any, baseline: Baseline | None, outcome: Outcome) -> None:
    seen = {failure_identity(finding.failure, finding.check) for finding in outcome.findings if finding.failure}
    for case_id, checks in recorder.checks.items():
        node = recorder.cases.get(case_id)
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            identity = failure_identity(info.failure, check.name)
            if identity in seen:
                continue
            seen.add(identity)
            entry = baseline.match(info.failure, check.name) if baseline is not None else None
            operation = info.failure.operation or (node.value.operation.label if node is not None else "")
            outcome.findings.append(
                Finding(
                    check=check.name,
                    operation=operation,
                    title=info.failure.title,
                    message=info.failure.message,
                    curl=info.code_sample,
                    known=entry.id if entry is not None else None,
                    failure=info.failure,
                )
            )


def record_baseline(findings: Iterable[Finding], path: Path, *, days: int) -> int:
    """Accept new failures into the baseline for `days` days; returns how many entries were added."""
    baseline = Baseline.load(path)
    expires = (datetime.date.today() + datetime.timedelta(days=days)).isoformat()
    known = {entry.identity for entry in baseline.entries}
    added = 0
    for finding in findings:
        if finding.failure is None or finding.known is not None:
            continue
        entry = BaselineEntry.from_failure(finding.failure, check=finding.check)
        if entry.identity in known:
            continue
        entry.expires = expires
        baseline.entries.append(entry)
        known.add(entry.identity)
        added += 1
    baseline.save(path)
    return added
