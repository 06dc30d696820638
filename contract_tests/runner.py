"""One conformance run: Schemathesis's engine over openapi.yaml, with schemathesis.toml and the hooks.

`make conformance`, the pytest entry point and the broken-mock tests all come through `run()`,
so they are one suite. The engine is driven in-process, the way the Schemathesis CLI drives it,
which lets a run target an ASGI app (the mock, or the guard in front of a real service), reset
the mock's state as each phase starts, and read every failure with the name of its check.
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
import schemathesis.engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from schemathesis.engine.run import PhaseName
from schemathesis.engine.statistic import Statistic

from contract_tests import hooks, interrupt  # noqa: F401  (hooks registers the checks and the E.164 format)
from contract_tests.baseline import Baseline, Entry
from contract_tests.check_recorder import CheckRecorder
from contract_tests.findings import Evidence, Exchange, Finding, NoAnswerToJudge, RetryBudgetSpent, RunCutShort
from contract_tests.guard import GAVE_UP, GUARD_HEADER
from contract_tests.retries import Retries
from contract_tests.schemathesis_boundary import (
    attach_recorder,
    clear_generation_caches,
    engine_probes_off,
    failure_kind,
    is_toolkit,
    nodes_of,
    reset_after_each_scenario,
    violations_of,
)
from telephony_contract import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
SETTINGS = ROOT / "schemathesis.toml"
# Known failures of the real service, keyed on (check, operation, kind) (contract_tests/baseline.py);
# each entry carries an `expires` date, after which the failure counts as new again.
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
    # The night: six times CI's examples per operation, and a hard stop at 25 minutes, so that on a
    # 2-core CI machine the run ends (and writes its reports) well inside the job's 60-minute limit.
    "deep": Profile("deep", max_examples=600, stateful_max_steps=40, random_seed=True, max_time=1500),
}


def load_settings() -> dict[str, Any]:
    with SETTINGS.open("rb") as file:
        return tomllib.load(file)


@dataclass
class Outcome:
    cases: int = 0
    seconds: float = 0.0
    seed: int | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Schemathesis's labels ("GET /v1/...") and the operationIds of the operations at least one
    # phase sent a case for; why each other operation (by operationId) was not tested.
    tested_operations: set[str] = field(default_factory=set)
    tested_operation_ids: set[str] = field(default_factory=set)
    not_tested: dict[str, str] = field(default_factory=dict)
    phases: dict[str, str] = field(default_factory=dict)
    stateful_cases: int = 0
    # "importPhoneNumber -> reassignPhoneNumber" and the like: stateful steps that used a value
    # from the step before and succeeded, so the sequences the run really walked can be asserted.
    stateful_links: Counter[str] = field(default_factory=Counter)
    expired_baseline: list[Entry] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    # Why the run stopped before its plan was done (a signal, Ctrl-C), or None when it finished.
    interrupted: str | None = None
    # Schemathesis's reason for stopping: completed, max_time (the profile's time limit), ...
    stop_reason: str = "completed"
    stop_explanation: str | None = None
    # Why the run could not judge everything it sent (the retries ran out), or None.
    inconclusive: str | None = None
    # The retry policy's record (Retries.as_json), for a run behind the guard.
    retries: dict[str, Any] | None = None

    @property
    def new_findings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.known is None]

    @property
    def failed_checks(self) -> set[str]:
        return {finding.check for finding in self.new_findings}

    @property
    def passed(self) -> bool:
        return not self.new_findings and not self.errors

    def latency(self) -> dict[str, dict[str, float]]:
        """Per operation, the target's p50 and p95 response time in milliseconds (guard refusals left out)."""
        times: dict[str, list[float]] = {}
        for exchange in self.exchanges:
            if not exchange.from_guard and exchange.status is not None:
                times.setdefault(exchange.operation, []).append(exchange.elapsed * 1000)
        return {operation: _percentiles(values) for operation, values in sorted(times.items())}


def _percentiles(values: list[float]) -> dict[str, float]:
    if len(values) == 1:
        return {"p50": round(values[0], 1), "p95": round(values[0], 1), "n": 1}
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return {"p50": round(statistics.median(values), 1), "p95": round(cuts[18], 1), "n": len(values)}


def build_schema(
    profile: Profile,
    *,
    agent_id: str | None = None,
    api_key: str | None = None,
    exclude_operations: Iterable[str] = (),
    seed: int | None = None,
    overrides: dict[str, Any] | None = None,
    only_operations: Iterable[str] = (),
) -> Any:
    """openapi.yaml loaded with schemathesis.toml, adjusted for a target and a profile.

    `only_operations` (operationIds) narrows the run to those, as a test of one defect does.
    """
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
    excluded, only = list(exclude_operations), set(only_operations)
    if only:
        # An include joins the configuration's own filters with "or"; leaving the rest out narrows.
        excluded += [operation_id for operation_id in load_catalogue() if operation_id not in only]
    return schema.exclude(operation_id=excluded) if excluded else schema


