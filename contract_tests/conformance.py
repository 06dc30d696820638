"""A whole conformance run: choose the target, run the suite, write the reports.

`scripts/conformance.py` (behind `make conformance`) is a command line over `conduct()`, and the
pytest entry point calls it too, so both report the same run.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemathesis.baseline import Baseline

from contract_tests import report, runner, target

REPORTS = runner.ROOT / "reports"


@dataclass
class Conducted:
    outcome: runner.Outcome
    selected: target.Selected
    summary: Path
    junit: Path
    figures: Path


def conduct(
    kind: str = "mock",
    *,
    profile: str = "ci",
    report_dir: Path = REPORTS,
    allow_live: bool = False,
    allow_outbound_calls: bool = False,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    mock_app: Any = None,
    baseline_path: Path | None = runner.BASELINE,
    command: str = "make conformance",
    overrides: dict[str, Any] | None = None,
) -> Conducted:
    """Run the suite against `kind` ("mock" or "real") and write the JUnit XML and Markdown summary."""
    settings = runner.load_settings()
    chosen = runner.PROFILES[profile]
    environ = os.environ if environ is None else environ
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    name = f"{kind}-dry-run" if dry_run else kind
    junit = report_dir / f"conformance-{name}-{stamp}.xml"
    summary = report_dir / f"conformance-{name}-{stamp}.md"
    figures = report_dir / f"conformance-{name}-{stamp}.json"
    with target.select(
        kind,
        settings,
        allow_live=allow_live,
        allow_outbound_calls=allow_outbound_calls,
        dry_run=dry_run,
        environ=environ,
        mock_app=mock_app,
    ) as selected:
        extra = dict(overrides or {})
        if selected.guard is not None:
            extra.setdefault("base-url", selected.display_base_url)
            # A real service rate-limits; wait as its Retry-After says instead of failing on 429.
            extra.setdefault("rate-limit", "auto")
            connectors = target.list_connectors(selected)
            if connectors:
                extra.setdefault("dictionaries", {})["connectors"] = {"values": connectors}
        schema = runner.build_schema(
            chosen,
            agent_id=selected.agent_id,
            api_key=selected.api_key,
            exclude_operations=selected.exclude_operations,
            overrides=extra,
        )
        # The mock must conform outright; only a real service's known drift is accepted.
        baseline = Baseline.load(baseline_path) if kind == "real" and baseline_path is not None else None
        outcome = runner.run(schema, app=selected.app, reset=selected.reset, baseline=baseline, junit=junit)
        if selected.guard is not None:
            # Released here rather than only on exit, so the summary can say what was released.
            selected.guard.release_imported()
            if dry_run:
                report.write_dry_run(
                    report_dir / f"dry-run-{stamp}.md", selected.guard, base_url=selected.display_base_url
                )
        report.write_summary(
            summary,
            outcome,
            target=selected.name,
            profile=profile,
            command=command,
            guard=selected.guard,
            secrets=selected.secrets,
        )
        report.write_figures(figures, outcome)
    return Conducted(outcome, selected, summary, junit, figures)
