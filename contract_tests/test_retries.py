"""The run's one retry policy: Retry-After honoured, a request judged on its final answer, a budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
from polyai_telephony import RetryPolicy

from contract_tests import runner
from contract_tests.annotations import Contract
from contract_tests.findings import Finding, NoAnswerToJudge, ServerError
from contract_tests.report import Judged
from contract_tests.retries import Outcome, Retries, RetryBudget, Sent

NO_JITTER = RetryPolicy(wait_initial=0.5, wait_max=8.0, wait_jitter=0.0)


class Clock:
    """Time that passes only when the policy sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def _answers(*answers: httpx.Response | httpx.TransportError) -> Callable[[], httpx.Response]:
    queue: Iterator[httpx.Response | httpx.TransportError] = iter(answers)

    def attempt() -> httpx.Response:
        answer = next(queue)
        if isinstance(answer, httpx.TransportError):
            raise answer
        return answer

    return attempt


def _send(retries: Retries, attempt: Callable[[], httpx.Response], *, repeat: bool = True) -> Sent:
    return retries.send(attempt, operation="getPhoneNumber", method="GET", path="/p", may_repeat=lambda _: repeat)


def _retries(clock: Clock, **budget: float) -> Retries:
    return Retries(RetryBudget(backoff=NO_JITTER, **budget), sleep=clock.sleep, clock=clock)  # type: ignore[arg-type]


def test_retry_after_is_waited_and_the_request_is_judged_on_its_final_answer() -> None:
    clock = Clock()
    retries = _retries(clock)
    sent = _send(
        retries,
        _answers(
            httpx.Response(503, headers={"Retry-After": "7"}),
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(502),
            httpx.Response(200),
        ),
    )
    assert isinstance(sent.outcome, httpx.Response) and sent.outcome.status_code == 200
    # Retry-After as asked; without it, the backoff of the third attempt (0.5 s doubled twice).
    assert clock.sleeps == [7.0, 2.0, 2.0]
    assert dict(retries.counts) == {
        ("getPhoneNumber", "503"): 1,
        ("getPhoneNumber", "429"): 1,
        ("getPhoneNumber", "502"): 1,
    }
    assert retries.gave_up == [] and retries.exhausted is None


def test_a_request_still_transient_after_its_attempts_is_given_up_on() -> None:
    clock = Clock()
    retries = _retries(clock, attempts=3)
    sent = _send(retries, _answers(*(httpx.Response(504) for _ in range(3))))
    assert isinstance(sent.outcome, httpx.Response) and sent.outcome.status_code == 504
    assert len(sent.history) == 3
    assert [(item.last, item.attempts) for item in retries.gave_up] == [("504", 3)]
    assert retries.exhausted is None


def test_an_answer_that_may_not_be_repeated_is_final_at_once() -> None:
    retries = _retries(Clock())
    sent = _send(retries, _answers(httpx.Response(503)), repeat=False)
    assert len(sent.history) == 1
    assert [(item.last, item.attempts) for item in retries.gave_up] == [("503", 1)]


def test_a_connection_that_failed_is_retried_and_counted_by_its_error() -> None:
    retries = _retries(Clock())
    sent = _send(retries, _answers(httpx.ConnectError("refused"), httpx.Response(200)))
    assert isinstance(sent.outcome, httpx.Response)
    assert dict(retries.counts) == {("getPhoneNumber", "ConnectError"): 1}


def test_the_run_wide_count_ends_every_retry_after_it() -> None:
    retries = _retries(Clock(), retries=2)
    first = _send(retries, _answers(httpx.Response(503), httpx.Response(503), httpx.Response(503)))
    assert isinstance(first.outcome, httpx.Response) and first.outcome.status_code == 503
    assert retries.total == 2 and retries.exhausted is not None
    # Once spent, the next request gets its first answer only.
    later = _send(retries, _answers(httpx.Response(429), httpx.Response(200)))
    assert len(later.history) == 1
    assert [item.last for item in retries.gave_up] == ["503", "429"]


def test_a_retry_after_longer_than_the_waiting_left_ends_the_run_without_sleeping() -> None:
    clock = Clock()
    retries = _retries(clock, wait_seconds=30)
    sent = _send(retries, _answers(httpx.Response(429, headers={"Retry-After": "120"})))
    outcome: Outcome = sent.outcome
    assert isinstance(outcome, httpx.Response) and outcome.status_code == 429
    assert clock.sleeps == []
    assert retries.exhausted is not None and "30 s" in retries.exhausted
    assert retries.as_json()["gave_up"] == [
        {"operation": "getPhoneNumber", "method": "GET", "path": "/p", "last": "429", "attempts": 1}
    ]


def test_a_run_without_answers_is_inconclusive_unless_it_judged_something_wrong() -> None:
    contract = Contract.load(runner.SPEC)
    gave_up = Finding(runner.RETRIES_CHECK, "getPhoneNumber", NoAnswerToJudge(), "t", "m", toolkit=True)
    outcome = runner.Outcome(inconclusive="1 request(s) got no answer to judge", findings=[gave_up])
    assert Judged.of(outcome, contract).verdict == "INCONCLUSIVE"
    # Drift found before the retries ran out still fails the run.
    outcome.findings.append(Finding("not_a_server_error", "listPhoneNumbers", ServerError(500), "t", "m"))
    assert Judged.of(outcome, contract).verdict == "FAIL"
