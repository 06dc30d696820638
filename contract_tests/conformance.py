"""A whole conformance run: choose the target, run the suite, judge it, write the reports.

`scripts/conformance.py` (behind `make conformance`) is a command line over `conduct()`, and the
pytest entry point calls it too, so both report the same run. The reports are written however
the run ends: cut short by a signal, the summary says so and holds what was found until then.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests import history, hooks, recording, report, runner, target
from contract_tests.annotations import Contract
from contract_tests.baseline import Baseline
from contract_tests.junit import write_junit
from contract_tests.registry import Registry
from contract_tests.retries import RetryBudget

REPORTS = runner.ROOT / "reports"
HISTORY = REPORTS / "history.jsonl"
# What a history record keeps of the figures.
HISTORY_FIELDS = ("date", "target", "seed", "cases", "verdict", "counts", "findings", "assumptions", "latency")


@dataclass
class Conducted:
    outcome: runner.Outcome
    selected: target.Selected
    judged: report.Judged
    summary: Path
    html: Path
    junit: Path
    figures: Path
    recording: Path | None = None


def conduct(
    kind: str = "mock",
    *,
    profile: str = "ci",
    report_dir: Path = REPORTS,
    allow_live: bool = False,
    allow_outbound_calls: bool = False,
    environ: Mapping[str, str] | None = None,
    mock_app: Any = None,
    mock_admin_key: str | None = None,
    baseline_path: Path | None = runner.BASELINE,
    accept_days: int | None = None,
    history_path: Path | None = None,
    command: str = "make conformance",
    overrides: dict[str, Any] | None = None,
    only_operations: tuple[str, ...] = (),
    retry_budget: RetryBudget | None = None,
    registry: Registry | None = None,
) -> Conducted:
    """Run the suite against `kind` ("mock" or "real") and write the reports.

    `mock_app` replaces the default mock, and `mock_admin_key` is its admin key when its config
    has one (the run resets the mock through /_admin/reset). `accept_days` accepts this run's new
    findings into the baseline before the summary is written, so the summary and the exit status
    agree. `only_operations` narrows the run to those operationIds. `history_path` appends the run to a
    history file and compares it with the previous run of the same target. `retry_budget` bounds
    the retries of a real target's transient answers (`retries.RetryBudget`'s defaults otherwise).
    `registry` is what the checks declare (hooks.registry() unless given).
    """
    settings = runner.load_settings()
    chosen = runner.PROFILES[profile]
    contract = Contract.load(runner.SPEC)
    environ = os.environ if environ is None else environ
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    junit = report_dir / f"conformance-{kind}-{stamp}.xml"
    summary = report_dir / f"conformance-{kind}-{stamp}.md"
    figures = report_dir / f"conformance-{kind}-{stamp}.json"
    with target.select(
        kind,
        settings,
        allow_live=allow_live,
        allow_outbound_calls=allow_outbound_calls,
        environ=environ,
        mock_app=mock_app,
        mock_admin_key=mock_admin_key,
        retry_budget=retry_budget,
    ) as selected:
        recorder = _record(selected, report_dir, kind, stamp)
        extra = dict(overrides or {})
        if selected.guard is not None:
            extra.setdefault("base-url", selected.display_base_url)
            connectors = target.list_connectors(selected)
            if connectors:
                extra.setdefault("dictionaries", {})["connectors"] = {"values": connectors}
        # The mock must conform outright; only a real service's known drift is accepted.
        baseline = Baseline.load(baseline_path) if kind == "real" and baseline_path is not None else None
        try:
            schema = runner.build_schema(
                chosen,
                agent_id=selected.agent_id,
                api_key=selected.api_key,
                exclude_operations=selected.exclude_operations,
                overrides=extra,
                only_operations=only_operations,
            )
            outcome = runner.run(
                schema,
                app=selected.app,
                reset=selected.reset,
                baseline=baseline,
                retries=selected.guard.retries if selected.guard is not None else None,
            )
        except KeyboardInterrupt:
            # Stopped before the engine started (it handles a signal itself once it runs).
            outcome = runner.Outcome(interrupted=runner.INTERRUPTED, findings=[runner.cut_short()])
        if selected.guard is not None:
            # The guard says which operations it never lets through, and why.
            for operation, reason in selected.guard.policy.never_sent().items():
                outcome.not_tested.setdefault(operation, f"never sent to this target: {reason}")
        if selected.guard is not None:
            # Released here rather than only on exit, so the summary can say what was released.
            selected.guard.release_imported()
            # The teardown's retries count with the run's.
            outcome.retries = selected.guard.retries.as_json()
        accepted = []
        if accept_days is not None and baseline is not None and baseline_path is not None:
            accepted = baseline.accept(outcome.new_findings, days=accept_days)
            baseline.save(baseline_path)
            for finding in outcome.new_findings:
                entry = baseline.match(finding)
                finding.known = entry.id if entry is not None else None
        judged = report.Judged.of(outcome, contract, accepted=accepted, probed=(registry or hooks.registry()).probed)
        target_name = selected.display_base_url if kind == "real" else "mock"
        document = report.figures(judged, target=target_name, operations=contract.operation_ids)
        changes = None
        if history_path is not None:
            record = {key: document[key] for key in HISTORY_FIELDS}
            changes = history.compare(history.previous_of(history.read(history_path), target_name), record)
            history.append(history_path, record)
            document["changes"] = changes.as_json()
        html = report.write_summary(
            summary,
            judged,
            target=selected.name,
            profile=profile,
            command=command,
            operations=contract.operation_ids,
            guard=selected.guard,
            secrets=selected.secrets,
            base_url=target_name,
            changes=changes,
        )
        if recorder is not None:
            recorder.close()
            recording.keep(recorder.path.parent)
            document["recording"] = {"path": str(recorder.path), "exchanges": recorder.count}
        report.write_figures(figures, document, selected.secrets)
        write_junit(junit, judged, target=target_name, operations=contract.operation_ids, secrets=selected.secrets)
    return Conducted(outcome, selected, judged, summary, html, junit, figures, recorder.path if recorder else None)


def _record(selected: target.Selected, report_dir: Path, kind: str, stamp: str) -> recording.Recorder:
    """Record every exchange of the run with its target, into the target's folder of kept recordings.

    A real service is recorded at the guard, as it forwards; the mock in front of the run, with a
    mark wherever the run resets it to its seed state, so that a replay resets at the same places.
    """
    path = recording.folder(report_dir, kind) / f"{stamp}{recording.SUFFIX}"
    comment = f"{selected.name} at {selected.display_base_url}, agent {selected.agent_id}"
    if selected.guard is not None:
        recorder = recording.Recorder(
            path, run_keys=(selected.guard.target.api_key,), secrets=selected.secrets, comment=comment
        )
        selected.guard.recorder = recorder
        return recorder
    recorder = recording.Recorder(path, run_keys=(selected.api_key,), secrets=selected.secrets, comment=comment)
    selected.app = recording.RecordingApp(selected.app, recorder, selected.display_base_url)
    reset = selected.reset
    if reset is not None:

        def resetting() -> None:
            recorder.reset()
            reset()

        selected.reset = resetting
    return recorder
