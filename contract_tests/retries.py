"""The run's one retry policy: what a real target's transient answers cost, and when to stop paying.

The guard sends every request a run sends to a real target through `Retries.send` (what, and
when, contract_tests/README.md's "Production HTTP" says). What may be sent again is the caller's
word (the guard decides it from the operation catalogue); how often is this module's. A request
still transient when its own allowance ends is a give-up; a run whose allowance ends is
`exhausted`. Either way the run cannot judge what it could not get an answer to: the report says
INCONCLUSIVE with a toolkit finding, never drift.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import tenacity
from polyai_telephony import RetryPolicy

# The statuses a healthy service behind a gateway answers when it is busy or briefly away.
TRANSIENT = frozenset({429, 502, 503, 504})
# Failures raised before the request left this process: the service never saw it.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

Outcome = httpx.Response | httpx.TransportError
# What the figures JSON says of the budget (the backoff is the client's policy, not a figure).
_BUDGET_FIGURES = ("attempts", "request_seconds", "retries", "wait_seconds")


@dataclass(frozen=True)
class RetryBudget:
    """How much a run may spend on retries: per request, and over the whole run."""

    attempts: int = 5  # per request, the first one included
    request_seconds: float = 120.0  # no retry starts later than this after a request's first attempt
    retries: int = 400  # per run
    wait_seconds: float = 600.0  # per run, time spent waiting between attempts
    # The wait when an answer asks for none: 0.5 s doubling to 8 s, plus up to 0.5 s of jitter.
    backoff: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class GaveUp:
    """A request whose answer was still transient when its allowance, or the run's, ran out."""

    operation: str
    method: str
    path: str
    last: str  # the last status, or the name of the transport error
    attempts: int


@dataclass(frozen=True)
class Sent:
    """A request's final outcome, and the outcome of every attempt, the final one last."""

    outcome: Outcome
    history: tuple[Outcome, ...]

    @property
    def retried(self) -> bool:
        return len(self.history) > 1


def outcome_name(outcome: Outcome) -> str:
    return str(outcome.status_code) if isinstance(outcome, httpx.Response) else type(outcome).__name__


def is_transient(outcome: Outcome) -> bool:
    return isinstance(outcome, httpx.TransportError) or outcome.status_code in TRANSIENT


class Retries:
    """The run's retry policy and its record: retries per operation and status, give-ups, exhaustion."""

    def __init__(
        self,
        budget: RetryBudget | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget or RetryBudget()
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        # (operationId, what the retried attempt answered) -> retries it caused.
        self.counts: Counter[tuple[str, str]] = Counter()
        self.waited = 0.0
        self.gave_up: list[GaveUp] = []
        # Why the run's allowance ran out, once it has.
        self.exhausted: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def send(
        self,
        attempt: Callable[[], httpx.Response],
        *,
        operation: str,
        method: str,
        path: str,
        may_repeat: Callable[[Outcome], bool],
    ) -> Sent:
        """Send `attempt` until its outcome is final; returns it with every attempt's outcome.

        `may_repeat` says whether an outcome may be sent again (the caller knows what is safe);
        a transport error that may not be repeated is returned, not raised.
        """
        started = self._clock()
        history: list[Outcome] = []

        def call() -> Outcome:
            outcome: Outcome
            try:
                outcome = attempt()
            except httpx.TransportError as error:
                outcome = error
            history.append(outcome)
            return outcome

        def worth_another(outcome: Outcome) -> bool:
            return is_transient(outcome) and may_repeat(outcome)

        def wait(state: tenacity.RetryCallState) -> float:
            assert state.outcome is not None
            outcome: Outcome = state.outcome.result()
            answer = outcome if isinstance(outcome, httpx.Response) else None
            return self.budget.backoff.wait_before(state.attempt_number, answer)

        def stop(state: tenacity.RetryCallState) -> bool:
            # tenacity works out the wait before it asks whether to stop, so a Retry-After longer
            # than what is left ends the retries now instead of sleeping past the allowance.
            budget, upcoming = self.budget, state.upcoming_sleep
            with self._lock:
                if self.exhausted is None and self.total >= budget.retries:
                    self.exhausted = f"the run's {budget.retries} retries were spent"
                elif self.exhausted is None and self.waited + upcoming > budget.wait_seconds:
                    self.exhausted = (
                        f"a wait of {upcoming:.1f} s more would pass the run's {budget.wait_seconds:.0f} s of waiting"
                    )
                if self.exhausted is not None:
                    return True
            return (
                state.attempt_number >= budget.attempts or self._clock() - started + upcoming > budget.request_seconds
            )

        def count(state: tenacity.RetryCallState) -> None:
            assert state.outcome is not None
            with self._lock:
                self.counts[(operation, outcome_name(state.outcome.result()))] += 1
                self.waited += state.upcoming_sleep

        def last(state: tenacity.RetryCallState) -> Outcome:
            assert state.outcome is not None
            outcome: Outcome = state.outcome.result()
            return outcome

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_result(worth_another),
            wait=wait,
            stop=stop,
            before_sleep=count,
            retry_error_callback=last,
            sleep=self._sleep,
        )
        outcome: Outcome = retrying(call)
        if is_transient(outcome):
            # Still busy or unreachable when the allowance ended, or not safe to send again:
            # either way there is no answer the run can judge.
            with self._lock:
                self.gave_up.append(GaveUp(operation, method, path, outcome_name(outcome), len(history)))
        return Sent(outcome, tuple(history))

    def as_json(self) -> dict[str, object]:
        by_operation: dict[str, dict[str, int]] = {}
        for (operation, status), count in sorted(self.counts.items()):
            by_operation.setdefault(operation, {})[status] = count
        return {
            "total": self.total,
            "waited_seconds": round(self.waited, 1),
            "by_operation": by_operation,
            "gave_up": [dataclasses.asdict(item) for item in self.gave_up],
            "exhausted": self.exhausted,
            "budget": {name: getattr(self.budget, name) for name in _BUDGET_FIGURES},
        }
