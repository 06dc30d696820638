"""The reports of a run: the Markdown summary (and its HTML page), the figures JSON, the dry-run plan.

The summary reads top-down the way the morning-after reader decides: the verdict and the counts
by class first (drift pages someone; a refuted assumption changes the contract; toolkit findings
are ours), then what changed since the previous run of the same target, what was not tested and
why, each finding with the evidence PolyAI support asks for, and last the assumption ledger.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests import ledger
from contract_tests.annotations import Contract
from contract_tests.attribution import ASSUMPTION, CLASSES, DRIFT, TENANCY, TOOLKIT, Attribution, attribute
from contract_tests.baseline import Entry
from contract_tests.findings import Finding
from contract_tests.guard import Guard, redact
from contract_tests.history import Changes
from contract_tests.html_report import write_html
from contract_tests.ledger import Line
from contract_tests.runner import Outcome

MAX_MESSAGE_LINES = 12
CLASS_TITLES = {
    TENANCY: "Tenancy: another account's data",
    DRIFT: "Drift",
    ASSUMPTION: "Assumptions refuted",
    TOOLKIT: "Toolkit",
}
CLASS_COUNTS = {TENANCY: "tenancy", DRIFT: "drift", ASSUMPTION: "assumptions refuted", TOOLKIT: "toolkit"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: control characters shown as escapes, pipes escaped."""
    shown = _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
    return shown.replace("|", "\\|")


