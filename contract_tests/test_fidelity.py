"""The mock's fidelity, measured without the network: a stand-in "real service" on loopback.

The stand-in is the mock with behaviours changed: three the contract allows or forbids, planted,
and one that is not deterministic. A real-target run against it writes a recording; replayed
against a fresh mock, the comparison must name exactly the planted behaviours, each with its
class, and nothing else. The mock's own recording, replayed against the mock, scores 100 %.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests import coverage, fidelity, fidelity_report, recording, replay, runner
from contract_tests.broken_mocks import CATALOGUE, Broken, Exchange
from contract_tests.conformance import Conducted, conduct
from contract_tests.fidelity import CONTRACT, MOCK, UNSTABLE
from contract_tests.target import mock_credentials, serve
from contract_tests.test_nightly_issue import _night, _run
from telephony_mock import create_app
from telephony_mock._clock import MockClock
from telephony_mock._config import DEFAULT_CONFIG_PATH, config_from_dict


def _script(name: str) -> Any:
    """A module of scripts/ (not a package), loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, runner.ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fidelity_command = _script("fidelity")
nightly_issue = _script("nightly_issue")
AGENT, KEY = mock_credentials(runner.load_settings())
SHORT = {"generation": {"max-examples": 4, "no-shrink": True}, "phases": {"stateful": {"max-steps": 6}}}
UNLISTED_CODE = "PHONE_NUMBERS_MISSING"
# Headers that differ from one request to the next and do not tell two requests apart.
PER_REQUEST = {"host", "content-length", "connection", "x-schemathesis-testcaseid"}


class StandIn:
    """The mock, answering as a service might that the contract allows, or does not."""

    def __init__(self) -> None:
        # How often each connector list request (as the recording tells requests apart) was answered.
        self.connector_lists: Counter[tuple[Any, ...]] = Counter()

    async def __call__(self, app: Any, exchange: Exchange) -> None:
        await exchange.forward(app)
        operation, body = exchange.operation, exchange.json()
        if operation is not None and CATALOGUE[operation].writes and 200 <= exchange.status < 300:
            # A list after a write may read differently for a good reason: the planted disorder
            # is the same read answered in two orders, so it starts again from the mock's order.
            self.connector_lists.clear()
        if operation == "batchGetPhoneNumbers" and exchange.status == 200 and len(body["notFound"]) > 1:
            body["notFound"].reverse()  # allowed: the schema does not order notFound
        elif operation == "lookupConnector" and exchange.status == 404:
            body["error_code"] = "NOT_FOUND"  # allowed: x-error-codes lists NOT_FOUND with 404
        elif operation == "getPhoneNumber" and exchange.status == 404:
            body["error_code"] = UNLISTED_CODE  # forbidden: not in x-error-codes
        elif operation == "listConnectors" and exchange.status == 200:
            headers = [*exchange.headers.items(), *exchange.repeated_headers]
            request = (exchange.path, exchange.query, tuple(sorted(h for h in headers if h[0] not in PER_REQUEST)))
            self.connector_lists[request] += 1
            if self.connector_lists[request] % 2 == 0:
                body["connectors"].reverse()  # the same read, answered in two orders
        else:
            return
        exchange.set_json(body)


def _real_run(app: Any, report_dir: Path) -> Conducted:
    with serve(app) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}
        return conduct("real", environ=environ, report_dir=report_dir, baseline_path=None, overrides=SHORT)


@pytest.fixture(scope="module")
def stand_in_run(tmp_path_factory: pytest.TempPathFactory) -> Conducted:
    return _real_run(Broken(create_app(admin=True), StandIn()), tmp_path_factory.mktemp("stand-in"))


@pytest.fixture(scope="module")
def mock_run(tmp_path_factory: pytest.TempPathFactory) -> Conducted:
    return _real_run(create_app(admin=True), tmp_path_factory.mktemp("mock"))


