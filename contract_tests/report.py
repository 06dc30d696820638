"""The human-readable side of a run: a Markdown summary, and the request list of a dry run."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from pathlib import Path

from contract_tests.guard import Guard, redact
from contract_tests.runner import Finding, Outcome

MAX_MESSAGE_LINES = 12


def _fence(text: str, language: str = "") -> str:
    return f"```{language}\n{text.rstrip()}\n```"


def _finding(finding: Finding, secrets: tuple[str, ...]) -> str:
    message = "\n".join(finding.message.strip().splitlines()[:MAX_MESSAGE_LINES])
    parts = [
        f"### `{finding.check}` on `{finding.operation}`",
        f"**{finding.title}**",
        _fence(redact(message, *secrets)),
    ]
    if finding.curl:
        parts += ["Reproduce (key redacted):", _fence(redact(finding.curl, *secrets), "sh")]
    return "\n\n".join(parts)


def write_summary(
    path: Path,
    outcome: Outcome,
    *,
    target: str,
    profile: str,
    command: str,
    guard: Guard | None = None,
    secrets: tuple[str, ...] = (),
) -> None:
    new, known = outcome.new_findings, [finding for finding in outcome.findings if finding.known]
    verdict = "PASS" if outcome.passed else "FAIL"
    lines = [
        f"# Conformance against the {target}: {verdict}",
        "",
        f"- command: `{command}` (profile `{profile}`, seed `{outcome.seed}`)",
        f"- {outcome.cases} test cases, {outcome.stateful_cases} of them in stateful sequences, "
        f"in {outcome.seconds:.0f} s; {len(outcome.tested_operations)} operations tested",
        "- phases: " + ", ".join(f"{name} {status}" for name, status in outcome.phases.items()),
        f"- {len(new)} new failures, {len(known)} known failures accepted by the baseline",
    ]
    if guard is not None:
        lines.append(
            f"- safety guard: {len(guard.sent)} requests forwarded, {len(guard.refusals)} refused, "
            f"{len(guard.cleanup_log)} numbers released at teardown"
        )
    if outcome.errors:
        lines += ["", "## Errors", "", *(f"- {redact(error, *secrets)}" for error in outcome.errors)]
    if new:
        lines += ["", "## New failures", ""]
        lines += [_finding(finding, secrets) + "\n" for finding in new]
    if known:
        lines += ["", "## Known failures (baseline)", "", "| entry | check | operation |", "|---|---|---|"]
        lines += [f"| {finding.known} | `{finding.check}` | `{finding.operation}` |" for finding in known]
    if outcome.expired_baseline:
        lines += ["", "## Expired baseline entries (their failures count as new again)", ""]
        lines += [
            f"- {entry.id}: `{entry.check}` on `{entry.operation}`, expired {entry.expires}"
            for entry in outcome.expired_baseline
        ]
    if guard is not None and guard.refusals:
        # Grouped by rule: the quoted value (a number, an agent) differs from one request to the next.
        reasons = Counter(re.sub(r"'[^']*'", "…", refusal.reason) for refusal in guard.refusals)
        lines += ["", "## Not sent by the safety guard", "", "| requests | reason |", "|---|---|"]
        lines += [f"| {count} | {reason} |" for reason, count in reasons.most_common()]
    if guard is not None and guard.cleanup_log:
        lines += ["", "## Released at teardown", "", *(f"- {entry}" for entry in guard.cleanup_log)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_dry_run(path: Path, guard: Guard, *, base_url: str) -> None:
    """Every request the run would send to `base_url`, and every one the guard would refuse."""
    lines = [
        f"# Dry run against {base_url}",
        "",
        f"Generated {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC against the mock; nothing was sent to "
        f"{base_url}. {len(guard.sent)} requests would be sent, {len(guard.refusals)} would be refused.",
        "",
        "## Would send",
        "",
        "| method | path | body |",
        "|---|---|---|",
    ]
    lines += [f"| {sent.method} | `{sent.path}` | `{sent.body[:200]}` |" for sent in guard.sent]
    lines += ["", "## Would refuse", "", "| method | path | reason |", "|---|---|---|"]
    lines += [f"| {refusal.method} | `{refusal.path}` | {refusal.reason} |" for refusal in guard.refusals]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(redact("\n".join(lines), guard.target.api_key) + "\n", encoding="utf-8")


def write_figures(path: Path, outcome: Outcome) -> None:
    """The run's figures as JSON, for CI and for tests that judge a run made in another process."""
    figures = {
        "passed": outcome.passed,
        "cases": outcome.cases,
        "stateful_cases": outcome.stateful_cases,
        "seconds": round(outcome.seconds, 1),
        "seed": outcome.seed,
        "phases": outcome.phases,
        "tested_operations": sorted(outcome.tested_operations),
        "new_failures": [{"check": f.check, "operation": f.operation, "title": f.title} for f in outcome.new_findings],
        "known_failures": [finding.known for finding in outcome.findings if finding.known],
        "errors": outcome.errors,
        "stateful_links": dict(outcome.stateful_links.most_common()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