def code(text: str) -> str:
    """An inline code span that holds any text, backticks included."""
    text = cell(text)
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _fence(text: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    # Inside a fence only line breaks and tabs are kept; other control characters become escapes.
    shown = _CONTROL.sub(lambda match: match.group() if match.group() in "\n\t" else repr(match.group())[1:-1], text)
    return f"{ticks}{language}\n{shown.rstrip()}\n{ticks}"


@dataclass(frozen=True)
class Judged:
    """A run's findings with their classes, the ledger, and what this run accepted into the baseline.

    Built once, when the run and any acceptance into the baseline are over; nothing changes it after.
    """

    outcome: Outcome
    attributions: Mapping[str, Attribution]  # by finding id
    ledger: tuple[Line, ...] = ()
    accepted: tuple[Entry, ...] = ()  # accepted into the baseline by this run

    @classmethod
    def of(
        cls,
        outcome: Outcome,
        contract: Contract,
        *,
        accepted: Iterable[Entry] = (),
        probed: Mapping[str, str] | None = None,
    ) -> Judged:
        """`probed`: the operation each assumption that checks probe themselves is probed with."""
        attributions = {finding.id: attribute(finding, contract) for finding in outcome.findings}
        lines = ledger.build(
            contract,
            outcome.exchanges,
            [(finding, attributions[finding.id]) for finding in outcome.findings],
            not_tested=outcome.not_tested,
            probed=probed,
        )
        return cls(outcome, attributions, tuple(lines), tuple(accepted))

    def klass(self, finding: Finding) -> str:
        return self.attributions[finding.id].klass

    def counts(self, findings: Iterable[Finding]) -> Counter[str]:
        return Counter(self.klass(finding) for finding in findings)

    @property
    def verdict(self) -> str:
        outcome = self.outcome
        if outcome.interrupted is not None:
            return "INCOMPLETE"
        # Drift or a refuted assumption found before the retries ran out is still a failure; with
        # none, a run that could not judge everything it sent has not passed either.
        judged_failures = [finding for finding in outcome.new_findings if self.klass(finding) != TOOLKIT]
        if outcome.inconclusive is not None and not judged_failures:
            return "INCONCLUSIVE"
        if not outcome.passed:
            return "FAIL"
        return f"PASS ({len(self.accepted)} failures accepted into the baseline)" if self.accepted else "PASS"


def write_summary(
    path: Path,
    judged: Judged,
    *,
    target: str,
    profile: str,
    command: str,
    operations: Sequence[str],
    guard: Guard | None = None,
    secrets: tuple[str, ...] = (),
    base_url: str | None = None,
    changes: Changes | None = None,
) -> Path:
    """Write the Markdown summary and, beside it, its HTML page; returns the HTML's path.

    `base_url` names the target's address (a real service's base URL), on the page and its title;
    `changes`, the comparison with the previous run, when a history is kept.
    """
    outcome = judged.outcome
    new = outcome.new_findings
    known = [finding for finding in outcome.findings if finding.known]
    accepted = {entry.id for entry in judged.accepted}
    fresh = [finding for finding in known if finding.known in accepted]
    counts = judged.counts(new)
    by_class = ", ".join(f"{counts[name]} {CLASS_COUNTS[name]}" for name in CLASSES)
    errors = f" and {len(outcome.errors)} errors (toolkit)" if outcome.errors else ""
    accepted_now = f", {len(fresh)} of them accepted by this run" if fresh else ""
    lines = [
        f"# Conformance against the {target}: {judged.verdict}",
        "",
        f"**{by_class}** new findings{errors}; {len(known)} known (baseline){accepted_now}.",
        "",
        *([f"- target: `{base_url}`"] if base_url and base_url != target else []),
        f"- command: `{command}` (profile `{profile}`, seed `{outcome.seed}`)",
        f"- {outcome.cases} test cases, {outcome.stateful_cases} of them in stateful sequences, "
        f"in {outcome.seconds:.0f} s; {len(outcome.tested_operation_ids)} of {len(operations)} operations tested",
        "- phases: " + (", ".join(f"{name} {status}" for name, status in outcome.phases.items()) or "none finished"),
    ]
    if outcome.interrupted:
        lines.append(f"- **cut short**: {outcome.interrupted}; everything below is what was found until then")
    elif outcome.inconclusive:
        lines.append(f"- **inconclusive**: {outcome.inconclusive}; what got no answer is under Toolkit")
    elif outcome.stop_reason != "completed":
        lines.append(f"- stopped early ({outcome.stop_reason}): {outcome.stop_explanation or 'see the phases'}")
    if guard is not None:
        lines.append(
            f"- safety guard: {len(guard.sent)} requests forwarded, {len(guard.refusals)} refused, "
            f"{len(guard.cleanup_log)} numbers released at teardown"
        )
    lines += _changes(changes)
    untested = [operation for operation in operations if operation not in outcome.tested_operation_ids]
    if untested:
        lines += ["", "## Not tested against this target", "", "| operation | why |", "|---|---|"]
        reasons, otherwise = outcome.not_tested, untested_reason(outcome)
        lines += [f"| `{op}` | {cell(reasons.get(op, otherwise))} |" for op in untested]
    if outcome.errors:
        lines += ["", "## Errors", "", *(f"- {cell(redact(error, *secrets))}" for error in outcome.errors)]
    for name in CLASSES:
        mine = [finding for finding in new if judged.klass(finding) == name]
        if mine:
            lines += ["", f"## {CLASS_TITLES[name]} ({len(mine)} new)", ""]
            lines += [_finding(finding, judged.attributions[finding.id], secrets) + "\n" for finding in mine]
    if known:
        lines += ["", "## Known failures (baseline)", "", "| entry | class | check | operation | kind |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {finding.known}{' (accepted now)' if finding.known in accepted else ''} | {judged.klass(finding)} "
            f"| `{finding.check}` | `{finding.operation}` | {cell(finding.kind)} |"
            for finding in known
        ]
    if outcome.expired_baseline:
        lines += ["", "## Expired baseline entries (their failures count as new again)", ""]
        lines += [
            f"- {entry.id}: `{entry.check}` on `{entry.operation}` ({cell(entry.kind)}), expired {entry.expires}"
            for entry in outcome.expired_baseline
        ]
    if guard is not None and guard.refusals:
        # Grouped by rule: the quoted value (a number, an agent) differs from one request to the next.
        reasons_ = Counter(re.sub(r"'[^']*'", "…", refusal.reason) for refusal in guard.refusals)
        lines += ["", "## Not sent by the safety guard", "", "| requests | reason |", "|---|---|"]
        lines += [f"| {count} | {cell(reason)} |" for reason, count in reasons_.most_common()]
    if guard is not None and guard.cleanup_log:
        lines += ["", "## Released at teardown", "", *(f"- {entry}" for entry in guard.cleanup_log)]
    lines += _retries(outcome.retries, guard.settled_by_repeat if guard is not None else [])
    lines += _latency(outcome.latency())
    lines += _ledger(judged.ledger)
    text = redact("\n".join(lines) + "\n", *secrets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    named = f"{target} ({base_url})" if base_url and base_url != target else target
    return write_html(
        path.with_suffix(".html"),
        text,
        title=f"Conformance against the {named}: {judged.verdict}",
        verdict=judged.verdict,
        target=named,
    )


def untested_reason(outcome: Outcome) -> str:
    """Why an operation no phase reported on went untested."""
    if outcome.interrupted:
        return "the run was cut short before reaching it"
    if outcome.retries and outcome.retries.get("exhausted"):
        return "the run stopped before reaching it: its retry budget was spent"
    return outcome.stop_explanation or "no phase sent a case for it"


def _finding(finding: Finding, attribution: Attribution, secrets: tuple[str, ...]) -> str:
    parts = [f"### `{finding.check}` on `{finding.operation or 'the run'}`: {cell(finding.kind)}"]
    named = ", ".join(f"`{name}`" for name in attribution.assumptions)
    parts.append(
        f"id `{finding.id}`; **{attribution.klass}**{f' (refutes {named})' if named else ''}: "
        f"{cell(attribution.reason)}. {cell(finding.title)}."
    )
    evidence = finding.evidence
    if evidence is not None:
        parts.append(
            f"Answer: status **{evidence.status}**, correlation id `{evidence.correlation_id or 'none sent'}`"
            + ("; the body:" if evidence.body else "; no body.")
        )
        if evidence.body:
            parts.append(_fence(redact(evidence.body, *secrets)))
    elif finding.check != "run":
        parts.append("Answer: none recorded (the request got no response).")
    message = "\n".join(finding.message.strip().splitlines()[:MAX_MESSAGE_LINES])
    if message:
        parts.append(_fence(redact(message, *secrets)))
    if finding.violations:
        parts.append("Broke on purpose: " + ", ".join(cell(str(violation)) for violation in finding.violations))
    if finding.curl:
        parts += ["Reproduce (key redacted):", _fence(redact(finding.curl, *secrets), "sh")]
    return "\n\n".join(parts)


def _changes(changes: Changes | None) -> list[str]:
    if changes is None:
        return []
    if changes.previous is None:
        return ["", "## Since the previous run", "", "This is the first recorded run against this target."]
    lines = ["", f"## Since the previous run ({changes.previous})", ""]
    if not (changes.new or changes.gone or changes.assumptions or changes.slower):
        return [*lines, "Nothing changed."]
    lines += [
        f"- new: `{f['id']}` {f['class']}: `{f['check']}` on `{f['operation']}`: {cell(f['kind'])}" for f in changes.new
    ]
    lines += [f"- gone: `{f['id']}` `{f['check']}` on `{f['operation']}`: {cell(f['kind'])}" for f in changes.gone]
    lines += [f"- assumption `{name}`: {before} → **{now}**" for name, before, now in changes.assumptions]
    lines += [
        f"- `{operation}` p95 {before:.0f} ms → **{now:.0f} ms** (more than doubled)"
        for operation, before, now in changes.slower
    ]
    return lines


def _retries(retries: dict[str, Any] | None, settled: list[str]) -> list[str]:
    """Retries per operation and status: what the target's transient answers cost the run."""
    if not retries:
        return []
    budget = retries["budget"]
    lines = [
        "",
        "## Retries",
        "",
        f"{retries['total']} retries, {retries['waited_seconds']} s waited (budget: {budget['retries']} retries, "
        f"{budget['wait_seconds']:.0f} s of waiting; {budget['attempts']} attempts a request).",
    ]
    by_operation: dict[str, dict[str, int]] = retries["by_operation"]
    if by_operation:
        statuses = sorted({status for counts in by_operation.values() for status in counts})
        lines += ["", "| operation | " + " | ".join(statuses) + " |", "|---|" + "---:|" * len(statuses)]
        lines += [
            f"| `{operation}` | " + " | ".join(str(counts.get(status, 0)) for status in statuses) + " |"
            for operation, counts in by_operation.items()
        ]
    if settled:
        lines += ["", "Settled by what the run owns:", "", *(f"- {cell(entry)}" for entry in settled)]
    if retries["exhausted"]:
        lines += ["", f"**Budget spent**: {cell(retries['exhausted'])}."]
    return lines


def _latency(latency: dict[str, dict[str, float]]) -> list[str]:
    if not latency:
        return []
    lines = ["", "## Latency of the target", "", "| operation | answers | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    lines += [f"| `{op}` | {int(f['n'])} | {f['p50']:.1f} | {f['p95']:.1f} |" for op, f in latency.items()]
    return lines


def _ledger(ledger: Sequence[Line]) -> list[str]:
    if not ledger:
        return []
    states = Counter(line.state for line in ledger)
    lines = [
        "",
        "## Assumption ledger",
        "",
        ", ".join(f"{count} {state}" for state, count in sorted(states.items())) + f" of {len(ledger)} assumptions.",
        "",
        "| assumption | scope | state | exercised | findings / why |",
        "|---|---|---|---:|---|",
    ]
    for line in ledger:
        detail = ", ".join(f"`{finding}`" for finding in line.findings) or cell(line.why)
        lines.append(
            f"| `{line.assumption.id}` | {line.assumption.scope} | {line.state} | {line.exercised} | {detail} |"
        )
    return lines


def finding_record(finding: Finding, attribution: Attribution) -> dict[str, Any]:
    evidence = finding.evidence
    return {
        "id": finding.id,
        "check": finding.check,
        "operation": finding.operation,
        "kind": finding.kind,
        "code": finding.failure.code,
        "class": attribution.klass,
        "assumptions": list(attribution.assumptions),
        "known": finding.known,
        "status": evidence.status if evidence else None,
        "correlation_id": evidence.correlation_id if evidence else None,
    }


def figures(
    judged: Judged, *, target: str, operations: Sequence[str], changes: Changes | None = None
) -> dict[str, Any]:
    """The run's figures, for CI, the history file and tests that judge a run made in another process."""
    outcome = judged.outcome
    records = [finding_record(finding, judged.attributions[finding.id]) for finding in outcome.findings]
    new = [record for record in records if record["known"] is None]
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "target": target,
        "verdict": judged.verdict,
        "passed": outcome.passed,
        "interrupted": outcome.interrupted,
        "inconclusive": outcome.inconclusive,
        "stop_reason": outcome.stop_reason,
        "cases": outcome.cases,
        "stateful_cases": outcome.stateful_cases,
        "seconds": round(outcome.seconds, 1),
        "seed": outcome.seed,
        "phases": outcome.phases,
        "tested_operations": sorted(outcome.tested_operations),
        "tested_operation_ids": sorted(outcome.tested_operation_ids),
        "not_tested": {
            op: outcome.not_tested.get(op, untested_reason(outcome))
            for op in operations
            if op not in outcome.tested_operation_ids
        },
        "counts": {name: sum(1 for record in new if record["class"] == name) for name in CLASSES},
        "findings": records,
        "new_failures": new,
        "known_failures": [record["known"] for record in records if record["known"]],
        "accepted": [entry.id for entry in judged.accepted],
        "errors": outcome.errors,
        "stateful_links": dict(outcome.stateful_links.most_common()),
        "latency": outcome.latency(),
        "retries": outcome.retries,
        "assumptions": {line.assumption.id: line.state for line in judged.ledger},
        "ledger": [line.as_json() for line in judged.ledger],
        "changes": changes.as_json() if changes is not None else None,
    }


def write_figures(path: Path, document: dict[str, Any], secrets: tuple[str, ...] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(redact(json.dumps(document, indent=2), *secrets) + "\n", encoding="utf-8")
