"""What production HTTP does on the wire is not news: the nightly run tolerates it, and says so.

The mock, served on loopback behind `RealismFront` (compressed and chunked answers, closed
keep-alive connections, gateway headers, slow answers, 429/502/503/504 with and without
Retry-After), stands in for a healthy production service, reached as a real target through
the guard: each run must pass with no finding. A service that never recovers must end
INCONCLUSIVE, never with drift.
"""

from __future__ import annotations

import gzip
import importlib
import json
import zlib
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from polyai_telephony import RetryPolicy
from schemathesis.python import asgi

from contract_tests import runner
from contract_tests.attribution import ASSUMPTION, DRIFT, TOOLKIT
from contract_tests.conformance import Conducted, conduct
from contract_tests.findings import RetryBudgetSpent
from contract_tests.guard import DECODED_CODINGS, GAVE_UP, GUARD_HEADER, Guard, RealTarget, acceptable_codings
from contract_tests.realism import TRANSIENT, Realism, RealismFront
from contract_tests.retries import Retries, RetryBudget
from contract_tests.target import mock_credentials, serve
from telephony_mock import create_app

AGENT, KEY = mock_credentials(runner.load_settings())
# Small enough for a loaded 2-core machine: a few examples per operation, the coverage phase
# (where the missing-key probes come from) and short stateful sequences.
SMALL = {"generation": {"max-examples": 3}, "phases": {"stateful": {"max-steps": 5}}}
# Waits as Retry-After asks; without it, a short backoff, so the tests spend their time on cases.
FAST_BACKOFF = RetryPolicy(wait_initial=0.05, wait_max=0.2, wait_jitter=0.05)
NUMBERS_PATH = f"/v1/agents/{AGENT}/telephony/phone-numbers"
NEW_NUMBER = "+447700900321"


def _in_process(app: Any) -> asgi.ASGIClient:
    """requests on an ASGI app, as Schemathesis sends a case: it decodes whatever Content-Encoding says."""
    return asgi.get_client(app)


def _numbers(url: str) -> set[str]:
    answer = httpx.get(f"{url}{NUMBERS_PATH}", headers={"X-API-KEY": KEY})
    return {item["number"] for item in answer.json()["phoneNumbers"]}


def _against(front: RealismFront, report_dir: Path, budget: RetryBudget, seed: int) -> Conducted:
    # A short keep-alive: the server also closes idle connections between the guard's requests.
    with serve(front, timeout_keep_alive=1) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}
        run = conduct(
            "real",
            environ=environ,
            report_dir=report_dir,
            baseline_path=None,
            overrides={**SMALL, "seed": seed},
            retry_budget=budget,
        )
    # Read from the mock itself, behind the front.
    with _in_process(front.app) as mock:
        held = {item["number"] for item in mock.get(NUMBERS_PATH, headers={"X-API-KEY": KEY}).json()["phoneNumbers"]}
    assert held == {"+442079460001", "+442079460002"}, "the run left numbers behind"
    return run


@pytest.mark.parametrize("seed", [101, 202, 303])
def test_a_healthy_production_service_passes_with_no_finding(seed: int, tmp_path: Path) -> None:
    realism = Realism(seed=seed, transient_rate=0.03, slow_rate=0.03, slow_seconds=0.2)
    front = RealismFront(create_app(admin=True), realism)
    run = _against(front, tmp_path, RetryBudget(retries=100, wait_seconds=60, backoff=FAST_BACKOFF), seed)

    figures = json.loads(run.figures.read_text(encoding="utf-8"))
    assert figures["verdict"] == "PASS", [(f["check"], f["operation"], f["kind"]) for f in figures["findings"]]
    assert figures["findings"] == [] and figures["errors"] == []
    for report in (run.summary, run.html, run.junit, run.figures):
        assert report.exists() and report.stat().st_size > 0
    # The front did layer what production does, and every transient answer cost exactly one retry.
    counts = front.counts
    assert counts["chunked"] and counts["connection closed"] and counts["slow"]
    assert counts["gzip"] and counts["deflate"] and counts["br"]
    transient = sum(count for what, count in counts.items() if what.split()[0] in {str(status) for status in TRANSIENT})
    assert transient > 0
    assert figures["retries"]["total"] == transient, (dict(counts), figures["retries"])
    assert figures["retries"]["gave_up"] == [] and figures["retries"]["exhausted"] is None
    assert "## Retries" in run.summary.read_text(encoding="utf-8")


