"""The night planned without sending anything: `scripts/conformance.py --target real --dry-run`.

A dry run does not run the night's budget against a stand-in (that takes the night, and a list of
every request is too long to read). It validates the real target's settings, then runs a small
sample of the night's profile through the guard against a mock on loopback, with a hard stop well
inside a minute, and writes a plan: the budget the night will use, each operation with whether it
will be tested or is never sent (and why), how many of the sample's requests the guard sent and
refused, the refusals grouped by reason, and a few of the requests it would send.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests import runner, target
from contract_tests.annotations import Contract
from contract_tests.guard import Guard, SentRequest, redact
from contract_tests.report import cell, code

# The sample: a few cases per operation and short sequences, stopped after 30 s whatever is left.
# The coverage phase is left out: it enumerates every boundary of every schema, whatever the budget.
SAMPLE: dict[str, Any] = {
    "generation": {"max-examples": 4},
    "phases": {"coverage": {"enabled": False}, "stateful": {"max-steps": 5}},
    "max-time": 30,
}
EXAMPLES_PER_OPERATION = 3
OUTSIDE = "(outside the contract)"


@dataclass
class Planned:
    path: Path
    text: str
    guard: Guard
    outcome: runner.Outcome


def plan_night(
    *,
    report_dir: Path,
    profile: str = "deep",
    environ: Mapping[str, str] | None = None,
    allow_live: bool = False,
    allow_outbound_calls: bool = False,
    progress: Callable[[str], None] | None = None,
    sample: dict[str, Any] | None = None,
) -> Planned:
    """Plan the night's run against the real target the environment names; nothing is sent to it.

    Raises `guard.UnsafeTarget` when the real target's settings are unsafe, as the night would.
    """
    settings = runner.load_settings()
    night = runner.PROFILES[profile]
    contract = Contract.load(runner.SPEC)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    with target.select(
        "real",
        settings,
        allow_live=allow_live,
        allow_outbound_calls=allow_outbound_calls,
        dry_run=True,
        environ=environ,
    ) as selected:
        guard = selected.guard
        assert guard is not None, "a real target is always behind the guard"
        overrides = {"base-url": selected.display_base_url, **(SAMPLE if sample is None else sample)}
        schema = runner.build_schema(
            night,
            agent_id=selected.agent_id,
            api_key=selected.api_key,
            exclude_operations=selected.exclude_operations,
            overrides=overrides,
        )
        started = time.monotonic()
        outcome = runner.run(schema, app=selected.app, progress=progress)
        elapsed = time.monotonic() - started
        guard.release_imported()
        text = render(
            guard,
            outcome,
            contract=contract,
            base_url=selected.display_base_url,
            profile=night,
            settings=settings,
            seconds=elapsed,
        )
    path = report_dir / f"plan-real-{stamp}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return Planned(path, text, guard, outcome)


def render(
    guard: Guard,
    outcome: runner.Outcome,
    *,
    contract: Contract,
    base_url: str,
    profile: runner.Profile,
    settings: Mapping[str, Any],
    seconds: float,
) -> str:
    """The plan as Markdown: short enough to read, whatever the night's budget."""
    sends: dict[str, list[SentRequest]] = {}
    refusals: dict[str, Counter[str]] = {}
    by_reason: Counter[str] = Counter()
    example_of: dict[str, str] = {}
    for sent in guard.sent:
        sends.setdefault(contract.operation_for(sent.method, sent.path) or OUTSIDE, []).append(sent)
    for refusal in guard.refusals:
        operation = contract.operation_for(refusal.method, refusal.path) or OUTSIDE
        # Grouped by rule: the quoted value (a number, an agent) differs from one request to the next.
        rule = re.sub(r"'[^']*'", "…", refusal.reason)
        refusals.setdefault(operation, Counter())[rule] += 1
        by_reason[rule] += 1
        example_of.setdefault(rule, f"{refusal.method} {refusal.path}")
    never = guard.policy.never_sent()
    phases = settings.get("phases", {})
    enabled = [name for name in runner.TESTING_PHASES if phases.get(name, {}).get("enabled", True)]
    examples = profile.max_examples or settings.get("generation", {}).get("max-examples")
    steps = profile.stateful_max_steps or phases.get("stateful", {}).get("max-steps")
    seed = "a fresh seed each run" if profile.random_seed else f"seed {settings.get('seed')}"
    limit = f"stopped at {profile.max_time // 60} min" if profile.max_time else "no time limit"
    cut = f"; **cut short** ({outcome.interrupted})" if outcome.interrupted else ""
    lines = [
        f"# Plan of the `{profile.name}` run against {base_url}",
        "",
        f"A dry run: nothing was sent to {base_url}. Planned {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- the run: up to {examples} examples per operation, stateful sequences of up to {steps} steps, "
        f"{limit}, {seed}; phases {', '.join(enabled)}",
        f"- agent `{guard.target.agent_id}`; live environment "
        + ("allowed" if guard.target.allow_live else "refused (no --allow-live)")
        + "; outbound calls "
        + (
            f"one, to {guard.target.allowed_outbound_number}"
            if guard.target.allowed_outbound_number
            else "none (no --allow-outbound-calls with a number)"
        ),
        f"- the sample behind this plan: {outcome.cases} cases in {seconds:.0f} s against a mock on loopback; "
        f"the guard would send {len(guard.sent)} requests and refuse {len(guard.refusals)}{cut}",
        "",
        "## Per operation",
        "",
        "| operation | in the run | sample: would send | would refuse |",
        "|---|---|---:|---:|",
    ]
    for operation in [*contract.operation_ids, *([OUTSIDE] if OUTSIDE in sends or OUTSIDE in refusals else [])]:
        fate = f"never sent: {never[operation]}" if operation in never else "—" if operation == OUTSIDE else "tested"
        refused = sum(refusals.get(operation, Counter()).values())
        lines.append(f"| `{operation}` | {cell(fate)} | {len(sends.get(operation, []))} | {refused} |")
    if by_reason:
        lines += ["", "## What the guard would refuse, by reason", "", "| requests | reason | for example |"]
        lines.append("|---:|---|---|")
        lines += [f"| {count} | {cell(rule)} | {code(example_of[rule])} |" for rule, count in by_reason.most_common()]
    lines += [
        "",
        f"## What it would send (up to {EXAMPLES_PER_OPERATION} per operation)",
        "",
        "| operation | method | path | body |",
        "|---|---|---|---|",
    ]
    for operation, requests in sends.items():
        lines += [
            f"| `{operation}` | {request.method} | {code(request.path)} | {code(request.body[:120])} |"
            for request in requests[:EXAMPLES_PER_OPERATION]
        ]
    return redact("\n".join(lines) + "\n", guard.target.api_key, guard.suite_key)
