"""The fidelity report: Markdown summary, its HTML page, the figures JSON, and the score's history.

The score's history is kept in the run history (`history.jsonl`) as records of target `fidelity`,
one per `make fidelity`; each run compares its score with the previous such record, overall and
per operation, and calls a fall of more than `DROP` overall (or `OPERATION_DROP` for an operation
compared at least `MIN_COMPARED` times both nights) a drop, which the nightly issue reports.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract_tests import history
from contract_tests.coverage import Coverage, Pair, label
from contract_tests.fidelity import CLASSES, TIME_DEPENDENT, VARIES, Result
from contract_tests.html_report import write_html
from contract_tests.report import cell, code

TARGET = "fidelity"
DROP = 0.01
OPERATION_DROP = 0.05
MIN_COMPARED = 10
# The figures of a fidelity run its history record keeps.
_KEPT = ("measured_on", "exchanges", "compared", "agreeing", "score", "operations", "counts")


@dataclass
class Trend:
    previous: str | None  # the date of the record compared with; None on the first
    score_before: float | None = None
    score: float | None = None
    operations: list[tuple[str, float, float]] = field(default_factory=list)  # dropped: (op, before, now)

    @property
    def dropped(self) -> bool:
        fell = self.score is not None and self.score_before is not None and self.score_before - self.score > DROP
        return fell or bool(self.operations)

    def as_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "score_before": self.score_before,
            "score": self.score,
            "dropped": self.dropped,
            "operations_dropped": [{"operation": o, "before": b, "now": n} for o, b, n in self.operations],
        }


def record(result: Result) -> dict[str, Any]:
    """What the history keeps of a fidelity run."""
    figures = result.as_json()
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "target": TARGET,
        "recording": Path(result.recording).name,
        **{name: figures[name] for name in _KEPT},
    }


def trend(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> Trend:
    if before is None:
        return Trend(previous=None, score=now["score"])
    found = Trend(str(before["date"]), before.get("score"), now["score"])
    for operation, figures in now["operations"].items():
        earlier = before.get("operations", {}).get(operation)
        if earlier is None or min(earlier["compared"], figures["compared"]) < MIN_COMPARED:
            continue
        if earlier["score"] - figures["score"] > OPERATION_DROP:
            found.operations.append((operation, earlier["score"], figures["score"]))
    return found


def remember(history_path: Path, result: Result) -> Trend:
    """Append this run to the history and compare it with the previous fidelity run."""
    now = record(result)
    found = trend(history.previous_of(history.read(history_path), TARGET), now)
    history.append(history_path, now)
    return found


def _fenced(text: str) -> str:
    # A fence longer than any run of backticks in the text, which a fuzzed body may hold.
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}\n{text}\n{ticks}"


def _percent(score: float | None) -> str:
    return "n/a" if score is None else f"{score * 100:.1f} %"


def markdown(result: Result, changes: Trend | None, coverage: Coverage | None) -> str:
    figures = result.as_json()
    counts = figures["counts"]
    lines = [
        f"# Fidelity of the mock: {_percent(result.score)}",
        "",
        f"**{figures['agreeing']} of {figures['compared']}** compared exchanges answered alike by the mock and the "
        f"service; findings: " + ", ".join(f"{counts[klass]} {klass}" for klass in CLASSES) + ".",
        "",
        f"- measured on: {cell(result.measured_on or 'a recording')} (`{Path(result.recording).name}`, "
        f"{result.exchanges} exchanges)",
        f"- replayed against a fresh mock seeded with agent `{result.seed.agent_id}`, "
        f"{len(result.seed.connectors)} connectors and {len(result.seed.numbers)} numbers the recording's "
        "first reads saw",
    ]
    lines += [f"- seed gap: {cell(gap)}" for gap in result.seed.gaps]
    lines += [f"- not compared: {n} ({cell(why)})" for why, n in figures["not_compared"].items()]
    lines += _trend(changes)
    lines += ["", "## Score per operation", "", "| operation | compared | agreeing | score |", "|---|---:|---:|---:|"]
    lines += [
        f"| `{op}` | {f['compared']} | {f['agreeing']} | {_percent(f['score'])} |"
        for op, f in figures["operations"].items()
    ]
    for klass in CLASSES:
        mine = [finding for finding in result.findings if finding.klass == klass]
        if not mine:
            continue
        lines += ["", f"## {klass[0].upper()}{klass[1:]} ({sum(f.count for f in mine)} exchanges)", ""]
        for finding in mine:
            lines += [
                f"### `{finding.operation}`: {cell(finding.kind)}",
                "",
                f"{finding.count} exchanges (first: {', '.join(str(i) for i in finding.indexes)}); "
                f"contract node {code(finding.node)}.",
                "",
            ]
            example = finding.example
            if example is not None:
                shown = (
                    (f"Request (exchange {example.index}):", example.request),
                    ("The service answered:", example.service),
                    ("The mock answered:", example.mock),
                )
                for said, text in shown:
                    lines += [said, "", _fenced(text), ""]
    if coverage is not None:
        lines += _coverage(coverage)
    lines += ["", "## What is compared", ""]
    lines += [
        "Status, `error_code`, the fields present (and the headers the contract declares), and every value but these, "
        "which vary between two correct answers:",
        "",
    ]
    lines += [f"- `{name}`: {cell(why)}" for name, why in VARIES.items()]
    lines += [f"- `{op}` is never called not deterministic: {cell(why)}" for op, why in TIME_DEPENDENT.items()]
    return "\n".join(lines) + "\n"


def _trend(changes: Trend | None) -> list[str]:
    if changes is None:
        return []
    if changes.previous is None:
        return ["", "## Since the previous fidelity run", "", "This is the first recorded fidelity run."]
    lines = [
        "",
        f"## Since the previous fidelity run ({changes.previous})",
        "",
        f"Score {_percent(changes.score_before)} → **{_percent(changes.score)}**"
        + (" (a drop)" if changes.dropped else "."),
    ]
    lines += [
        f"- `{operation}` {_percent(before)} → **{_percent(now)}**" for operation, before, now in changes.operations
    ]
    return lines


def _coverage(coverage: Coverage) -> list[str]:
    lines = [
        "",
        "## Coverage, side by side",
        "",
        f"The service over {len(coverage.service_files)} kept recordings; the mock over "
        f"{len(coverage.mock_files)} of its own conformance runs"
        + (" (none kept: run `make conformance`)." if not coverage.mock_files else "."),
        "",
        "| operation | status and code | service | mock |",
        "|---|---|---:|---:|",
    ]
    for operation in coverage.operations():
        service: Counter[Pair] = coverage.service.get(operation, Counter())
        mock: Counter[Pair] = coverage.mock.get(operation, Counter())
        for pair in sorted(set(service) | set(mock)):
            lines.append(f"| `{operation}` | {label(pair)} | {service.get(pair, 0)} | {mock.get(pair, 0)} |")
    sides = (("the service", coverage.only_service), ("the mock", coverage.only_mock))
    one_sided = [
        f"- `{operation}`, only {side}: " + ", ".join(label(pair) for pair in only(operation))
        for operation in coverage.operations()
        for side, only in sides
        if only(operation)
    ]
    lines += ["", "Only one side:", "", *(one_sided or ["- none"])]
    lines += ["", "Declared by the contract, produced by neither:", ""]
    for operation in coverage.declared:
        neither = coverage.neither(operation)
        if neither:
            lines.append(f"- `{operation}`: " + ", ".join(label(pair) for pair in neither))
    return lines


def write(
    report_dir: Path, stamp: str, result: Result, changes: Trend | None, coverage: Coverage | None
) -> tuple[Path, Path, Path]:
    """Write fidelity-<stamp>.md, .html and .json; returns their paths."""
    report_dir.mkdir(parents=True, exist_ok=True)
    summary = report_dir / f"fidelity-{stamp}.md"
    text = markdown(result, changes, coverage)
    summary.write_text(text, encoding="utf-8")
    html = write_html(summary.with_suffix(".html"), text, title=f"Fidelity of the mock: {_percent(result.score)}")
    figures = summary.with_suffix(".json")
    document = {
        **result.as_json(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "changes": changes.as_json() if changes is not None else None,
        "coverage": coverage.as_json() if coverage is not None else None,
    }
    figures.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return summary, html, figures