def _merge(into: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


INTERRUPTED = "interrupted (SIGINT or SIGTERM) before the plan was done"


RETRIES_CHECK = "retries"


def gave_up_findings(retries: Retries) -> list[Finding]:
    """The toolkit's findings of a run whose retries ran out: one per operation, and one for the budget."""
    findings = []
    by_operation: dict[str, list[str]] = {}
    for item in retries.gave_up:
        by_operation.setdefault(item.operation, []).append(
            f"{item.method} {item.path}: {item.last} after {item.attempts} attempt(s)"
        )
    for operation, lines in by_operation.items():
        message = "\n".join([f"{len(lines)} request(s) still transient or unanswered when retrying stopped:", *lines])
        findings.append(
            Finding(
                RETRIES_CHECK,
                operation,
                NoAnswerToJudge(),
                "The run could not get an answer to judge",
                message,
                toolkit=True,
            )
        )
    if retries.exhausted is not None:
        findings.append(
            Finding(
                RETRIES_CHECK, "", RetryBudgetSpent(), "The run's retry budget ran out", retries.exhausted, toolkit=True
            )
        )
    return findings


def cut_short() -> Finding:
    """The toolkit finding of a run that did not finish: its silence about the rest proves nothing."""
    return Finding("run", "", RunCutShort(), "The run stopped early", INTERRUPTED, toolkit=True)


@dataclass
class _Run:
    """What the event handlers share while a run is in progress."""

    outcome: Outcome
    statistic: Statistic
    reset: Callable[[], None] | None
    baseline: Baseline | None
    # operationId by Schemathesis label ("GET /v1/..."), learnt from the cases.
    labels: dict[str, str] = field(default_factory=dict)
    # Why a phase skipped an operation; only an operation no phase tested is reported untested.
    skips: dict[str, str] = field(default_factory=dict)
    progress: Callable[[str], None] | None = None
    retries: Retries | None = None
    # How many give-ups the retry policy had recorded when the current scenario started.
    gave_up_at_start: int = 0
    # The run stopped the engine itself, its retry budget spent: not an interruption.
    budget_stop: bool = False


def run(
    schema: Any,
    *,
    app: Any,
    reset: Callable[[], None] | None = None,
    baseline: Baseline | None = None,
    progress: Callable[[str], None] | None = None,
    retries: Retries | None = None,
) -> Outcome:
    """Run every configured phase against `app` (in-process ASGI) and collect what failed.

    `retries`, the guard's retry policy for a real target: an answer it gave up on is never
    judged, and once its budget is spent the run stops and says INCONCLUSIVE.

    `reset`, given for a mock, restores its seed state as each phase starts and after each
    stateful scenario, so a sequence that deletes a connector does not starve the ones after it.
    A stop request (`interrupt.request`, which the command line calls on SIGTERM and SIGINT) or a
    KeyboardInterrupt ends the run early; what was found so far is returned, with `interrupted`
    saying why. `progress`, when given, is told in a line as each phase starts and each
    operation's scenario ends.
    """
    clear_generation_caches()
    # What the checks note during this run (the probes they send, the lists they read back).
    recorder = CheckRecorder()
    attach_recorder(schema, recorder)
    schema.app = app
    if reset is not None:
        reset_after_each_scenario(schema, reset)
    outcome = Outcome(seed=schema.config.seed)
    state = _Run(outcome, Statistic(), reset, baseline, progress=progress, retries=retries)
    started = time.monotonic()
    with engine_probes_off():
        stream = None
        try:
            with interrupt.engine():
                stream = schemathesis.engine.from_schema(schema).execute()
                for event in stream:
                    _on_event(event, state)
                    if retries is not None and retries.exhausted is not None and not state.budget_stop:
                        # Nothing more can be retried: what the run would send next could not be judged.
                        state.budget_stop = True
                        stream.stop()
        except KeyboardInterrupt:
            if stream is not None:
                stream.stop()
            outcome.interrupted = INTERRUPTED
    outcome.seconds = time.monotonic() - started
    outcome.exchanges += recorder.probes
    outcome.cases = state.statistic.total_cases
    outcome.tested_operations = set(state.statistic.tested_operations)
    outcome.tested_operation_ids = {state.labels.get(label, label) for label in outcome.tested_operations}
    outcome.not_tested = {
        state.labels.get(label, label): reason
        for label, reason in state.skips.items()
        if label not in outcome.tested_operations
    }
    if outcome.interrupted is not None:
        outcome.findings.append(cut_short())
    if retries is not None:
        outcome.retries = retries.as_json()
        if retries.gave_up or retries.exhausted is not None:
            outcome.inconclusive = retries.exhausted or f"{len(retries.gave_up)} request(s) got no answer to judge"
            outcome.findings += gave_up_findings(retries)
    if baseline is not None:
        outcome.expired_baseline = baseline.expired()
    return outcome


def _on_event(event: events.EngineEvent, state: _Run) -> None:
    outcome = state.outcome
    if isinstance(event, events.PhaseStarted) and event.phase.name.value in TESTING_PHASES:
        # The engine yields this before the phase sends anything, so a reset here is in order.
        if state.reset is not None:
            state.reset()
    elif isinstance(event, events.PhaseFinished) and event.phase.name.value in TESTING_PHASES:
        outcome.phases[event.phase.name.value] = event.status.value
    elif isinstance(event, events.ScenarioStarted) and state.retries is not None:
        state.gave_up_at_start = len(state.retries.gave_up)
    elif isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
        state.statistic.on_scenario_finished(event.recorder)
        if event.phase == PhaseName.STATEFUL_TESTING:
            outcome.stateful_cases += len(event.recorder.cases)
            outcome.stateful_links.update(_successful_links(event.recorder))
        if event.skip_reason is not None and event.label:
            state.skips.setdefault(event.label, event.skip_reason)
        _record_exchanges(event.recorder, state)
        _collect(event.recorder, state)
    elif isinstance(event, events.NonFatalError):
        outcome.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
    elif isinstance(event, events.FatalError):
        outcome.errors.append(f"fatal: {event.exception!r}")
    elif isinstance(event, events.Interrupted) and not state.budget_stop:
        outcome.interrupted = INTERRUPTED
    elif isinstance(event, events.EngineFinished):
        outcome.stop_reason = event.stop_reason.value
        outcome.stop_explanation = event.stop_reason.skip_explanation
        for failure in event.failures:
            operation = state.labels.get(failure.operation or "", failure.operation or "")
            outcome.findings.append(Finding("run", operation, failure_kind(failure), failure.title, failure.message))
    if state.progress is not None:
        line = _progress_line(event, state)
        if line is not None:
            state.progress(line)


def _progress_line(event: events.EngineEvent, state: _Run) -> str | None:
    if isinstance(event, events.PhaseStarted) and event.phase.name.value in TESTING_PHASES:
        return f"{event.phase.name.value} phase started"
    if isinstance(event, events.ScenarioFinished) and event.is_test_scenario and event.label:
        return f"{event.phase.value}: {event.label} done ({state.statistic.total_cases} cases so far)"
    return None


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


def _header(response: Any, name: str) -> str | None:
    values = response.headers.get(name.lower()) or []
    return values[0] if values else None


def _record_exchanges(recorder: Any, state: _Run) -> None:
    for case_id, node in recorder.cases.items():
        operation = _operation_id(node.value.operation)
        state.labels[node.value.operation.label] = operation
        interaction = recorder.interactions.get(case_id)
        response = interaction.response if interaction is not None else None
        error_code = None
        if response is not None and response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            error_code = body.get("error_code") if isinstance(body, dict) else None
        state.outcome.exchanges.append(
            Exchange(
                operation=operation,
                status=response.status_code if response is not None else None,
                elapsed=response.elapsed if response is not None else 0.0,
                from_guard=response is not None and _header(response, GUARD_HEADER) is not None,
                violations=violations_of(node.value),
                error_code=error_code,
            )
        )


def _collect(recorder: Any, state: _Run) -> None:
    outcome = state.outcome
    seen = {finding.identity for finding in outcome.findings}
    unjudged = _unjudged_cases(recorder, state)
    for case_id, checks in recorder.checks.items():
        node = recorder.cases.get(case_id)
        case = node.value if node is not None else None
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            failure = info.failure
            violations = violations_of(case) if case is not None else ()
            operation = (
                _operation_id(case.operation)
                if case is not None
                else state.labels.get(failure.operation or "", failure.operation or "")
            )
            interaction = recorder.interactions.get(case_id)
            if (unjudged is None or case_id in unjudged) and not is_toolkit(failure):
                continue
            finding = Finding(
                check=check.name,
                operation=operation,
                failure=failure_kind(failure, violations),
                title=failure.title,
                message=failure.message,
                curl=info.code_sample,
                evidence=Evidence.of(interaction.response if interaction is not None else None),
                toolkit=is_toolkit(failure),
                violations=violations,
                nodes=nodes_of(failure, interaction.response if interaction is not None else None),
            )
            if finding.identity in seen:
                continue
            seen.add(finding.identity)
            entry = state.baseline.match(finding) if state.baseline is not None else None
            finding.known = entry.id if entry is not None else None
            outcome.findings.append(finding)


def _unjudged_cases(recorder: Any, state: _Run) -> set[str] | None:
    """The cases whose answer the guard gave up on; None when it also gave up on a request a check
    sent itself (a probe, a follow-up read) in this scenario, which leaves none of its cases judged.
    """
    marked = {
        case_id
        for case_id, interaction in recorder.interactions.items()
        if interaction.response is not None and _header(interaction.response, GUARD_HEADER) == GAVE_UP
    }
    if state.retries is None:
        return marked
    gave_up = len(state.retries.gave_up) - state.gave_up_at_start
    return marked if gave_up <= len(marked) else None
