"""The mutation matrix: the mock with one fact changed at a time, and the class its finding must have.

Each mutation changes one thing the service could get wrong: a published fact (a field dropped,
a filter ignored, another account's data, a batch get that files what it found under `notFound`)
or one of the contract's assumptions. A run against it must catch it with the right class: a
published fact changed is drift (tenancy for another account's data), and an assumption changed
names that assumption and nothing else. Each mutation lists the operations it affects, so its run
tests only those. The mutations are declared beside the checks they prove (hooks.py), for
Schemathesis's own checks in broken_mocks.BUILT_IN, and for every operation of a kind by
`kinds.derived`, read from the contract.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests import hooks, kinds
from contract_tests.broken_mocks import BUILT_IN, Mutation
from contract_tests.runner import load_settings
from contract_tests.target import mock_credentials
from telephony_contract import load_catalogue

# Every hand-written broken mock: with a class, the matrix's; without, test_teeth's.
MUTATIONS = [*BUILT_IN, *hooks.registry().mutations]
MATRIX = [mutation for mutation in MUTATIONS if mutation.klass is not None]
DERIVED = kinds.derived(load_catalogue())

# Enough for each mutation's few operations to be reached by examples, coverage, fuzzing and a
# short stateful sequence; a defect only has to be found, not shrunk.
BUDGET = {"generation": {"max-examples": 6, "no-shrink": True}, "phases": {"stateful": {"max-steps": 6}}}


@dataclass(frozen=True)
class Caught:
    """One new finding of a mutation's run, as the report classes it."""

    check: str
    operation: str
    kind: str
    klass: str
    assumptions: tuple[str, ...]


def run(mutation: Mutation, report_dir: Path) -> tuple[list[Caught], float]:
    """Run the suite against the mutated mock, on the mutation's operations; its findings and seconds."""
    _, dev_key = mock_credentials(load_settings())
    return run_app(mutation.app(dev_key), mutation.operations, report_dir, f"mutation {mutation.name}")


def run_app(app: Any, operations: tuple[str, ...], report_dir: Path, command: str) -> tuple[list[Caught], float]:
    from contract_tests.conformance import conduct  # the whole run, as `make conformance` does it

    started = time.monotonic()
    conducted = conduct(
        "mock", mock_app=app, report_dir=report_dir, overrides=BUDGET, only_operations=operations, command=command
    )
    seconds = time.monotonic() - started
    judged = conducted.judged
    caught = [
        Caught(f.check, f.operation, f.kind, judged.klass(f), judged.attributions[f.id].assumptions)
        for f in conducted.outcome.new_findings
    ]
    return caught, seconds


def main() -> None:
    """Print the matrix's result table (Markdown): each mutation, the classes it got, its time."""
    print("| mutation | expected | caught as | checks | seconds |")
    print("|---|---|---|---|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for mutation in MATRIX:
            caught, seconds = run(mutation, Path(folder) / mutation.name)
            expected = f"{mutation.klass}" + (f" `{mutation.assumption}`" if mutation.assumption else "")
            got = sorted({c.klass + "".join(f" `{a}`" for a in c.assumptions) for c in caught}) or ["not caught"]
            checks = sorted({c.check for c in caught})
            print(f"| {mutation.name} | {expected} | {', '.join(got)} | {', '.join(checks)} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