def test_a_service_that_always_answers_503_is_inconclusive_not_drift(tmp_path: Path) -> None:
    front = RealismFront(create_app(admin=True), Realism(seed=7, always=503, retry_after_rate=0.5))
    budget = RetryBudget(attempts=3, retries=6, wait_seconds=5, backoff=FAST_BACKOFF)
    run = _against(front, tmp_path, budget, seed=7)

    figures = json.loads(run.figures.read_text(encoding="utf-8"))
    assert figures["verdict"] == "INCONCLUSIVE"
    assert figures["counts"][DRIFT] == 0 and figures["counts"][ASSUMPTION] == 0
    assert figures["counts"][TOOLKIT] >= 1
    assert any(f["kind"] == str(RetryBudgetSpent()) and f["class"] == TOOLKIT for f in figures["findings"])
    assert figures["retries"]["exhausted"]
    assert not run.outcome.passed
    for report in (run.summary, run.html, run.junit, run.figures):
        assert report.exists()
    # The run stopped once nothing more could be retried, rather than send its whole plan.
    assert run.selected.guard is not None and len(run.selected.guard.sent) < 40


# ---------------------------------------------------------------------------------------------
# Forwarding


@pytest.fixture
def plain_front() -> Iterator[tuple[str, RealismFront]]:
    """The front with every answer compressed, chunked and closing its connection, and no fault."""
    realism = Realism(seed=1, transient_rate=0, lost_answer_rate=0, slow_rate=0, close_rate=1, chunked_rate=1)
    front = RealismFront(create_app(admin=True), realism)
    with serve(front) as url:
        yield url, front


@pytest.mark.parametrize("accept", ["gzip", "deflate", "br", "identity"])
def test_the_guard_relays_compressed_chunked_answers_as_the_client_can_read_them(
    plain_front: tuple[str, RealismFront], accept: str
) -> None:
    url, front = plain_front
    with Guard(RealTarget(url, AGENT, KEY)) as guard, _in_process(guard) as client:
        answer = client.get(NUMBERS_PATH, headers={"X-API-KEY": guard.suite_key, "Accept-Encoding": accept})
    assert answer.status_code == 200
    assert {item["number"] for item in answer.json()["phoneNumbers"]} == {"+442079460001", "+442079460002"}
    assert "content-encoding" not in answer.headers
    assert answer.headers["content-length"] == str(len(answer.content))
    assert "transfer-encoding" not in answer.headers and "connection" not in answer.headers
    assert answer.headers["via"] == "1.1 gateway"  # headers the contract never names pass through
    assert front.counts["chunked"] == 1 and front.counts["connection closed"] == 1
    assert front.counts[accept] == (0 if accept == "identity" else 1)


def test_the_guard_asks_the_service_only_for_codings_it_can_decode() -> None:
    # `compress` is a registered coding httpx does not decode; q=0 refuses a coding.
    assert acceptable_codings([("Accept-Encoding", "compress, gzip;q=0, deflate")]) == "deflate"
    assert acceptable_codings([("accept-encoding", "compress")]) == "identity"
    assert acceptable_codings([]) == "identity"


def _compressed(coding: str, body: bytes) -> bytes | None:
    """`body` in `coding`, or None when no library here can write it."""
    if coding == "gzip":
        return gzip.compress(body)
    if coding == "deflate":
        return zlib.compress(body)
    module = {"br": "brotli", "zstd": "zstandard"}[coding]
    if find_spec(module) is None:
        return None
    library: Any = importlib.import_module(module)
    return bytes(library.compress(body))


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_the_guard_claims_exactly_the_codings_httpx_decodes(coding: str) -> None:
    # DECODED_CODINGS is read from what is importable, not from httpx's private decoder table:
    # this holds it to what httpx really does with a body in each coding.
    body = b'{"phoneNumbers": []}'
    compressed = _compressed(coding, body)
    if compressed is None:
        assert coding not in DECODED_CODINGS
        return
    decoded = httpx.Response(200, headers={"Content-Encoding": coding}, content=compressed).read()
    assert (decoded == body) == (coding in DECODED_CODINGS)


