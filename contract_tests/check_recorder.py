"""What the checks note while a run is in progress, handed to them by the run rather than kept globally.

The runner makes one recorder per run and attaches it to the run's schema
(schemathesis_boundary.attach_recorder); a check finds it from the case it judges, so two runs in
one process (a pytest session, a broken-mock test after the suite's own run) never share notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contract_tests.findings import Exchange


@dataclass
class CheckRecorder:
    # The requests checks sent themselves to test an assumption (`probe` names it), for the ledger.
    probes: list[Exchange] = field(default_factory=list)
    # The list answers already read back, by check and agent: the same list answered again (the
    # night sends hundreds) costs the service no second round of reads.
    read_back: set[tuple[str, str, str]] = field(default_factory=set)

    def first_time(self, check: str, agent: str, answer: str) -> bool:
        """Whether `check` has not yet read back this answer for this agent in this run (and now has)."""
        seen = (check, agent, answer)
        if seen in self.read_back:
            return False
        self.read_back.add(seen)
        return True
