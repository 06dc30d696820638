"""Bad input at volume: Schemathesis's negative mode plus a corpus of raw malformed requests.

Every answer must be below 500; every error must be the contract's envelope, with an error_code
from `x-error-codes`, the status that code stands for, and error_id equal to the correlation
header; where the contract decides the code (malformed JSON, a body over the limit, a wrong
content type, an unknown agent), it must be that code. Afterwards the server must still serve.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from live_server import API_KEY, MockProcess
from malformed_requests import MAX_BODY_BYTES, MAX_JSON_DEPTH, Malformed, corpus, repeated_key_cases

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
SPEC = yaml.safe_load(SPEC_PATH.read_text())
ERROR_STATUS = {code: entry["status"] for code, entry in SPEC["x-error-codes"].items()}
ENVELOPE_FIELDS = set(SPEC["components"]["schemas"]["Error"]["required"])
CORRELATION = "x-polyai-correlation-id"


@dataclass
class Tally:
    cases: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    def record(
        self, name: str, status: int, headers: Mapping[str, str], body: bytes | None, expected: frozenset[str] | None
    ) -> None:
        self.cases += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        problem = _problem(status, headers, body, expected)
        if problem is not None:
            self.violations.append(f"{name}: {status} {problem}: {(body or b'')[:200]!r}")


def _problem(
    status: int, headers: Mapping[str, str], body: bytes | None, expected: frozenset[str] | None
) -> str | None:
    if status >= 500:
        return "server error"
    if body is None:
        return None
    if status < 400:
        return None if expected is None else f"accepted; expected one of {sorted(expected)}"
    try:
        envelope = json.loads(body)
    except ValueError:
        return "error body is not JSON"
    if not isinstance(envelope, dict) or set(envelope) != ENVELOPE_FIELDS:
        return "error body is not the Error envelope"
    code = envelope["error_code"]
    if envelope["success"] is not False or envelope["data"] is not None:
        return "envelope has success or data wrong"
    if ERROR_STATUS.get(code) != status:
        return f"error_code {code} does not go with this status"
    if not (isinstance(envelope["error"], str) and envelope["error"].strip()):
        return "error is not a human-readable message"
    if headers.get(CORRELATION) != envelope["error_id"]:
        return "error_id differs from the correlation header"
    if expected is not None and code not in expected:
        return f"error_code {code}; expected one of {sorted(expected)}"
    return None


def send_raw(client: httpx.Client, case: Malformed) -> httpx.Response:
    url = client.base_url.copy_with(raw_path=case.raw_path)
    content: bytes | Iterator[bytes] | None = case.body
    if case.chunked and case.body is not None:
        body = case.body
        content = (body[start : start + 65_536] for start in range(0, len(body), 65_536))
    request = client.build_request(case.method, url, headers=list(case.headers), content=content)
    return client.send(request)


def run_raw_corpus(base_url: str, tally: Tally, every: int, cases: Iterable[Malformed] | None = None) -> None:
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        for index, case in enumerate(corpus() if cases is None else cases):
            if index % every:
                continue
            response = send_raw(client, case)
            # A HEAD answer has no body to judge: only its status can be wrong.
            body = None if case.method == "HEAD" else response.content
            tally.record(case.name, response.status_code, response.headers, body, case.expected_codes)


def run_negative_generation(base_url: str, tally: Tally, examples_per_operation: int) -> None:
    schema = schemathesis.openapi.from_path(SPEC_PATH)
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        # The key and the agent are fixed so that a case is judged on what it breaks, not refused
        # at the door for an unknown agent.
        strategy = operation.as_strategy(
            generation_mode=schemathesis.GenerationMode.NEGATIVE,
            path_parameters={"agentId": "agent-dev"},
            headers={"X-API-KEY": API_KEY},
        )

        @settings(
            max_examples=examples_per_operation,
            phases=[Phase.generate],
            database=None,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def send(case: Any) -> None:
            response = case.call(base_url=base_url, session=session)
            headers = {name: values[0] for name, values in response.headers.items()}
            tally.record(case.operation.label, response.status_code, headers, response.content, None)

        try:
            send()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid once the key and agent are fixed
            # (a connector id is any non-empty string); the raw corpus covers its path.
            continue


def assert_still_serves(base_url: str) -> None:
    number = "+442079460999"
    with httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}, timeout=10.0) as client:
        path = "/v1/agents/agent-dev/telephony/phone-numbers"
        client.request("DELETE", path, json={"phoneNumbers": [number]})
        imported = client.post(path, json={"phoneNumbers": [number], "clientEnv": "sandbox"})
        assert imported.status_code == 201, imported.text
        assert imported.json() == {"imported": [number]}
        fetched = client.get(f"{path}/%2B442079460999")
        assert fetched.status_code == 200, fetched.text
        assert fetched.json() == {
            "number": number,
            "projectId": "proj-dev",
            "accountId": "acct-dev",
            "clientEnv": "sandbox",
        }


def test_corpus_uses_the_contract_limits() -> None:
    assert SPEC["x-limits"]["maxBodyBytes"] == MAX_BODY_BYTES
    assert SPEC["x-limits"]["maxJsonDepth"] == MAX_JSON_DEPTH


@pytest.mark.parametrize(
    ("raw_every", "examples_per_operation", "minimum_cases", "server_args"),
    [
        # The default server stack (httptools and uvloop, as installed), and the h11 fallback.
        pytest.param(5, 25, 500, (), id="short"),
        pytest.param(5, 25, 500, ("--http", "h11"), id="short-h11"),
        pytest.param(1, 800, 10_000, (), id="long", marks=pytest.mark.slow),
    ],
)
def test_bad_input_never_gets_a_5xx(
    raw_every: int, examples_per_operation: int, minimum_cases: int, server_args: tuple[str, ...], tmp_path: Path
) -> None:
    tally = Tally()
    mock = MockProcess(tmp_path / "mock.log", extra_args=server_args)
    mock.start()
    try:
        run_raw_corpus(mock.base_url, tally, raw_every)
        run_negative_generation(mock.base_url, tally, examples_per_operation)
        assert_still_serves(mock.base_url)
    finally:
        mock.stop()
    assert not tally.violations, f"{len(tally.violations)} of {tally.cases} cases:\n" + "\n".join(tally.violations[:40])
    assert tally.cases >= minimum_cases, tally.by_status
    # Negative cases that never reach validation would prove little: most must be refused as 4xx.
    refused = sum(count for status, count in tally.by_status.items() if 400 <= status < 500)
    assert refused >= 0.8 * tally.cases, tally.by_status


def test_a_key_header_sent_twice_is_refused_over_http(tmp_path: Path) -> None:
    """Over a real socket too, two X-API-KEY headers reach the mock as two and are refused, on every operation."""
    tally = Tally()
    mock = MockProcess(tmp_path / "mock.log")
    mock.start()
    try:
        run_raw_corpus(mock.base_url, tally, 1, repeated_key_cases())
        assert_still_serves(mock.base_url)
    finally:
        mock.stop()
    assert not tally.violations, "\n".join(tally.violations)
    assert tally.by_status == {401: tally.cases}
    assert tally.cases == sum(1 for _ in repeated_key_cases())