def test_a_real_target_run_records_every_forwarded_exchange_without_the_key(stand_in_run: Conducted) -> None:
    assert stand_in_run.recording is not None
    text = stand_in_run.recording.read_text(encoding="utf-8")
    recorded = recording.read(stand_in_run.recording).exchanges
    guard = stand_in_run.selected.guard
    assert guard is not None

    assert [(e.method, e.path + (f"?{e.query}" if e.query else "")) for e in recorded] == [
        (sent.method, sent.path) for sent in guard.sent
    ]
    assert [e.status for e in recorded] == [sent.status for sent in guard.sent]
    assert all(e.elapsed > 0 for e in recorded)
    assert KEY not in text and guard.suite_key not in text
    assert json.loads(text)["log"]["version"] == "1.2"


def test_the_comparison_names_exactly_the_planted_behaviours_with_their_class(
    stand_in_run: Conducted, mock_run: Conducted, tmp_path: Path
) -> None:
    assert stand_in_run.recording is not None and mock_run.recording is not None
    history = tmp_path / "history.jsonl"

    status = fidelity_command.main(
        [
            *("--recording", str(stand_in_run.recording), "--report-dir", str(tmp_path)),
            *("--history", str(history), "--mock-recordings", str(mock_run.recording.parent)),
        ]
    )

    (figures_path,) = tmp_path.glob("fidelity-*.json")
    figures = json.loads(figures_path.read_text(encoding="utf-8"))
    found = {(f["class"], f["operation"], f["node"]) for f in figures["findings"]}
    assert found == {
        (CONTRACT, "getPhoneNumber", "#/x-error-codes"),
        (MOCK, "batchGetPhoneNumbers", "#/components/schemas/BatchGetPhoneNumbersResponse/properties/notFound"),
        (MOCK, "lookupConnector", "#/x-error-codes/NOT_FOUND"),
        (UNSTABLE, "listConnectors", "#/components/schemas/Connector/properties/connectorId"),
    }
    kinds = {f["kind"] for f in figures["findings"]}
    assert f"error_code {UNLISTED_CODE} is not in x-error-codes" in kinds
    assert "values differ at notFound[]" in kinds
    planted = next(f for f in figures["findings"] if f["operation"] == "batchGetPhoneNumbers")
    assert planted["example"]["request"].startswith("POST /v1/agents/agent-dev/telephony/phone-numbers/batch")
    assert json.loads(planted["example"]["service"].split("\n", 1)[1])["notFound"] == list(
        reversed(json.loads(planted["example"]["mock"].split("\n", 1)[1])["notFound"])
    )
    operations = figures["operations"]
    assert operations["getPhoneNumber"]["score"] < 1 and operations["importPhoneNumbers"]["score"] == 1
    assert 0 < figures["score"] < 1
    assert status == fidelity_command.COMPARED
    summary = figures_path.with_suffix(".md").read_text(encoding="utf-8")
    assert f"# Fidelity of the mock: {figures['score'] * 100:.1f} %" in summary
    assert "## Coverage, side by side" in summary
    lines = summary.splitlines()
    service_only = next(line for line in lines if line.startswith("- `getPhoneNumber`, only the service:"))
    mock_only = next(line for line in lines if line.startswith("- `getPhoneNumber`, only the mock:"))
    assert f"404 {UNLISTED_CODE}" in service_only and "404 PHONE_NUMBERS_NOT_FOUND" in mock_only
    (record,) = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines()]
    assert (record["target"], record["score"]) == ("fidelity", figures["score"])


def test_the_mocks_own_recording_replays_at_one_hundred_percent(mock_run: Conducted) -> None:
    assert mock_run.recording is not None
    result = fidelity.compare(recording.read(mock_run.recording))

    assert result.findings == []
    assert result.score == 1.0
    assert result.not_compared == {}  # the mock is deterministic, and nothing was called otherwise
    assert sum(result.compared.values()) == result.exchanges > 100
    assert sorted(result.seed.numbers) == ["+442079460001", "+442079460002"]