class LosesTheFirstWriteAnswer:
    """A gateway that lets the first write reach the service, then answers 502 in its place."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lost = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] == "GET" or self.lost:
            await self.app(scope, receive, send)
            return
        self.lost = True

        async def swallow(message: Any) -> None:
            return None

        await self.app(scope, receive, swallow)
        await send({"type": "http.response.start", "status": 502, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<html><body>502 Bad Gateway</body></html>"})


def _send_through(guard: Guard, method: str, path: str, body: Any = None) -> httpx.Response:
    with _in_process(guard) as client:
        answer = client.request(method, path, json=body, headers={"X-API-KEY": guard.suite_key})
    return httpx.Response(answer.status_code, headers=list(answer.headers.items()), content=answer.content)


def test_a_retried_import_that_meets_its_own_first_attempt_is_owned_and_released(tmp_path: Path) -> None:
    gateway = LosesTheFirstWriteAnswer(create_app(admin=True))
    retries = Retries(RetryBudget(backoff=FAST_BACKOFF))
    with serve(gateway) as url:
        guard = Guard(RealTarget(url, AGENT, KEY), retries=retries)
        with guard:
            guard.note_existing_numbers()
            answer = _send_through(guard, "POST", NUMBERS_PATH, {"phoneNumbers": [NEW_NUMBER], "clientEnv": "sandbox"})
            # The first attempt imported the number; the repeat is told it exists already.
            assert answer.status_code == 409
            assert GUARD_HEADER not in answer.headers
            assert guard.policy.still_held == [NEW_NUMBER]
            assert NEW_NUMBER in _numbers(url)
        assert NEW_NUMBER not in _numbers(url), "the teardown must release what the first attempt imported"
    assert retries.as_json()["by_operation"] == {"importPhoneNumbers": {"502": 1}}
    assert guard.cleanup_log == [f"{NEW_NUMBER}: released"]


def test_a_repeat_never_claims_a_number_the_agent_held_before_the_run() -> None:
    seeded = "+442079460001"
    gateway = LosesTheFirstWriteAnswer(create_app(admin=True))
    with serve(gateway) as url:
        with Guard(RealTarget(url, AGENT, KEY), retries=Retries(RetryBudget(backoff=FAST_BACKOFF))) as guard:
            guard.note_existing_numbers()
            answer = _send_through(guard, "POST", f"{NUMBERS_PATH}/{quote(seeded, safe='')}", {"clientEnv": "sandbox"})
            assert answer.status_code == 409
            assert guard.policy.still_held == []
        assert seeded in _numbers(url)


class RefusesTheFirstWriteWhileAnotherImports:
    """A gateway that refuses the first write with 429, as someone else imports the number it names."""

    def __init__(self, app: Any, number: str) -> None:
        self.app = app
        self.number = number
        self.refused = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] == "GET" or self.refused:
            await self.app(scope, receive, send)
            return
        self.refused = True
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as other:
            path = f"{NUMBERS_PATH}/{quote(self.number, safe='')}"
            imported = await other.post(path, json={"clientEnv": "sandbox"}, headers={"X-API-KEY": KEY})
            assert imported.status_code == 201, imported.text
        await send({"type": "http.response.start", "status": 429, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"slow down"})


def test_a_repeat_after_a_refusal_claims_nothing_it_meets() -> None:
    # A 429 refuses before acting: the 409 the repeat meets is someone else's number, not the run's.
    gateway = RefusesTheFirstWriteWhileAnotherImports(create_app(admin=True), NEW_NUMBER)
    with serve(gateway) as url:
        with Guard(RealTarget(url, AGENT, KEY), retries=Retries(RetryBudget(backoff=FAST_BACKOFF))) as guard:
            guard.note_existing_numbers()
            answer = _send_through(guard, "POST", NUMBERS_PATH, {"phoneNumbers": [NEW_NUMBER], "clientEnv": "sandbox"})
            assert answer.status_code == 409
            assert guard.policy.still_held == []
            assert guard.settled_by_repeat == []
        assert NEW_NUMBER in _numbers(url), "the teardown must leave alone a number the run never imported"


def test_a_call_is_never_sent_twice_and_an_answer_given_up_on_is_marked() -> None:
    front = RealismFront(create_app(admin=True), Realism(seed=3, always=503, retry_after_rate=0))
    allowed = "+447700900100"
    retries = Retries(RetryBudget(attempts=3, backoff=FAST_BACKOFF))
    with (
        serve(front) as url,
        Guard(RealTarget(url, AGENT, KEY, allowed_outbound_number=allowed), retries=retries) as guard,
    ):
        call_path = f"/v1/agents/{AGENT}/telephony/outbound-calls"
        call = _send_through(guard, "POST", call_path, {"toNumber": allowed, "environment": "sandbox"})
        read = _send_through(guard, "GET", NUMBERS_PATH)
    assert call.status_code == 503 and call.headers[GUARD_HEADER] == GAVE_UP
    assert read.status_code == 503 and read.headers[GUARD_HEADER] == GAVE_UP
    # The call went out once (it rings a phone); the read was tried as often as a request may be.
    assert [(item.operation, item.attempts) for item in retries.gave_up] == [
        ("triggerOutboundCall", 1),
        ("listPhoneNumbers", 3),
    ]
    assert front.counts["503 without Retry-After"] == 4
