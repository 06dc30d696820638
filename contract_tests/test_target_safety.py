"""The real-target mode refuses what could harm a real account; proven against the mock on loopback.

The mock plays the real service here: it is served on a free 127.0.0.1 port and named by the
same three environment variables a nightly run uses, and every assertion about what reached
"the service" reads the mock's own state directly, around the guard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from contract_tests import runner
from contract_tests.conformance import conduct
from contract_tests.guard import (
    DIALLED_FIELD,
    ENV_OUTBOUND_NUMBER,
    GUARD_HEADER,
    MAX_OUTBOUND_CALLS,
    Guard,
    RealTarget,
    SafetyPolicy,
    UnsafeTarget,
)
from contract_tests.plan import plan_night
from contract_tests.target import mock_credentials, serve
from telephony_contract import Catalogue, load_catalogue, load_document
from telephony_contract.document import resolve
from telephony_mock import PolyAIMock

AGENT, KEY = mock_credentials(runner.load_settings())
SEEDED_NUMBER = "+442079460001"  # agent-dev's seeded number in the mock's default config
NEW_NUMBER = "+442079460555"
# Country code 999 is unassigned, so this is nobody's number, and it lies in no fictional range.
UNRESERVED_NUMBER = "+99912345678"
TINY_BUDGET = {
    "generation": {"max-examples": 3},
    "phases": {"coverage": {"enabled": False}, "stateful": {"max-steps": 5}},
}


@dataclass
class Service:
    """The mock standing in for a real service, read directly (not through the guard)."""

    url: str

    def number_status(self, number: str) -> int:
        return httpx.get(f"{self.url}{_number_path(number)}", headers={"X-API-KEY": KEY}).status_code

    def connector_status(self, connector_id: str) -> int:
        path = f"/v1/agents/{AGENT}/telephony/connectors/{connector_id}"
        return httpx.get(f"{self.url}{path}", headers={"X-API-KEY": KEY}).status_code

    def environment(self) -> dict[str, str]:
        return {"POLYAI_BASE_URL": self.url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}


def _number_path(number: str, agent: str = AGENT) -> str:
    return f"/v1/agents/{agent}/telephony/phone-numbers/{quote(number, safe='')}"


@pytest.fixture
def service() -> Iterator[Service]:
    with PolyAIMock(admin=True, auto_advance=False) as mock:
        yield Service(mock.serve())


@pytest.fixture
def guard(service: Service) -> Iterator[Guard]:
    with Guard(RealTarget(service.url, AGENT, KEY)) as guard:
        yield guard


def _send(guard: Guard, method: str, path: str, body: Any = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=guard)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://guard") as client:
            return await client.request(method, path, json=body, headers={"X-API-KEY": guard.suite_key})

    import anyio

    return anyio.run(go)


def _assert_refused(answer: httpx.Response, guard: Guard, reason: str) -> None:
    assert answer.status_code == 403
    assert answer.headers[GUARD_HEADER] == "refused"
    assert answer.json()["error_code"] == "USER_ACCESS_FORBIDDEN"
    assert answer.json()["error_id"] == answer.headers["X-PolyAI-Correlation-Id"]
    assert reason in guard.refusals[-1].reason


# ---------------------------------------------------------------------------------------------
# Settings refused before anything is sent


@pytest.mark.parametrize("url", ["http://api.us.poly.ai", "http://10.0.0.8:8000", "ftp://127.0.0.1", "api.us.poly.ai"])
def test_base_url_that_is_not_https_or_loopback_is_refused(url: str) -> None:
    with pytest.raises(UnsafeTarget):
        RealTarget.from_env({"POLYAI_BASE_URL": url, "POLYAI_API_KEY": "k", "POLYAI_AGENT_ID": "a"})


@pytest.mark.parametrize(
    "url", ["https://api.us.poly.ai", "http://127.0.0.1:8000", "http://localhost:9", "http://[::1]:80"]
)
def test_https_and_loopback_base_urls_are_accepted(url: str) -> None:
    target = RealTarget.from_env({"POLYAI_BASE_URL": url, "POLYAI_API_KEY": "k", "POLYAI_AGENT_ID": "a"})

    assert target.base_url == url
    assert "k" not in repr(target)


def test_missing_environment_is_refused() -> None:
    with pytest.raises(UnsafeTarget, match="POLYAI_API_KEY, POLYAI_AGENT_ID"):
        RealTarget.from_env({"POLYAI_BASE_URL": "https://api.us.poly.ai"})


def test_run_against_a_plain_http_service_stops_before_sending(tmp_path: Path) -> None:
    environ = {"POLYAI_BASE_URL": "http://api.us.poly.ai", "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}

    with pytest.raises(UnsafeTarget, match="https"):
        conduct("real", environ=environ, report_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Requests the guard refuses


def test_live_client_env_is_refused_without_allow_live(guard: Guard, service: Service) -> None:
    answer = _send(guard, "POST", _number_path(NEW_NUMBER), {"clientEnv": "live"})

    _assert_refused(answer, guard, "clientEnv to live")
    assert service.number_status(NEW_NUMBER) == 404


def test_import_that_would_default_to_live_is_refused(guard: Guard, service: Service) -> None:
    path = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    answer = _send(guard, "POST", path, {"phoneNumbers": [NEW_NUMBER]})

    _assert_refused(answer, guard, "default clientEnv to live")
    assert service.number_status(NEW_NUMBER) == 404


def test_live_client_env_is_sent_with_allow_live(service: Service) -> None:
    with Guard(RealTarget(service.url, AGENT, KEY, allow_live=True)) as guard:
        answer = _send(guard, "POST", _number_path(NEW_NUMBER), {"clientEnv": "live"})

        assert answer.status_code == 201
        assert answer.json() == {"imported": NEW_NUMBER}
        assert service.number_status(NEW_NUMBER) == 200
    assert service.number_status(NEW_NUMBER) == 404  # released when the guard closed


def test_number_outside_the_fictional_ranges_is_refused(guard: Guard, service: Service) -> None:
    answer = _send(guard, "POST", _number_path(UNRESERVED_NUMBER), {"clientEnv": "sandbox"})

    _assert_refused(answer, guard, "not a number from the fictional ranges")
    assert service.number_status(UNRESERVED_NUMBER) in (400, 404)


def test_batch_import_with_one_unreserved_number_is_refused_whole(guard: Guard, service: Service) -> None:
    path = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    answer = _send(guard, "POST", path, {"phoneNumbers": [NEW_NUMBER, UNRESERVED_NUMBER], "clientEnv": "sandbox"})

    _assert_refused(answer, guard, "fictional ranges")
    assert service.number_status(NEW_NUMBER) == 404


@pytest.mark.parametrize(
    ("method", "body"),
    [("DELETE", None), ("PATCH", {"connectorId": "conn-dev-es"})],
)
def test_changing_a_number_the_run_did_not_import_is_refused(
    guard: Guard, service: Service, method: str, body: Any
) -> None:
    answer = _send(guard, method, _number_path(SEEDED_NUMBER), body)

    _assert_refused(answer, guard, "was not imported by this run")
    assert service.number_status(SEEDED_NUMBER) == 200


def test_a_write_the_contract_does_not_describe_is_refused(guard: Guard, service: Service) -> None:
    answer = _send(guard, "PUT", _number_path(SEEDED_NUMBER), {"clientEnv": "sandbox"})

    _assert_refused(answer, guard, "the contract does not describe")
    assert service.number_status(SEEDED_NUMBER) == 200


def test_batch_release_naming_a_number_the_run_did_not_import_is_refused(guard: Guard, service: Service) -> None:
    imported = _send(guard, "POST", _number_path(NEW_NUMBER), {"clientEnv": "sandbox"})
    assert imported.status_code == 201

    path = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    answer = _send(guard, "DELETE", path, {"phoneNumbers": [NEW_NUMBER, SEEDED_NUMBER]})

    _assert_refused(answer, guard, "was not imported by this run")
    assert service.number_status(SEEDED_NUMBER) == 200
    assert service.number_status(NEW_NUMBER) == 200


def test_a_number_the_run_imported_may_be_changed_and_released(guard: Guard, service: Service) -> None:
    assert _send(guard, "POST", _number_path(NEW_NUMBER), {"clientEnv": "sandbox"}).status_code == 201

    reassigned = _send(guard, "PATCH", _number_path(NEW_NUMBER), {"connectorId": "conn-dev-en"})
    released = _send(guard, "DELETE", _number_path(NEW_NUMBER))

    assert reassigned.status_code == 200
    assert reassigned.json()["connectorId"] == "conn-dev-en"
    assert released.json() == {"deleted": NEW_NUMBER}
    assert service.number_status(NEW_NUMBER) == 404
    assert guard.policy.still_held == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("DELETE", "connectors/conn-dev-en", None),
        ("PATCH", "connectors/conn-dev-en", {"voiceName": "en-GB-Neural2-B"}),
        ("PATCH", "connectors/batch", {"updates": [{"connectorId": "conn-dev-en", "voiceName": None}]}),
    ],
)
def test_connector_writes_are_refused(guard: Guard, service: Service, method: str, path: str, body: Any) -> None:
    answer = _send(guard, method, f"/v1/agents/{AGENT}/telephony/{path}", body)

    _assert_refused(answer, guard, "changes a connector")
    assert service.connector_status("conn-dev-en") == 200


def test_writes_to_another_agent_are_refused(guard: Guard, service: Service) -> None:
    answer = _send(guard, "POST", _number_path(NEW_NUMBER, agent="agent-dev-2"), {"clientEnv": "sandbox"})

    _assert_refused(answer, guard, "not the configured 'agent-dev'")


def test_reads_pass_and_the_real_key_is_swapped_in(guard: Guard) -> None:
    answer = _send(guard, "GET", _number_path(SEEDED_NUMBER))

    assert answer.status_code == 200
    assert answer.json()["number"] == SEEDED_NUMBER
    assert guard.refusals == []


# ---------------------------------------------------------------------------------------------
# Teardown and reports


def test_imported_numbers_are_released_even_when_the_run_fails(service: Service) -> None:
    with pytest.raises(RuntimeError, match="the run failed"), Guard(RealTarget(service.url, AGENT, KEY)) as guard:
        assert _send(guard, "POST", _number_path(NEW_NUMBER), {"clientEnv": "sandbox"}).status_code == 201
        assert service.number_status(NEW_NUMBER) == 200
        raise RuntimeError("the run failed")

    assert service.number_status(NEW_NUMBER) == 404
    assert guard.cleanup_log == [f"{NEW_NUMBER}: released"]


def test_real_run_keeps_the_key_out_of_every_report(service: Service, tmp_path: Path) -> None:
    run = conduct("real", environ=service.environment(), report_dir=tmp_path, overrides=TINY_BUDGET)

    guard = run.selected.guard
    assert guard is not None
    assert guard.sent, "the run sent nothing"
    assert guard.policy.still_held == []
    reports = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert {path.suffix for path in reports} == {".md", ".html", ".xml", ".json", ".har"}
    for path in reports:
        text = path.read_text(encoding="utf-8")
        assert KEY not in text
        assert guard.suite_key not in text


def test_dry_run_sends_nothing_to_the_real_target(tmp_path: Path) -> None:
    reached: list[str] = []

    async def tripwire(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with serve(tripwire) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": "real-key-never-sent", "POLYAI_AGENT_ID": "agent-real"}
        planned = plan_night(environ=environ, report_dir=tmp_path, sample={**TINY_BUDGET, "max-time": 10})

    assert reached == []
    listing = planned.path.read_text(encoding="utf-8")
    assert f"nothing was sent to {url}" in listing
    assert "/v1/agents/agent-real/telephony/" in listing
    assert "real-key-never-sent" not in listing
    assert planned.outcome.cases > 0


# ---------------------------------------------------------------------------------------------
# Outbound calls: a real phone rings, so both a flag and a named number are needed, and only it


ALLOWED = "+442079460999"
CALLS = Catalogue.from_document(
    {
        "paths": {
            "/v1/agents/{agentId}/telephony/outbound-calls": {
                "post": {
                    "operationId": "placeCall",
                    "tags": ["outbound-calls"],
                    "x-places-call": True,
                    "requestBody": {
                        "content": {"application/json": {"schema": {"properties": {"toNumber": {"type": "string"}}}}}
                    },
                }
            }
        }
    }
)
CALL_PATH = f"/v1/agents/{AGENT}/telephony/outbound-calls"


def _environment(**extra: str) -> dict[str, str]:
    return {"POLYAI_BASE_URL": "https://api.us.poly.ai", "POLYAI_API_KEY": "k", "POLYAI_AGENT_ID": AGENT, **extra}


def _call_policy(target: RealTarget) -> SafetyPolicy:
    return SafetyPolicy(AGENT, allowed_outbound_number=target.allowed_outbound_number, catalogue=CALLS)


@pytest.mark.parametrize(
    ("allow", "environ"),
    [(False, _environment()), (False, _environment(POLYAI_OUTBOUND_ALLOWED_NUMBER=ALLOWED))],
    ids=["neither", "number-without-flag"],
)
def test_no_call_is_placed_without_both_the_flag_and_the_number(allow: bool, environ: dict[str, str]) -> None:
    policy = _call_policy(RealTarget.from_env(environ, allow_outbound_calls=allow))

    reason = policy.refusal("POST", CALL_PATH, {"toNumber": ALLOWED})

    assert reason is not None and "--allow-outbound-calls" in reason
    assert policy.never_sent() == {"placeCall": reason}


@pytest.mark.parametrize("number", ["", "not a number", "+44 20 7946 0999"])
def test_the_flag_without_one_e164_number_stops_the_run(number: str) -> None:
    with pytest.raises(UnsafeTarget, match="POLYAI_OUTBOUND_ALLOWED_NUMBER"):
        RealTarget.from_env(_environment(POLYAI_OUTBOUND_ALLOWED_NUMBER=number), allow_outbound_calls=True)


def test_with_both_only_the_named_number_is_dialled_and_only_once() -> None:
    target = RealTarget.from_env(_environment(POLYAI_OUTBOUND_ALLOWED_NUMBER=ALLOWED), allow_outbound_calls=True)
    policy = _call_policy(target)

    assert policy.never_sent() == {}
    assert "not the one number" in str(policy.refusal("POST", CALL_PATH, {"toNumber": "+442079460998"}))
    assert "not the one number" in str(
        policy.refusal("POST", CALL_PATH, {"toNumber": "02079460999", "countryCode": "GB"})
    )
    assert "not the one number" in str(policy.refusal("POST", CALL_PATH, {"environment": "sandbox"}))
    assert policy.refusal("POST", CALL_PATH, {"toNumber": ALLOWED}) is None
    assert "already placed" in str(policy.refusal("POST", CALL_PATH, {"toNumber": ALLOWED}))


def test_a_call_to_another_agent_is_refused_even_when_calls_are_allowed() -> None:
    policy = SafetyPolicy(AGENT, allowed_outbound_number=ALLOWED, catalogue=CALLS)

    reason = policy.refusal("POST", "/v1/agents/agent-dev-2/telephony/outbound-calls", {"toNumber": ALLOWED})

    assert reason is not None and "agent-dev-2" in reason
    assert policy.calls_placed == 0


def test_every_operation_that_places_a_call_names_the_dialled_number_where_the_guard_reads_it() -> None:
    catalogue = load_catalogue()
    document = load_document()
    calls = [operation for operation in catalogue.values() if operation.places_call]

    assert calls, "the contract has no operation marked x-places-call"
    for operation in calls:
        raw = document["paths"][operation.path][operation.method.lower()]
        schema = resolve(document, raw["requestBody"]["content"]["application/json"]["schema"])
        assert DIALLED_FIELD in schema["required"], operation.operation_id


def test_through_the_guard_one_call_reaches_the_service_and_its_status_can_be_read(service: Service) -> None:
    path = f"/v1/agents/{AGENT}/telephony/outbound-calls"
    target = RealTarget(service.url, AGENT, KEY, allowed_outbound_number=ALLOWED)
    with Guard(target) as guard:
        placed = _send(guard, "POST", path, {"toNumber": ALLOWED, "environment": "sandbox"})
        elsewhere = _send(guard, "POST", path, {"toNumber": "+442079460998", "environment": "sandbox"})
        again = _send(guard, "POST", path, {"toNumber": ALLOWED, "environment": "sandbox"})
        status = _send(guard, "GET", f"{path}/{placed.json()['callSid']}/status?environment=sandbox")

    assert placed.status_code == 200, placed.text
    assert placed.json()["status"] == "QUEUED"
    assert [elsewhere.status_code, again.status_code] == [403, 403]
    assert [refusal.reason for refusal in guard.refusals] == [
        f"it dials '+442079460998', not the one number {ENV_OUTBOUND_NUMBER} allows",
        f"the run has already placed the {MAX_OUTBOUND_CALLS} call it may",
    ]
    assert status.status_code == 200 and status.json()["callSid"] == placed.json()["callSid"]
    assert [sent.method for sent in guard.sent] == ["POST", "GET"]