def test_a_mock_run_records_its_resets_and_replays_at_one_hundred_percent(tmp_path: Path) -> None:
    run = conduct("mock", report_dir=tmp_path, overrides=SHORT)
    assert run.recording is not None and run.recording.parent == recording.folder(tmp_path, "mock")
    recorded = recording.read(run.recording)

    result = fidelity.compare(recorded)

    # The run resets the mock as each phase starts and after each stateful scenario; the replay
    # resets its own mock at the same places, so the connector writes of one scenario do not
    # leak into the next.
    assert sum(exchange.reset_before for exchange in recorded.exchanges) >= 4
    assert (result.score, result.findings, result.not_compared) == (1.0, [], {})


# ---------------------------------------------------------------------------------------------
# Smaller pieces, without a run


def _recorded(app: Any, path: Path, requests: list[tuple[str, str, Any]]) -> recording.Recording:
    """Send `requests` (method, path with its query, JSON body) to `app` through a recorder."""
    recorder = recording.Recorder(path, run_keys=[KEY])
    recorded = recording.RecordingApp(app, recorder, "http://127.0.0.1:8000")

    async def send_all() -> None:
        for method, url, body in requests:
            raw = json.dumps(body).encode() if body is not None else b""
            headers = [(b"x-api-key", KEY.encode()), (b"content-type", b"application/json")]
            headers += [(b"content-length", str(len(raw)).encode())] if raw else []
            route, _, query = url.partition("?")
            await replay.send_to(recorded, method, route, query, headers, raw)

    asyncio.run(send_all())
    recorder.close()
    return recording.read(path)


def _mock_with_calls(**outbound: float) -> Any:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["outbound_calls"].update(outbound)
    return create_app(config_from_dict(raw))


class _StoppedClock(MockClock):
    """A stand-in's clock that reads what the test sets, so a recording can span seconds at once."""

    def __init__(self) -> None:
        super().__init__()
        self.at = 0.0

    def now(self) -> float:
        return self.at


@pytest.mark.parametrize(
    ("lifecycle", "poll_after", "service_status", "mock_status"),
    [
        ({"queued_seconds": 0, "calling_seconds": 0}, 0.0, "SUCCESS", "QUEUED"),
        ({"queued_seconds": 60, "calling_seconds": 30}, 5.0, "QUEUED", "CALLING"),
    ],
    ids=["faster", "slower"],
)
def test_a_different_call_lifecycle_is_a_difference_of_the_polled_status(
    tmp_path: Path, lifecycle: dict[str, float], poll_after: float, service_status: str, mock_status: str
) -> None:
    calls = f"/v1/agents/{AGENT}/telephony/outbound-calls"
    stand_in = _mock_with_calls(**lifecycle)
    clock = stand_in.state.mock.clock = _StoppedClock()
    recorder = recording.Recorder(tmp_path / "calls.har", run_keys=[KEY])
    key = [(b"x-api-key", KEY.encode())]
    trigger = json.dumps({"toNumber": "+447700900100", "environment": "sandbox"}).encode()
    typed = [*key, (b"content-type", b"application/json"), (b"content-length", str(len(trigger)).encode())]
    start = time.time()

    async def at(offset: float, method: str, path: str, query: str, headers: Any, body: bytes) -> replay.Reply:
        clock.at = start + offset
        reply = await replay.send_to(stand_in, method, path, query, headers, body)
        recorder.add(
            started=start + offset,
            elapsed=0.001,
            method=method,
            url=f"http://127.0.0.1:8000{path}" + (f"?{query}" if query else ""),
            request_headers=[(name.decode(), value.decode()) for name, value in headers],
            request_body=body,
            status=reply.status,
            response_headers=reply.headers,
            response_body=reply.body,
        )
        return reply

    async def place_and_poll() -> None:
        await at(0, "GET", f"/v1/agents/{AGENT}/telephony/connectors", "", key, b"")
        sid = json.loads((await at(0, "POST", calls, "", typed, trigger)).body)["callSid"]
        await at(poll_after, "GET", f"{calls}/{sid}/status", "environment=sandbox", key, b"")

    asyncio.run(place_and_poll())
    recorder.close()

    result = fidelity.compare(recording.read(tmp_path / "calls.har"))

    # The SID each side minted differs and is not compared; the poll reaches the replay's own call
    # (or the answer would be 400 for an unknown SID), whose state at the recorded time differs.
    assert [(f.klass, f.operation, f.kind) for f in result.findings] == [
        (MOCK, "getOutboundCallStatus", "values differ at status")
    ]
    example = result.findings[0].example
    assert example is not None
    assert json.loads(example.service.split("\n", 1)[1])["status"] == service_status
    assert json.loads(example.mock.split("\n", 1)[1])["status"] == mock_status
    assert result.agreeing["triggerOutboundCall"] == 1


def test_the_seed_is_what_reads_showed_before_any_write_touched_it(tmp_path: Path) -> None:
    numbers = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    recorded = _recorded(
        create_app(),
        tmp_path / "seed.har",
        [
            ("POST", numbers, {"phoneNumbers": ["+447700900555"], "clientEnv": "sandbox"}),
            ("GET", numbers, None),
            ("POST", f"{numbers}/%2B442079460002", {"clientEnv": "sandbox"}),
        ],
    )

    seed = replay.seed_of(recorded.exchanges)

    # The import is the run's doing; the two seeded numbers were there before it.
    assert sorted(seed.numbers) == ["+442079460001", "+442079460002"]
    assert (seed.agent_id, seed.account_id, seed.project_id) == (AGENT, "acct-dev", "proj-dev")
    assert seed.connectors == {}
    config = replay.mock_config(seed)
    # +442079460001 routes to a connector no read showed: seeded unrouted, and said so.
    assert config.accounts[0].agents[0].phone_numbers[0] == {"number": "+442079460001", "clientEnv": "live"}
    assert any("conn-dev-en" in gap for gap in seed.gaps)


def test_a_read_repeated_after_a_write_of_its_resource_is_not_called_not_deterministic(tmp_path: Path) -> None:
    numbers = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    recorded = _recorded(
        create_app(),
        tmp_path / "repeat.har",
        [
            ("GET", numbers, None),
            ("POST", numbers, {"phoneNumbers": ["+447700900556"], "clientEnv": "sandbox"}),
            ("GET", numbers, None),
            ("GET", numbers, None),
        ],
    )
    view = fidelity.ContractView()
    operations = ["listPhoneNumbers", "importPhoneNumbers", "listPhoneNumbers", "listPhoneNumbers"]
    answers = [
        fidelity.Answer.of(e.status, e.response_headers, e.response_body, view.varying) for e in recorded.exchanges
    ]
    assert fidelity.unstable(recorded.exchanges, list(operations), list(answers), view.catalogue) == set()

    # The last read answered differently from the one before it, with nothing written between.
    changed = fidelity.Answer.of(200, (), b'{"phoneNumbers": []}', view.varying)
    assert fidelity.unstable(recorded.exchanges, list(operations), [*answers[:3], changed], view.catalogue) == {2, 3}


def test_a_recording_redacts_keys_and_anything_secret_shaped(tmp_path: Path) -> None:
    path = tmp_path / "secrets.har"
    recorder = recording.Recorder(path, run_keys=["real-key-0123456789"], secrets=["suite-key-abc"])
    recorder.add(
        started=time.time(),
        elapsed=0.01,
        method="POST",
        url="https://api.us.poly.ai/v1/x?token=real-key-0123456789",
        request_headers=[
            ("X-API-KEY", "real-key-0123456789"),
            ("X-API-KEY", "generated-garbage"),
            ("Authorization", "Bearer abcdefghijkl"),
            ("X-Trace", "suite-key-abc"),
        ],
        request_body=b'{"note": "ghp_' + b"a" * 36 + b'", "password": "hunter22"}',
        status=200,
        response_headers=[("Set-Cookie", "session=abc")],
        response_body=b'{"echo": "real-key-0123456789"}',
    )
    recorder.close()
    text = path.read_text(encoding="utf-8")
    (exchange,) = recording.read(path).exchanges

    for secret in ("real-key-0123456789", "suite-key-abc", "generated-garbage", "abcdefghijkl", "ghp_", "hunter22"):
        assert secret not in text
    assert exchange.request_headers[:2] == (("X-API-KEY", recording.RUN_KEY), ("X-API-KEY", recording.OTHER_KEY))
    assert exchange.query == "token=[REDACTED]"
    assert dict(exchange.response_headers)["Set-Cookie"] == recording.RUN_KEY


def test_kept_recordings_are_bounded_in_count_and_size(tmp_path: Path) -> None:
    for night in range(10):
        (tmp_path / f"2026120{night}T000000.har").write_bytes(b"x" * (100 if night < 9 else 300))

    dropped = recording.keep(tmp_path, count=7, max_bytes=800)

    kept = [path.name[:9] for path in recording.listed(tmp_path)]
    # The newest seven hold 900 bytes; the oldest of them goes too, to fit in 800.
    assert kept == ["20261204T", "20261205T", "20261206T", "20261207T", "20261208T", "20261209T"]
    assert len(dropped) == 4


def test_a_drop_in_the_score_is_news_for_the_nightly_issue(tmp_path: Path) -> None:
    before = {"date": "2026-12-06", "score": 0.99, "operations": {"getPhoneNumber": {"compared": 40, "score": 1.0}}}
    now = {"score": 0.985, "operations": {"getPhoneNumber": {"compared": 40, "score": 0.9}}}

    changes = fidelity_report.trend(before, now)

    assert changes.dropped and changes.operations == [("getPhoneNumber", 1.0, 0.9)]
    assert not fidelity_report.trend(before, {**now, "operations": {}}).dropped
    figures = {"score": 0.985, "changes": changes.as_json()}
    assert nightly_issue.fidelity_news(figures) == [
        "fidelity of the mock fell from 99.0 % to 98.5 %",
        "fidelity of `getPhoneNumber` fell from 100.0 % to 90.0 %",
    ]


def test_a_drop_comments_on_the_open_nightly_issue_with_the_fidelity_summary(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    _night(reports, {"previous": "2026-11-26T03:40:00+00:00", "new": [], "gone": [], "newly_refuted": []})
    changes = {"dropped": True, "score_before": 1.0, "score": 0.9, "operations_dropped": []}
    (reports / "fidelity-20261127T040000.json").write_text(json.dumps({"changes": changes}), encoding="utf-8")
    (reports / "fidelity-20261127T040000.md").write_text("# Fidelity of the mock: 90.0 %\n", encoding="utf-8")

    _, calls = _run(tmp_path, [{"number": 5, "title": nightly_issue.TITLE}])

    assert [call["args"][:3] for call in calls] == [["issue", "list", "--state"], ["issue", "comment", "5"]]
    assert "fidelity of the mock fell from 100.0 % to 90.0 %" in calls[1]["body"]
    assert "# Fidelity of the mock: 90.0 %" in calls[1]["body"]


def test_coverage_lists_what_only_one_side_produced_and_what_neither_did(tmp_path: Path) -> None:
    numbers = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    service = _recorded(create_app(), tmp_path / "service.har", [("GET", f"{numbers}/%2B447700900999", None)])
    mock = _recorded(create_app(), tmp_path / "mock.har", [("GET", f"{numbers}/%2B442079460001", None)])

    sides = coverage.measure([service.path], [mock.path])

    assert sides.only_service("getPhoneNumber") == [(404, "PHONE_NUMBERS_NOT_FOUND")]
    assert sides.only_mock("getPhoneNumber") == [(200, "")]
    assert (401, "AUTH_USER_UNAUTHORISED") in sides.neither("getPhoneNumber")
    assert (404, "PHONE_NUMBERS_NOT_FOUND") not in sides.neither("getPhoneNumber")
